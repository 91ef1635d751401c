/**
 * THE SCORING FORMULA — everything that turns reference data and a supplier's sourcing into a 0–100 score starts
 * here: this file folds lines into minerals and minerals into the score; its parts are params.ts (every constant),
 * propensity.ts (a country's propensity to cut a flow), line-risk.ts (a line's stages) and supplier-fold.ts (shares,
 * mitigation, combination). docs/model.md explains each factor, its source and its limits; keep them in step.
 *
 * Anchors: the EU CRM supply-risk formula SR = [HHI_WGI,t(global)·IR/2 + HHI_WGI,t(sourcing)·(1 − IR/2)]·(1 − EoL_RIR)·SI
 * (Blengini et al. 2017) and GeoPolRisk (Gemechu et al. 2015), applied to one supplier's actual sourcing.
 */
import type { ReferenceData } from '../reference/index.ts';
import { entityMatches } from './entities.ts';
import { explainSupplier } from './explain.ts';
import { createLineRiskModel } from './line-risk.ts';
import { bandOf, MODEL_VERSION, round1, round4 } from './params.ts';
import { allocateShares, combineMinerals, mitigationFactor } from './supplier-fold.ts';
import type { Exposure, LineRisk, MineralRisk, ScoredSupplier, ScoringContext, SupplierInput } from './types.ts';

// The formula's parts, exported from here so callers name one module.
export { RECYCLED } from './line-risk.ts';
export { bandOf, MODEL_VERSION, PARAMS } from './params.ts';
export { bearsOn, governanceWeightOf, propensity, restrictionIntensity } from './propensity.ts';
export { allocateShares, combineMinerals, mineralWeights, mitigationFactor } from './supplier-fold.ts';

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
  const { lineRisk, vulnerabilityOf } = createLineRiskModel(ref, context);

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
