/**
 * How the supplier list reads one shard of the `byScore` index in the list's order (keys.ts) while some entries still
 * hold the former key format. DynamoDB orders a shard by the keys' bytes, where the two formats interleave
 * (`0#…` < `0000#…`–`0999#…` < `1#…` < `1000#…` < `2#…` < `3#…`), so a shard is read as two sources, each a list
 * of key ranges read in turn, whose entries come in the list's order (byScorePosition): the current keys, band by
 * band; the former keys, by inverted score, which is their order too (a band rises with the inverted score). The list
 * merges every source of every shard. Pure: the adapter (supplier-reads.ts) queries the ranges.
 */
import { BAND_RANK, BY_SCORE_POSITION, byScoreBandRange, compareKeyBytes, rankOfLegacy } from './keys.ts';

/** A range of a shard's keys, [lo, hi], of one format. */
export interface KeyRange {
  lo: string;
  hi: string;
  legacy: boolean;
}

const RANKS: readonly number[] = Object.values(BAND_RANK);
const pad4 = (n: number) => String(n).padStart(4, '0');

/** The inverted scores (0–1000) the former keys of each rank hold: [first, last], in rank order. */
const LEGACY_INVERTED: readonly [number, number][] = RANKS.map((rank) => {
  const of = Array.from({ length: 1001 }, (_, inverted) => inverted).filter((i) => rankOfLegacy(i) === rank);
  return [of[0] ?? 1001, of[of.length - 1] ?? 1000];
});

/** Former keys with inverted scores [first, last]: split below 1000, since the current `1#…` keys sort between. */
function legacyRanges(first: number, last: number): KeyRange[] {
  const pieces: [number, number][] =
    first < 1000 && last >= 1000
      ? [
          [first, 999],
          [1000, last],
        ]
      : first <= last
        ? [[first, last]]
        : [];
  return pieces.map(([a, b]) => ({ lo: `${pad4(a)}#`, hi: `${pad4(b)}$`, legacy: true }));
}

/** The two sources of a shard (current keys, former keys), of one band's rank or of all. */
export function byScoreSources(rank?: number): KeyRange[][] {
  const ranks = rank === undefined ? RANKS : [rank];
  const current = ranks.map((r): KeyRange => ({ ...byScoreBandRange(r), legacy: false }));
  const inverted = ranks.map((r) => LEGACY_INVERTED[r] as [number, number]);
  const legacy = legacyRanges(Math.min(...inverted.map((i) => i[0])), Math.max(...inverted.map((i) => i[1])));
  return [current, legacy];
}

const maxKey = (a: string, b: string) => (compareKeyBytes(a, b) >= 0 ? a : b);
const minKey = (a: string, b: string) => (compareKeyBytes(a, b) <= 0 ? a : b);

/**
 * Where to start reading a range to find what lists after `after` (a position: a current key, or a former key's
 * byScorePosition), inclusive: the caller drops what lists at or before `after`. Null: nothing of the range does.
 */
export function rangeStart(range: KeyRange, after: string | null): string | null {
  const from = after === null ? range.lo : maxKey(range.legacy ? legacyStart(after) : after, range.lo);
  return compareKeyBytes(from, range.hi) > 0 ? null : from;
}

/** The first former key listing at or after a position: past the ranks before it, at its score within its rank. */
function legacyStart(after: string): string {
  const m = BY_SCORE_POSITION.exec(after);
  const rank = Number(m?.[1] ?? 0);
  const [first, last] = LEGACY_INVERTED[rank] as [number, number];
  const bottom = `${pad4(first)}#`;
  const top = `${pad4(last + 1)}#`;
  // `----`: the band's current keys, which list before every former key of the band.
  if (!m || m[2] === '----') return bottom;
  return minKey(maxKey(after.slice(after.indexOf('#') + 1), bottom), top);
}
