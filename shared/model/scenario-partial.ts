/**
 * A scenario computed in pieces: each piece of the suppliers (a scan segment, a page) gives a partial result, partials
 * merge associatively and commutatively, and `finishScenario` turns the merged partial into the answer. Sums are exact
 * (scenario-sum.ts) and the listed rows are kept from both ends of the delta order, so any split merged in any order
 * gives the inline answer exactly. Pure: no I/O.
 */
import { supplierSpend } from './portfolio.ts';
import type { ScenarioPortfolio, ScenarioResult, ScenarioSupplierResult } from './scenario.ts';
import { limitListed } from './scenario-list.ts';
import { type ExactSum, fromUnits, toUnits } from './scenario-sum.ts';
import type { Scorer } from './score.ts';
import type { Band, ScoredSupplier, SupplierInput } from './types.ts';

const BANDS: readonly Band[] = ['low', 'medium', 'high', 'critical'];

/** One side's (base or scenario) portfolio, as exact sums. */
export interface PortfolioSums {
  spend: ExactSum;
  /** Σ spend × score, each product as the double the inline computation forms. */
  weighted: ExactSum;
  bands: Record<Band, { suppliers: number; spend: ExactSum }>;
}

export interface ScenarioPartial {
  /** Suppliers this partial covers. */
  suppliers: number;
  base: PortfolioSums;
  scenario: PortfolioSums;
  /**
   * Rows in the answer's order (delta highest first, then supplier id): all of them when there are at most 2 × keep,
   * else the first `keep` and the last `keep`: whatever `limitListed` can take to list `keep` rows is among them.
   */
  rows: ScenarioSupplierResult[];
}

/** What the answer says besides the suppliers: its context and the two timelines' versions. */
export type ScenarioHeader = Pick<ScenarioResult, 'asOf' | 'buyerCountry' | 'baseDataVersion' | 'scenarioDataVersion'>;

const round1 = (x: number) => Math.round(x * 10) / 10;
const round2 = (x: number) => Math.round(x * 100) / 100;
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const byDelta = (x: ScenarioSupplierResult, y: ScenarioSupplierResult) =>
  y.delta - x.delta || cmp(x.supplierId, y.supplierId);

const emptySums = (): PortfolioSums => ({
  spend: 0n,
  weighted: 0n,
  bands: {
    low: { suppliers: 0, spend: 0n },
    medium: { suppliers: 0, spend: 0n },
    high: { suppliers: 0, spend: 0n },
    critical: { suppliers: 0, spend: 0n },
  },
});

export const emptyPartial = (): ScenarioPartial => ({
  suppliers: 0,
  base: emptySums(),
  scenario: emptySums(),
  rows: [],
});

function add(sums: PortfolioSums, s: ScoredSupplier): void {
  const spend = supplierSpend(s);
  const units = toUnits(spend);
  sums.spend += units;
  sums.weighted += toUnits(spend * s.score);
  const band = sums.bands[s.band];
  band.suppliers++;
  band.spend += units;
}

/** Keeps what `limitListed(·, keep)` can reach: the first and last `keep` rows of a sorted list. */
function trim(sorted: ScenarioSupplierResult[], keep: number): ScenarioSupplierResult[] {
  if (sorted.length <= 2 * keep) return sorted;
  return [...sorted.slice(0, keep), ...sorted.slice(sorted.length - keep)];
}

/** The partial of `inputs` (distinct suppliers), scored on both timelines; `keep` ≥ the rows the answer lists. */
export function scenarioPartial(
  scorers: { base: Scorer; scenario: Scorer },
  inputs: readonly SupplierInput[],
  keep: number,
): ScenarioPartial {
  const p = emptyPartial();
  for (const input of inputs) {
    const b = scorers.base.score(input);
    const a = scorers.scenario.score(input);
    add(p.base, b);
    add(p.scenario, a);
    p.rows.push({
      supplierId: b.supplierId,
      supplierName: b.supplierName,
      base: { score: b.score, band: b.band },
      scenario: { score: a.score, band: a.band },
      delta: round1(a.score - b.score),
      topDriver: a.drivers[0]?.text ?? null,
    });
  }
  p.suppliers = inputs.length;
  p.rows = trim(p.rows.sort(byDelta), keep);
  return p;
}

const mergeSums = (x: PortfolioSums, y: PortfolioSums): PortfolioSums => {
  const out = emptySums();
  out.spend = x.spend + y.spend;
  out.weighted = x.weighted + y.weighted;
  for (const b of BANDS)
    out.bands[b] = {
      suppliers: x.bands[b].suppliers + y.bands[b].suppliers,
      spend: x.bands[b].spend + y.bands[b].spend,
    };
  return out;
};

/** Two partials of disjoint sets of suppliers as one. Associative and commutative. */
export function mergePartials(x: ScenarioPartial, y: ScenarioPartial, keep: number): ScenarioPartial {
  return {
    suppliers: x.suppliers + y.suppliers,
    base: mergeSums(x.base, y.base),
    scenario: mergeSums(x.scenario, y.scenario),
    rows: trim([...x.rows, ...y.rows].sort(byDelta), keep),
  };
}

function portfolioOf(s: PortfolioSums): ScenarioPortfolio {
  const spendByBand = {} as ScenarioPortfolio['spendByBand'];
  for (const b of BANDS)
    spendByBand[b] = { suppliers: s.bands[b].suppliers, spendUsd: round2(fromUnits(s.bands[b].spend)) };
  return {
    spendWeightedScore: s.spend > 0n ? round1(fromUnits(s.weighted) / fromUnits(s.spend)) : null,
    spendByBand,
  };
}

function portfolioDelta(base: ScenarioPortfolio, scenario: ScenarioPortfolio): ScenarioPortfolio {
  const spendByBand = {} as ScenarioPortfolio['spendByBand'];
  for (const b of BANDS)
    spendByBand[b] = {
      suppliers: scenario.spendByBand[b].suppliers - base.spendByBand[b].suppliers,
      spendUsd: round2(scenario.spendByBand[b].spendUsd - base.spendByBand[b].spendUsd),
    };
  return {
    spendWeightedScore:
      base.spendWeightedScore === null || scenario.spendWeightedScore === null
        ? null
        : round1(scenario.spendWeightedScore - base.spendWeightedScore),
    spendByBand,
  };
}

/**
 * The answer from the merged partial of every supplier, listing at most `maxListed` (≤ the partials' `keep`) the way
 * `limitListed` does: the rows kept are exactly the ones it would take from the whole list.
 */
export function finishScenario(header: ScenarioHeader, p: ScenarioPartial, maxListed: number): ScenarioResult {
  const pBase = portfolioOf(p.base);
  const pScenario = portfolioOf(p.scenario);
  const whole: ScenarioResult = {
    ...header,
    suppliers: p.rows,
    suppliersOmitted: 0,
    portfolio: { base: pBase, scenario: pScenario, delta: portfolioDelta(pBase, pScenario) },
  };
  if (p.suppliers <= maxListed) return whole;
  return { ...limitListed(whole, maxListed), suppliersOmitted: p.suppliers - Math.max(0, Math.floor(maxListed)) };
}
