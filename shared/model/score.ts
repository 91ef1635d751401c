/**
 * THE SCORING FORMULA — everything that turns reference data and a supplier's sourcing into a 0–100 score lives
 * in this file. docs/model.md explains each factor, its source and its limits; keep the two in step.
 *
 * Anchors: the EU CRM supply-risk formula SR = [HHI_WGI,t(global)·IR/2 + HHI_WGI,t(sourcing)·(1 − IR/2)]·(1 − EoL_RIR)·SI
 * (Blengini et al. 2017) and GeoPolRisk (Gemechu et al. 2015), applied to one supplier's actual sourcing.
 */
import type { ReferenceData, Stage } from '../reference/index.ts';
import { type EntityMatches, entityMatches, matchesKey, NO_ENTITIES } from './entities.ts';
import { explainSupplier } from './explain.ts';
import { governanceRisk } from './governance.ts';
import { agreementInForce, measuresInForce } from './policy.ts';
import type {
  Band,
  Exposure,
  LineRisk,
  MeasureInForce,
  MineralRisk,
  ScoredSupplier,
  ScoringContext,
  StageRisk,
  SupplierInput,
} from './types.ts';

/**
 * Bump on any change to the arithmetic or parameters of shared/model/ (this file, governance.ts, policy.ts, the
 * drivers' points in explain.ts) or to the share fallback rules of shared/reference/index.ts; stored with every
 * score, so a bump rescores what is stored. Data changes move dataVersion.
 * 1.1.0: drivers' points are each line's part of the supplier's score (1.0.0: of its mineral's score).
 * 1.2.0: stage-scoped measures (a `raw` ban stops ore processed elsewhere only, and no raw ban enters the world
 * term); unknown origins read as the world mining mix; governance weighs with the country's squared world share and
 * recycling relieves the impact and the world term, not the line (docs/model.md 2.16, changelog).
 */
export const MODEL_VERSION = '1.2.0';

export const PARAMS = {
  /**
   * Share of a country's governance risk that becomes baseline disruption propensity (no measure in force), for a
   * country with a negligible world share; it rises with the square of the share (the EU's s² weighting) to 1 for a
   * country holding the whole stage: α_c = α + (1 − α)·s_c².
   */
  governanceWeight: 0.5,
  /** Restriction intensity of a measure in force, by kind (EU CRM's t_c idea: restrictions scale risk). */
  severity: { export_licensing: 0.6, export_quota: 0.7, export_ban: 1.0 } as Record<string, number>,
  /** Weight of a measure by state: suspended or announced measures are latent risk (lower than active, above none). */
  stateWeight: { active: 1.0, suspended: 0.4, announced: 0.4 },
  /** Relief on an origin's disruption propensity when the buyer's country has a critical-minerals agreement with it. */
  agreementRelief: 0.25,
  /** Impact of losing a source: floor plus the part the country's world share makes irreplaceable. */
  impactFloor: 0.5,
  /** Weight of the world-market (global concentration) term: IR/2 with import reliance 1, as in the EU formula. */
  globalWeight: 0.5,
  /** Concentration (HHI) assumed where no world share data exists for a mineral (moderately concentrated market). */
  defaultHhi: 0.25,
  /** EU CRM SI and EoL-RIR defaults where unknown: no substitute, no recycling (conservative). */
  defaultSubstitutionIndex: 1.0,
  defaultEolRecyclingInputRate: 0.0,
  /** Mitigants: at most 30% off for alternatives (half the remaining room per source), 20% for 180+ days of cover. */
  alternativesMaxRelief: 0.3,
  inventoryMaxRelief: 0.2,
  inventoryCapDays: 180,
  /** Breadth: other minerals add this fraction of the headroom above the worst mineral, scaled by their mean score. */
  breadthWeight: 0.25,
  /** Band lower bounds (score ≥ bound). */
  bands: { medium: 25, high: 50, critical: 75 },
} as const;

export function bandOf(score: number): Band {
  if (score >= PARAMS.bands.critical) return 'critical';
  if (score >= PARAMS.bands.high) return 'high';
  if (score >= PARAMS.bands.medium) return 'medium';
  return 'low';
}

/** Restriction intensity τ ∈ [0,1]: the union of the measures' weighted severities (adding one never lowers it). */
export function restrictionIntensity(measures: readonly MeasureInForce[]): number {
  let keep = 1;
  for (const m of measures) keep *= 1 - (PARAMS.severity[m.kind] ?? 0) * PARAMS.stateWeight[m.state];
  return 1 - keep;
}

