/**
 * Entity-level measures (China's 2026-06-22 list): a supplier that is, or a line whose declared processor is, a
 * listed entity is reached by the measure, on its flows through China; any other supplier scores exactly as if the
 * measure did not exist.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { entityKey, entityMatches } from '../../../shared/model/entities.ts';
import { createScorer } from '../../../shared/model/score.ts';
import { normaliseSupplier } from '../../../shared/model/supplier-input.ts';
import type { SupplierInput } from '../../../shared/model/types.ts';
import { buildReferenceData, referenceData } from '../../../shared/reference/index.ts';
import { context, supplier } from '../../helpers/supplier-input.ts';

const ref = referenceData();
const without = buildReferenceData({ policyEvents: ref.policyEvents.filter((e) => e.id !== 'CN-2026-ENTITIES') });
const AS_OF = '2026-12-03';
const score = (data: typeof ref, s: SupplierInput) => createScorer(data, context(AS_OF)).score(s);
const named = (name: string | null, origin: string | null, processing: string | null, processor?: string) =>
  supplier({
    supplierName: name,
    exposures: [
      {
        mineral: 'neodymium',
        originCountry: origin,
        processingCountry: processing,
        share: 1,
        ...(processor ? { processor } : {}),
      },
    ],
  });

describe('entity names', () => {
  it.each([
    ['MP Materials Corp.', 'mp materials'],
    ['MP MATERIALS CORPORATION', 'mp materials'],
    ['  mp-materials, inc ', 'mp materials'],
    ['USA Rare Earth, LLC', 'usa rare earth'],
    ['The Aveox Company', 'aveox'],
    ['Société Générale S.A.', 'societe generale'],
    ['Co', 'co'],
  ])('%j is %j', (raw, key) => {
    expect(entityKey(raw)).toBe(key);
  });

  it('a supplier name or a line processor matches; other names do not', () => {
    expect([...entityMatches(ref, ['MP Materials Corp', null])]).toEqual([['CN-2026-ENTITIES', 'MP Materials']]);
    expect([...entityMatches(ref, ['Acme', 'usa rare earth llc'])]).toEqual([['CN-2026-ENTITIES', 'USA Rare Earth']]);
    expect(entityMatches(ref, ['MP Materials Trading Partners', 'Acme']).size).toBe(0);
  });
});

describe('an entity-level measure', () => {
  it('reaches a listed supplier, or a listed processor, on flows through China', () => {
    const plain = score(ref, named('Acme', 'CN', 'CN')).score;
    expect(plain).toBe(83.5);
    expect(score(ref, named('MP Materials Corp.', 'CN', 'CN')).score).toBe(95.8);
    const viaProcessor = score(ref, named('Acme', 'CN', 'CN', 'MP Materials'));
    expect(viaProcessor.score).toBe(95.8);
    expect(viaProcessor.drivers[0]?.text).toMatch(/MP Materials \(this supplier or its processor\) is listed/);
    expect(viaProcessor.minerals[0]?.lines[0]?.stages[1]?.measures).toContainEqual(
      expect.objectContaining({ id: 'CN-2026-ENTITIES', entity: 'MP Materials', state: 'active' }),
    );
    // Refined where not stated: the world refining mix, China included.
    expect(score(ref, named('MP Materials', 'US', null)).score).toBe(90.9);
    expect(score(ref, named('Acme', 'US', null)).score).toBe(79.7);
    // Nowhere near China: untouched.
    expect(score(ref, named('MP Materials', 'US', 'US')).score).toBe(
      score(without, named('MP Materials', 'US', 'US')).score,
    );
  });

  it('a supplier whose rows name no listed entity scores exactly as without the measure (property)', () => {
    const names = fc.constantFrom(null, 'Acme', 'Nordmag Magnetics GmbH', 'MP Metals', 'Rare Earth USA');
    const countries = fc.constantFrom(null, 'CN', 'US', 'AU', 'MY');
    fc.assert(
      fc.property(
        names,
        fc.array(
          fc.record({
            mineral: fc.constantFrom('neodymium', 'gallium', 'graphite', 'cobalt'),
            o: countries,
            p: countries,
            processor: names,
          }),
          {
            minLength: 1,
            maxLength: 4,
          },
        ),
        (name, lines) => {
          const s = supplier({
            supplierName: name,
            exposures: lines.map((l) => ({
              mineral: l.mineral,
              originCountry: l.o,
              processingCountry: l.p,
              share: null,
              ...(l.processor ? { processor: l.processor } : {}),
            })),
          });
          expect(score(ref, s).score).toBe(score(without, s).score);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('never lowers a score, and reaches a listed supplier only from its date', () => {
    const listed = named('MP Materials', 'CN', 'CN');
    expect(score(ref, listed).score).toBeGreaterThanOrEqual(score(without, listed).score);
    const dayBefore = (data: typeof ref) => createScorer(data, context('2026-06-21')).score(listed).score;
    expect(dayBefore(ref)).toBe(dayBefore(without));
  });

  it('is declared through the API shape with `processor`', () => {
    const r = normaliseSupplier({
      supplierId: 'S',
      exposures: [
        { mineral: 'Nd', originCountry: 'CN', processor: ' MP Materials ' },
        { mineral: 'Nd', originCountry: 'CN' },
      ],
    });
    expect(r.ok && r.input.exposures.map((e) => e.processor ?? null)).toEqual(['MP Materials', null]);
  });
});
