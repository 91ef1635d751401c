/**
 * What-if scenarios on the embedded export-control timeline: hypothetical measures added, events re-dated or
 * dropped, the tenant's suppliers compared with the base. Nothing is stored; errors come back with their paths.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildScenarioData,
  limitListed,
  runScenario,
  type ScenarioAddition,
  type ScenarioRequest,
  ScenarioRequestError,
} from '../../../shared/model/scenario.ts';
import { createScorer } from '../../../shared/model/score.ts';
import type { SupplierInput } from '../../../shared/model/types.ts';
import { referenceData } from '../../../shared/reference/index.ts';
import { context, line, supplier } from '../../helpers/supplier-input.ts';

const base = referenceData();
const one = (id: string, mineral: string, origin: string, spend: number | null = 1_000_000): SupplierInput =>
  supplier({ supplierId: id, supplierName: id, annualSpendUsd: spend, exposures: [line(mineral, origin, null, 1)] });

const galliumCn = one('GA-CN', 'gallium', 'CN');
const cobaltCd = one('CO-CD', 'cobalt', 'CD');
const holmiumCn = one('HO-CN', 'holmium', 'CN');

const galliumBan = (effectiveFrom: string): ScenarioRequest => ({
  add: [
    {
      country: 'China',
      kind: 'export_ban',
      minerals: ['Ga'],
      effectiveFrom,
      destination: { country: 'US' },
      title: 'China bans gallium exports to US buyers',
    },
  ],
});

const row = (r: ReturnType<typeof runScenario>, id: string) => {
  const found = r.suppliers.find((s) => s.supplierId === id);
  if (!found) throw new Error(`no row for ${id}`);
  return found;
};

describe('"China bans gallium exports to US buyers from 2026-12-01"', () => {
  it('as of 2026-12-05 puts the ban on the China-gallium supplier and leaves cobalt from DR Congo unchanged', () => {
    const r = runScenario(base, galliumBan('2026-12-01'), [galliumCn, cobaltCd], context('2026-12-05', 'US'));
    const ga = row(r, 'GA-CN');
    expect(ga.scenario.score).toBeGreaterThanOrEqual(ga.base.score);
    expect(ga.topDriver).toMatch(/export ban to US buyers active since 2026-12-01 \(China bans gallium/);
    // On the embedded timeline the 2024 US ban (CN-2024-46-C2) is active again once its suspension lapses on
    // 2026-11-27: the restriction on this flow is already total, so a second ban cannot raise it further.
    expect(ga.delta).toBe(0);
    const co = row(r, 'CO-CD');
    expect(co.delta).toBe(0);
    expect(co.scenario).toEqual(co.base);
    expect(r).toMatchObject({ asOf: '2026-12-05', buyerCountry: 'US', baseDataVersion: base.dataVersion });
    expect(r.scenarioDataVersion).not.toBe(base.dataVersion);
  });

  it('raises the China-gallium supplier while the 2024 US ban is still suspended (same ban from 2026-06-01)', () => {
    const r = runScenario(base, galliumBan('2026-06-01'), [cobaltCd, galliumCn], context('2026-06-05', 'US'));
    const ga = row(r, 'GA-CN');
    expect(ga.scenario.score).toBeGreaterThan(ga.base.score);
    expect(ga.delta).toBeGreaterThan(0);
    expect(row(r, 'CO-CD').delta).toBe(0);
    // Ordered by delta, highest first.
    expect(r.suppliers.map((s) => s.supplierId)).toEqual(['GA-CN', 'CO-CD']);
    expect(r.portfolio.delta.spendWeightedScore).toBeGreaterThan(0);
    // Equal spend: the mean of the two scores, to 0.1 (a mean ending in 5 may round either way in floating point).
    const mean = (ga.scenario.score + row(r, 'CO-CD').scenario.score) / 2;
    const weighted = r.portfolio.scenario.spendWeightedScore as number;
    expect(Math.abs(weighted - mean)).toBeLessThanOrEqual(0.05 + 1e-9);
    expect(Math.round(weighted * 10) / 10).toBe(weighted);
  });

  it('does not reach a German buyer', () => {
    const r = runScenario(base, galliumBan('2026-06-01'), [galliumCn], context('2026-06-05', 'DE'));
    expect(row(r, 'GA-CN').delta).toBe(0);
  });
});

describe('"the 2025-11-07 suspension is renewed to 2027-11-10" (CN-2025-70)', () => {
  const renewal: ScenarioRequest = { modify: [{ id: 'CN-2025-70', effectiveUntil: '2027-11-10' }] };

  it('lowers a holmium-from-China supplier as of 2026-12-01', () => {
    const r = runScenario(base, renewal, [holmiumCn, cobaltCd], context('2026-12-01', 'US'));
    const ho = row(r, 'HO-CN');
    expect(ho.scenario.score).toBeLessThan(ho.base.score);
    expect(ho.delta).toBeLessThan(0);
    expect(ho.topDriver).toMatch(/suspended until 2027-11-10/);
    expect(row(r, 'CO-CD').delta).toBe(0);
    expect(r.suppliers.map((s) => s.supplierId)).toEqual(['CO-CD', 'HO-CN']);
    expect(r.portfolio.delta.spendWeightedScore).toBeLessThan(0);
  });

  it('"not renewed": removing the suspension raises holmium while it would still be suspended', () => {
    const r = runScenario(base, { remove: ['CN-2025-70'] }, [holmiumCn], context('2026-06-01', 'US'));
    expect(row(r, 'HO-CN').delta).toBeGreaterThan(0);
  });

  it('removing a suspended measure drops it from its suspension and lowers the score once it would be active', () => {
    const { ref, errors } = buildScenarioData(base, { remove: ['CN-2025-57'] });
    expect(errors).toEqual([]);
    expect(ref.policyEventsById.has('CN-2025-57')).toBe(false);
    expect(ref.policyEventsById.get('CN-2025-70')?.suspends).not.toContain('CN-2025-57');
    const r = runScenario(base, { remove: ['CN-2025-57'] }, [holmiumCn], context('2026-12-01', 'US'));
    expect(row(r, 'HO-CN').delta).toBeLessThan(0);
  });
});

describe('buildScenarioData', () => {
  it('normalises countries, minerals and destinations, and generates ids', () => {
    const { ref, errors } = buildScenarioData(base, {
      add: [
        { country: 'PRC', kind: 'export_quota', minerals: ['REE', 'Dy', 'dysprosium'], effectiveFrom: '2027-01-01' },
        { id: 'MY-OWN', country: 'Indonesia', kind: 'export_ban', minerals: ['nickel'], effectiveFrom: '2027-01-01' },
        {
          country: 'DR Congo',
          kind: 'export_licensing',
          minerals: ['Cobalt'],
          effectiveFrom: '2027-01-01',
          effectiveUntil: '2027-06-30',
          destination: { country: 'USA', military: true },
        },
      ],
    });
    expect(errors).toEqual([]);
    const s1 = ref.policyEventsById.get('SCENARIO-1');
    expect(s1).toMatchObject({
      country: 'CN',
      kind: 'export_quota',
      minerals: ['rare_earths', 'dysprosium'],
      effectiveFrom: '2027-01-01',
      announced: '2027-01-01',
      effectiveUntil: null,
      destination: { kind: 'all' },
    });
    expect(ref.policyEventsById.get('MY-OWN')?.country).toBe('ID');
    expect(ref.policyEventsById.get('SCENARIO-2')).toMatchObject({
      country: 'CD',
      effectiveUntil: '2027-06-30',
      destination: { kind: 'country_military', country: 'US' },
    });
    expect(ref.policyEvents).toHaveLength(base.policyEvents.length + 3);
    // The base is untouched.
    expect(base.policyEventsById.has('SCENARIO-1')).toBe(false);
  });

  it('an empty request is the base itself', () => {
    expect(buildScenarioData(base, {})).toEqual({ ref: base, errors: [] });
    const r = runScenario(base, {}, [galliumCn], context('2026-12-05'));
    expect(r.scenarioDataVersion).toBe(r.baseDataVersion);
    expect(r.suppliers[0]?.delta).toBe(0);
  });

  it('moving effectiveFrom before the announcement moves the announcement too', () => {
    const { ref, errors } = buildScenarioData(base, { modify: [{ id: 'CN-2025-57', effectiveFrom: '2025-01-01' }] });
    expect(errors).toEqual([]);
    expect(ref.policyEventsById.get('CN-2025-57')).toMatchObject({
      announced: '2025-01-01',
      effectiveFrom: '2025-01-01',
    });
  });

  it('a request with errors returns every error with its path and changes nothing', () => {
    const request: ScenarioRequest = {
      add: [
        { country: 'China', kind: 'export_ban', minerals: ['gallium', 'unobtainium'], effectiveFrom: '2026-12-01' },
        {
          country: 'Congo',
          kind: 'export_ban',
          minerals: ['cobalt'],
          effectiveFrom: '2026-02-30',
          effectiveUntil: '2026-01-01',
        },
        {
          country: 'CN',
          kind: 'export_ban',
          minerals: ['Ga'],
          effectiveFrom: '2027-01-01',
          effectiveUntil: '2026-01-01',
        },
        { id: 'CN-2025-70', country: 'CN', kind: 'export_ban', minerals: [], effectiveFrom: '2027-01-01' },
        { country: 'Atlantis', kind: 'embargo' as ScenarioAddition['kind'], minerals: ['Ga'], effectiveFrom: '1/1/27' },
      ],
      modify: [
        { id: 'CN-9999', effectiveUntil: '2027-01-01' },
        { id: 'CN-2025-70', effectiveUntil: '2025-01-01' },
        { id: 'CN-2025-57' },
      ],
      remove: ['CN-2025-61', 'NOPE'],
    };
    const { ref, errors } = buildScenarioData(base, request);
    expect(ref).toBe(base);
    const paths = errors.map((e) => e.path);
    expect(paths).toEqual([
      'remove[1]',
      'modify[0].id',
      'modify[1].effectiveUntil',
      'modify[2]',
      'add[0].minerals[1]',
      'add[1].country',
      'add[1].effectiveFrom',
      'add[2].effectiveUntil',
      'add[3].id',
      'add[3].minerals',
      'add[4].country',
      'add[4].kind',
      'add[4].effectiveFrom',
    ]);
    const message = (path: string) => errors.find((e) => e.path === path)?.message;
    expect(message('remove[1]')).toBe("unknown policy event 'NOPE'");
    expect(message('modify[0].id')).toBe("unknown policy event 'CN-9999'");
    expect(message('modify[1].effectiveUntil')).toMatch(/2025-01-01 is before effectiveFrom 2025-11-07/);
    expect(message('add[0].minerals[1]')).toMatch(/unknown mineral 'unobtainium'/);
    expect(message('add[1].country')).toMatch(/ambiguous/);
    expect(message('add[1].effectiveFrom')).toMatch(/not a calendar date/);
    expect(message('add[2].effectiveUntil')).toMatch(/before effectiveFrom/);
    expect(message('add[3].id')).toMatch(/already used/);
    expect(message('add[4].effectiveFrom')).toMatch(/YYYY-MM-DD/);

    expect(() => runScenario(base, request, [galliumCn], context('2026-12-05'))).toThrow(ScenarioRequestError);
    try {
      runScenario(base, request, [galliumCn], context('2026-12-05'));
    } catch (err) {
      expect((err as ScenarioRequestError).errors).toEqual(errors);
    }
  });

  it('rejects a modify and a remove of the same event, and a second modify of it', () => {
    const { errors } = buildScenarioData(base, {
      modify: [
        { id: 'CN-2025-70', effectiveUntil: '2027-11-10' },
        { id: 'CN-2025-70', effectiveUntil: '2028-11-10' },
        { id: 'CN-2025-57', effectiveUntil: '2028-11-10' },
      ],
      remove: ['CN-2025-57'],
    });
    expect(errors.map((e) => e.path)).toEqual(['modify[1].id', 'modify[2].id']);
  });
});

describe('properties', () => {
  const MINERALS = ['gallium', 'Ga', 'cobalt', 'REE', 'dysprosium', 'holmium', 'graphite', 'lithium', 'tungsten'];
  const COUNTRIES = ['CN', 'China', 'CD', 'AU', 'ID', 'MY', 'CL', 'RU'];
  const MINERAL_IDS = ['gallium', 'cobalt', 'rare_earths', 'dysprosium', 'holmium', 'graphite', 'lithium', 'tungsten'];
  const ORIGINS = ['CN', 'CD', 'AU', 'ID', 'MY', 'CL', 'RU', 'US'];
  const dateArb = fc
    .date({ min: new Date('2024-01-01T00:00:00Z'), max: new Date('2028-12-31T00:00:00Z'), noInvalidDate: true })
    .map((d) => d.toISOString().slice(0, 10));

  const measureArb: fc.Arbitrary<ScenarioAddition> = fc
    .record({
      country: fc.constantFrom(...COUNTRIES),
      kind: fc.constantFrom('export_licensing', 'export_quota', 'export_ban' as const),
      minerals: fc.uniqueArray(fc.constantFrom(...MINERALS), { minLength: 1, maxLength: 3 }),
      from: dateArb,
      days: fc.option(fc.integer({ min: 0, max: 900 }), { nil: null }),
      destination: fc.constantFrom<ScenarioAddition['destination']>(
        'all',
        { country: 'US' },
        { country: 'DE' },
        { country: 'US', military: true },
      ),
    })
    .map(({ country, kind, minerals, from, days, destination }) => ({
      country,
      kind,
      minerals,
      effectiveFrom: from,
      effectiveUntil:
        days === null ? null : new Date(Date.parse(`${from}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10),
      destination,
    }));

  const supplierArb = (id: string): fc.Arbitrary<SupplierInput> =>
    fc
      .uniqueArray(fc.tuple(fc.constantFrom(...MINERAL_IDS), fc.constantFrom(...ORIGINS)), {
        minLength: 1,
        maxLength: 4,
        selector: ([m]) => m,
      })
      .map((pairs) =>
        supplier({ supplierId: id, annualSpendUsd: 1000, exposures: pairs.map(([m, c]) => line(m, c, null, 0.5)) }),
      );

  it('adding a measure never lowers any supplier’s score', () => {
    fc.assert(
      fc.property(
        fc.array(measureArb, { minLength: 1, maxLength: 3 }),
        fc.tuple(supplierArb('A'), supplierArb('B'), supplierArb('C')),
        dateArb,
        fc.constantFrom('US', 'DE'),
        fc.constantFrom('civil', 'military' as const),
        (add, suppliers, asOf, buyer, endUse) => {
          const r = runScenario(base, { add }, suppliers, context(asOf, buyer, endUse));
          for (const s of r.suppliers) {
            expect(s.scenario.score).toBeGreaterThanOrEqual(s.base.score);
            expect(s.delta).toBeGreaterThanOrEqual(0);
          }
          const scored = createScorer(base, context(asOf, buyer, endUse)).score(suppliers[0]);
          expect(row(r, 'A').base.score).toBe(scored.score);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('suppliers are ordered by delta, highest first, then by id', () => {
    fc.assert(
      fc.property(measureArb, fc.tuple(supplierArb('A'), supplierArb('B'), supplierArb('C')), (m, suppliers) => {
        const r = runScenario(base, { add: [m] }, suppliers, context('2027-06-01'));
        for (let i = 1; i < r.suppliers.length; i++) {
          const prev = r.suppliers[i - 1];
          const cur = r.suppliers[i];
          if (!prev || !cur) continue;
          expect(prev.delta > cur.delta || (prev.delta === cur.delta && prev.supplierId < cur.supplierId)).toBe(true);
        }
      }),
      { numRuns: 30 },
    );
  });
});

describe('a long answer', () => {
  it('keeps the largest rises and falls and leaves out the smallest changes, counting them', () => {
    // For a German buyer: a gallium ban to all buyers raises GA-CN, renewing Ann. 70 lowers HO-CN, CO-CD stays.
    const request: ScenarioRequest = {
      add: [{ country: 'CN', kind: 'export_ban', minerals: ['gallium'], effectiveFrom: '2026-12-01' }],
      modify: [{ id: 'CN-2025-70', effectiveUntil: '2027-11-10' }],
    };
    const all = runScenario(base, request, [holmiumCn, cobaltCd, galliumCn], context('2026-12-05', 'DE'));
    expect(all.suppliers.map((s) => [s.supplierId, Math.sign(s.delta)])).toEqual([
      ['GA-CN', 1],
      ['CO-CD', 0],
      ['HO-CN', -1],
    ]);
    expect(all.suppliersOmitted).toBe(0);
    const capped = limitListed(all, 2);
    expect(capped.suppliers.map((s) => s.supplierId)).toEqual(['GA-CN', 'HO-CN']);
    expect(capped.suppliersOmitted).toBe(1);
    expect(capped.portfolio).toEqual(all.portfolio);
  });

  it('when every change is a rise, leaves out unchanged suppliers, not rises', () => {
    const ban: ScenarioRequest = {
      add: [{ country: 'CN', kind: 'export_ban', minerals: ['gallium'], effectiveFrom: '2026-12-01' }],
    };
    const suppliers = [
      one('G1', 'gallium', 'CN'),
      one('G2', 'gallium', 'CN'),
      one('G3', 'gallium', 'CN'),
      one('C1', 'cobalt', 'CD'),
      one('C2', 'cobalt', 'CD'),
      one('C3', 'cobalt', 'CD'),
    ];
    const r = limitListed(runScenario(base, ban, suppliers, context('2026-12-05', 'DE')), 4);
    expect(r.suppliers.map((s) => s.supplierId)).toEqual(['G1', 'G2', 'G3', 'C1']);
    expect(r.suppliers.slice(0, 3).every((s) => s.delta > 0)).toBe(true);
    expect(r.suppliersOmitted).toBe(2);
  });

  it('limitListed keeps the largest |delta| whatever their sign, in delta order (property)', () => {
    const row = (id: string, delta: number) => ({
      supplierId: id,
      supplierName: null,
      base: { score: 50, band: 'high' as const },
      scenario: { score: 50 + delta, band: 'high' as const },
      delta,
      topDriver: null,
    });
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -50, max: 50 }), { maxLength: 40 }),
        fc.integer({ min: 0, max: 45 }),
        (deltas, max) => {
          const sorted = deltas
            .map((d, i) => row(`S${String(i).padStart(2, '0')}`, d))
            .sort((a, b) => b.delta - a.delta);
          const full = runScenario(base, {}, [], context('2026-12-05', 'DE'));
          const r = limitListed({ ...full, suppliers: sorted }, max);
          const kept = Math.min(max, sorted.length);
          expect(r.suppliers).toHaveLength(kept);
          expect(r.suppliersOmitted).toBe(sorted.length - kept);
          expect(r.suppliers.map((s) => s.delta)).toEqual([...r.suppliers.map((s) => s.delta)].sort((a, b) => b - a));
          const smallestKept = Math.min(...r.suppliers.map((s) => Math.abs(s.delta)));
          const omitted = sorted.filter((s) => !r.suppliers.includes(s));
          for (const s of omitted) expect(Math.abs(s.delta)).toBeLessThanOrEqual(smallestKept);
        },
      ),
    );
  });
});
