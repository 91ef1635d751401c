/**
 * The published ranking the calibration report (`npm run calibrate`, docs/model.md "Calibration") compares the
 * model with: the supply-risk (SR) values of the EU's 2023 criticality assessment, one per material, for the minerals
 * of the 2025 US list.
 *
 * Source: European Commission, "Study on the Critical Raw Materials for the EU 2023 – Final Report" (Grohol & Veeh,
 * doi 10.2873/725585), results table, column SR. Read from the same public machine-readable transcription of that
 * table that `vulnerability.ts` uses (GitHub meyerdata/CritMAT, input_data/seeds/eureport_results.csv, commit
 * 0bd8977), column `supply_risk`, with `eu_used_stage` for the stage the EU assessed; not re-checked line by line
 * against the PDF. The transcription's `publish_year` column says 2025; the values are the 2023 study's (its SI_SR
 * and EoL-RIR columns are the 2023 values vulnerability.ts holds).
 *
 * How it is read: SR is on the EU's own scale (threshold for criticality 1.0; highest values about 5–6). Only the
 * order matters here (Spearman's rank correlation), never the level. The EU computes SR for the EU's sourcing
 * (import reliance, EU suppliers) at the stage it judges the bottleneck, from data to about 2020, before China's
 * 2023–2025 controls; the model scores a US buyer at the world mix as of a date.
 *
 * Mapping to the US list: the EU names that differ are given in `euMaterial`. Not assessed by the EU in 2023: cesium,
 * rubidium, uranium (`notAssessed`). Anomalies of the transcription left out of use: a duplicated tungsten row
 * (identical), a blank refined SR for praseodymium and a shifted coking-coal row (its `supply_risk`, used here, is in
 * place).
 */
import type { Sourced } from '../types.ts';

export interface BenchmarkValue extends Sourced {
  /** Mineral id of the model (`minerals.ts`). */
  mineral: string;
  /** The material as the EU names it. */
  euMaterial: string;
  /** EU supply risk (SR), the EU's scale. */
  value: number;
  /** The stage the EU assessed SR at (its `eu_used_stage`). */
  stage: 'extraction' | 'processing';
  /**
   * EU import reliance at that stage, % (`import_reliance_primary` or `_refined`); null where the table leaves it
   * blank. SR weighs the world's concentration by IR/2 and the EU's own sourcing by 1 − IR/2, so a low value means the
   * EU's SR mostly reads its own (largely European) supply.
   */
  importReliance: number | null;
  note?: string;
}

export const BENCHMARK = {
  name: 'EU CRM 2023 supply risk (SR)',
  citation:
    'European Commission, Study on the Critical Raw Materials for the EU 2023 – Final Report (Grohol & Veeh 2023, doi 10.2873/725585), results table',
  transcription: 'meyerdata/CritMAT input_data/seeds/eureport_results.csv (commit 0bd8977), column supply_risk',
  /** Published March 2023 with the list (Project Blue, "Europe publishes new critical raw materials list", 2023-03-20). */
  publishedBy: '2023-03',
} as const;

const source = 'EU CRM 2023 (doi 10.2873/725585), SR; via meyerdata/CritMAT eureport_results.csv';
const year = 2023;

const E = 'extraction' as const;
const P = 'processing' as const;