/**
 * Whether a measure of the stage country bears on this stage of a line: `all` on either stage; `mining` and `raw` on
 * the mine origin, `raw` only when the ore leaves the country to be processed (`exported`); `processing` on the
 * processing country.
 */
export function bearsOn(m: MeasureInForce, stage: Stage, exported: boolean): boolean {
  if (m.stage === undefined) return true;
  if (stage === 'processing') return m.stage === 'processing';
  return m.stage === 'mining' || (m.stage === 'raw' && exported);
}

/**
 * Governance weight α_c of a country holding `share` (0–1) of the stage's world supply: α + (1 − α)·s². A dominant
 * producer with weak governance can withhold supply without a formal control, and a buyer has nowhere else to go.
 */
export function governanceWeightOf(share: number): number {
  return PARAMS.governanceWeight + (1 - PARAMS.governanceWeight) * share * share;
}

/**
 * Propensity of a country to disrupt a flow: governance baseline (weighted by the country's world share) united with
 * restrictions. Non-decreasing in governance risk, world share and restriction; at most 1.
 */
export function propensity(governance: number, restriction: number, share = 0): number {
  return 1 - (1 - governanceWeightOf(share) * governance) * (1 - restriction);
}

const round1 = (x: number) => Math.round(x * 10) / 10;
/** Risks are kept to 4 decimals: enough to rank, short in JSON, and rounding is monotone so no property is lost. */
const round4 = (x: number) => Math.round(x * 10_000) / 10_000;
const WORLD = 'WORLD';
/** A line's origin in results when it is fed by end-of-life scrap. */
export const RECYCLED = 'RECYCLED';

/**
 * A scorer for one context (as-of date, buyer). It caches per (mineral, stage, country), so scoring a million
 * rows costs a few map lookups per line. Pure: same reference data and context, same results.
 */
export interface Scorer {
  readonly context: ScoringContext;
  readonly dataVersion: string;
  score(supplier: SupplierInput): ScoredSupplier;
}

