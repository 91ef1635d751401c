#!/usr/bin/env -S node --import tsx
/**
 * npx tsx bin/worked-examples.ts
 *
 * Recomputes, from the code and the embedded data, every figure docs/model.md quotes (sections 1–4, 7 and 8) and
 * prints them, one `name value` a line, to paste into the document when the data or the model move.
 * test/unit/model/worked-examples.test.ts pins the same figures, so a change that moves one fails until the document
 * and the test are updated together. Intermediate values (w, τ, p, I, G) are recomputed from `governanceRisk`,
 * `measuresInForce`, `agreementInForce`, `restrictionIntensity` and `PARAMS`, as section 3 describes them.
 */
import { fileURLToPath } from 'node:url';
import { governanceRisk } from '../shared/model/governance.ts';
import { agreementInForce, measuresInForce } from '../shared/model/policy.ts';
import { portfolioExposure } from '../shared/model/portfolio.ts';
import { runScenario } from '../shared/model/scenario.ts';
import {
  bearsOn,
  createScorer,
  governanceWeightOf,
  PARAMS,
  propensity,
  restrictionIntensity,
} from '../shared/model/score.ts';
import type { ScoringContext, SupplierInput } from '../shared/model/types.ts';
import { mainStages } from '../shared/reference/data/minerals.ts';
import { type ReferenceData, referenceData, type Stage } from '../shared/reference/index.ts';

const r3 = (x: number) => Math.round(x * 1000) / 1000;
const r4 = (x: number) => Math.round(x * 10000) / 10000;

const ctx = (asOf: string, buyerCountry = 'US', endUse: ScoringContext['endUse'] = 'civil'): ScoringContext => ({
  asOf,
  buyerCountry,
  endUse,
});

/** A supplier of the given lines (mineral, origin, processing, share), no mitigants: the examples' input. */
export function input(
  id: string,
  lines: [mineral: string, origin: string | null, processing: string | null, share: number | null][],
  extra: Partial<SupplierInput> = {},
): SupplierInput {
  return {
    supplierId: id,
    supplierName: null,
    supplierCountry: null,
    annualSpendUsd: null,
    tier: 1,
    alternativeSources: 0,
    inventoryDays: 0,
    exposures: lines.map(([mineral, originCountry, processingCountry, share]) => ({
      mineral,
      originCountry,
      processingCountry,
      share,
    })),
    ...extra,
  };
}

/**
 * The section-3 intermediates of one stage in one country: w, τ, p (with relief), I, G. Measures count as the model
 * counts them (`bearsOn`): on the line's stage, `raw` ones only on ore leaving its country (`exported`), and none of
 * them in the world term.
 */
function stageTerms(
  ref: ReferenceData,
  c: ScoringContext,
  mineral: string,
  stage: Stage,
  country: string,
  exported = false,
) {
  const covers = ref.minerals.get(mineral)?.covers ?? [mineral];
  const measures = (cc: string, leaves: boolean) =>
    measuresInForce(ref, cc, covers, c).filter((m) => bearsOn(m, stage, leaves));
  const { shares, divisor } = ref.stageShares(mineral, stage);
  const shareOf = (cc: string) => (shares.find((s) => s.country === cc)?.sharePct ?? 0) / divisor;
  const p_ = (cc: string, leaves = false) =>
    propensity(governanceRisk(ref, cc).risk, restrictionIntensity(measures(cc, leaves)), shareOf(cc));
  // ρ: EoL-RIR of the least recycled member (section 2.11).
  const rho = Math.min(
    ...covers.map((m) => ref.vulnerability.get(m)?.eolRecyclingInputRate ?? PARAMS.defaultEolRecyclingInputRate),
  );
  const tau = restrictionIntensity(measures(country, exported));
  const p = p_(country, exported) * (agreementInForce(ref, country, covers, c) ? 1 - PARAMS.agreementRelief : 1);
  const share = shareOf(country);
  const g = (1 - rho) * shares.reduce((sum, s) => sum + (s.sharePct / divisor) ** 2 * p_(s.country), 0);
  return {
    w: r3(governanceRisk(ref, country).risk),
    alpha: r4(governanceWeightOf(share)),
    tau: r4(tau),
    p: r4(p),
    I: r4(PARAMS.impactFloor + (1 - PARAMS.impactFloor) * share * (1 - rho)),
    G: r4(g),
  };
}

/** The USGS top tier of the anchor (docs/model.md 2.16); rare earths as neodymium, dysprosium and the group. */
export const ANCHOR_MINERALS = [
  'gallium',
  'germanium',
  'tungsten',
  'magnesium',
  'antimony',
  'graphite',
  'bismuth',
  'neodymium',
  'dysprosium',
  'rare_earths',
] as const;

/** The main stage of a mineral (`mainStages`), mining where none is named. */
export function mainStageOf(mineral: string): Stage {
  return mainStages[mineral] ?? 'mining';
}

