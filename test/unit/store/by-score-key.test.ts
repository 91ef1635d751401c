/**
 * The `byScore` key (issue 12): worst band first, by exact score within high and critical, by id within medium and
 * low; keys of the former format (score then id) list in that order too, and the ranges the list reads a shard by
 * (by-score-ranges.ts) hold each key once and skip nothing that lists after a cursor.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_SUPPLIER_ID_LENGTH } from '../../../shared/model/limits.ts';
import { bandOf } from '../../../shared/model/score.ts';
import { byScoreSources, type KeyRange, rangeStart } from '../../../shared/store/by-score-ranges.ts';
import {
  BAND_RANK,
  byScorePosition,
  byScoreSk,
  compareKeyBytes,
  EXACT_SCORE_FROM_RANK,
} from '../../../shared/store/keys.ts';

const id = fc
  .string({ unit: 'grapheme', minLength: 1, maxLength: 12 })
  .filter((s) => s.length <= MAX_SUPPLIER_ID_LENGTH);
/** Scores as stored (tenths), and any double in range (the key rounds to tenths as the stored score is). */
const score = fc.oneof(
  fc.integer({ min: 0, max: 1000 }).map((t) => t / 10),
  fc.double({ min: 0, max: 100, noNaN: true }),
);
const supplier = fc.record({ score, id });
/** The former key, as items written before the band-ordered key hold it. */
const formerKey = (s: { score: number; id: string }) =>
  `${String(1000 - Math.round(s.score * 10)).padStart(4, '0')}#${s.id}`;

const sign = (n: number) => Math.sign(n);
const tenths = (s: number) => Math.round(s * 10);
const rank = (s: number) => BAND_RANK[bandOf(tenths(s) / 10)];
const byId = (a: string, b: string) => compareKeyBytes(a, b);

/** The list's order, as the API documents it. */
function listOrder(a: { score: number; id: string }, b: { score: number; id: string }): number {
  const ra = rank(a.score);
  const rb = rank(b.score);
  if (ra !== rb) return ra - rb;
  if (ra <= BAND_RANK.high && tenths(a.score) !== tenths(b.score)) return tenths(b.score) - tenths(a.score);
  return byId(a.id, b.id);
}

const inRange = (key: string, r: KeyRange) => compareKeyBytes(key, r.lo) >= 0 && compareKeyBytes(key, r.hi) <= 0;

describe('the byScore key', () => {
  it('orders any two suppliers by band, worst first; by score then id in high and critical; by id below', () => {
    fc.assert(
      fc.property(supplier, supplier, (a, b) => {
        expect(sign(compareKeyBytes(byScoreSk(a.score, a.id), byScoreSk(b.score, b.id)))).toBe(sign(listOrder(a, b)));
      }),
    );
  });

  it('holds the exact score from the high band up, and nothing of it below', () => {
    expect(EXACT_SCORE_FROM_RANK).toBe(BAND_RANK.high);
    expect(byScoreSk(87.6, 'a')).toBe('0#0124#a');
    expect(byScoreSk(50, 'a')).toBe('1#0500#a');
    expect(byScoreSk(49.9, 'a')).toBe('2#----#a');
    expect(byScoreSk(0, 'a')).toBe('3#----#a');
    // A score moving within medium or low leaves the key alone: no index write.
    fc.assert(
      fc.property(supplier, score, ({ score: s, id: i }, t) => {
        if (rank(s) === rank(t) && rank(s) > EXACT_SCORE_FROM_RANK) expect(byScoreSk(s, i)).toBe(byScoreSk(t, i));
      }),
    );
  });

  it('lists a former key where the supplier lists once re-keyed in high and critical, after its band below', () => {
    fc.assert(
      fc.property(supplier, supplier, (a, b) => {
        const former = byScorePosition(formerKey(a));
        if (rank(a.score) <= EXACT_SCORE_FROM_RANK) expect(former).toBe(byScoreSk(a.score, a.id));
        const current = byScoreSk(b.score, b.id);
        // Among the current keys: by band; in high and critical as the re-keyed key; below, after its band's.
        const ra = rank(a.score);
        const rb = rank(b.score);
        const expected = ra !== rb ? ra - rb : ra <= EXACT_SCORE_FROM_RANK ? listOrder(a, b) : 1;
        expect(sign(compareKeyBytes(former, current))).toBe(sign(expected));
        // Former keys among themselves: by band, then score, then id.
        const formerB = byScorePosition(formerKey(b));
        const byScoreThenId = rank(a.score) - rank(b.score) || tenths(b.score) - tenths(a.score) || byId(a.id, b.id);
        expect(sign(compareKeyBytes(former, formerB))).toBe(sign(byScoreThenId));
      }),
    );
  });
});

describe('the ranges a shard is read by', () => {
  const all = byScoreSources().flat();

  it('hold every key of either format exactly once, in a range of its format, in list order within a source', () => {
    fc.assert(
      fc.property(fc.array(supplier, { minLength: 1, maxLength: 30 }), (suppliers) => {
        const keys = suppliers.flatMap((s) => [
          { key: byScoreSk(s.score, s.id), legacy: false },
          { key: formerKey(s), legacy: true },
        ]);
        for (const k of keys) {
          const holding = all.filter((r) => inRange(k.key, r));
          expect(holding).toHaveLength(1);
          expect(holding[0]?.legacy).toBe(k.legacy);
        }
        // A source read range after range, each in byte order (DynamoDB's), comes in list order.
        for (const source of byScoreSources()) {
          const read = source.flatMap((r) =>
            keys
              .filter((k) => inRange(k.key, r))
              .map((k) => k.key)
              .sort(compareKeyBytes),
          );
          const positions = read.map(byScorePosition);
          expect(positions).toEqual([...positions].sort(compareKeyBytes));
        }
      }),
    );
  });

  it("a band's ranges hold exactly that band's keys, of either format", () => {
    fc.assert(
      fc.property(supplier, fc.constantFrom(...Object.values(BAND_RANK)), (s, r) => {
        const ranges = byScoreSources(r).flat();
        for (const key of [byScoreSk(s.score, s.id), formerKey(s)])
          expect(ranges.some((range) => inRange(key, range))).toBe(rank(s.score) === r);
      }),
    );
  });

  it('resume where nothing that lists after a position is skipped', () => {
    const anyKey = supplier.chain((s) => fc.constantFrom(byScoreSk(s.score, s.id), formerKey(s)));
    // Any position a cursor can hold (list-cursor.ts), even one no key lists at (a band and a score of another band).
    const crafted = fc
      .tuple(fc.integer({ min: 0, max: 3 }), fc.oneof(fc.integer({ min: 0, max: 1000 }), fc.constant(-1)), id)
      .map(([r, t, i]) => `${r}#${t < 0 ? '----' : String(t).padStart(4, '0')}#${i}`);
    const position = fc.oneof(anyKey.map(byScorePosition), crafted);
    fc.assert(
      fc.property(position, fc.array(anyKey, { maxLength: 20 }), (after, keys) => {
        for (const range of all) {
          const start = rangeStart(range, after);
          for (const key of keys.filter((k) => inRange(k, range)))
            if (compareKeyBytes(byScorePosition(key), after) > 0) {
              expect(start).not.toBeNull();
              expect(compareKeyBytes(key, start as string)).toBeGreaterThanOrEqual(0);
            }
        }
      }),
    );
  });
});