export function createScorer(ref: ReferenceData, context: ScoringContext): Scorer {
  const stageCache = new Map<string, StageRisk>();
  const globalCache = new Map<string, number>();
  const vulnerabilityCache = new Map<string, number>();

  const coversOf = (mineral: string) => ref.minerals.get(mineral)?.covers ?? [mineral];

  /**
   * ρ = EoL-RIR, the share of the market's input that end-of-life scrap supplies; for a group, its least recycled
   * member (the most vulnerable, as for V). It relieves the world term only: a declared line is primary material.
   */
  const recyclingCache = new Map<string, number>();
  const recyclingOf = (mineral: string): number => {
    const hit = recyclingCache.get(mineral);
    if (hit !== undefined) return hit;
    let rho = 1;
    for (const m of coversOf(mineral)) {
      rho = Math.min(rho, ref.vulnerability.get(m)?.eolRecyclingInputRate ?? PARAMS.defaultEolRecyclingInputRate);
    }
    recyclingCache.set(mineral, rho);
    return rho;
  };

  /**
   * The country's measures on the mineral that bear on this stage of a line (`bearsOn`); entity-level ones only where
   * the line's supplier or processor is listed (`entities`).
   */
  const stageMeasures = (
    mineral: string,
    stage: Stage,
    country: string,
    exported: boolean,
    entities: EntityMatches = NO_ENTITIES,
  ): MeasureInForce[] =>
    measuresInForce(ref, country, coversOf(mineral), context, entities).filter((m) => bearsOn(m, stage, exported));

  /**
   * p_c for the world-market term: restrictions as this buyer meets them, no bilateral relief. A `raw` measure is left
   * out: it moves where the ore is refined, not how much of the mineral reaches the world market.
   */
  const countryPropensity = (mineral: string, stage: Stage, country: string, share: number): number =>
    propensity(
      governanceRisk(ref, country).risk,
      restrictionIntensity(stageMeasures(mineral, stage, country, false)),
      share,
    );

  /**
   * G_k = (1 − ρ) · Σ_c s_c² · p_c — the EU HHI_WGI,t over world shares, with p_c in place of WGI_c·t_c, less the
   * part of the market end-of-life recycling supplies (ρ = EoL-RIR).
   */
  const globalTerm = (mineral: string, stage: Stage): number => {
    const key = `${mineral}|${stage}`;
    const hit = globalCache.get(key);
    if (hit !== undefined) return hit;
    const { shares, divisor } = ref.stageShares(mineral, stage);
    let g = 0;
    for (const s of shares) {
      const f = s.sharePct / divisor;
      g += f * f * countryPropensity(mineral, stage, s.country, f);
    }
    g *= 1 - recyclingOf(mineral);
    globalCache.set(key, g);
    return g;
  };

  /**
   * R_k(c) = 1 − (1 − p_c·I_c)(1 − γ·G_k): the country cuts this flow, or the world market is disrupted. `exported`:
   * the mine output leaves the country unprocessed, so the country's `raw` measures bear on it too.
   */
  const stageRisk = (
    mineral: string,
    stage: Stage,
    country: string,
    exported = false,
    entities: EntityMatches = NO_ENTITIES,
  ): StageRisk => {
    const key = `${mineral}|${stage}|${country}|${exported ? 'x' : ''}|${matchesKey(entities)}`;
    const hit = stageCache.get(key);
    if (hit) return hit;
    const covers = coversOf(mineral);
    const { shares, basis, divisor } = ref.stageShares(mineral, stage);
    const measures = stageMeasures(mineral, stage, country, exported, entities);
    const agreement = agreementInForce(ref, country, covers, context);
    const known = basis.kind !== 'none';
    const share = known ? (shares.find((s) => s.country === country)?.sharePct ?? 0) / divisor : null;
    const unrelieved = propensity(governanceRisk(ref, country).risk, restrictionIntensity(measures), share ?? 0);
    // The agreement relieves this buyer's bilateral flow, not the world market.
    const p = agreement ? unrelieved * (1 - PARAMS.agreementRelief) : unrelieved;
    const impact = PARAMS.impactFloor + (1 - PARAMS.impactFloor) * (share ?? 0) * (1 - recyclingOf(mineral));
    const g = known ? globalTerm(mineral, stage) : PARAMS.defaultHhi * unrelieved * (1 - recyclingOf(mineral));
    const risk = round4(1 - (1 - p * impact) * (1 - PARAMS.globalWeight * g));
    const result: StageRisk = {
      stage,
      country,
      risk,
      worldShare: share,
      measures,
      agreement: agreement ? agreement.id : null,
    };
    stageCache.set(key, result);
    return result;
  };

  /**
   * The mining stage of a line mined in `origin` and processed in `processing` (null = unknown). A `raw` measure of
   * the origin stops the ore only if it is processed elsewhere: fully when the processing country is another, not at
   * all when it is the origin, and when it is unknown for the part of the world's processing outside the origin
   * (the world processing mix, as an unknown processing country is read everywhere): the stage risk is then the
   * expectation over the two flows, R = q·R_exported + (1 − q)·R_domestic.
   */
  const miningRisk = (
    mineral: string,
    origin: string,
    processing: string | null,
    entities: EntityMatches = NO_ENTITIES,
  ): StageRisk => {
    const domestic = stageRisk(mineral, 'mining', origin, false, entities);
    if (processing === origin) return domestic;
    const exported = stageRisk(mineral, 'mining', origin, true, entities);
    if (!exported.measures.some((m) => m.stage === 'raw')) return domestic;
    if (processing !== null) return exported;
    const key = `${mineral}|mining|${origin}|?|${matchesKey(entities)}`;
    const hit = stageCache.get(key);
    if (hit) return hit;
    const { shares, divisor } = ref.stageShares(mineral, 'processing');
    const q = 1 - (shares.find((s) => s.country === origin)?.sharePct ?? 0) / divisor;
    const flowShare = round4(q);
    // The driver says what was assumed, even when all of the world's processing is elsewhere (flowShare 1).
    const result: StageRisk = {
      ...exported,
      risk: flowShare >= 1 ? exported.risk : round4(q * exported.risk + (1 - q) * domestic.risk),
      measures: exported.measures.map((m) => (m.stage === 'raw' ? { ...m, flowShare } : m)),
    };
    stageCache.set(key, result);
    return result;
  };

  /**
   * Expected stage risk over the world mix: used when the country is unknown. Unlisted remainder: default country.
   * At the mining stage each producer's risk is that of ore processed in `processing` (null = unknown), so its `raw`
   * measures count as they would on its own line.
   */
  const worldStageRisk = (
    mineral: string,
    stage: Stage,
    processing: string | null = null,
    entities: EntityMatches = NO_ENTITIES,
  ): StageRisk => {
    const key = `${mineral}|${stage}|${WORLD}|${processing ?? ''}|${matchesKey(entities)}`;
    const hit = stageCache.get(key);
    if (hit) return hit;
    const { shares, divisor } = ref.stageShares(mineral, stage);
    const producerRisk = (country: string) =>
      stage === 'mining'
        ? miningRisk(mineral, country, processing, entities)
        : stageRisk(mineral, stage, country, false, entities);
    let listed = 0;
    let risk = 0;
    for (const s of shares) {
      const f = s.sharePct / divisor;
      listed += f;
      risk += f * producerRisk(s.country).risk;
    }
    // The unlisted rest of the world: many small producers, governance at the documented default, no measures.
    if (listed < 1) risk += (1 - listed) * stageRisk(mineral, stage, WORLD_REST).risk;
    const top = shares[0];
    const result: StageRisk = {
      stage,
      country: WORLD,
      risk: round4(risk),
      worldShare: null,
      measures: top ? producerRisk(top.country).measures : [],
      agreement: null,
    };
    stageCache.set(key, result);
    return result;
  };

  const hasStage = (mineral: string, stage: Stage) => ref.stageShares(mineral, stage).basis.kind !== 'none';

  /** Stages and risk of a route (mineral, origin, processing) do not depend on the share: computed once per route. */
  const routeCache = new Map<string, { stages: StageRisk[]; risk: number }>();
  const lineRisk = (
    mineral: string,
    origin: string | null,
    processing: string | null,
    share: number,
    entities: EntityMatches = NO_ENTITIES,
    recycled = false,
  ): LineRisk => {
    const key = `${mineral}\u0001${recycled ? RECYCLED : origin}\u0001${processing}\u0001${matchesKey(entities)}`;
    let route = routeCache.get(key);
    if (!route) {
      const stages: StageRisk[] = [];
      // A scrap-fed line has no mine: no mining stage, so neither mining concentration nor mining or raw-ore measures
      // bear on it; its processing stage always does (docs/model.md 2.8). Its stages are a subset of the same line
      // of unknown origin, so it never scores above it.
      if (!recycled)
        stages.push(
          origin === null
            ? worldStageRisk(mineral, 'mining', processing, entities)
            : miningRisk(mineral, origin, processing, entities),
        );
      if (processing !== null) stages.push(stageRisk(mineral, 'processing', processing, false, entities));
      else if (recycled || hasStage(mineral, 'processing'))
        stages.push(worldStageRisk(mineral, 'processing', null, entities));
      // The weakest link: the line is as exposed as its riskier stage.
      let risk = 0;
      for (const s of stages) risk = Math.max(risk, s.risk);
      route = { stages, risk };
      routeCache.set(key, route);
    }
    return {
      originCountry: recycled ? RECYCLED : (origin ?? WORLD),
      processingCountry: processing,
      share: round4(share),
      risk: route.risk,
      stages: route.stages,
    };
  };

  /** V = SI (EU SI_SR); for a group, its most vulnerable member (highest SI). */
  const vulnerabilityOf = (mineral: string): number => {
    const hit = vulnerabilityCache.get(mineral);
    if (hit !== undefined) return hit;
    let v = 0;
    for (const m of coversOf(mineral)) {
      v = Math.max(v, ref.vulnerability.get(m)?.substitutionIndex ?? PARAMS.defaultSubstitutionIndex);
    }
    vulnerabilityCache.set(mineral, v);
    return v;
  };

  return {
    context,
    dataVersion: ref.dataVersion,
    score(supplier: SupplierInput): ScoredSupplier {
      const mitigation = mitigationFactor(supplier.alternativeSources, supplier.inventoryDays);
      const byMineral = new Map<string, Exposure[]>();
      for (const e of supplier.exposures) {
        const list = byMineral.get(e.mineral);
        if (list) list.push(e);
        else byMineral.set(e.mineral, [e]);
      }
      const mineralRisks: MineralRisk[] = [];
      for (const [mineral, exposures] of byMineral) {
        const shares = allocateShares(exposures);
        const lines: LineRisk[] = [];
        let declared = 0;
        for (let i = 0; i < exposures.length; i++) {
          const e = exposures[i] as Exposure;
          const share = shares[i] ?? 0;
          declared += share;
          const entities = entityMatches(ref, [supplier.supplierName, e.processor]);
          const line = lineRisk(mineral, e.originCountry, e.processingCountry, share, entities, e.recycled === true);
          if (e.inferredFrom) line.inferredFrom = e.inferredFrom;
          lines.push(line);
        }
        // What the supplier does not declare is assumed to come from the world mix (the supplier itself still is
        // whoever it is: a listed supplier's undeclared share is reached by measures on it).
        if (declared < 1 - 1e-9)
          lines.push(lineRisk(mineral, null, null, 1 - declared, entityMatches(ref, [supplier.supplierName])));
        let supplyRisk = 0;
        for (const l of lines) supplyRisk += l.share * l.risk;
        const vulnerability = vulnerabilityOf(mineral);
        const score = Math.min(100, 100 * supplyRisk * vulnerability * mitigation);
        mineralRisks.push({
          mineral,
          name: ref.minerals.get(mineral)?.name ?? mineral,
          score: round1(score),
          band: bandOf(round1(score)),
          supplyRisk: round4(supplyRisk),
          vulnerability: round4(vulnerability),
          lines,
        });
      }
      mineralRisks.sort((a, b) => b.score - a.score || (a.mineral < b.mineral ? -1 : a.mineral > b.mineral ? 1 : 0));
      const total = round1(combineMinerals(mineralRisks.map((m) => m.score)));
      const worstMineral = mineralRisks[0];
      const worstLine = worstMineral?.lines.reduce((a, b) => (b.share * b.risk > a.share * a.risk ? b : a));
      const result: ScoredSupplier = {
        supplierId: supplier.supplierId,
        supplierName: supplier.supplierName,
        supplierCountry: supplier.supplierCountry,
        annualSpendUsd: supplier.annualSpendUsd,
        tier: supplier.tier,
        score: total,
        band: bandOf(total),
        asOf: context.asOf,
        buyerCountry: context.buyerCountry,
        modelVersion: MODEL_VERSION,
        dataVersion: ref.dataVersion,
        worst:
          worstMineral && worstLine
            ? {
                mineral: worstMineral.mineral,
                originCountry: worstLine.originCountry,
                processingCountry: worstLine.processingCountry,
              }
            : null,
        minerals: mineralRisks,
        mitigation: {
          alternativeSources: supplier.alternativeSources,
          inventoryDays: supplier.inventoryDays,
          factor: round4(mitigation),
        },
        drivers: [],
      };
      result.drivers = explainSupplier(ref, result);
      return result;
    },
  };
}