/**
 * Routes whose countries have instruments with some buyers and not others (docs/model.md section 4, Agreements):
 * lithium mined and refined in Australia (US, Korean, Indian buyers have one; a British buyer none), and lithium mined
 * in Canada and refined in Korea (the Canada–Korea MoU reaches both sides).
 */
const BUYER_LINES: [mineral: string, origin: string, processing: string, buyers: string[]][] = [
  ['lithium', 'AU', 'AU', ['US', 'KR', 'IN', 'GB']],
  ['lithium', 'CA', 'KR', ['KR', 'CA', 'GB']],
];

const BROAD_LINES: [string, string, string | null][] = [
  ['magnesium', 'CN', 'CN'],
  ['tungsten', 'CN', 'CN'],
  ['nickel', 'AU', 'AU'],
  ['copper', 'CL', 'CL'],
  ['lithium', 'AU', 'AU'],
  ['lithium', 'AU', 'CN'],
  ['cobalt', 'AU', 'FI'],
  ['cobalt', 'CD', null],
  ['platinum', 'ZA', 'ZA'],
  ['niobium', 'BR', 'BR'],
  ['copper', 'CN', 'CN'],
  ['lead', 'CN', 'CN'],
];

const WORLD_MIX_MINERALS = [
  'gallium',
  'dysprosium',
  'graphite',
  'germanium',
  'neodymium',
  'tungsten',
  'antimony',
  'magnesium',
  'cobalt',
  'nickel',
  'lithium',
  'platinum',
  'aluminum',
  'copper',
];

