/**
 * What an exposure line carries beyond mineral, origin, processing, share and processor (a scrap-fed line, the HS or
 * category entry it was inferred from) survives the supplier item's compact codec, and items written before it
 * existed still read the same.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Exposure } from '../../../shared/model/types.ts';
import { decodeInput, encodeInput } from '../../../shared/store/supplier-items.ts';
import { supplier } from '../../helpers/supplier-input.ts';

const lineArb: fc.Arbitrary<Exposure> = fc
  .record({
    mineral: fc.constantFrom('cobalt', 'tungsten', 'gallium'),
    originCountry: fc.option(fc.constantFrom('CD', 'CN', 'AU'), { nil: null }),
    processingCountry: fc.option(fc.constantFrom('CN', 'FI', 'DE'), { nil: null }),
    share: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: null }),
    processor: fc.option(fc.option(fc.string({ maxLength: 20 }), { nil: null }), { nil: undefined }),
    recycled: fc.boolean(),
    inferredFrom: fc.option(
      fc.constantFrom<NonNullable<Exposure['inferredFrom']>>(
        { kind: 'hs', code: '8505.11', entry: 'permanent-magnets' },
        { kind: 'hs', code: '8541', entry: 'semiconductor-devices' },
        { kind: 'category', code: 'lithium-ion', entry: 'lithium-ion' },
      ),
      { nil: undefined },
    ),
  })
  .map(({ processor, recycled, inferredFrom, ...e }) => {
    const line: Exposure = recycled ? { ...e, originCountry: null, recycled: true } : e;
    if (processor !== undefined) line.processor = processor;
    if (inferredFrom !== undefined) line.inferredFrom = inferredFrom;
    return line;
  });

describe('supplier item lines', () => {
  it('round-trip exactly: recycled lines, lines inferred from an HS code or category, absent or declared-null processors (any lines)', () => {
    fc.assert(
      fc.property(fc.array(lineArb, { minLength: 1, maxLength: 6 }), (exposures) => {
        const input = supplier({ supplierId: 'S-1', exposures });
        expect(decodeInput('S-1', encodeInput(input))).toEqual(input);
      }),
      { numRuns: 200 },
    );
  });

  it('a line written before recycled lines existed reads as it did', () => {
    const older = JSON.stringify([
      null,
      null,
      null,
      null,
      0,
      0,
      [
        ['cobalt', 'CD', 'CN', 0.5],
        ['cobalt', null, null, null, 'Huayou'],
      ],
    ]);
    expect(decodeInput('S-1', older).exposures).toEqual([
      { mineral: 'cobalt', originCountry: 'CD', processingCountry: 'CN', share: 0.5 },
      { mineral: 'cobalt', originCountry: null, processingCountry: null, share: null, processor: 'Huayou' },
    ]);
  });
});