/** The pseudo-country for the unlisted rest of world: no WGI row (default governance), no measures. */
const WORLD_REST = 'ZZ';

/**
 * Shares stated on lines are used as given; lines without a share split the undeclared remainder equally.
 * Validation upstream guarantees stated shares sum to at most 1.
 */
export function allocateShares(exposures: readonly Exposure[]): number[] {
  let stated = 0;
  let unstated = 0;
  for (const e of exposures) {
    if (e.share === null) unstated++;
    else stated += e.share;
  }
  const each = unstated > 0 ? Math.max(0, 1 - stated) / unstated : 0;
  return exposures.map((e) => (e.share === null ? each : e.share));
}

/** M = (1 − a·(1 − ½ⁿ)) · (1 − b·min(d, cap)/cap): qualified alternatives and inventory cover lower the score. */
export function mitigationFactor(alternativeSources: number, inventoryDays: number): number {
  const alt = PARAMS.alternativesMaxRelief * (1 - 0.5 ** Math.max(0, alternativeSources));
  const inv =
    PARAMS.inventoryMaxRelief *
    (Math.min(Math.max(0, inventoryDays), PARAMS.inventoryCapDays) / PARAMS.inventoryCapDays);
  return (1 - alt) * (1 - inv);
}

/**
 * Supplier score from its mineral scores: the worst mineral, plus `breadth` of the headroom above it scaled by the
 * mean of the others. Never below the worst mineral; non-decreasing in every mineral's score.
 */
export function combineMinerals(scores: readonly number[]): number {
  if (scores.length === 0) return 0;
  let worst = 0;
  let sum = 0;
  for (const s of scores) {
    worst = Math.max(worst, s);
    sum += s;
  }
  if (scores.length === 1) return worst;
  const meanOthers = (sum - worst) / (scores.length - 1);
  return Math.min(100, worst + PARAMS.breadthWeight * (100 - worst) * (meanOthers / 100));
}

/**
 * How `combineMinerals` attributes the supplier score to its minerals, for the drivers: the worst mineral (the first
 * of `scores`, sorted worst first) counts in full, each other one through the breadth term, so that
 * Σ weight·score = the supplier score (below the cap of 100).
 */
export function mineralWeights(scores: readonly number[]): number[] {
  const worst = scores[0] ?? 0;
  const others = (PARAMS.breadthWeight * ((100 - worst) / 100)) / Math.max(1, scores.length - 1);
  return scores.map((_, i) => (i === 0 ? 1 : others));
}
