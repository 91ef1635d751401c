/**
 * A tenant's portfolio seen through its scored suppliers: where its spend sits by mineral and origin country, how
 * exposed that spend is, how concentrated its own sourcing of each mineral is, and how its spend splits by band.
 * The answer is computed from the portfolio's aggregate (portfolio-aggregate.ts): from the suppliers here, from the
 * incrementally maintained aggregates in the API (shared/store/portfolio-aggregates.ts) — the same function, so the
 * same suppliers give the same answer either way. Pure: no I/O; the same suppliers give the same result, in order.
 */
import { type Aggregate, aggregateOf, type Cell, cellId } from './portfolio-aggregate.ts';
import { contributionOf } from './portfolio-contribution.ts';
import type { Band, ScoredSupplier } from './types.ts';

export { supplierSpend } from './portfolio-contribution.ts';

export type GroupDimension = 'mineral' | 'country';

/** The group a row stands for: the dimensions asked for, in the order mineral then country. */
export interface ExposureGroupKey {
  mineral?: string;
  /**
   * Origin country (ISO alpha-2) of the lines, `WORLD` for an unknown origin (a line declared unknown, or the
   * undeclared remainder of a supplier's mineral, both scored at the world mining mix), or `RECYCLED` for scrap-fed
   * lines (no mine origin).
   */
  country?: string;
}

export interface ExposureGroup {
  key: ExposureGroupKey;
  /** Distinct suppliers with at least one line in the group (suppliers without spend included). */
  suppliers: number;
  /** Spend allocated to the group's lines, USD (rounded to cents). */
  spendUsd: number;
  /** Spend-weighted mean of the mineral score over the group's lines (0–100, 0.1); null when the group has no spend. */
  spendWeightedScore: number | null;
  /** Highest mineral score over the group's lines, spend or not (0–100). */
  maxScore: number;
}

/** Concentration of the tenant's own sourcing of one mineral. */
export interface MineralConcentration {
  mineral: string;
  /** Spend allocated to the mineral, USD (rounded to cents). */
  spendUsd: number;
  /** Distinct origin countries of the tenant's lines on the mineral (`WORLD` counts as one). */
  origins: number;
  /**
   * Σ over origin countries of (the country's share of the tenant's spend on the mineral)², 0–1 (4 decimals):
   * 1 = all of it from one country; 1/n = spread evenly over n. Null when the mineral carries no spend.
   */
  sourcingHhi: number | null;
}

export interface BandTotals {
  suppliers: number;
  spendUsd: number;
}

export type SpendByBand = Record<Band, BandTotals>;

export interface PortfolioTotals {
  /** Distinct suppliers. */
  suppliers: number;
  /** Total annual spend, USD (rounded to cents). */
  spendUsd: number;
  /** Spend-weighted mean of the suppliers' scores (0–100, 0.1); null when there is no spend. */
  spendWeightedScore: number | null;
  /** Spend of suppliers that declare no mineral, so it cannot be allocated to any group (normally 0). */
  unallocatedSpendUsd: number;
}

/** The HTTP layer echoes the `groupBy` it was asked for beside these fields. */
export interface PortfolioExposure {
  /** By allocated spend, highest first, then by key (mineral, then country). */
  groups: ExposureGroup[];
  /** One row per mineral, whatever `groupBy`; by spend, highest first, then by mineral. */
  concentration: MineralConcentration[];
  spendByBand: SpendByBand;
  totals: PortfolioTotals;
}

const BANDS: readonly Band[] = ['low', 'medium', 'high', 'critical'];

/** Code-point order: deterministic whatever the locale. */
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Micro-USD to USD rounded to cents, half up (exact: bigint until the cents). */
const usd = (micro: bigint) => Number((micro + 5_000n) / 10_000n) / 100;
/** Σ spend × tenths / Σ spend, to one decimal, half up; null without spend. */
const weightedScore = (c: Cell) => (c.s > 0n ? Number((2n * c.w + c.s) / (2n * c.s)) / 10 : null);
/** The highest score (tenths) with a positive count, as a score; 0 for none. */
function maxScore(c: Cell): number {
  let max = 0;
  for (const [v, k] of c.h) if (k > 0n && v > max) max = v;
  return max / 10;
}

const groupPrefix = (dims: readonly GroupDimension[]): string =>
  dims.length === 2 ? 'X#' : dims[0] === 'mineral' ? 'M#' : dims[0] === 'country' ? 'C#' : cellId.all;

function keyOfCell(id: string, dims: readonly GroupDimension[]): ExposureGroupKey {
  const parts = id.split('#');
  if (dims.length === 2) return { mineral: parts[1] as string, country: parts[2] as string };
  if (dims[0] === 'mineral') return { mineral: parts[1] as string };
  if (dims[0] === 'country') return { country: parts[1] as string };
  return {};
}

