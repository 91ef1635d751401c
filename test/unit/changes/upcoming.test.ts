/**
 * Upcoming changes, the pure core (issue 10): on the shipped timeline, the moves the docs name (gallium for a US buyer
 * on 2026-11-28, holmium on 2026-11-11, cobalt on 2028-01-01); and as properties over random suppliers, buyers, dates,
 * horizons and timelines with random measures, suspensions and agreements added: each projected score is a fresh
 * scoring on its date, nothing moves between two listed dates (checked on every policy change date), no date lies
 * outside the window, and the answer is the same however the planner was used before.
 */
import fc from 'fast-check';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import type { UpcomingSupplierView } from '../../../functions/api/routes/upcoming.ts';
import {
  addDays,
  createUpcomingPlanner,
  horizonOf,
  MAX_UPCOMING_DAYS,
  type UpcomingCause,
  type UpcomingChanges,
  type UpcomingMove,
  upcomingChanges,
} from '../../../shared/changes/upcoming.ts';
import type * as out from '../../../shared/http/upcoming-schemas.ts';
import { policyChangeDates } from '../../../shared/model/policy.ts';
import { createScorer } from '../../../shared/model/score.ts';
import type { SupplierInput } from '../../../shared/model/types.ts';
import { buildReferenceData, type ReferenceData, referenceData } from '../../../shared/reference/index.ts';
import type { Agreement, DestinationScope, PolicyEvent } from '../../../shared/reference/types.ts';
import { line, supplier } from '../../helpers/supplier-input.ts';

const ref = referenceData();
const TODAY = '2026-11-10';
const window = (buyerCountry: string, days = 90, today = TODAY) => ({
  today,
  horizon: horizonOf(today, days),
  buyerCountry,
});
const one = (mineral: string, origin: string, processing: string | null = null, id = `${mineral}-${origin}`) =>
  supplier({ supplierId: id, exposures: [line(mineral, origin, processing, 1)] });

