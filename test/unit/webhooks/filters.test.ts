import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ChangeRecord, ScoreSummary } from '../../../shared/changes/change-record.ts';
import { changeKind } from '../../../shared/changes/events.ts';
import type { Band } from '../../../shared/model/types.ts';
import { matchesFilters, mineralsOf } from '../../../shared/webhooks/filters.ts';
import type { WebhookFilters } from '../../../shared/webhooks/port.ts';

const BANDS: Band[] = ['low', 'medium', 'high', 'critical'];
const MINERALS = ['gallium', 'cobalt', 'dysprosium', 'graphite'];

const summary: fc.Arbitrary<ScoreSummary> = fc.record({
  score: fc.integer({ min: 0, max: 1000 }).map((n) => n / 10),
  band: fc.constantFrom(...BANDS),
  worst: fc.option(
    fc.record({
      mineral: fc.constantFrom(...MINERALS),
      originCountry: fc.constantFrom('CN', 'AU'),
      processingCountry: fc.constant(null),
    }),
    { nil: null },
  ),
});

const record: fc.Arbitrary<ChangeRecord> = fc
  .record({
    before: fc.option(summary, { nil: null }),
    after: fc.option(summary, { nil: null }),
    drivers: fc.array(
      fc.record({
        text: fc.constant<string>('a driver'),
        sources: fc.constant<string[]>(['s']),
        mineral: fc.option(fc.constantFrom(...MINERALS), { nil: null }),
        country: fc.constant(null),
        before: fc.option(fc.integer({ min: 0, max: 50 }), { nil: null }),
        after: fc.option(fc.integer({ min: 0, max: 50 }), { nil: null }),
      }),
      { maxLength: 3 },
    ),
  })
  .filter((r) => r.before !== null || r.after !== null)
  .map((r) => ({
    changeId: 'S-1@1',
    tenant: 'acme',
    supplierId: 'S-1',
    at: '2026-12-03T10:00:00.000Z',
    cause: { kind: 'date' as const },
    ...r,
    delta: r.before && r.after ? Math.round((r.after.score - r.before.score) * 10) / 10 : null,
    modelVersion: null,
    dataVersion: null,
  }));

const filters: fc.Arbitrary<WebhookFilters> = fc.record(
  {
    bands: fc.subarray(BANDS),
    minDelta: fc.integer({ min: 0, max: 40 }),
    minerals: fc.subarray(MINERALS),
    kinds: fc.subarray(['new', 'moved', 'deleted'] as const),
  },
  { requiredKeys: [] },
);

const only = (f: WebhookFilters, key: keyof WebhookFilters): WebhookFilters =>
  f[key] === undefined ? {} : { [key]: f[key] };

describe('webhook filters', () => {
  const moved = (before: Band, after: Band, from: number, to: number): ChangeRecord => ({
    changeId: 'S-1@2',
    tenant: 'acme',
    supplierId: 'S-1',
    at: '2026-12-03T10:00:00.000Z',
    cause: { kind: 'date' },
    before: { score: from, band: before, worst: { mineral: 'gallium', originCountry: 'CN', processingCountry: null } },
    after: { score: to, band: after, worst: { mineral: 'gallium', originCountry: 'CN', processingCountry: null } },
    delta: to - from,
    drivers: [{ text: 'x', sources: [], mineral: 'Cobalt', country: 'CD', before: 1, after: 4 }],
    modelVersion: null,
    dataVersion: null,
  });

  it('examples: bands before or after, minDelta with band changes passing, minerals of worst lines and drivers', () => {
    const small = moved('high', 'high', 60, 62);
    expect(matchesFilters({}, small)).toBe(true);
    expect(matchesFilters({ minDelta: 5 }, small)).toBe(false);
    expect(matchesFilters({ minDelta: 5 }, moved('medium', 'high', 49, 51))).toBe(true);
    expect(matchesFilters({ bands: ['critical'] }, small)).toBe(false);
    expect(matchesFilters({ bands: ['medium'] }, moved('medium', 'high', 49, 51))).toBe(true);
    expect(matchesFilters({ minerals: ['cobalt'] }, small)).toBe(true);
    expect(matchesFilters({ minerals: ['GALLIUM'] }, small)).toBe(true);
    expect(matchesFilters({ minerals: ['graphite'] }, small)).toBe(false);
    expect(matchesFilters({ kinds: ['new', 'deleted'] }, small)).toBe(false);
    expect(matchesFilters({ bands: [], minerals: [], kinds: [] }, small)).toBe(true);
    expect(matchesFilters({ minDelta: 5, bands: ['high'] }, small)).toBe(false);
  });

  it('property: the empty filter takes every change', () => {
    fc.assert(fc.property(record, (r) => matchesFilters({}, r)));
  });

  it('property: a filter matches exactly when each of its parts does (all given must match)', () => {
    fc.assert(
      fc.property(filters, record, (f, r) => {
        const parts = (['bands', 'minDelta', 'minerals', 'kinds'] as const).map((k) => matchesFilters(only(f, k), r));
        expect(matchesFilters(f, r)).toBe(parts.every(Boolean));
      }),
    );
  });

  it('property: each part means what the port says', () => {
    fc.assert(
      fc.property(filters, record, (f, r) => {
        if (f.bands?.length) {
          const want = [r.before?.band, r.after?.band].some((b) => b !== undefined && f.bands?.includes(b));
          expect(matchesFilters({ bands: f.bands }, r)).toBe(want);
        }
        if (f.kinds?.length) expect(matchesFilters({ kinds: f.kinds }, r)).toBe(f.kinds.includes(changeKind(r)));
        if (f.minerals?.length) {
          const about = mineralsOf(r);
          expect(matchesFilters({ minerals: f.minerals }, r)).toBe(f.minerals.some((m) => about.has(m)));
        }
        if (f.minDelta !== undefined) {
          const passes =
            r.before === null ||
            r.after === null ||
            r.before.band !== r.after.band ||
            Math.abs(r.delta ?? 0) >= f.minDelta;
          expect(matchesFilters({ minDelta: f.minDelta }, r)).toBe(passes);
        }
      }),
    );
  });

  it('property: adding a filter part, or narrowing a list, never lets more through (monotone)', () => {
    fc.assert(
      fc.property(filters, filters, record, (f, g, r) => {
        const both: WebhookFilters = { ...f, ...g };
        if (matchesFilters(both, r)) expect(matchesFilters(g, r)).toBe(true);
        if (f.minDelta !== undefined && matchesFilters({ minDelta: f.minDelta + 5 }, r))
          expect(matchesFilters({ minDelta: f.minDelta }, r)).toBe(true);
      }),
    );
  });

  it('property: new and deleted suppliers pass any minDelta', () => {
    fc.assert(
      fc.property(
        record.filter((r) => r.before === null || r.after === null),
        fc.integer({ min: 0, max: 100 }),
        (r, d) => matchesFilters({ minDelta: d }, r),
      ),
    );
  });
});