const compareKeys = (a: ExposureGroupKey, b: ExposureGroupKey) =>
  cmp(a.mineral ?? '', b.mineral ?? '') || cmp(a.country ?? '', b.country ?? '');

function groupsOf(agg: Aggregate, dims: readonly GroupDimension[]): ExposureGroup[] {
  const prefix = groupPrefix(dims);
  const rows: ExposureGroup[] = [];
  for (const [id, c] of agg) {
    if (c.n <= 0n || (prefix === cellId.all ? id !== cellId.all : !id.startsWith(prefix))) continue;
    rows.push({
      key: keyOfCell(id, dims),
      suppliers: Number(c.n),
      spendUsd: usd(c.s),
      spendWeightedScore: weightedScore(c),
      maxScore: maxScore(c),
    });
  }
  return rows.sort((a, b) => b.spendUsd - a.spendUsd || compareKeys(a.key, b.key));
}

/** Per mineral, from its mineral × country cells (countries in code-point order, so the sum is deterministic). */
function concentrationOf(agg: Aggregate): MineralConcentration[] {
  const byMineral = new Map<string, { country: string; s: bigint }[]>();
  for (const [id, c] of agg) {
    if (c.n <= 0n || !id.startsWith('X#')) continue;
    const [, mineral, country] = id.split('#') as [string, string, string];
    const list = byMineral.get(mineral) ?? [];
    list.push({ country, s: c.s });
    byMineral.set(mineral, list);
  }
  const out: MineralConcentration[] = [...byMineral.entries()].map(([mineral, list]) => {
    const spend = list.reduce((a, x) => a + x.s, 0n);
    let hhi = 0;
    if (spend > 0n)
      for (const x of list.sort((a, b) => cmp(a.country, b.country))) hhi += (Number(x.s) / Number(spend)) ** 2;
    return {
      mineral,
      spendUsd: usd(spend),
      origins: list.length,
      sourcingHhi: spend > 0n ? Math.min(1, Math.round(hhi * 10_000) / 10_000) : null,
    };
  });
  return out.sort((a, b) => b.spendUsd - a.spendUsd || cmp(a.mineral, b.mineral));
}

function bandsOf(agg: Aggregate): SpendByBand {
  const out = {} as SpendByBand;
  for (const b of BANDS) {
    const c = agg.get(cellId.band(b));
    out[b] = { suppliers: c ? Number(c.n) : 0, spendUsd: c ? usd(c.s) : 0 };
  }
  return out;
}

/** Totals over the suppliers; the score is the spend-weighted mean of the suppliers' own scores. */
function totalsOf(agg: Aggregate): PortfolioTotals {
  const t = agg.get(cellId.totals);
  if (!t) return { suppliers: 0, spendUsd: 0, spendWeightedScore: null, unallocatedSpendUsd: 0 };
  return {
    suppliers: Number(t.n),
    spendUsd: usd(t.s),
    spendWeightedScore: weightedScore(t),
    unallocatedSpendUsd: usd(t.u),
  };
}

/** Spend by supplier band, and supplier counts (suppliers without spend included). */
export function spendByBand(suppliers: readonly ScoredSupplier[]): SpendByBand {
  return bandsOf(aggregateOf(suppliers.map(contributionOf)));
}

/**
 * The exposure answer from a portfolio's aggregate (portfolioExposure below says what it means); what the API
 * answers from the stored aggregates.
 */
export function exposureOfAggregate(agg: Aggregate, groupBy: readonly GroupDimension[]): PortfolioExposure {
  const dims: GroupDimension[] = (['mineral', 'country'] as const).filter((d) => groupBy.includes(d));
  return {
    groups: groupsOf(agg, dims),
    concentration: concentrationOf(agg),
    spendByBand: bandsOf(agg),
    totals: totalsOf(agg),
  };
}

/**
 * The tenant's spend-weighted exposure.
 *
 * - Spend: each supplier's `annualSpendUsd` is allocated over its minerals equally and, within a mineral, over its
 *   lines by line share (to the micro-dollar: portfolio-contribution.ts). A supplier with `annualSpendUsd` null
 *   counts as 0 spend but is still counted in every supplier count (groups, bands, totals).
 * - Country = the line's origin country; an unknown origin (a line declared unknown, or the undeclared remainder of
 *   a supplier's mineral: origin `WORLD`) is its own `WORLD` group and counts as one origin in the concentration.
 * - Groups carry the spend-weighted mean and the maximum of the *mineral* score of their lines; the totals carry the
 *   spend-weighted mean of the *supplier* scores.
 * - `groupBy` may name mineral, country, both, or neither (one group for the whole portfolio, key `{}`).
 *
 * Suppliers are taken to have distinct ids.
 */
export function portfolioExposure(
  suppliers: readonly ScoredSupplier[],
  groupBy: readonly GroupDimension[],
): PortfolioExposure {
  return exposureOfAggregate(aggregateOf(suppliers.map(contributionOf)), groupBy);
}
