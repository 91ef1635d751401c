/**
 * The calibration report (`npm run calibrate`, docs/model.md "Calibration"): the world-mix score of every mineral of
 * the 2025 US list for one buyer as of a date, ranked beside a published ranking (`calibration-benchmark.ts`), with
 * Spearman's rank correlation over the minerals both cover and the largest disagreements. Pure: reference data,
 * context and benchmark in, rows and markdown out.
 */
import { governanceRisk } from '../model/governance.ts';
import { createScorer, governanceWeightOf } from '../model/score.ts';
import type { Band, Exposure, MeasureInForce, MineralRisk, ScoringContext, SupplierInput } from '../model/types.ts';
import { countryName } from '../reference/countries.ts';
import { BENCHMARK, type BenchmarkValue, calibrationBenchmark } from '../reference/data/calibration-benchmark.ts';
import { mainStages, minerals } from '../reference/data/minerals.ts';
import type { ReferenceData, Stage } from '../reference/index.ts';

/**
 * 1-based ranks of `values`, highest first (rank 1 = the largest value); tied values share the average of the ranks
 * they span (e.g. two values tied for 2nd and 3rd both get 2.5), as Spearman's coefficient with ties requires.
 */
export function averageRanks(values: readonly number[]): number[] {
  const order = values.map((v, i) => ({ v, i })).sort((a, b) => b.v - a.v);
  const ranks = new Array<number>(values.length);
  for (let start = 0; start < order.length; ) {
    let end = start;
    while (end + 1 < order.length && (order[end + 1] as { v: number }).v === (order[start] as { v: number }).v) end++;
    const rank = (start + end) / 2 + 1;
    for (let k = start; k <= end; k++) ranks[(order[k] as { i: number }).i] = rank;
    start = end + 1;
  }
  return ranks;
}

/** Pearson's correlation of two equally long series; NaN when either is constant or shorter than 2. */
export function pearson(xs: readonly number[], ys: readonly number[]): number {
  if (xs.length !== ys.length) throw new Error('pearson: series of different lengths');
  const n = xs.length;
  if (n < 2) return Number.NaN;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = (xs[i] as number) - mx;
    const dy = (ys[i] as number) - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxx === 0 || syy === 0 ? Number.NaN : sxy / Math.sqrt(sxx * syy);
}

/**
 * Spearman's rank correlation: Pearson's correlation of the average ranks (the general form, exact with ties; the
 * shortcut 1 − 6Σd²/(n(n²−1)) holds only without ties).
 */
export function spearman(xs: readonly number[], ys: readonly number[]): number {
  return pearson(averageRanks(xs), averageRanks(ys));
}

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

export const SECTION_BEGIN = '<!-- calibration:begin';
export const SECTION_END = '<!-- calibration:end -->';

/** The parameters a generated section records in its first marker, so a check can regenerate it exactly. */
export interface SectionParams {
  asOf: string;
  buyerCountry: string;
  method: WorldMixMethod;
}

