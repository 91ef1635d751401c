import { countryName } from '../reference/countries.ts';
import { hsEntryById } from '../reference/hs-codes.ts';
import type { PolicyEvent, ReferenceData } from '../reference/index.ts';
import { governanceRisk } from './governance.ts';
import { RECYCLED } from './line-risk.ts';
import { PARAMS } from './params.ts';
import { governanceWeightOf } from './propensity.ts';
import { combineMinerals, mineralWeights } from './supplier-fold.ts';
import type {
  Driver,
  InferredFrom,
  LineRisk,
  MeasureInForce,
  MineralRisk,
  ScoredSupplier,
  StageRisk,
} from './types.ts';

const MAX_RISK_DRIVERS = 3;

/** Lead of a scrap-fed line's driver: what was left out of it and why (docs/model.md 2.8). */
const RECYCLED_WORDS = 'recycled feed: end-of-life scrap, no mining stage (no mine origin or mining measures apply); ';

const KIND_WORDS: Record<string, string> = {
  export_licensing: 'export licensing',
  export_quota: 'export quota',
  export_ban: 'export ban',
};

const STAGE_WORDS = { mining: 'mine output', processing: 'refining' } as const;

/**
 * From this world share on, drivers say that the share-weighted governance term (docs/model.md 2.3, 2.16) raised the
 * country's weight: at a third of the stage its governance already counts 0.56 instead of 0.5.
 */
const DOMINANT_SHARE = 1 / 3;

/** "proxy: platinum mine output; " where a share stands in for data no public source gives. */
const proxy = (s: { proxyOf?: string }) => (s.proxyOf ? `proxy: ${s.proxyOf}; ` : '');

const pct = (x: number) => `${x >= 0.995 ? Math.round(x * 1000) / 10 : Math.round(x * 100)}%`;

const DESTINATION_WORDS = (e: PolicyEvent): string => {
  const d = e.destination;
  if (d.kind === 'entities') return ' to listed entities';
  if (d.kind === 'country') return ` to ${d.country} buyers`;
  if (d.kind === 'country_military') return ` to ${d.country} military end users`;
  return '';
};

/** What a stage-scoped measure restricts, after its kind: "export ban on unprocessed ore and concentrate". */
const STAGE_SCOPE_WORDS = {
  mining: ' on mine output',
  raw: ' on unprocessed ore and concentrate',
  processing: ' on processed output',
} as const;

/** "export licensing active since 2025-04-04 (MOFCOM/GAC Announcement 18 (2025))" and the like. */
export function describeMeasure(ref: ReferenceData, m: MeasureInForce): string {
  const e = ref.policyEventsById.get(m.id);
  if (!e) return m.id;
  const what = `${KIND_WORDS[e.kind] ?? e.kind}${m.stage ? STAGE_SCOPE_WORDS[m.stage] : ''}${DESTINATION_WORDS(e)}`;
  const listed = m.entity ? `: ${m.entity} (this supplier or its processor) is listed` : '';
  if (m.state === 'announced') return `${what} announced, in force from ${e.effectiveFrom} (${e.instrument})${listed}`;
  if (m.state === 'suspended') {
    const s = m.suspendedBy ? ref.policyEventsById.get(m.suspendedBy) : undefined;
    const until = s?.effectiveUntil ? ` until ${s.effectiveUntil}` : '';
    return `${what} (${e.instrument}) suspended${until} by ${s?.instrument ?? 'a suspension'}: latent risk, it returns when the suspension ends${listed}`;
  }
  const lapsedEvent = m.lapsedSuspension ? ref.policyEventsById.get(m.lapsedSuspension) : undefined;
  const lapsed = lapsedEvent ? `; its suspension ended ${lapsedEvent.effectiveUntil}` : '';
  return `${what} active since ${e.effectiveFrom} (${e.instrument})${lapsed}${listed}`;
}

