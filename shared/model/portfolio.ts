/**
 * A tenant's portfolio seen through its scored suppliers: where its spend sits by mineral and origin country, how
 * exposed that spend is, how concentrated its own sourcing of each mineral is, and how its spend splits by band.
 * Pure: no I/O; the same suppliers give the same result, in the same order.
 */
import type { Band, ScoredSupplier } from './types.ts';

export type GroupDimension = 'mineral' | 'country';

/** The group a row stands for: the dimensions asked for, in the order mineral then country. */
export interface ExposureGroupKey {
  mineral?: string;
  /**
   * Origin country (ISO alpha-2) of the lines, or `WORLD` for an unknown origin: a line declared unknown, or the
   * undeclared remainder of a supplier's mineral (both scored at the world mining mix).
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

const round1 = (x: number) => Math.round(x * 10) / 10;
const round2 = (x: number) => Math.round(x * 100) / 100;
const round4 = (x: number) => Math.round(x * 10_000) / 10_000;
/** Code-point order: deterministic whatever the locale. */
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The spend a supplier brings to the portfolio. A null `annualSpendUsd` (or anything that is not a finite,
 * non-negative number) counts as 0: the supplier still counts in every supplier count, but weighs nothing.
 */
export function supplierSpend(s: Pick<ScoredSupplier, 'annualSpendUsd'>): number {
  const v = s.annualSpendUsd;
  return v !== null && Number.isFinite(v) && v > 0 ? v : 0;
}

/** One piece of a supplier's spend: a line of one of its minerals. */
interface Slice {
  supplierId: string;
  mineral: string;
  country: string;
  spend: number;
  score: number;
}

/**
 * Each supplier's spend over its minerals equally, and within a mineral over its lines by line share (normalised
 * so the pieces add up to the supplier's spend even where rounded shares do not sum to exactly 1). Lines carrying
 * no share are not exposure and are left out.
 */
function slices(suppliers: readonly ScoredSupplier[]): { out: Slice[]; unallocated: number } {
  const out: Slice[] = [];
  let unallocated = 0;
  for (const s of suppliers) {
    const spend = supplierSpend(s);
    const minerals = s.minerals.filter((m) => m.lines.some((l) => l.share > 0));
    if (minerals.length === 0) {
      unallocated += spend;
      continue;
    }
    const perMineral = spend / minerals.length;
    for (const m of minerals) {
      const lines = m.lines.filter((l) => l.share > 0);
      const shareSum = lines.reduce((a, l) => a + l.share, 0);
      for (const l of lines)
        out.push({
          supplierId: s.supplierId,
          mineral: m.mineral,
          country: l.originCountry,
          spend: (perMineral * l.share) / shareSum,
          score: m.score,
        });
    }
  }
  return { out, unallocated };
}

interface Acc {
  key: ExposureGroupKey;
  suppliers: Set<string>;
  spend: number;
  weighted: number;
  max: number;
}

function keyOf(slice: Slice, dims: readonly GroupDimension[]): ExposureGroupKey {
  const key: ExposureGroupKey = {};
  if (dims.includes('mineral')) key.mineral = slice.mineral;
  if (dims.includes('country')) key.country = slice.country;
  return key;
}

const compareKeys = (a: ExposureGroupKey, b: ExposureGroupKey) =>
  cmp(a.mineral ?? '', b.mineral ?? '') || cmp(a.country ?? '', b.country ?? '');

/** Spend by supplier band, and supplier counts (suppliers without spend included). */
export function spendByBand(suppliers: readonly ScoredSupplier[]): SpendByBand {
  const spend: Record<Band, number> = { low: 0, medium: 0, high: 0, critical: 0 };
  const ids: Record<Band, Set<string>> = { low: new Set(), medium: new Set(), high: new Set(), critical: new Set() };
  for (const s of suppliers) {
    spend[s.band] += supplierSpend(s);
    ids[s.band].add(s.supplierId);
  }
  const out = {} as SpendByBand;
  for (const b of BANDS) out[b] = { suppliers: ids[b].size, spendUsd: round2(spend[b]) };
  return out;
}

/** Totals over the suppliers; the score is the spend-weighted mean of the suppliers' own scores. */
function totalsOf(suppliers: readonly ScoredSupplier[], unallocated: number): PortfolioTotals {
  let spend = 0;
  let weighted = 0;
  for (const s of suppliers) {
    const x = supplierSpend(s);
    spend += x;
    weighted += x * s.score;
  }
  return {
    suppliers: new Set(suppliers.map((s) => s.supplierId)).size,
    spendUsd: round2(spend),
    spendWeightedScore: spend > 0 ? round1(weighted / spend) : null,
    unallocatedSpendUsd: round2(unallocated),
  };
}

/**
 * The tenant's spend-weighted exposure.
 *
 * - Spend: each supplier's `annualSpendUsd` is allocated over its minerals equally and, within a mineral, over its
 *   lines by line share. A supplier with `annualSpendUsd` null counts as 0 spend but is still counted in every
 *   supplier count (groups, bands, totals).
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
  const dims: GroupDimension[] = (['mineral', 'country'] as const).filter((d) => groupBy.includes(d));
  const { out, unallocated } = slices(suppliers);

  const groups = new Map<string, Acc>();
  const perMineral = new Map<string, { spend: number; byCountry: Map<string, number> }>();
  for (const sl of out) {
    const key = keyOf(sl, dims);
    const id = `${key.mineral ?? ''}|${key.country ?? ''}`;
    let g = groups.get(id);
    if (!g) {
      g = { key, suppliers: new Set(), spend: 0, weighted: 0, max: 0 };
      groups.set(id, g);
    }
    g.suppliers.add(sl.supplierId);
    g.spend += sl.spend;
    g.weighted += sl.spend * sl.score;
    g.max = Math.max(g.max, sl.score);

    let m = perMineral.get(sl.mineral);
    if (!m) {
      m = { spend: 0, byCountry: new Map() };
      perMineral.set(sl.mineral, m);
    }
    m.spend += sl.spend;
    m.byCountry.set(sl.country, (m.byCountry.get(sl.country) ?? 0) + sl.spend);
  }

  const groupRows: ExposureGroup[] = [...groups.values()].map((g) => ({
    key: g.key,
    suppliers: g.suppliers.size,
    spendUsd: round2(g.spend),
    spendWeightedScore: g.spend > 0 ? round1(g.weighted / g.spend) : null,
    maxScore: g.max,
  }));
  groupRows.sort((a, b) => b.spendUsd - a.spendUsd || compareKeys(a.key, b.key));

  const concentration: MineralConcentration[] = [...perMineral.entries()].map(([mineral, m]) => {
    let hhi = 0;
    if (m.spend > 0) for (const x of m.byCountry.values()) hhi += (x / m.spend) ** 2;
    return {
      mineral,
      spendUsd: round2(m.spend),
      origins: m.byCountry.size,
      sourcingHhi: m.spend > 0 ? Math.min(1, round4(hhi)) : null,
    };
  });
  concentration.sort((a, b) => b.spendUsd - a.spendUsd || cmp(a.mineral, b.mineral));

  return {
    groups: groupRows,
    concentration,
    spendByBand: spendByBand(suppliers),
    totals: totalsOf(suppliers, unallocated),
  };
}
