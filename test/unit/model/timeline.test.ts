/**
 * Worked examples on the real export-control timeline (shared/reference/data/policy-events.ts).
 * Each asserts an ordering the brief requires, not a hard-coded number.
 */
import { describe, expect, it } from 'vitest';
import { createScorer } from '../../../shared/model/score.ts';
import { buildReferenceData, referenceData } from '../../../shared/reference/index.ts';
import { context, singleLine } from '../../helpers/supplier-input.ts';

const ref = referenceData();
const scoreOf = (
  asOf: string,
  buyer: string,
  mineral: string,
  origin: string,
  processing: string | null = null,
  data = ref,
) => createScorer(data, context(asOf, buyer)).score(singleLine(mineral, origin, processing));

describe('holmium sourced from China (MOFCOM Ann. 57 of 2025, suspended by Ann. 70 until 2026-11-10)', () => {
  // The same timeline without any measure on holmium: the baseline a latent measure must stay above.
  const withoutHolmiumMeasures = buildReferenceData({
    policyEvents: ref.policyEvents.filter((e) => !['CN-2025-57', 'CN-2025-61', 'CN-2025-70'].includes(e.id)),
  });

  it('is latent when announced (2025-10-20) and when suspended (2025-12-01), active after the suspension (2026-12-01)', () => {
    const announced = scoreOf('2025-10-20', 'US', 'holmium', 'CN');
    const suspended = scoreOf('2025-12-01', 'US', 'holmium', 'CN');
    const active = scoreOf('2026-12-01', 'US', 'holmium', 'CN');
    const measures = (s: typeof active) => s.minerals[0]?.lines[0]?.stages.flatMap((st) => st.measures) ?? [];
    expect(measures(announced).find((m) => m.id === 'CN-2025-57')?.state).toBe('announced');
    expect(measures(suspended).find((m) => m.id === 'CN-2025-57')?.state).toBe('suspended');
    expect(measures(active).find((m) => m.id === 'CN-2025-57')?.state).toBe('active');
    expect(active.score).toBeGreaterThan(suspended.score);
    expect(active.score).toBeGreaterThan(announced.score);
    for (const [asOf, latent] of [
      ['2025-10-20', announced],
      ['2025-12-01', suspended],
    ] as const) {
      const none = scoreOf(asOf, 'US', 'holmium', 'CN', null, withoutHolmiumMeasures);
      expect(latent.score).toBeGreaterThan(none.score);
    }
  });

  it('rises the day after the suspension lapses (2026-11-10 → 2026-11-11), with no change to code or data', () => {
    const lastDay = scoreOf('2026-11-10', 'US', 'holmium', 'CN');
    const dayAfter = scoreOf('2026-11-11', 'US', 'holmium', 'CN');
    expect(dayAfter.score).toBeGreaterThan(lastDay.score);
    expect(dayAfter.drivers[0]?.text).toMatch(/suspension ended 2026-11-10/);
  });
});

describe('gallium sourced from China (licensing since 2023; US-only ban suspended until 2026-11-27)', () => {
  it('for a US buyer, rises when the ban suspension ends', () => {
    const before = scoreOf('2026-11-20', 'US', 'gallium', 'CN');
    const after = scoreOf('2026-11-28', 'US', 'gallium', 'CN');
    expect(after.score).toBeGreaterThan(before.score);
    expect(before.drivers[0]?.text).toMatch(/export ban to US buyers .*suspended until 2026-11-27/);
    expect(after.drivers[0]?.text).toMatch(/export ban to US buyers active since 2024-12-03/);
  });

  it('for a German buyer, is unchanged by the US-only ban and below the US buyer', () => {
    const before = scoreOf('2026-11-20', 'DE', 'gallium', 'CN');
    const after = scoreOf('2026-11-28', 'DE', 'gallium', 'CN');
    expect(after.score).toBe(before.score);
    expect(after.score).toBeLessThan(scoreOf('2026-11-28', 'US', 'gallium', 'CN').score);
    expect(after.score).toBeLessThan(scoreOf('2026-11-20', 'US', 'gallium', 'CN').score);
    expect(after.drivers[0]?.text).not.toMatch(/ban/);
  });

  it('before any control (2023-06-01) is below the licensing period', () => {
    expect(scoreOf('2023-06-01', 'DE', 'gallium', 'CN').score).toBeLessThan(
      scoreOf('2023-09-01', 'DE', 'gallium', 'CN').score,
    );
  });
});

