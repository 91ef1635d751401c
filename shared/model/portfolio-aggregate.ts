/**
 * A tenant's portfolio as sums of its suppliers' contributions (portfolio-contribution.ts), one cell per group:
 * the whole portfolio, each mineral, each origin country, each mineral × country, each band, and the totals. Every
 * field is an integer sum (bigint: a million suppliers' spend × score passes 2^53), so adding and removing
 * contributions in any order gives the same cells — which is what lets the store maintain them incrementally.
 *
 * The maximum score is not a sum: a cell keeps, per score value (tenths), how many of its slices have it. The
 * maximum is the highest value with a positive count, and survives removals (a count going back to 0). Pure.
 */
import type { Contribution } from './portfolio-contribution.ts';
import type { Band } from './types.ts';

export interface Cell {
  /** Suppliers counted in the cell (a supplier counts once per cell however many of its slices fall in it). */
  n: bigint;
  /** Spend, micro-USD. */
  s: bigint;
  /** Σ spend × score (micro-USD × tenths): the mineral score for groups, the supplier score for the totals. */
  w: bigint;
  /** Unallocated spend, micro-USD (the totals cell only). */
  u: bigint;
  /** Slices per mineral score (tenths): the maximum's representation (group cells only). */
  h: Map<number, bigint>;
}

/** Cells by id (cellId). */
export type Aggregate = Map<string, Cell>;

/** The ids of the cells. Minerals and countries carry no `#` (lowercase names, ISO codes, `WORLD`). */
export const cellId = {
  all: 'A',
  mineral: (m: string) => `M#${m}`,
  country: (c: string) => `C#${c}`,
  pair: (m: string, c: string) => `X#${m}#${c}`,
  band: (b: Band) => `B#${b}`,
  totals: 'T',
} as const;

export const emptyCell = (): Cell => ({ n: 0n, s: 0n, w: 0n, u: 0n, h: new Map() });

function cellOf(agg: Aggregate, id: string): Cell {
  let c = agg.get(id);
  if (!c) {
    c = emptyCell();
    agg.set(id, c);
  }
  return c;
}

/** Adds `sign` × the contribution to the cells (sign −1 removes it). */
export function applyContribution(agg: Aggregate, c: Contribution, sign: 1 | -1): void {
  const k = BigInt(sign);
  const spend = BigInt(c.spend);
  const totals = cellOf(agg, cellId.totals);
  totals.n += k;
  totals.s += k * spend;
  totals.w += k * spend * BigInt(c.score10);
  if (c.slices.length === 0) totals.u += k * spend;
  const band = cellOf(agg, cellId.band(c.band));
  band.n += k;
  band.s += k * spend;
  const counted = new Set<string>();
  for (const x of c.slices) {
    const s = BigInt(x.spend);
    for (const id of [
      cellId.all,
      cellId.mineral(x.mineral),
      cellId.country(x.country),
      cellId.pair(x.mineral, x.country),
    ]) {
      const cell = cellOf(agg, id);
      if (!counted.has(id)) {
        counted.add(id);
        cell.n += k;
      }
      cell.s += k * s;
      cell.w += k * s * BigInt(x.score10);
      cell.h.set(x.score10, (cell.h.get(x.score10) ?? 0n) + k);
    }
  }
}

const isZero = (c: Cell) =>
  c.n === 0n && c.s === 0n && c.w === 0n && c.u === 0n && [...c.h.values()].every((v) => v === 0n);

/** Drops zero counts and cells: the canonical form, so equal aggregates compare equal. */
export function normalise(agg: Aggregate): Aggregate {
  const out: Aggregate = new Map();
  for (const [id, c] of [...agg.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const h = new Map([...c.h.entries()].filter(([, v]) => v !== 0n).sort(([a], [b]) => a - b));
    const cell = { ...c, h };
    if (!isZero(cell)) out.set(id, cell);
  }
  return out;
}

/** The change a write makes: its new contribution added, its old one removed (null: none), zero cells dropped. */
export function contributionDelta(before: Contribution | null, after: Contribution | null): Aggregate {
  const agg: Aggregate = new Map();
  if (before) applyContribution(agg, before, -1);
  if (after) applyContribution(agg, after, 1);
  return normalise(agg);
}

/** Adds `delta` into `into` (in place). */
export function addAggregate(into: Aggregate, delta: Aggregate): Aggregate {
  for (const [id, d] of delta) {
    const c = cellOf(into, id);
    c.n += d.n;
    c.s += d.s;
    c.w += d.w;
    c.u += d.u;
    for (const [v, k] of d.h) c.h.set(v, (c.h.get(v) ?? 0n) + k);
  }
  return into;
}

/** The aggregate of a set of suppliers' contributions. */
export function aggregateOf(contributions: Iterable<Contribution>): Aggregate {
  const agg: Aggregate = new Map();
  for (const c of contributions) applyContribution(agg, c, 1);
  return normalise(agg);
}
