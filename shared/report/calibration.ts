/**
 * The calibration report (`npm run calibrate`, docs/model.md "Calibration"): the world-mix score of every mineral of
 * the 2025 US list for one buyer as of a date, ranked beside a published ranking (`calibration-benchmark.ts`), with
 * Spearman's rank correlation over the minerals both cover and the largest disagreements. Pure: reference data,
 * context and benchmark in, rows out (the markdown: calibration-section.ts; the statistics: rank-correlation.ts).
 */
import { governanceRisk } from '../model/governance.ts';
import { createScorer, governanceWeightOf } from '../model/score.ts';
import type { Band, Exposure, MeasureInForce, MineralRisk, ScoringContext, SupplierInput } from '../model/types.ts';
import { countryName } from '../reference/countries.ts';
import type { BenchmarkValue } from '../reference/data/calibration-benchmark.ts';
import { mainStages, minerals } from '../reference/data/minerals.ts';
import type { ReferenceData, Stage } from '../reference/index.ts';
import { averageRanks, spearman } from './rank-correlation.ts';

/**
 * How the world-mix line of a mineral is built.
 * - `unknown` (the default): one line of origin and processing `unknown`, which the model reads as the world mix of
 *   each stage (docs/model.md 2.8) — what a buyer who knows only the mineral declares.
 * - `shares`: one line per producing country at the mining stage, weighted by its world share (divided as the model
 *   divides them), plus the unlisted rest of the world as a line from `ZZ` (the model's rest-of-world pseudo-country);
 *   processing undeclared on each, so it is the world processing mix. The expectation of each route's weakest link.
 * - `remainder`: the model's own world mix, the line it adds for an undeclared share (origin `WORLD`: the larger of
 *   the world mining and world processing expectations), reached by declaring nothing (one line of share 0).
 */
export type WorldMixMethod = 'unknown' | 'shares' | 'remainder';
export const WORLD_MIX_METHODS: readonly WorldMixMethod[] = ['unknown', 'shares', 'remainder'];

/** Rest-of-world pseudo-country of the model (no WGI row ⇒ default governance, no measures, no agreement). */
const REST_OF_WORLD = 'ZZ';

export function worldMixExposures(ref: ReferenceData, mineral: string, method: WorldMixMethod): Exposure[] {
  if (method === 'unknown') return [{ mineral, originCountry: null, processingCountry: null, share: 1 }];
  if (method === 'remainder') return [{ mineral, originCountry: REST_OF_WORLD, processingCountry: null, share: 0 }];
  const { shares, divisor } = ref.stageShares(mineral, 'mining');
  const byCountry = new Map<string, number>();
  for (const s of shares) byCountry.set(s.country, (byCountry.get(s.country) ?? 0) + s.sharePct / divisor);
  const lines: Exposure[] = [...byCountry].map(([country, f]) => ({
    mineral,
    originCountry: country,
    processingCountry: null,
    share: f,
  }));
  const listed = [...byCountry.values()].reduce((a, b) => a + b, 0);
  if (listed < 1 - 1e-9)
    lines.push({ mineral, originCountry: REST_OF_WORLD, processingCountry: null, share: 1 - listed });
  return lines;
}

/** What the model's world-mix score of a mineral rests on, read from its own terms and data. */
export interface RowFacts {
  /** The stage docs/model.md names as the mineral's main stage (`mainStages`). */
  stage: Stage;
  /** Where that stage's shares come from: own rows, a group's, the other stage's, or none (default HHI). */
  basis: 'own' | 'group' | 'other_stage' | 'none';
  /** The largest producer at that stage, its share (0–1) and its governance risk w. */
  top: { country: string; share: number; w: number; proxyOf: string | null } | null;
  /** Share of world output the listed countries cover at that stage (0–1). */
  coverage: number;
  /** Measures in force on the world-mix lines for this buyer: instrument, state, announcement date. */
  measures: { instrument: string; state: MeasureInForce['state']; announced: string }[];
  /** V = SI × (1 − EoL-RIR). */
  vulnerability: number;
}

export interface CalibrationRow {
  mineral: string;
  name: string;
  score: number;
  band: Band;
  /** 1-based, highest score first, among all minerals of the report (ties: average rank). */
  rank: number;
  benchmark: BenchmarkValue | null;
  /** Rank of the published value among the minerals it covers (ties: average rank). */
  benchmarkRank: number | null;
  /** Ranks among the minerals both cover (what Spearman compares); null where the benchmark has no value. */
  comparedRank: number | null;
  comparedBenchmarkRank: number | null;
  facts: RowFacts;
}

