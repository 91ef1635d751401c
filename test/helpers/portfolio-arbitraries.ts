import fc from 'fast-check';
import type { Aggregate } from '../../shared/model/portfolio-aggregate.ts';

/** Random aggregates (not normalised: zero counts and cells may be in it), sums well past 2^53 included. */
export function aggregateArb(ids: fc.Arbitrary<string>, cells: { minLength?: number; maxLength: number }) {
  const big = fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n });
  const cell = fc.record({
    n: fc.bigInt({ min: -5n, max: 5n }),
    s: big,
    w: big,
    u: big,
    h: fc.array(fc.tuple(fc.integer({ min: 0, max: 1000 }), fc.bigInt({ min: -3n, max: 3n })), { maxLength: 5 }),
  });
  return fc
    .array(fc.tuple(ids, cell), cells)
    .map((list): Aggregate => new Map(list.map(([id, c]) => [id, { ...c, h: new Map(c.h) }])));
}
