/**
 * The risk of one line of a supplier (mineral, origin, processing country) at each stage: the stage country's
 * propensity to cut the flow, its impact, and the world-market term (docs/model.md 2.4–2.9). One instance per scorer
 * (as-of date, buyer), caching per (mineral, stage, country, entities) and per route.
 */
import type { ReferenceData, Stage } from '../reference/index.ts';
import { type EntityMatches, matchesKey, NO_ENTITIES } from './entities.ts';
import { governanceRisk } from './governance.ts';
import { PARAMS, round4 } from './params.ts';
import { agreementInForce, measuresInForce } from './policy.ts';
import { bearsOn, propensity, restrictionIntensity } from './propensity.ts';
import type { LineRisk, MeasureInForce, ScoringContext, StageRisk } from './types.ts';

const WORLD = 'WORLD';
/** A line's origin in results when it is fed by end-of-life scrap. */
export const RECYCLED = 'RECYCLED';
/** The pseudo-country for the unlisted rest of world: no WGI row (default governance), no measures. */
const WORLD_REST = 'ZZ';

export interface LineRiskModel {
  /** A line's stages and risk; `origin` null = unknown (the world mining mix), `recycled` = fed by scrap. */
  lineRisk(
    mineral: string,
    origin: string | null,
    processing: string | null,
    share: number,
    entities?: EntityMatches,
    recycled?: boolean,
  ): LineRisk;
  /** V = SI (EU SI_SR); for a group, its most vulnerable member (highest SI). */
  vulnerabilityOf(mineral: string): number;
}

export function createLineRiskModel(ref: ReferenceData, context: ScoringContext): LineRiskModel {
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

  return { lineRisk, vulnerabilityOf };
}