function describeStage(
  ref: ReferenceData,
  mineralName: string,
  mineral: string,
  s: StageRisk,
): { text: string; sources: string[] } {
  const sources: string[] = [];
  const parts: string[] = [];
  const { shares, basis, divisor } = ref.stageShares(mineral, s.stage);
  // Where a stage borrows the other stage's shares (e.g. gallium: primary output stands for refining), say so.
  const words = basis.kind === 'other_stage' ? STAGE_WORDS[basis.stage] : STAGE_WORDS[s.stage];
  if (s.country === 'WORLD') {
    const what = s.stage === 'mining' ? 'origin' : 'processing country';
    parts.push(`${what} not declared: world ${mineralName} ${words} mix assumed`);
    const top = shares[0];
    if (top) {
      parts.push(
        `${pct(top.sharePct / 100)} of it is in ${countryName(top.country)} (${proxy(top)}${top.source} ${top.year})`,
      );
      sources.push(`${top.source} ${top.year}`);
      const f = top.sharePct / divisor;
      if (f >= DOMINANT_SHARE) parts.push(dominantWords(`${countryName(top.country)}'s`, mineralName, words, f));
    }
  } else {
    const name = countryName(s.country);
    const share = shares.find((x) => x.country === s.country);
    if (share) {
      parts.push(
        `${pct(share.sharePct / 100)} of ${mineralName} ${words} is in ${name} (${proxy(share)}${share.source} ${share.year})`,
      );
      sources.push(`${share.source} ${share.year}`);
    } else {
      parts.push(`${mineralName} ${STAGE_WORDS[s.stage]} in ${name}`);
    }
    const top = shares[0];
    if (top && top.country !== s.country && top.sharePct >= 50) {
      parts.push(
        `world ${mineralName} ${words} is ${pct(top.sharePct / 100)} in ${countryName(top.country)} (${proxy(top)}${top.source} ${top.year})`,
      );
      sources.push(`${top.source} ${top.year}`);
    }
    const gov = governanceRisk(ref, s.country);
    if (gov.risk >= 0.5) {
      parts.push(
        gov.known
          ? `weak governance (WGI ${gov.estimate.toFixed(2)}, mean of ${gov.dimensions} dimensions, world mean 0; ${gov.source})`
          : `no WGI data for ${name}: world mean assumed`,
      );
      if (gov.source) sources.push(gov.source);
    }
    if (s.worldShare !== null && s.worldShare >= DOMINANT_SHARE)
      parts.push(dominantWords('its', mineralName, words, s.worldShare));
  }
  let assumed: number | undefined;
  for (const m of s.measures) {
    parts.push(describeMeasure(ref, m) + flowWords(mineralName, s, m));
    assumed ??= m.flowShare;
    const e = ref.policyEventsById.get(m.id);
    if (e) sources.push(`${e.instrument}: ${e.source}`);
  }
  // A raw-ore measure on a line processed where not stated: what part of the flow it was taken to stop (2.2).
  if (assumed !== undefined && s.country !== 'WORLD')
    parts.push(
      `processing not declared: ${pct(assumed)} of world ${mineralName} refining is outside ${countryName(s.country)}, the part of the flow the raw-ore measure stops`,
    );
  const agreement = s.agreement ? ref.agreementsById.get(s.agreement) : undefined;
  if (agreement) {
    parts.push(
      `partner under ${agreement.title} (${agreement.effectiveFrom}), which lowers this origin's risk for ${agreement.buyerCountry} buyers`,
    );
    sources.push(agreement.source);
  }
  return { text: parts.join('; '), sources };
}

/**
 * The share-weighted governance term in plain words: a producer holding most of a stage can hold back supply without a
 * formal control, so its governance counts more than a minor producer's (α = 0.5 + 0.5·s², docs/model.md 2.3).
 */
function dominantWords(who: string, mineralName: string, words: string, share: number): string {
  const alpha = governanceWeightOf(share).toFixed(2);
  const base = PARAMS.governanceWeight;
  return `with that share of world ${mineralName} ${words}, ${who} governance counts ${alpha} instead of ${base} (weight ${base} + ${1 - base} × share²): a dominant producer can hold back supply without a formal export control`;
}

/** Which flow a stage-scoped measure stops on this line: drivers say so, since it is not every flow of its country. */
function flowWords(mineralName: string, s: StageRisk, m: MeasureInForce): string {
  if (m.stage === undefined || s.country === 'WORLD') return '';
  const name = countryName(s.country);
  if (m.stage === 'raw') return `: it stops ${mineralName} mined in ${name} and processed elsewhere`;
  if (m.stage === 'mining') return `: it bears on ${mineralName} mined in ${name}, wherever it is processed`;
  return `: it bears on ${mineralName} processed in ${name}, wherever it was mined`;
}

/**
 * Words for a stage depend only on the stage (the scorer caches one object per mineral, stage and country), so they
 * are written once per stage and shared by every supplier that has it.
 */
interface StageWords {
  text: string;
  sources: string[];
  /** "60% of its gallium: …" by share, so suppliers with the same share and stage share one string. */
  withShare: Map<number, string>;
}

const wordsCache = new WeakMap<StageRisk, StageWords>();