export interface Calibration {
  context: ScoringContext;
  method: WorldMixMethod;
  modelVersion: string;
  dataVersion: string;
  rows: CalibrationRow[];
  compared: number;
  rho: number;
  /** Model ranks the mineral riskier than the benchmark does: largest rank gaps first. */
  higher: CalibrationRow[];
  /** Model ranks the mineral less risky than the benchmark does. */
  lower: CalibrationRow[];
}

function rowFacts(ref: ReferenceData, m: MineralRisk): RowFacts {
  const stage: Stage = mainStages[m.mineral] ?? 'mining';
  const { shares, basis, divisor } = ref.stageShares(m.mineral, stage);
  const top = [...shares].sort((x, y) => y.sharePct - x.sharePct)[0];
  const measures = new Map<string, RowFacts['measures'][number]>();
  for (const line of m.lines) {
    if (line.share <= 0) continue;
    for (const st of line.stages)
      for (const x of st.measures) {
        const e = ref.policyEventsById.get(x.id);
        if (!measures.has(x.id))
          measures.set(x.id, { instrument: e?.instrument ?? x.id, state: x.state, announced: e?.announced ?? '' });
      }
  }
  return {
    stage,
    basis: basis.kind,
    top: top
      ? {
          country: top.country,
          share: top.sharePct / divisor,
          w: governanceRisk(ref, top.country).risk,
          proxyOf: top.proxyOf ?? null,
        }
      : null,
    coverage: shares.reduce((sum, x) => sum + x.sharePct, 0) / divisor,
    measures: [...measures.values()],
    vulnerability: m.vulnerability,
  };
}

const pct = (x: number) => `${Math.round(x * 100)}%`;

/**
 * One line on why the model and the benchmark disagree about a mineral: the reasons that apply, in the direction of
 * the disagreement, then the facts they rest on. `publishedBy` (YYYY-MM) dates the benchmark, so measures announced
 * later are named as such.
 */
export function disagreementReason(r: CalibrationRow, direction: 'higher' | 'lower', publishedBy: string): string {
  const f = r.facts;
  const b = r.benchmark;
  const reasons: string[] = [];
  const ourStage = f.stage === 'mining' ? 'extraction' : 'processing';
  const stageDiffers = b !== null && b.stage !== ourStage;
  const dominant = f.top !== null && f.top.share >= 0.8;
  if (direction === 'higher') {
    const later = f.measures.filter((m) => m.announced.slice(0, 7) > publishedBy);
    if (later.length > 0)
      reasons.push(
        `export controls announced after the benchmark (${later
          .slice(0, 2)
          .map((m) => `${m.instrument}, ${m.state}`)
          .join('; ')}${later.length > 2 ? ` and ${later.length - 2} more` : ''})`,
      );
    else if (f.measures.length > 0) reasons.push(`a formal control in force (${f.measures[0]?.instrument})`);
    if (b?.importReliance !== null && b?.importReliance !== undefined && b.importReliance < 50)
      reasons.push(
        `the EU's SR mostly reads its own sourcing (EU import reliance ${b.importReliance}%), the model the world's`,
      );
    if (f.top && f.top.w >= 0.5 && f.top.share >= 0.5 && f.measures.length === 0)
      reasons.push(`weak governance of the dominant producer`);
  } else {
    if (f.basis === 'none') reasons.push('missing production data (default HHI 0.25, rest-of-world governance)');
    if (f.top?.proxyOf)
      reasons.push(`missing production data: proxy shares (${f.top.proxyOf}) rank the proxy's producers, not its own`);
    if (f.basis !== 'none' && f.coverage < 0.6)
      reasons.push(`shares cover only ${pct(f.coverage)} of world output, the rest takes the rest-of-world default`);
    if (dominant && f.top && f.measures.length === 0) {
      // The share-weighted governance term (docs/model.md 2.3) is all that moves the dominant producer's propensity.
      const alpha = governanceWeightOf(f.top.share);
      reasons.push(
        `extreme concentration without a formal control: the dominant producer's propensity is its governance alone, α·w = ${alpha.toFixed(2)} · ${f.top.w.toFixed(2)} = ${(alpha * f.top.w).toFixed(2)}, where an active ban would make it 1`,
      );
    }
    if (f.vulnerability < 0.7) reasons.push(`substitution and recycling lower V to ${f.vulnerability.toFixed(2)}`);
  }
  if (stageDiffers) reasons.push(`a difference in method: the EU assessed ${b?.stage}, the model scores ${ourStage}`);
  if (reasons.length === 0) reasons.push('a difference in method (EU sourcing and bottleneck stage vs world mix)');
  const facts: string[] = [];
  if (f.basis === 'none') facts.push(`no ${f.stage === 'mining' ? 'mine output' : 'refining'} shares`);
  else if (f.top)
    facts.push(
      `${pct(f.top.share)} of ${f.stage === 'mining' ? 'mine output' : 'refining'} in ${countryName(f.top.country)}` +
        `${f.basis === 'group' ? ' (group data)' : f.basis === 'other_stage' ? ' (other stage as proxy)' : ''}, w ${f.top.w.toFixed(2)}`,
    );
  if (f.measures.length === 0) facts.push('no measure in force');
  facts.push(`V ${f.vulnerability.toFixed(2)}`);
  return `${reasons.join('; ')} (${facts.join(', ')})`;
}