describe('dysprosium: separated in China versus sourced from Australia and processed in Malaysia', () => {
  it('scores China critical and far above the Australian route', () => {
    const china = scoreOf('2026-11-28', 'US', 'dysprosium', 'CN', 'CN');
    const australia = scoreOf('2026-11-28', 'US', 'dysprosium', 'AU', 'MY');
    expect(china.band).toBe('critical');
    expect(australia.band).not.toBe('critical');
    expect(china.score - australia.score).toBeGreaterThan(25);
  });

  it('explains the China score with the refining share, its source and the licensing measure', () => {
    const china = scoreOf('2026-11-28', 'US', 'dysprosium', 'CN', 'CN');
    const top = china.drivers[0];
    expect(top?.text).toMatch(/99\.9% of dysprosium refining is in China/);
    expect(top?.text).toMatch(/export licensing active since 2025-04-04 \(MOFCOM\/GAC Announcement 18 \(2025\)\)/);
    expect(top?.sources.join(' ')).toMatch(/Benchmark Mineral Intelligence/);
  });
});

describe('buyer-side agreements', () => {
  it('an origin covered by an agreement with the buyer country scores lower for that buyer', () => {
    // US–Australia framework (2025-10-20); Switzerland has no agreement with Australia in the data.
    const us = scoreOf('2026-11-28', 'US', 'lithium', 'AU', 'AU');
    const ch = scoreOf('2026-11-28', 'CH', 'lithium', 'AU', 'AU');
    expect(us.score).toBeLessThan(ch.score);
  });

  it('has no effect before it is signed', () => {
    const withoutAgreements = buildReferenceData({ agreements: [] });
    const early = scoreOf('2019-06-01', 'US', 'lithium', 'AU', 'AU');
    expect(early.score).toBe(scoreOf('2019-06-01', 'US', 'lithium', 'AU', 'AU', withoutAgreements).score);
  });
});