/** A markdown table with its columns padded to one width (right-aligned where `right`), as the rest of the doc. */
export function markdownTable(header: string[], right: boolean[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const cell = (text: string, i: number) =>
    right[i] ? text.padStart(widths[i] as number) : text.padEnd(widths[i] as number);
  const line = (cells: string[]) => `| ${cells.map(cell).join(' | ')} |`;
  const rule = widths.map((w, i) => (right[i] ? `${'-'.repeat(w - 1)}:` : '-'.repeat(w)));
  return [line(header), `| ${rule.join(' | ')} |`, ...rows.map(line)];
}

const rankText = (r: number | null) => (r === null ? '—' : Number.isInteger(r) ? String(r) : r.toFixed(1));
const rhoText = (x: number) => (Number.isNaN(x) ? 'n/a' : x.toFixed(3));

/**
 * The markdown block between the markers: context, ρ, the ranked table, the largest disagreements. `alternative` is
 * the same calibration with the other world-mix method, for its ρ.
 */
export function calibrationMarkdown(c: Calibration, alternative?: Calibration): string {
  const out: string[] = [];
  const { asOf, buyerCountry, endUse } = c.context;
  out.push(
    `${SECTION_BEGIN} as-of=${asOf} buyer=${buyerCountry} world-mix=${c.method} -->`,
    `<!-- generated by \`npm run calibrate -- --write --as-of ${asOf}${buyerCountry === 'US' ? '' : ` --buyer-country ${buyerCountry}`}${c.method === 'unknown' ? '' : ` --world-mix ${c.method}`}\`; edit bin/calibrate.ts, not this block -->`,
    '',
  );
  const methodWords = {
    unknown: 'one line of origin and processing `unknown`, which the model reads as the world mix of each stage',
    shares:
      'one line per producing country at its world mine-output share, plus the unlisted rest of the world, processing undeclared (`--world-mix shares`)',
    remainder: "the model's own world mix, the line it adds for an undeclared share (`--world-mix remainder`)",
  }[c.method];
  const notCovered = c.rows.filter((r) => r.benchmark === null).map((r) => r.name);
  out.push(
    `As of **${asOf}**, ${buyerCountry} buyer, ${endUse} end use; model ${c.modelVersion}, data ${c.dataVersion}. ` +
      `World mix: ${methodWords}. Benchmark: ${BENCHMARK.name}, ${BENCHMARK.citation}.`,
    '',
    `**Spearman's ρ = ${rhoText(c.rho)}** over the **${c.compared}** minerals both cover (ties by average rank)` +
      (notCovered.length > 0 ? `; not in the benchmark: ${notCovered.join(', ')}` : '') +
      '.' +
      (alternative
        ? ` With the other world-mix method (\`--world-mix ${alternative.method}\`): ρ = ${rhoText(alternative.rho)}.`
        : ''),
    '',
    ...markdownTable(
      ['rank', 'mineral', 'our score', 'band', 'EU SR 2023', 'EU rank'],
      [true, false, true, false, true, true],
      c.rows.map((r) => [
        rankText(r.rank),
        r.name,
        r.score.toFixed(1),
        r.band,
        r.benchmark ? String(r.benchmark.value) : '—',
        rankText(r.benchmarkRank),
      ]),
    ),
  );
  const list = (rows: CalibrationRow[], direction: 'higher' | 'lower') =>
    rows.map(
      (r) =>
        `- **${r.name}**: ${rankText(r.comparedRank)} vs ${rankText(r.comparedBenchmarkRank)} — ${disagreementReason(r, direction, BENCHMARK.publishedBy)}`,
    );
  out.push(
    '',
    `Ranks: "rank" among all ${c.rows.length} minerals by our score, "EU rank" among the ${c.compared} the EU assessed; ` +
      `the disagreements compare ranks among those ${c.compared} (ours vs EU).`,
    '',
    `**The model ranks higher than the EU** (top ${c.higher.length}):`,
    '',
    ...list(c.higher, 'higher'),
    '',
    `**The model ranks lower than the EU** (top ${c.lower.length}):`,
    '',
    ...list(c.lower, 'lower'),
    '',
    SECTION_END,
  );
  return out.join('\n');
}

/** The parameters of the generated block in `doc`, or null when it has none. */
export function sectionParams(doc: string): SectionParams | null {
  const m = doc.match(
    /<!-- calibration:begin as-of=(\d{4}-\d{2}-\d{2}) buyer=([A-Z]{2}) world-mix=(unknown|shares|remainder) -->/,
  );
  return m ? { asOf: m[1] as string, buyerCountry: m[2] as string, method: m[3] as WorldMixMethod } : null;
}

/** The generated block of `doc`, markers included, or null. */
export function currentSection(doc: string): string | null {
  const start = doc.indexOf(SECTION_BEGIN);
  const end = doc.indexOf(SECTION_END);
  return start < 0 || end < start ? null : doc.slice(start, end + SECTION_END.length);
}

/** `doc` with its generated block replaced by `block`; throws when the markers are missing. */
export function replaceSection(doc: string, block: string): string {
  const current = currentSection(doc);
  if (current === null) throw new Error(`no ${SECTION_BEGIN} … ${SECTION_END} block in the document`);
  return doc.replace(current, () => block);
}

/** The block for the parameters, from the embedded data: what `npm run calibrate -- --write` puts in the doc. */
export function calibrationSection(ref: ReferenceData, p: SectionParams): string {
  const context: ScoringContext = { asOf: p.asOf, buyerCountry: p.buyerCountry, endUse: 'civil' };
  const other: WorldMixMethod = p.method === 'shares' ? 'unknown' : 'shares';
  const ids = usListMinerals();
  return calibrationMarkdown(
    calibrate(ref, context, ids, calibrationBenchmark, p.method),
    calibrate(ref, context, ids, calibrationBenchmark, other),
  );
}