describe('upcoming changes on the shipped timeline', () => {
  it('gallium from China, US buyer: the Ann. 46 clause-2 suspension lapses on 2026-11-28 (91.6 → 97.6)', () => {
    const r = upcomingChanges(one('gallium', 'CN'), window('US'), ref);
    expect(r.current).toEqual({ score: 91.6, band: 'critical' });
    expect(r.moves).toEqual([
      {
        date: '2026-11-28',
        causes: [
          expect.objectContaining({
            type: 'policy-event',
            id: 'CN-2024-46-C2-SUSP',
            kind: 'suspension',
            country: 'CN',
            change: 'suspension_lapses',
            suspends: ['CN-2024-46-C2'],
          }),
        ],
        from: { score: 91.6, band: 'critical' },
        to: { score: 97.6, band: 'critical' },
        delta: 6,
        deltaFromCurrent: 6,
      },
    ]);
    expect(r.moves[0]?.causes[0]?.text).toMatch(/lapses \(last day 2026-11-27\)/);
  });

  it('the same supplier for a German buyer: the US-only suspension moves nothing (87.0 throughout)', () => {
    const r = upcomingChanges(one('gallium', 'CN'), window('DE', MAX_UPCOMING_DAYS), ref);
    expect(r).toEqual({
      supplierId: 'gallium-CN',
      buyerCountry: 'DE',
      current: { score: 87.0, band: 'critical' },
      moves: [],
    });
  });

  it('holmium from China moves on 2026-11-11 (Ann. 70 lapsed), 83.5 → 95.9', () => {
    const r = upcomingChanges(one('holmium', 'CN'), window('US', 1), ref);
    expect(r.moves.map((m) => [m.date, m.from, m.to, m.causes.map((c) => c.id)])).toEqual([
      ['2026-11-11', { score: 83.5, band: 'critical' }, { score: 95.9, band: 'critical' }, ['CN-2025-70']],
    ]);
    expect(r.moves[0]?.causes[0]?.text).toMatch(/the measures apply again/);
  });

  it("the DR Congo's cobalt quotas end on 2028-01-01: within 730 days, not within 90", () => {
    expect(upcomingChanges(one('cobalt', 'CD'), window('US', 90), ref).moves).toEqual([]);
    const r = upcomingChanges(one('cobalt', 'CD'), window('US', MAX_UPCOMING_DAYS), ref);
    expect(r.moves).toMatchObject([
      {
        date: '2028-01-01',
        causes: [{ id: 'CD-2025-CO-QUOTA', kind: 'export_quota', change: 'expires' }],
        from: { score: 61.5, band: 'high' },
        to: { score: 46.5, band: 'medium' },
        delta: -15,
      },
    ]);
  });

  it('a supplier whose score no scheduled date moves has none (lithium from Australia)', () => {
    expect(upcomingChanges(one('lithium', 'AU', 'AU'), window('US', MAX_UPCOMING_DAYS), ref).moves).toEqual([]);
  });

  it('several moves, in date order, each from the previous one; deltaFromCurrent adds up', () => {
    const exposures = [line('holmium', 'CN', null, 1), line('gallium', 'CN', null, 1), line('cobalt', 'CD', null, 1)];
    const s = supplier({ supplierId: 'multi', alternativeSources: 3, inventoryDays: 180, exposures });
    const r = upcomingChanges(s, window('US', MAX_UPCOMING_DAYS), ref);
    expect(r.moves.map((m) => m.date)).toEqual(['2026-11-11', '2026-11-28', '2028-01-01']);
    expect(r.moves.at(-1)).toMatchObject({ from: { score: 62.5 }, to: { score: 62.1 }, delta: -0.4 });
    // Without mitigants and with dysprosium CN/CN (94.9) beside holmium (95.9), the worst mineral (gallium, 97.6)
    // leaves the breadth term so little room that cobalt's fall (61.5 → 46.5) does not reach the supplier's score
    // (98.1 on both days): no move on 2028-01-01.
    const bare = upcomingChanges(
      { ...s, alternativeSources: 0, inventoryDays: 0, exposures: [...exposures, line('dysprosium', 'CN', 'CN', 1)] },
      window('US', MAX_UPCOMING_DAYS),
      ref,
    );
    expect(bare.moves.map((m) => m.date)).toEqual(['2026-11-11', '2026-11-28']);
    let from = r.current;
    for (const m of r.moves) {
      expect(m.from).toEqual(from);
      expect(m.delta).toBe(Math.round((m.to.score - m.from.score) * 10) / 10);
      expect(m.deltaFromCurrent).toBe(Math.round((m.to.score - r.current.score) * 10) / 10);
      from = m.to;
    }
  });

  it('an announced measure: the announcement and the day it takes effect, each a move of its own', () => {
    const timeline = buildReferenceData({
      policyEvents: [
        ...ref.policyEvents,
        {
          id: 'TEST-ZW-LI',
          country: 'ZW',
          instrument: 'Test ban',
          kind: 'export_ban',
          minerals: ['lithium'],
          announced: '2026-12-01',
          effectiveFrom: '2027-01-01',
          effectiveUntil: '2027-06-30',
          destination: { kind: 'all' },
          source: 'test',
        },
      ],
      agreements: ref.agreements,
      policyRevision: 1,
    });
    const r = upcomingChanges(one('lithium', 'ZW', 'ZW'), window('DE', 365), timeline);
    expect(r.moves.map((m) => [m.date, m.causes.map((c) => `${c.id} ${c.change}`)])).toEqual([
      ['2026-12-01', ['TEST-ZW-LI announced']],
      ['2027-01-01', ['TEST-ZW-LI takes_effect']],
      ['2027-07-01', ['TEST-ZW-LI expires']],
    ]);
    expect(r.moves[0]?.causes[0]?.text).toBe('Test ban: export ban by ZW announced, from 2027-01-01');
    expect(r.moves[0]?.to.score).toBeGreaterThan(r.current.score);
    expect(r.moves[1]?.to.score).toBeGreaterThan(r.moves[0]?.to.score as number);
    expect(r.moves[2]?.to.score).toBe(r.current.score);
  });
});