/** [mineral id, EU material, SR, stage, import reliance %, note?] as the transcription gives them. */
const ROWS: [string, string, number, 'extraction' | 'processing', number | null, string?][] = [
  ['aluminum', 'Aluminium', 1.2, E, 89, 'EU 2023 merges aluminium and bauxite'],
  ['antimony', 'Antimony', 1.8, E, 100],
  ['arsenic', 'Arsenic', 1.9, P, 39],
  ['barite', 'Baryte', 1.3, E, 74],
  ['beryllium', 'Beryllium', 1.8, E, null],
  ['bismuth', 'Bismuth', 1.9, P, 71],
  ['boron', 'Boron', 3.6, E, 100, 'EU: borates'],
  ['cerium', 'Cerium', 4.0, P, 100],
  ['chromium', 'Chromium', 0.7, E, 7],
  ['cobalt', 'Cobalt', 2.8, E, 81],
  ['copper', 'Copper', 0.1, E, 48],
  ['dysprosium', 'Dysprosium', 5.6, P, 100],
  ['erbium', 'Erbium', 5.6, P, 100],
  ['europium', 'Europium', 5.6, P, 100],
  ['fluorspar', 'Fluorspar', 1.1, E, 60],
  ['gadolinium', 'Gadolinium', 3.3, P, 100],
  ['gallium', 'Gallium', 3.9, P, 98],
  ['germanium', 'Germanium', 1.8, P, 42],
  ['graphite', 'Natural graphite', 1.8, E, 99, 'the EU assesses natural graphite only'],
  ['hafnium', 'Hafnium', 1.5, P, 0],
  ['holmium', 'Holmium', 5.6, P, 100],
  ['indium', 'Indium', 0.6, P, 11],
  ['iridium', 'Iridium', 3.9, P, 100],
  ['lanthanum', 'Lanthanum', 3.5, P, 100],
  ['lead', 'Lead', 0.1, E, 21],
  ['lithium', 'Lithium', 1.9, P, 100],
  ['lutetium', 'Lutetium', 5.6, P, 100],
  ['magnesium', 'Magnesium', 4.1, P, 100],
  ['manganese', 'Manganese', 1.2, E, 96],
  ['metallurgical_coal', 'Coking coal', 1.0, E, 66],
  ['neodymium', 'Neodymium', 4.5, E, 80],
  ['nickel', 'Nickel', 0.5, P, 75],
  ['niobium', 'Niobium', 4.4, E, null],
  ['palladium', 'Palladium', 1.5, P, 100],
  ['phosphate', 'Phosphate rock', 1.0, E, 82, 'the EU also assesses phosphorus (SR 3.3), a refined product'],
  ['platinum', 'Platinum', 2.13, P, 100, 'transcribed with two decimals (2.1 in its refined-SR column)'],
  ['potash', 'Potash', 0.7, E, 33],
  ['praseodymium', 'Praseodymium', 3.2, P, 100],
  ['rhenium', 'Rhenium', 0.5, P, 92],
  ['rhodium', 'Rhodium', 2.4, P, 100],
  ['ruthenium', 'Ruthenium', 3.8, P, 100],
  ['samarium', 'Samarium', 3.5, P, 100],
  ['scandium', 'Scandium', 2.4, P, 100],
  ['silicon', 'Silicon metal', 1.4, P, 64],
  ['silver', 'Silver', 0.8, E, 5],
  ['tantalum', 'Tantalum', 1.3, E, 99],
  ['tellurium', 'Tellurium', 0.3, P, 0],
  ['terbium', 'Terbium', 4.9, P, 100],
  ['thulium', 'Thulium', 5.6, P, 100],
  ['tin', 'Tin', 0.9, P, 73],
  [
    'titanium',
    'Titanium metal',
    1.6,
    P,
    100,
    'the model scores titanium at sponge-metal production (USGS MCS); the EU value for titanium (mineral concentrates) is 0.5',
  ],
  ['tungsten', 'Tungsten', 1.2, P, 80],
  ['vanadium', 'Vanadium', 2.3, E, 0],
  ['ytterbium', 'Ytterbium', 5.6, P, 100],
  ['yttrium', 'Yttrium', 3.5, P, 100],
  ['zinc', 'Zinc', 0.2, E, 56],
  ['zirconium', 'Zirconium', 0.8, E, 100],
];

export const calibrationBenchmark: BenchmarkValue[] = ROWS.map(([mineral, euMaterial, value, stage, ir, note]) => ({
  mineral,
  euMaterial,
  value,
  stage,
  importReliance: ir,
  source,
  year,
  ...(note ? { note } : {}),
}));

/** Minerals of the 2025 US list the EU did not assess in 2023. */
export const notAssessed: { mineral: string; note: string }[] = [
  { mineral: 'cesium', note: 'not a candidate material of the EU 2023 assessment' },
  { mineral: 'rubidium', note: 'not a candidate material of the EU 2023 assessment' },
  { mineral: 'uranium', note: 'not a candidate material of the EU 2023 assessment (an energy material)' },
];
