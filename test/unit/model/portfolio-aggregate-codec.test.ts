/**
 * The compact form of an aggregate (shared/model/portfolio-aggregate-codec.ts): decoding what was encoded gives the
 * aggregate back exactly (sums past 2^53 included, zero cells and counts dropped), and a malformed text is refused.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Aggregate, normalise } from '../../../shared/model/portfolio-aggregate.ts';
import {
  decodeAggregate,
  encodeAggregate,
  MalformedAggregateError,
} from '../../../shared/model/portfolio-aggregate-codec.ts';

const big = fc.bigInt({ min: -(2n ** 90n), max: 2n ** 90n });
const aggregateArb: fc.Arbitrary<Aggregate> = fc
  .array(
    fc.tuple(
      fc.string({ minLength: 1, maxLength: 12 }),
      fc.record({
        n: fc.bigInt({ min: -5n, max: 5n }),
        s: big,
        w: big,
        u: big,
        h: fc.array(fc.tuple(fc.integer({ min: 0, max: 1000 }), fc.bigInt({ min: -3n, max: 3n })), { maxLength: 5 }),
      }),
    ),
    { maxLength: 8 },
  )
  .map((cells) => new Map(cells.map(([id, c]) => [id, { ...c, h: new Map(c.h) }])));

describe('aggregate codec', () => {
  it('decodes what it encoded, as the normal form', () => {
    fc.assert(
      fc.property(aggregateArb, (agg) => {
        expect(decodeAggregate(encodeAggregate(agg))).toEqual(normalise(agg));
      }),
    );
  });

  it('refuses a text that is not an array of cells', () => {
    expect(() => decodeAggregate('{"n":1}')).toThrow(MalformedAggregateError);
  });
});