describe('the documented response', () => {
  it('describes the types the core and the route return', () => {
    expectTypeOf<z.infer<typeof out.upcomingCause>>().toEqualTypeOf<UpcomingCause>();
    expectTypeOf<z.infer<typeof out.upcomingMove>>().toEqualTypeOf<UpcomingMove>();
    expectTypeOf<z.infer<typeof out.upcomingSupplier>>().toEqualTypeOf<UpcomingSupplierView>();
  });
});

// --- properties ---

const MINERALS = [
  'gallium',
  'germanium',
  'graphite',
  'cobalt',
  'dysprosium',
  'holmium',
  'rare_earths',
  'lithium',
  'nickel',
];
const COUNTRIES = ['CN', 'CD', 'AU', 'US', 'ID', 'ZW', 'CL', 'MY'];
const BUYERS = ['US', 'DE', 'JP'];
const FIRST = Date.parse('2023-01-01T00:00:00Z');
const day = (n: number) => addDays('2023-01-01', n);
const SPAN = Math.round((Date.parse('2029-06-30T00:00:00Z') - FIRST) / 86_400_000);

const dateArb = fc.integer({ min: 0, max: SPAN }).map(day);
/** Random timeline items, dated mostly ahead of the shipped ones so the windows meet them. */
const futureDay = fc.integer({ min: Math.round((Date.parse('2026-06-01T00:00:00Z') - FIRST) / 86_400_000), max: SPAN });
const destination: fc.Arbitrary<DestinationScope> = fc.oneof(
  fc.constant({ kind: 'all' as const }),
  fc.constantFrom(...BUYERS).map((country) => ({ kind: 'country' as const, country })),
);

const measureArb = (i: number) =>
  fc
    .record({
      country: fc.constantFrom(...COUNTRIES),
      kind: fc.constantFrom('export_licensing', 'export_quota', 'export_ban') as fc.Arbitrary<PolicyEvent['kind']>,
      minerals: fc.subarray(MINERALS, { minLength: 1, maxLength: 3 }),
      announced: futureDay,
      lead: fc.integer({ min: 0, max: 90 }),
      length: fc.option(fc.integer({ min: 0, max: 400 }), { nil: null }),
      destination,
    })
    .map(
      (m): PolicyEvent => ({
        id: `R-M${i}`,
        country: m.country,
        instrument: `random measure ${i}`,
        kind: m.kind,
        minerals: m.minerals,
        announced: day(m.announced),
        effectiveFrom: day(m.announced + m.lead),
        effectiveUntil: m.length === null ? null : day(m.announced + m.lead + m.length),
        destination: m.destination,
        source: 'test',
      }),
    );

const suspensionArb = (i: number, measureIds: readonly string[]) =>
  fc
    .record({
      suspends: fc.subarray([...measureIds], { minLength: 1, maxLength: 2 }),
      from: futureDay,
      length: fc.integer({ min: 0, max: 400 }),
      destination,
    })
    .map(
      (s): PolicyEvent => ({
        id: `R-S${i}`,
        country: 'CN',
        instrument: `random suspension ${i}`,
        kind: 'suspension',
        minerals: [],
        announced: day(s.from),
        effectiveFrom: day(s.from),
        effectiveUntil: day(s.from + s.length),
        destination: s.destination,
        suspends: s.suspends,
        source: 'test',
      }),
    );

