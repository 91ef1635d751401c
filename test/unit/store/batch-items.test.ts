/** The batch item's folded chunk marks: ranges hold exactly the chunks folded into them, in any order. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  chunkMark,
  decodeRanges,
  encodeRanges,
  FOLDED_ATTR,
  rangeChunks,
  scoredMarks,
} from '../../../shared/store/batch-items.ts';

describe('folded chunk marks', () => {
  it('property: ranges round-trip any set of chunk numbers, and runs collapse', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(20_000), { maxLength: 300 }), (chunks) => {
        const text = encodeRanges(chunks);
        expect([...rangeChunks(decodeRanges(text))]).toEqual([...new Set(chunks)].sort((a, b) => a - b));
        expect(encodeRanges(rangeChunks(decodeRanges(text)))).toBe(text);
      }),
    );
    expect(encodeRanges(Array.from({ length: 14_300 }, (_, i) => 14_299 - i))).toBe('0-14299');
    expect(encodeRanges([5, 1, 2, 3, 9])).toBe('1-3,5,9');
  });

  it('property: a chunk reads as scored when marked or folded, dead-lettered or pending otherwise', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.nat(200), { maxLength: 40 }),
        fc.uniqueArray(fc.nat(200), { maxLength: 40 }),
        fc.nat(200),
        (folded, marked, chunk) => {
          const item: Record<string, unknown> = { [FOLDED_ATTR]: encodeRanges(folded), chunks: 3, chunksDone: 2 };
          for (const n of marked) item[`c${n}`] = true;
          if (!folded.includes(chunk) && !marked.includes(chunk)) item[`d${chunk}`] = { rows: 1 };
          expect(scoredMarks(item).sort((a, b) => a - b)).toEqual([...marked].sort((a, b) => a - b));
          const scored = folded.includes(chunk) || marked.includes(chunk);
          expect(chunkMark(item, chunk).kind).toBe(scored ? 'scored' : 'dead-lettered');
        },
      ),
    );
  });
});