function stageWords(ref: ReferenceData, mineral: MineralRisk, stage: StageRisk): StageWords {
  let words = wordsCache.get(stage);
  if (!words) {
    const d = describeStage(ref, mineral.name, mineral.mineral, stage);
    words = { text: d.text, sources: [...new Set(d.sources)], withShare: new Map() };
    wordsCache.set(stage, words);
  }
  return words;
}

function withLead(words: StageWords, share: number, mineralName: string): string {
  let text = words.withShare.get(share);
  if (text === undefined) {
    text = `${pct(share)} of its ${mineralName}: ${words.text}`;
    if (words.withShare.size < 1000) words.withShare.set(share, text);
  }
  return text;
}

/**
 * "inferred from HS 8505.11 (Permanent magnets of metal: neodymium, praseodymium, dysprosium, terbium; NdFeB: …;
 * USGS … 2025): " — which code or category put the mineral on the supplier, through which mapping entry and source.
 */
function inferredFromWords(ref: ReferenceData, from: InferredFrom): { text: string; source: string } {
  const what = from.kind === 'hs' ? `HS ${from.code}` : `product category '${from.code}'`;
  const entry = hsEntryById(from.entry);
  if (!entry) return { text: `inferred from ${what}: `, source: `HS mapping entry ${from.entry}` };
  const names = entry.minerals.map((m) => ref.minerals.get(m)?.symbol ?? ref.minerals.get(m)?.name ?? m).join(', ');
  const proxyWords = entry.proxy ? `; proxy: ${entry.proxy}` : '';
  const source = `${entry.source} ${entry.year}`;
  return { text: `inferred from ${what} (${entry.title}: ${names} — ${source}${proxyWords}): `, source };
}

/**
 * The supplier's top drivers in a buyer's words, each with its sources: the lines that carry the most points of the
 * supplier's score, then what its mitigants took off.
 */
export function explainSupplier(ref: ReferenceData, scored: ScoredSupplier): Driver[] {
  // Points of every line first; words only for the few that make the list (text is the costly part). A line's
  // points are its part of its mineral's score, weighted by that mineral's part of the supplier's score (the worst
  // in full, the others through the breadth term), so a line of a lesser mineral never outranks its weight. They
  // are counted before mitigants, which get their own (negative) driver: together they add up to the score.
  const ranked: { points: number; line: LineRisk; mineral: MineralRisk }[] = [];
  const m = scored.mitigation.factor;
  const unmitigated = scored.minerals.map((x) => Math.min(100, 100 * x.supplyRisk * x.vulnerability));
  const weights = mineralWeights(unmitigated);
  for (let i = 0; i < scored.minerals.length; i++) {
    const mineral = scored.minerals[i] as MineralRisk;
    const weight = weights[i] as number;
    for (const line of mineral.lines) {
      const points = 100 * line.share * line.risk * mineral.vulnerability * weight;
      if (points > 0) ranked.push({ points: Math.round(points * 10) / 10, line, mineral });
    }
  }
  ranked.sort((a, b) => b.points - a.points);
  const drivers: Driver[] = [];
  for (const { points, line, mineral } of ranked.slice(0, MAX_RISK_DRIVERS)) {
    let stage = line.stages[0] as StageRisk;
    for (const s of line.stages) if (s.risk > stage.risk) stage = s;
    const words = stageWords(ref, mineral, stage);
    const partial = line.share < 0.999 && line.originCountry !== 'WORLD';
    const text = partial ? withLead(words, line.share, mineral.name) : words.text;
    const inferred = line.inferredFrom ? inferredFromWords(ref, line.inferredFrom) : null;
    drivers.push({
      points,
      text: `${line.originCountry === RECYCLED ? RECYCLED_WORDS : ''}${inferred ? inferred.text : ''}${text}`,
      mineral: mineral.mineral,
      country: stage.country === 'WORLD' ? null : stage.country,
      sources: inferred ? [...words.sources, inferred.source] : words.sources,
    });
  }
  if (m < 1) {
    // What the supplier would score without its mitigants, through the same combination rule.
    const before = combineMinerals(unmitigated);
    const bits: string[] = [];
    if (scored.mitigation.alternativeSources > 0)
      bits.push(`${scored.mitigation.alternativeSources} qualified alternative source(s)`);
    if (scored.mitigation.inventoryDays > 0) bits.push(`${scored.mitigation.inventoryDays} days of inventory`);
    drivers.push({
      points: -Math.round(Math.max(0, before - scored.score) * 10) / 10,
      text: `mitigants declared by the supplier: ${bits.join(' and ')} lower its risk by ${Math.round((1 - m) * 100)}%`,
      mineral: null,
      country: null,
      sources: ['supplier declaration'],
    });
  }
  return drivers;
}
