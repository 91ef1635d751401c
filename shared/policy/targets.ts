/**
 * Which stored suppliers a policy revision can move, decided without scoring them: a superset of those whose
 * score changes, as small as the model allows. Pure.
 *
 * A measure on a mineral moves every supplier of that mineral whatever its countries, because the model's world-
 * market term weighs every producer's measures (docs/model.md); it moves only buyers it reaches (its destination).
 * An agreement moves its buyer country's suppliers of its minerals, sourcing from or processed in its partner (or
 * processed in a place not stated: the model then takes the world's processing mix, partner included).
 */
import type { SupplierInput } from '../model/types.ts';
import { productCategories } from '../reference/data/product-categories.ts';
import { countriesOf, type ReferenceData } from '../reference/index.ts';
import type { Agreement, DestinationScope, PolicyEvent } from '../reference/types.ts';
import type { PolicyItem } from './record-revision.ts';
import type { PolicyItemKind } from './types.ts';

export interface ChangeScope {
  /** Mineral ids (groups resolved to members) whose lines can move; 'all' for every mineral. */
  minerals: ReadonlySet<string> | 'all';
  /** Buyer countries whose scores can move; 'all' when a measure reaches every destination. */
  buyers: ReadonlySet<string> | 'all';
  /** Origin or processing countries a line must meet (agreements); 'any' for measures. */
  countries: ReadonlySet<string> | 'any';
}

/** Mineral ids a measure's tokens stand for (ids, groups, product categories), as the reference builder reads them. */
function expandTokens(ref: ReferenceData, tokens: readonly string[], into: Set<string>): void {
  for (const t of tokens) {
    const category = productCategories[t];
    if (category) {
      if (category.minerals === 'all') for (const m of ref.minerals.values()) into.add(m.id);
      else expandTokens(ref, category.minerals, into);
    } else for (const m of ref.minerals.get(t)?.covers ?? [t]) into.add(m);
  }
}

function eventScope(events: readonly (PolicyEvent | null)[], refs: readonly ReferenceData[]): ChangeScope {
  const minerals = new Set<string>();
  let allBuyers = false;
  const buyers = new Set<string>();
  const addDestination = (d: DestinationScope) => {
    // An entity-level measure reaches listed suppliers of any buyer: every buyer is in scope (a superset).
    if (d.kind === 'all' || d.kind === 'entities') allBuyers = true;
    else buyers.add(d.country);
  };
  for (const e of events) {
    if (!e) continue;
    addDestination(e.destination);
    if (e.kind !== 'suspension') {
      for (const ref of refs) expandTokens(ref, e.minerals, minerals);
      continue;
    }
    // A suspension moves what it suspends: the suspended measures' minerals, as either timeline reads them.
    for (const ref of refs)
      for (const id of e.suspends ?? []) {
        const target = ref.policyEventsById.get(id);
        if (!target) continue;
        expandTokens(ref, target.minerals, minerals);
        addDestination(target.destination);
      }
  }
  return { minerals, buyers: allBuyers ? 'all' : buyers, countries: 'any' };
}

function agreementScope(agreements: readonly (Agreement | null)[]): ChangeScope {
  const minerals = new Set<string>();
  let allMinerals = false;
  const buyers = new Set<string>();
  const countries = new Set<string>();
  for (const a of agreements) {
    if (!a) continue;
    // A party may be a group (`EU`): the agreement moves every member's buyers, or lines from every member.
    for (const c of countriesOf(a.buyerCountry)) buyers.add(c);
    for (const c of countriesOf(a.partnerCountry)) countries.add(c);
    if (a.minerals.length === 0) allMinerals = true;
    for (const m of a.minerals) minerals.add(m);
  }
  return { minerals: allMinerals ? 'all' : minerals, buyers, countries };
}

/** What a revision from `before` to `after` (either absent) can move; `refs` are the timelines before and after. */
export function changeScope(
  kind: PolicyItemKind,
  before: PolicyItem | null,
  after: PolicyItem | null,
  refs: readonly ReferenceData[],
): ChangeScope {
  return kind === 'policy-event'
    ? eventScope([before as PolicyEvent | null, after as PolicyEvent | null], refs)
    : agreementScope([before as Agreement | null, after as Agreement | null]);
}

/** The scope of several revisions at once (a run applying revisions r+1 … n). */
export function unionScopes(scopes: readonly ChangeScope[]): ChangeScope {
  const merge = <T extends string>(xs: readonly (ReadonlySet<string> | T)[], all: T): ReadonlySet<string> | T => {
    if (xs.some((x) => x === all)) return all;
    const out = new Set<string>();
    for (const x of xs) for (const v of x as ReadonlySet<string>) out.add(v);
    return out;
  };
  return {
    minerals: merge(
      scopes.map((s) => s.minerals),
      'all',
    ),
    buyers: merge(
      scopes.map((s) => s.buyers),
      'all',
    ),
    countries: merge(
      scopes.map((s) => s.countries),
      'any',
    ),
  };
}

/** Whether a stored supplier (its input, for a buyer country) is within the scope. */
export function inScope(scope: ChangeScope, ref: ReferenceData, input: SupplierInput, buyerCountry: string): boolean {
  if (scope.buyers !== 'all' && !scope.buyers.has(buyerCountry)) return false;
  const mineralMeets = (mineral: string) => {
    if (scope.minerals === 'all') return true;
    for (const m of ref.minerals.get(mineral)?.covers ?? [mineral]) if (scope.minerals.has(m)) return true;
    return false;
  };
  if (scope.countries === 'any') return input.exposures.some((e) => mineralMeets(e.mineral));
  const countries = scope.countries;
  // A line meets a country-scoped change (an agreement) if it is mined or processed there, or mined or processed
  // where not stated (the model takes the world's mining or processing mix); a mineral whose stated shares leave part of it undeclared
  // meets it too (the model fills that part with the world mix, every producer included: allocateShares, score.ts).
  const stated = new Map<string, { sum: number; unstated: boolean }>();
  for (const e of input.exposures) {
    const t = stated.get(e.mineral) ?? { sum: 0, unstated: false };
    if (e.share === null) t.unstated = true;
    else t.sum += e.share;
    stated.set(e.mineral, t);
    if (!mineralMeets(e.mineral)) continue;
    // An unknown origin is the world's mining mix: every producer of the mineral, the partner included.
    if (
      e.originCountry === null ||
      countries.has(e.originCountry) ||
      e.processingCountry === null ||
      countries.has(e.processingCountry)
    )
      return true;
  }
  for (const [mineral, t] of stated) if (!t.unstated && t.sum < 1 - 1e-9 && mineralMeets(mineral)) return true;
  return false;
}