const DISAGREEMENTS = 5;

/**
 * Scores the world-mix line of every mineral in `minerals` for the context, and sets it beside the benchmark.
 * A mineral's score is its mineral score (one mineral per supplier, no mitigants).
 */
export function calibrate(
  ref: ReferenceData,
  context: ScoringContext,
  minerals: readonly string[],
  benchmark: readonly BenchmarkValue[],
  method: WorldMixMethod = 'unknown',
): Calibration {
  const scorer = createScorer(ref, context);
  const byMineral = new Map(benchmark.map((b) => [b.mineral, b]));
  const scored = minerals.map((mineral) => {
    const supplier: SupplierInput = {
      supplierId: `calibration-${mineral}`,
      supplierName: null,
      supplierCountry: null,
      annualSpendUsd: null,
      tier: null,
      alternativeSources: 0,
      inventoryDays: 0,
      exposures: worldMixExposures(ref, mineral, method),
    };
    const s = scorer.score(supplier);
    const m = s.minerals[0] as MineralRisk;
    return { m, b: byMineral.get(mineral) ?? null, modelVersion: s.modelVersion };
  });
  const ranks = averageRanks(scored.map((x) => x.m.score));
  const covered = scored.map((x, i) => ({ ...x, i })).filter((x) => x.b !== null);
  const benchRanks = averageRanks(covered.map((x) => (x.b as BenchmarkValue).value));
  const ourCompared = averageRanks(covered.map((x) => x.m.score));
  const rows: CalibrationRow[] = scored.map(({ m, b }, i) => ({
    mineral: m.mineral,
    name: m.name,
    score: m.score,
    band: m.band,
    rank: ranks[i] as number,
    benchmark: b,
    benchmarkRank: null,
    comparedRank: null,
    comparedBenchmarkRank: null,
    facts: rowFacts(ref, m),
  }));
  covered.forEach((x, k) => {
    const row = rows[x.i] as CalibrationRow;
    row.benchmarkRank = benchRanks[k] as number;
    row.comparedRank = ourCompared[k] as number;
    row.comparedBenchmarkRank = benchRanks[k] as number;
  });
  rows.sort((a, b) => a.rank - b.rank || (a.mineral < b.mineral ? -1 : 1));
  const both = rows.filter((r) => r.comparedRank !== null);
  const gap = (r: CalibrationRow) => (r.comparedBenchmarkRank as number) - (r.comparedRank as number);
  const byName = (a: CalibrationRow, b: CalibrationRow) => (a.mineral < b.mineral ? -1 : 1);
  return {
    context,
    method,
    modelVersion: scored[0]?.modelVersion ?? '',
    dataVersion: ref.dataVersion,
    rows,
    compared: both.length,
    rho: spearman(
      both.map((r) => r.score),
      both.map((r) => (r.benchmark as BenchmarkValue).value),
    ),
    higher: both
      .filter((r) => gap(r) > 0)
      .sort((a, b) => gap(b) - gap(a) || byName(a, b))
      .slice(0, DISAGREEMENTS),
    lower: both
      .filter((r) => gap(r) < 0)
      .sort((a, b) => gap(a) - gap(b) || byName(a, b))
      .slice(0, DISAGREEMENTS),
  };
}

/** The minerals of the 2025 US critical-minerals list, in catalogue order. */
export const usListMinerals = (): string[] => minerals.filter((m) => m.usCritical2025).map((m) => m.id);