export function workedExamples(ref: ReferenceData = referenceData()): Record<string, number | string> {
  const out: Record<string, number | string> = { dataVersion: ref.dataVersion };
  const one = (asOf: string, buyer: string, mineral: string, origin: string, processing: string | null = null) =>
    createScorer(ref, ctx(asOf, buyer)).score(input('X', [[mineral, origin, processing, 1]]));
  const score = (...a: Parameters<typeof one>) => one(...a).score;

  // 2.1: governance risk of the countries the text names.
  for (const c of ['AU', 'JP', 'US', 'MY', 'CN', 'RU', 'CD', 'MM', 'TR'])
    out[`w ${c}`] = r3(governanceRisk(ref, c).risk);

  // Section 1 and section 3: single lines, share 100%, no mitigants.
  const lines: [string, string, string, string, string | null][] = [
    ['2026-11-28', 'US', 'dysprosium', 'CN', 'CN'],
    ['2026-11-28', 'US', 'dysprosium', 'AU', 'MY'],
    ['2026-11-20', 'US', 'gallium', 'CN', null],
    ['2026-11-28', 'US', 'gallium', 'CN', null],
    ['2026-11-20', 'DE', 'gallium', 'CN', null],
    ['2026-11-28', 'DE', 'gallium', 'CN', null],
    ['2025-10-01', 'US', 'holmium', 'CN', null],
    ['2025-10-20', 'US', 'holmium', 'CN', null],
    ['2025-12-01', 'US', 'holmium', 'CN', null],
    ['2026-12-01', 'US', 'holmium', 'CN', null],
    ['2026-11-10', 'US', 'neodymium', 'CN', 'CN'],
    ['2026-11-11', 'US', 'neodymium', 'CN', 'CN'],
    ['2026-11-10', 'US', 'graphite', 'CN', 'CN'],
    ['2026-11-11', 'US', 'graphite', 'CN', 'CN'],
    ['2026-11-10', 'US', 'lithium', 'AU', 'AU'],
    ['2026-11-11', 'US', 'lithium', 'AU', 'AU'],
    ['2026-11-10', 'US', 'lithium', 'AU', 'CN'],
    ['2026-11-11', 'US', 'lithium', 'AU', 'CN'],
  ];
  for (const [asOf, buyer, mineral, origin, processing] of lines) {
    const s = one(asOf, buyer, mineral, origin, processing);
    const key = `${mineral} ${origin}/${processing ?? 'world'} ${asOf} ${buyer}`;
    out[key] = s.score;
    const m = s.minerals[0];
    const line = m?.lines[0];
    if (m && line) {
      out[`${key} SR`] = r4(m.supplyRisk);
      out[`${key} V`] = r4(m.vulnerability);
      for (const st of line.stages) {
        out[`${key} R ${st.stage} ${st.country}`] = st.risk;
        if (st.country !== 'WORLD') {
          // The ore leaves its country when the line is processed elsewhere (or where not stated).
          const exported = st.stage === 'mining' && processing !== origin;
          for (const [k, v] of Object.entries(
            stageTerms(ref, ctx(asOf, buyer), mineral, st.stage, st.country, exported),
          ))
            out[`${key} ${k} ${st.stage} ${st.country}`] = v;
        } else out[`${key} G ${st.stage} world`] = stageTerms(ref, ctx(asOf, buyer), mineral, st.stage, 'ZZ').G;
      }
    }
  }

  // Section 3: the multi-mineral supplier.
  const multi = input(
    'MULTI',
    [
      ['dysprosium', 'CN', 'CN', 0.6],
      ['dysprosium', 'AU', 'MY', 0.3],
      ['neodymium', 'CN', 'CN', null],
      ['cobalt', 'CD', 'CN', null],
    ],
    { alternativeSources: 1, inventoryDays: 90, annualSpendUsd: 1_000_000 },
  );
  const multiScored = createScorer(ref, ctx('2026-11-28')).score(multi);
  out['multi score'] = multiScored.score;
  out['multi band'] = multiScored.band;
  for (const m of multiScored.minerals) out[`multi ${m.mineral}`] = m.score;
  out['multi dysprosium SR'] = r4(multiScored.minerals.find((m) => m.mineral === 'dysprosium')?.supplyRisk ?? 0);
  out['multi without mitigants'] = createScorer(ref, ctx('2026-11-28')).score({
    ...multi,
    alternativeSources: 0,
    inventoryDays: 0,
  }).score;

  // Section 4: cobalt, military end use, the DR Congo's measures.
  const cobalt = (o: string, p: string | null, asOf: string, endUse: ScoringContext['endUse'] = 'civil') =>
    createScorer(ref, ctx(asOf, 'US', endUse)).score(input('X', [['cobalt', o, p, 1]])).score;
  out['cobalt CN/CN 2026-11-28 civil'] = cobalt('CN', 'CN', '2026-11-28');
  out['cobalt CN/CN 2026-11-28 military'] = cobalt('CN', 'CN', '2026-11-28', 'military');
  for (const d of ['2025-01-15', '2025-06-01', '2025-12-01', '2028-01-01'])
    out[`cobalt CD/world ${d}`] = cobalt('CD', null, d);
  for (const d of ['2025-01-15', '2025-06-01']) out[`cobalt AU/FI ${d}`] = cobalt('AU', 'FI', d);

  // Section 7: the portfolio example.
  const dyAuMy = input('DY-AU-MY', [['dysprosium', 'AU', 'MY', 1]], { annualSpendUsd: 500_000 });
  const stored = [multiScored, createScorer(ref, ctx('2026-11-28')).score(dyAuMy)];
  const portfolio = portfolioExposure(stored, ['mineral']);
  const dy = portfolio.groups.find((g) => g.key.mineral === 'dysprosium');
  out['portfolio Dy HHI'] = portfolio.concentration.find((c) => c.mineral === 'dysprosium')?.sourcingHhi ?? 'none';
  out['portfolio Dy weighted'] = dy?.spendWeightedScore ?? 'none';
  out['portfolio Dy max'] = dy?.maxScore ?? 'none';
  out['portfolio score'] = portfolio.totals.spendWeightedScore ?? 'none';

  // Section 8: scenarios.
  const renewal = runScenario(
    ref,
    { modify: [{ id: 'CN-2025-70', effectiveUntil: '2027-11-10' }] },
    [input('HO', [['holmium', 'CN', null, 1]]), dyAuMy, multi],
    ctx('2026-12-01'),
  );
  for (const s of renewal.suppliers) out[`renewal ${s.supplierId}`] = `${s.base.score} -> ${s.scenario.score}`;
  const ban = runScenario(
    ref,
    { add: [{ country: 'CN', kind: 'export_ban', minerals: ['gallium'], effectiveFrom: '2026-12-01' }] },
    [input('GA', [['gallium', 'CN', null, 1]])],
    ctx('2026-12-01', 'DE'),
  );
  for (const s of ban.suppliers) out[`gallium ban ${s.supplierId} DE`] = `${s.base.score} -> ${s.scenario.score}`;
  out['score Ho CN 2025-10-01 (before any control)'] = score('2025-10-01', 'US', 'holmium', 'CN');

  // Section 2.16: the anchor (USGS top tier from its dominant producer) and the broad set, US buyer, 2026-12-03.
  for (const m of ANCHOR_MINERALS) {
    const top = ref.stageShares(m, mainStageOf(m)).shares[0]?.country ?? 'none';
    out[`anchor ${m} ${top}/${top}`] = score('2026-12-03', 'US', m, top, top);
  }
  for (const [m, o, p] of BROAD_LINES) out[`broad ${m} ${o}/${p ?? 'world'}`] = score('2026-12-03', 'US', m, o, p);
  for (const m of WORLD_MIX_MINERALS)
    out[`world mix ${m}`] = createScorer(ref, ctx('2026-12-03')).score(input('X', [[m, null, null, 1]])).score;

  // Section 4, Agreements: one route seen by buyers with and without an instrument with its countries, 2026-12-03.
  for (const [m, o, p, buyers] of BUYER_LINES)
    for (const b of buyers) out[`buyer ${b} ${m} ${o}/${p}`] = score('2026-12-03', b, m, o, p);
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const [k, v] of Object.entries(workedExamples())) console.log(`${k}\t${v}`);
}