const agreementArb = (i: number) =>
  fc
    .record({
      buyer: fc.constantFrom(...BUYERS),
      partner: fc.constantFrom(...COUNTRIES),
      minerals: fc.subarray(MINERALS, { maxLength: 2 }),
      from: futureDay,
      length: fc.option(fc.integer({ min: 0, max: 400 }), { nil: null }),
    })
    .map(
      (a): Agreement => ({
        id: `R-A${i}`,
        buyerCountry: a.buyer,
        partnerCountry: a.partner,
        title: `random agreement ${i}`,
        effectiveFrom: day(a.from),
        effectiveUntil: a.length === null ? null : day(a.from + a.length),
        minerals: a.minerals,
        source: 'test',
      }),
    );

/** The shipped timeline, or it with up to 3 measures, 2 suspensions (of shipped or new measures) and 2 agreements. */
const timelineArb: fc.Arbitrary<ReferenceData> = fc.oneof(
  { weight: 1, arbitrary: fc.constant(ref) },
  {
    weight: 3,
    arbitrary: fc
      .tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 2 }))
      .chain(([nm, ns, na]) =>
        fc.tuple(...Array.from({ length: nm }, (_, i) => measureArb(i))).chain((measures) => {
          const ids = [
            ...ref.policyEvents.filter((e) => e.kind !== 'suspension').map((e) => e.id),
            ...measures.map((m) => m.id),
          ];
          return fc.tuple(
            fc.constant(measures),
            fc.tuple(...Array.from({ length: ns }, (_, i) => suspensionArb(i, ids))),
            fc.tuple(...Array.from({ length: na }, (_, i) => agreementArb(i))),
          );
        }),
      )
      .map(([measures, suspensions, agreements]) =>
        buildReferenceData({
          policyEvents: [...ref.policyEvents, ...measures, ...suspensions],
          agreements: [...ref.agreements, ...agreements],
          policyRevision: 1,
        }),
      ),
  },
);

const supplierArb: fc.Arbitrary<SupplierInput> = fc
  .tuple(
    fc.array(
      fc.record({
        mineral: fc.constantFrom(...MINERALS),
        origin: fc.constantFrom(...COUNTRIES),
        processing: fc.option(fc.constantFrom(...COUNTRIES), { nil: null }),
        share: fc.option(fc.constantFrom(0.2, 0.5, 1), { nil: null }),
      }),
      { minLength: 1, maxLength: 4 },
    ),
    fc.integer({ min: 0, max: 3 }),
    fc.constantFrom(0, 30, 200),
  )
  .map(([ls, alternativeSources, inventoryDays]) => {
    // Shares of one mineral at most 1 in all, as normalisation guarantees.
    const used = new Map<string, number>();
    const exposures = ls.map((l) => {
      const left = 1 - (used.get(l.mineral) ?? 0);
      const share = l.share === null ? null : Math.min(l.share, left);
      used.set(l.mineral, (used.get(l.mineral) ?? 0) + (share ?? 0));
      return line(l.mineral, l.origin, l.processing, share);
    });
    return supplier({ supplierId: 'P-1', alternativeSources, inventoryDays, exposures });
  });

const caseArb = fc.record({
  timeline: timelineArb,
  input: supplierArb,
  buyer: fc.constantFrom(...BUYERS),
  today: fc.oneof(dateArb, fc.constantFrom('2025-11-08', '2026-11-10', '2026-11-27', '2027-12-31')),
  days: fc.oneof(fc.integer({ min: 1, max: MAX_UPCOMING_DAYS }), fc.constantFrom(1, MAX_UPCOMING_DAYS)),
});

const fresh = (r: ReferenceData, input: SupplierInput, asOf: string, buyerCountry: string) => {
  const s = createScorer(r, { asOf, buyerCountry, endUse: 'civil' }).score(input);
  return { score: s.score, band: s.band };
};

