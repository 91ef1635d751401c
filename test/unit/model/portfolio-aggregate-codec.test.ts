/**
 * The compact form of an aggregate (shared/model/portfolio-aggregate-codec.ts): decoding what was encoded gives the
 * aggregate back exactly (sums past 2^53 included, zero cells and counts dropped), and a malformed text is refused.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalise } from '../../../shared/model/portfolio-aggregate.ts';
import {
  decodeAggregate,
  encodeAggregate,
  MalformedAggregateError,
} from '../../../shared/model/portfolio-aggregate-codec.ts';
import { aggregateArb } from '../../helpers/portfolio-arbitraries.ts';

const aggregates = aggregateArb(fc.string({ minLength: 1, maxLength: 12 }), { maxLength: 8 });

describe('aggregate codec', () => {
  it('decodes what it encoded, as the normal form', () => {
    fc.assert(
      fc.property(aggregates, (agg) => {
        expect(decodeAggregate(encodeAggregate(agg))).toEqual(normalise(agg));
      }),
    );
  });

  it('refuses a text that is not an array of cells', () => {
    expect(() => decodeAggregate('{"n":1}')).toThrow(MalformedAggregateError);
  });
});
