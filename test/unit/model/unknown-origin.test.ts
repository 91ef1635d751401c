/**
 * Unknown is an answer: an origin or processing country the user does not know is read as the world mix of that
 * stage, through the API's shape as through a CSV row, and explained as such.
 */
import { describe, expect, it } from 'vitest';
import { isUnknownCountry } from '../../../shared/model/normalise.ts';
import { createScorer } from '../../../shared/model/score.ts';
import { normaliseSupplier } from '../../../shared/model/supplier-input.ts';
import { referenceData } from '../../../shared/reference/index.ts';
import { context, supplier } from '../../helpers/supplier-input.ts';

describe('unknown countries', () => {
  it.each([
    [undefined, true],
    [null, true],
    ['', true],
    ['  Unknown ', true],
    ['N/A', true],
    ['world', true],
    ['NA', false], // Namibia
    ['CN', false],
  ])('isUnknownCountry(%j) is %s', (raw, expected) => {
    expect(isUnknownCountry(raw)).toBe(expected);
  });

  it('an API exposure without an origin, or with "unknown", is a line of unknown origin', () => {
    const r = normaliseSupplier({
      supplierId: 'S',
      exposures: [
        { mineral: 'Dy' },
        { mineral: 'Dy', originCountry: 'unknown', processingCountry: 'Malaysia' },
        { mineral: 'Li', originCountry: null, processingCountry: '' },
      ],
    });
    expect(r.ok && r.input.exposures).toEqual([
      { mineral: 'dysprosium', originCountry: null, processingCountry: null, share: null },
      { mineral: 'dysprosium', originCountry: null, processingCountry: 'MY', share: null },
      { mineral: 'lithium', originCountry: null, processingCountry: null, share: null },
    ]);
  });

  it('two lines of unknown origin with the same processing are a duplicate; a misspelt origin is still an error', () => {
    const r = normaliseSupplier({
      supplierId: 'S',
      exposures: [
        { mineral: 'Dy', originCountry: 'unknown' },
        { mineral: 'Dy' },
        { mineral: 'Dy', originCountry: 'Chna' },
      ],
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => e.path)).toEqual(['exposures[1]', 'exposures[2].originCountry']);
  });

  it('is explained as the world mix, with its leading producer and source, and counted in the WORLD origin', () => {
    const scored = createScorer(referenceData(), context('2026-11-28')).score(
      supplier({ exposures: [{ mineral: 'dysprosium', originCountry: null, processingCountry: 'MY', share: 1 }] }),
    );
    const line = scored.minerals[0]?.lines[0];
    expect(line?.originCountry).toBe('WORLD');
    expect(line?.processingCountry).toBe('MY');
    expect(scored.worst).toEqual({ mineral: 'dysprosium', originCountry: 'WORLD', processingCountry: 'MY' });
    const mining = scored.drivers.find((d) => d.text.startsWith('origin not declared'));
    expect(mining?.text).toMatch(
      /^origin not declared: world dysprosium mine output mix assumed; \d+% of it is in China/,
    );
    expect(mining?.country).toBeNull();
  });
});
