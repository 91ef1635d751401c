/**
 * A recount of the portfolio aggregates from stored suppliers (issue 12), as partials that merge exactly: a partial
 * is what one scan segment (or one page of it) saw — every tenant's aggregate of its suppliers' contributions, the
 * tenants whose aggregate items it met (so a tenant left without suppliers gets an empty recount), and how many
 * suppliers it counted. Sums are integers, so any split of the table merged in any order gives the same recount.
 * Pure.
 */

import { type Aggregate, addAggregate, applyContribution, normalise } from './portfolio-aggregate.ts';
import { decodeAggregate, encodeAggregate } from './portfolio-aggregate-codec.ts';
import type { Contribution } from './portfolio-contribution.ts';

export interface RecountPartial {
  /** Per tenant, the aggregate of the suppliers counted. */
  aggregates: Map<string, Aggregate>;
  /** Tenants with aggregate items (a snapshot or deltas) met by the scan, sorted. */
  aggregateTenants: string[];
  suppliers: number;
}

export const emptyRecount = (): RecountPartial => ({ aggregates: new Map(), aggregateTenants: [], suppliers: 0 });

/** Adds a page of the scan into `into` (in place). */
export function addToRecount(
  into: RecountPartial,
  page: {
    contributions: readonly { tenant: string; contribution: Contribution }[];
    aggregateTenants: readonly string[];
  },
): RecountPartial {
  for (const { tenant, contribution } of page.contributions) {
    let agg = into.aggregates.get(tenant);
    if (!agg) {
      agg = new Map();
      into.aggregates.set(tenant, agg);
    }
    applyContribution(agg, contribution, 1);
    into.suppliers++;
  }
  if (page.aggregateTenants.length > 0)
    into.aggregateTenants = [...new Set([...into.aggregateTenants, ...page.aggregateTenants])].sort();
  return into;
}

/** The merge of partials (new maps: the inputs are left as they are). */
export function mergeRecounts(partials: readonly RecountPartial[]): RecountPartial {
  const out = emptyRecount();
  const tenants = new Set<string>();
  for (const p of partials) {
    for (const [tenant, agg] of p.aggregates) {
      let into = out.aggregates.get(tenant);
      if (!into) {
        into = new Map();
        out.aggregates.set(tenant, into);
      }
      addAggregate(into, agg);
    }
    for (const t of p.aggregateTenants) tenants.add(t);
    out.suppliers += p.suppliers;
  }
  out.aggregateTenants = [...tenants].sort();
  return out;
}

/** Every tenant the recount replaces, with its aggregate (empty: it has no supplier left), sorted by tenant. */
export function recountedTenants(recount: RecountPartial): [string, Aggregate][] {
  const tenants = new Set([...recount.aggregates.keys(), ...recount.aggregateTenants]);
  return [...tenants].sort().map((t) => [t, normalise(recount.aggregates.get(t) ?? new Map())]);
}

/** A partial as JSON text (aggregates in their compact form), and back. */
export function encodeRecount(p: RecountPartial): string {
  return JSON.stringify({
    suppliers: p.suppliers,
    aggregateTenants: p.aggregateTenants,
    aggregates: [...p.aggregates].map(([t, a]) => [t, encodeAggregate(a)]),
  });
}

export function decodeRecount(text: string): RecountPartial {
  const v = JSON.parse(text) as { suppliers: number; aggregateTenants: string[]; aggregates: [string, string][] };
  return {
    suppliers: v.suppliers,
    aggregateTenants: v.aggregateTenants,
    aggregates: new Map(v.aggregates.map(([t, a]) => [t, decodeAggregate(a)])),
  };
}