describe('upcoming changes: properties', () => {
  it('each projected score is a fresh scoring on its date; nothing moves between listed dates; all in the window', () => {
    let withMoves = 0;
    fc.assert(
      fc.property(caseArb, ({ timeline, input, buyer, today, days }) => {
        const w = window(buyer, days, today);
        const r = upcomingChanges(input, w, timeline);
        expect(r.current).toEqual(fresh(timeline, input, today, buyer));
        if (r.moves.length > 0) withMoves++;
        let previous = r.current;
        for (const m of r.moves) {
          expect(m.date > today && m.date <= w.horizon, m.date).toBe(true);
          expect(m.to, m.date).toEqual(fresh(timeline, input, m.date, buyer));
          expect(m.from).toEqual(previous);
          expect(m.to.score !== m.from.score || m.to.band !== m.from.band).toBe(true);
          expect(m.delta).toBe(Math.round((m.to.score - m.from.score) * 10) / 10);
          expect(m.causes.length, m.date).toBeGreaterThan(0);
          previous = m.to;
        }
        // Every date on which any score could change, within the window: the score there is the last listed one's.
        const listed = new Map(r.moves.map((m) => [m.date, m.to]));
        let standing = r.current;
        for (const d of policyChangeDates(timeline)) {
          if (d <= today || d > w.horizon) continue;
          const hit = listed.get(d);
          if (hit) standing = hit;
          else expect(fresh(timeline, input, d, buyer), `${d} (today ${today})`).toEqual(standing);
        }
        expect(r.moves.map((m) => m.date)).toEqual([...new Set(r.moves.map((m) => m.date))].sort());
      }),
      { seed: 10, numRuns: 200 },
    );
    // The property must have met moves, not only quiet windows.
    expect(withMoves).toBeGreaterThan(40);
  });

  it('each cause starts or ends on its date in the timeline', () => {
    fc.assert(
      fc.property(caseArb, ({ timeline, input, buyer, today, days }) => {
        for (const m of upcomingChanges(input, window(buyer, days, today), timeline).moves)
          for (const c of m.causes) {
            const item =
              c.type === 'agreement' ? timeline.agreementsById.get(c.id) : timeline.policyEventsById.get(c.id);
            expect(item, c.id).toBeDefined();
            const i = item as PolicyEvent | Agreement;
            const ends = i.effectiveUntil === null ? null : addDays(i.effectiveUntil, 1);
            const starts = [i.effectiveFrom, 'announced' in i ? i.announced : i.effectiveFrom];
            if (['expires', 'suspension_lapses', 'agreement_ends'].includes(c.change)) expect(ends).toBe(m.date);
            else expect(starts).toContain(m.date);
          }
      }),
      { seed: 12, numRuns: 150 },
    );
  });

  it('deterministic: a planner used for other suppliers first answers the same as a fresh one; shorter horizons are prefixes', () => {
    fc.assert(
      fc.property(
        timelineArb,
        fc.array(supplierArb, { minLength: 1, maxLength: 5 }),
        fc.constantFrom(...BUYERS),
        dateArb,
        fc.integer({ min: 1, max: MAX_UPCOMING_DAYS }),
        fc.integer({ min: 1, max: MAX_UPCOMING_DAYS }),
        (timeline, inputs, buyer, today, a, b) => {
          const shared = createUpcomingPlanner(timeline);
          const long = Math.max(a, b);
          const short = Math.min(a, b);
          const first: UpcomingChanges[] = inputs.map((s) => shared.upcoming(s, window(buyer, long, today)));
          for (const [i, s] of inputs.entries()) {
            expect(upcomingChanges(s, window(buyer, long, today), timeline)).toEqual(first[i]);
            expect(shared.upcoming(s, window(buyer, long, today))).toEqual(first[i]);
            const cut = shared.upcoming(s, window(buyer, short, today));
            const horizon = horizonOf(today, short);
            expect(cut.moves).toEqual(first[i]?.moves.filter((m) => m.date <= horizon));
          }
        },
      ),
      { seed: 14, numRuns: 100 },
    );
  });
});