describe('buyers beyond the US (EU strategic partnerships on raw materials, Japan)', () => {
  const dayBefore = (d: string) => new Date(Date.parse(`${d}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
  const withoutEu = buildReferenceData({
    agreements: ref.declaredAgreements.filter((a) => a.buyerCountry !== 'EU' && a.partnerCountry !== 'EU'),
  });
  const stageAgreements = (s: ReturnType<typeof scoreOf>) =>
    (s.minerals[0]?.lines[0]?.stages ?? []).map((st) => st.agreement);
  // A partner, the signing date of its EU partnership, and a mineral mined there (the origin's own share counts).
  const PARTNERS: [string, string, string][] = [
    ['CA', '2021-06-15', 'nickel'],
    ['UA', '2021-07-13', 'titanium'],
    ['KZ', '2022-11-07', 'uranium'],
    ['NA', '2022-11-08', 'uranium'],
    ['AR', '2023-06-13', 'lithium'],
    ['CL', '2023-07-18', 'lithium'],
    ['CD', '2023-10-26', 'cobalt'],
    ['ZM', '2023-10-26', 'copper'],
    ['GL', '2023-11-30', 'rare_earths'],
    ['RW', '2024-02-19', 'tantalum'],
    ['NO', '2024-03-21', 'rare_earths'],
    ['UZ', '2024-04-05', 'uranium'],
    ['AU', '2024-05-28', 'lithium'],
    ['RS', '2024-07-19', 'lithium'],
  ];

  it('a German buyer sourcing from each partner gets the partnership from its signing date, and not the day before', () => {
    for (const [partner, date, mineral] of PARTNERS) {
      const id = `EU-${partner}-${date.slice(0, 7)}`;
      const on = scoreOf(date, 'DE', mineral, partner, partner);
      const before = scoreOf(dayBefore(date), 'DE', mineral, partner, partner);
      expect(stageAgreements(on), partner).toEqual([id, id]);
      expect(stageAgreements(before), partner).toEqual([null, null]);
      expect(on.score, partner).toBeLessThan(scoreOf(date, 'DE', mineral, partner, partner, withoutEu).score);
      expect(before.score, partner).toBe(scoreOf(dayBefore(date), 'DE', mineral, partner, partner, withoutEu).score);
    }
  });

  it('every member state gets it alike: a French, Polish or Greek buyer scores as a German one', () => {
    for (const buyer of ['FR', 'PL', 'GR', 'IE'])
      for (const [partner, , mineral] of PARTNERS)
        expect(scoreOf('2025-01-01', buyer, mineral, partner, partner).score, `${buyer} ${partner}`).toBe(
          scoreOf('2025-01-01', 'DE', mineral, partner, partner).score,
        );
  });

  it('an EU partnership moves a German buyer exactly as the same agreement of the US moves a US buyer', () => {
    const a = { title: 't', effectiveFrom: '2021-06-15', effectiveUntil: null, minerals: [], source: 's' };
    const eu = buildReferenceData({ agreements: [{ ...a, id: 'T', buyerCountry: 'EU', partnerCountry: 'CA' }] });
    const us = buildReferenceData({ agreements: [{ ...a, id: 'T', buyerCountry: 'US', partnerCountry: 'CA' }] });
    const none = buildReferenceData({ agreements: [] });
    for (const mineral of ['nickel', 'cobalt', 'uranium', 'potash']) {
      const relief = (data: typeof ref, buyer: string) =>
        scoreOf('2024-01-01', buyer, mineral, 'CA', 'CA', none).score -
        scoreOf('2024-01-01', buyer, mineral, 'CA', 'CA', data).score;
      expect(relief(eu, 'DE'), mineral).toBeGreaterThan(0);
      expect(relief(eu, 'DE'), mineral).toBeCloseTo(relief(us, 'US'), 6);
    }
  });

  it('a US buyer is unaffected by the EU partnerships: the same score, lines and drivers (only the data version differs)', () => {
    const stripped = ({ dataVersion: _, ...rest }: ReturnType<typeof scoreOf>) => rest;
    for (const [partner, date, mineral] of PARTNERS)
      for (const asOf of [dayBefore(date), date, '2026-11-28'])
        expect(stripped(scoreOf(asOf, 'US', mineral, partner, partner)), `${partner} ${asOf}`).toEqual(
          stripped(scoreOf(asOf, 'US', mineral, partner, partner, withoutEu)),
        );
  });

  it('the driver names the partnership and says whose buyers it serves', () => {
    const s = scoreOf('2025-01-01', 'DE', 'lithium', 'CL', 'CL');
    const texts = s.drivers.map((d) => d.text).join(' ');
    expect(texts).toMatch(
      /partnership between the EU and Chile on sustainable raw materials value chains \(2023-07-18\)/,
    );
    expect(texts).toMatch(/for EU buyers/);
  });

  it('a Japanese buyer sourcing graphite from the US gets the Japan–US agreement from 2023-03-28', () => {
    expect(stageAgreements(scoreOf('2023-03-28', 'JP', 'graphite', 'US', 'US'))).toEqual([
      'JP-US-2023-03',
      'JP-US-2023-03',
    ]);
    expect(stageAgreements(scoreOf('2023-03-27', 'JP', 'graphite', 'US', 'US'))).toEqual([null, null]);
    // Outside its five minerals, the 2025 framework (all minerals) takes over from 2025-10-28.
    expect(stageAgreements(scoreOf('2025-10-27', 'JP', 'copper', 'US', 'US'))).toEqual([null, null]);
    expect(stageAgreements(scoreOf('2025-10-28', 'JP', 'copper', 'US', 'US'))).toEqual([
      'JP-US-2025-10',
      'JP-US-2025-10',
    ]);
  });
});

describe('military end use', () => {
  it('the ban on dual-use items to US military end users applies only to military end use', () => {
    const civil = createScorer(ref, context('2026-11-28', 'US', 'civil')).score(singleLine('cobalt', 'CN', 'CN'));
    const military = createScorer(ref, context('2026-11-28', 'US', 'military')).score(singleLine('cobalt', 'CN', 'CN'));
    expect(military.score).toBeGreaterThan(civil.score);
  });
});

describe('cobalt mined in the DR Congo (ARECOMS: exports stopped 2025-02-22..2025-10-15, quotas to 2027-12-31)', () => {
  const withoutCongoMeasures = buildReferenceData({
    policyEvents: ref.policyEvents.filter((e) => e.country !== 'CD'),
  });
  const measureStates = (s: ReturnType<typeof scoreOf>) =>
    Object.fromEntries(
      (s.minerals[0]?.lines[0]?.stages ?? []).flatMap((st) => st.measures).map((m) => [m.id, m.state]),
    );

  it('scores the export stop above the quotas, and the quotas above the time before either, for any buyer', () => {
    for (const buyer of ['US', 'DE']) {
      const before = scoreOf('2025-01-15', buyer, 'cobalt', 'CD', 'FI');
      const stopped = scoreOf('2025-06-01', buyer, 'cobalt', 'CD', 'FI');
      const quotas = scoreOf('2025-12-01', buyer, 'cobalt', 'CD', 'FI');
      expect(measureStates(before)).toEqual({});
      expect(measureStates(stopped)).toEqual({ 'CD-2025-CO-BAN': 'active' });
      expect(measureStates(quotas)).toEqual({ 'CD-2025-CO-QUOTA': 'active' });
      expect(stopped.score).toBeGreaterThan(quotas.score);
      expect(quotas.score).toBeGreaterThan(before.score);
      expect(stopped.drivers[0]?.text).toMatch(/export ban active since 2025-02-22/);
      expect(quotas.drivers[0]?.text).toMatch(/export quota active since 2025-10-16/);
    }
  });

  it('shows the quotas as announced between their announcement (2025-09-20) and their start (2025-10-16)', () => {
    const s = scoreOf('2025-10-01', 'US', 'cobalt', 'CD', 'FI');
    expect(measureStates(s)).toEqual({ 'CD-2025-CO-BAN': 'active', 'CD-2025-CO-QUOTA': 'announced' });
  });

  it('after the quotas end (2027-12-31) scores as if there had been no Congolese measure', () => {
    const after = scoreOf('2028-01-01', 'US', 'cobalt', 'CD', 'FI');
    expect(measureStates(after)).toEqual({});
    expect(after.score).toBe(scoreOf('2028-01-01', 'US', 'cobalt', 'CD', 'FI', withoutCongoMeasures).score);
  });

  it('raises cobalt mined elsewhere only through the world market, and less than cobalt mined in the DR Congo', () => {
    // The DR Congo mines 76% of the world's cobalt: its stop disrupts the market every buyer draws on.
    const rise = (origin: string) =>
      scoreOf('2025-06-01', 'US', 'cobalt', origin, 'FI').score -
      scoreOf('2025-06-01', 'US', 'cobalt', origin, 'FI', withoutCongoMeasures).score;
    const australia = scoreOf('2025-06-01', 'US', 'cobalt', 'AU', 'FI');
    expect(measureStates(australia)).toEqual({});
    expect(rise('AU')).toBeGreaterThan(0);
    expect(rise('CD')).toBeGreaterThan(rise('AU'));
  });
});
