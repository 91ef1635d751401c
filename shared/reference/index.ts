import { createHash } from 'node:crypto';
import { agreements as embeddedAgreements } from './data/agreements.ts';
import { countryGroups } from './data/country-groups.ts';
import { type WgiRow, wgi2023, wgiRelease } from './data/governance.ts';
import { type MineralEntry, mainStages, mineralGroups, minerals } from './data/minerals.ts';
import { policyEvents as embeddedPolicyEvents } from './data/policy-events.ts';
import { productCategories } from './data/product-categories.ts';
import { productionShares } from './data/production-shares.ts';
import { productionSharesMcs2026 } from './data/production-shares-mcs2026.ts';
import { productionSharesSupplement } from './data/production-shares-supplement.ts';
import { vulnerability } from './data/vulnerability.ts';
import type {
  Agreement,
  CountryGroup,
  Governance,
  PolicyEvent,
  ProductionShare,
  ResolvedAgreement,
  Stage,
  Vulnerability,
} from './types.ts';

export type {
  Agreement,
  CountryGroup,
  Governance,
  PolicyEvent,
  ProductionShare,
  ResolvedAgreement,
  Stage,
  Vulnerability,
} from './types.ts';

export interface Mineral {
  id: string;
  name: string;
  symbol: string | undefined;
  /** True for a group (rare earths, PGMs) a supplier may declare when it does not know the element. */
  isGroup: boolean;
  /** Groups this mineral belongs to, most specific first. */
  groups: string[];
  /** The minerals a line on this id stands for: itself, or a group's members. */
  covers: string[];
  usCritical2025: boolean;
  aliases: string[];
}

/** Where a stage's world shares came from: the mineral's own data, a group's, the other stage's, or none. */
export type ShareBasis =
  | { kind: 'own' }
  | { kind: 'group'; group: string }
  | { kind: 'other_stage'; stage: Stage }
  | { kind: 'none' };

export interface StageShares {
  shares: ProductionShare[];
  basis: ShareBasis;
  /**
   * What to divide `sharePct` by to get a fraction: 100, or the rows' sum where rounded source figures add up to
   * more than 100% (vanadium 2024: 70 + 21 + 8 + 5), so the model never sees more than the whole world.
   */
  divisor: number;
}

export interface ReferenceData {
  /**
   * Names everything a score was computed with but the model: the static data (`referenceVersion`) and, when
   * operators have revised the timeline, the policy revision (`ref-dbe0cc0f0d5a.p17`).
   */
  dataVersion: string;
  /** `ref-` and a hash of the static data and the shipped timeline: moves only with a release. */
  referenceVersion: string;
  /** The policy revision applied over the shipped timeline (0 = none). */
  policyRevision: number;
  minerals: ReadonlyMap<string, Mineral>;
  governance: ReadonlyMap<string, Governance>;
  vulnerability: ReadonlyMap<string, Vulnerability>;
  policyEvents: readonly PolicyEvent[];
  policyEventsById: ReadonlyMap<string, PolicyEvent>;
  /**
   * The agreements as the model reads them, between two countries: one of a country group (`EU`) appears once per
   * member, each copy under the declared agreement's id. Ids therefore repeat; look an id up in `agreementsById`.
   */
  agreements: readonly ResolvedAgreement[];
  /** The agreements as declared (a party may be a group), as the timeline holds them and the API lists them. */
  declaredAgreements: readonly Agreement[];
  /** Declared agreements by id: what a driver names ("… for EU buyers"). */
  agreementsById: ReadonlyMap<string, Agreement>;
  /** Expanded mineral set of each policy event (product categories and groups resolved to minerals). */
  eventMinerals: ReadonlyMap<string, ReadonlySet<string>>;
  /** World shares for a mineral and stage, with the fallback rule applied. */
  stageShares(mineral: string, stage: Stage): StageShares;
}

function buildMinerals(): Map<string, Mineral> {
  const out = new Map<string, Mineral>();
  for (const g of mineralGroups) {
    out.set(g.id, {
      id: g.id,
      name: g.name,
      symbol: undefined,
      isGroup: true,
      groups: g.groups ?? [],
      covers: [...g.members],
      usCritical2025: false,
      aliases: g.aliases,
    });
  }
  for (const m of minerals as MineralEntry[]) {
    out.set(m.id, {
      id: m.id,
      name: m.name,
      symbol: m.symbol,
      isGroup: false,
      groups: m.groups ?? [],
      covers: [m.id],
      usCritical2025: m.usCritical2025,
      aliases: m.aliases ?? [],
    });
  }
  return out;
}

/** The WGI rows as the model reads them: one release, its source and year on every country. */
function buildGovernance(rows: readonly WgiRow[]): Map<string, Governance> {
  const out = new Map<string, Governance>();
  for (const [country, wgiCode, , va, pv, ge, rq, rl, cc] of rows) {
    out.set(country, {
      country,
      wgiCode,
      voiceAccountability: va,
      politicalStability: pv,
      governmentEffectiveness: ge,
      regulatoryQuality: rq,
      ruleOfLaw: rl,
      controlOfCorruption: cc,
      vintage: wgiRelease.vintage,
      source: wgiRelease.source,
    });
  }
  return out;
}

const groupsById: ReadonlyMap<string, CountryGroup> = new Map(countryGroups.map((g) => [g.id, g]));

/** The country group with this id (`EU`), if any. */
export const countryGroup = (id: string): CountryGroup | undefined => groupsById.get(id);

/** The countries a party of an agreement stands for: a group's members, or the country itself. */
export const countriesOf = (party: string): readonly string[] => groupsById.get(party)?.members ?? [party];

/**
 * Agreements as declared: copies resolved from a group (`declaredAs`) fold back into the one agreement they came
 * from, so a dataset can be rebuilt from another's `agreements` (what-if scenarios do) and read the same.
 */
export function declaredAgreementsOf(list: readonly (Agreement | ResolvedAgreement)[]): Agreement[] {
  const out: Agreement[] = [];
  const folded = new Set<string>();
  for (const a of list) {
    if (!('declaredAs' in a) || a.declaredAs === undefined) {
      out.push(a);
      continue;
    }
    if (folded.has(a.id)) continue;
    folded.add(a.id);
    const { declaredAs, ...rest } = a;
    out.push({ ...rest, ...declaredAs });
  }
  return out;
}

/** One agreement per pair of countries the parties stand for, in declared order (the model takes the first match). */
export function resolveAgreements(declared: readonly Agreement[]): ResolvedAgreement[] {
  const out: ResolvedAgreement[] = [];
  for (const a of declared) {
    if (!groupsById.has(a.buyerCountry) && !groupsById.has(a.partnerCountry)) {
      out.push(a);
      continue;
    }
    const declaredAs = { buyerCountry: a.buyerCountry, partnerCountry: a.partnerCountry };
    for (const buyerCountry of countriesOf(a.buyerCountry))
      for (const partnerCountry of countriesOf(a.partnerCountry))
        if (buyerCountry !== partnerCountry) out.push({ ...a, buyerCountry, partnerCountry, declaredAs });
  }
  return out;
}

function expandEventMinerals(
  all: ReadonlyMap<string, Mineral>,
  policyEvents: readonly PolicyEvent[],
): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const expand = (token: string, into: Set<string>) => {
    const category = productCategories[token];
    if (category) {
      if (category.minerals === 'all') {
        for (const m of all.values()) if (!m.isGroup) into.add(m.id);
      } else {
        for (const t of category.minerals) expand(t, into);
      }
      return;
    }
    const mineral = all.get(token);
    if (!mineral) throw new Error(`policy event names unknown mineral or category '${token}'`);
    for (const c of mineral.covers) into.add(c);
  };
  for (const e of policyEvents) {
    const set = new Set<string>();
    for (const t of e.minerals) expand(t, set);
    out.set(e.id, set);
  }
  return out;
}

function indexShares(rows: ProductionShare[]): Map<string, ProductionShare[]> {
  const out = new Map<string, ProductionShare[]>();
  for (const r of rows) {
    const key = `${r.mineral}|${r.stage}`;
    const list = out.get(key) ?? [];
    if (list.some((x) => x.country === r.country)) continue; // the brief's row wins over a supplement duplicate
    list.push(r);
    out.set(key, list);
  }
  for (const list of out.values()) list.sort((a, b) => b.sharePct - a.sharePct);
  return out;
}

/** Stable hash of every reference value: any change to any number, date or source changes the version. */
function hashData(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 12);
}

/**
 * Replace the embedded timeline: what-if scenarios and tests build a dataset with other events or agreements, and
 * the live policy store builds the effective timeline at a revision (`policyRevision`). With a revision, the data
 * version is the release's (static data and shipped timeline) plus `.p<revision>`; without, it hashes the timeline
 * given, so a hypothetical timeline never shares a version with a real one.
 */
export interface ReferenceOverrides {
  policyEvents?: readonly PolicyEvent[];
  agreements?: readonly Agreement[];
  policyRevision?: number;
}

/** The shipped timeline, which stored revisions override by id. */
export const baselineTimeline = { policyEvents: embeddedPolicyEvents, agreements: embeddedAgreements } as const;

/** `ref-dbe0cc0f0d5a.p17` → `ref-dbe0cc0f0d5a`: the release part of a data version. */
export const referenceVersionOf = (dataVersion: string): string => dataVersion.replace(/\.p\d+$/, '');

export function buildReferenceData(overrides: ReferenceOverrides = {}): ReferenceData {
  const policyEvents = overrides.policyEvents ?? embeddedPolicyEvents;
  const agreements = declaredAgreementsOf(overrides.agreements ?? embeddedAgreements);
  validateEvents(policyEvents);
  validateAgreements(agreements);
  const mineralMap = buildMinerals();
  const shareIndex = indexShares([...productionShares, ...productionSharesSupplement, ...productionSharesMcs2026]);
  const governanceMap = buildGovernance(wgi2023);
  const vulnerabilityMap = new Map(vulnerability.map((v) => [v.mineral, v]));
  const eventMinerals = expandEventMinerals(mineralMap, policyEvents);
  const live = overrides.policyRevision !== undefined;
  const referenceVersion = `ref-${hashData({
    minerals,
    mineralGroups,
    productionShares,
    productionSharesSupplement,
    productionSharesMcs2026,
    mainStages,
    wgi2023,
    wgiRelease,
    vulnerability,
    policyEvents: live ? embeddedPolicyEvents : policyEvents,
    agreements: live ? embeddedAgreements : agreements,
    countryGroups,
    productCategories,
  })}`;
  const policyRevision = overrides.policyRevision ?? 0;
  const dataVersion = policyRevision > 0 ? `${referenceVersion}.p${policyRevision}` : referenceVersion;

  const shareCache = new Map<string, StageShares>();
  const stageShares = (mineral: string, stage: Stage): StageShares => {
    const key = `${mineral}|${stage}`;
    const cached = shareCache.get(key);
    if (cached) return cached;
    const m = mineralMap.get(mineral);
    const other: Stage = stage === 'mining' ? 'processing' : 'mining';
    const found = (shares: ProductionShare[], basis: ShareBasis): StageShares => ({
      shares,
      basis,
      divisor: Math.max(
        100,
        shares.reduce((sum, s) => sum + s.sharePct, 0),
      ),
    });
    let result: StageShares = { shares: [], basis: { kind: 'none' }, divisor: 100 };
    const own = shareIndex.get(key);
    if (own) result = found(own, { kind: 'own' });
    else {
      const group = m?.groups.find((g) => shareIndex.has(`${g}|${stage}`));
      if (group) result = found(shareIndex.get(`${group}|${stage}`) ?? [], { kind: 'group', group });
      else {
        const proxy = shareIndex.get(`${mineral}|${other}`);
        if (proxy) result = found(proxy, { kind: 'other_stage', stage: other });
      }
    }
    shareCache.set(key, result);
    return result;
  };

  return {
    dataVersion,
    referenceVersion,
    policyRevision,
    minerals: mineralMap,
    governance: governanceMap,
    vulnerability: vulnerabilityMap,
    policyEvents,
    policyEventsById: new Map(policyEvents.map((e) => [e.id, e])),
    agreements: resolveAgreements(agreements),
    declaredAgreements: agreements,
    agreementsById: new Map(agreements.map((a) => [a.id, a])),
    eventMinerals,
    stageShares,
  };
}

/** Fail fast on a timeline that cannot be evaluated: duplicate ids, suspensions of unknown measures, bad dates. */
function validateEvents(events: readonly PolicyEvent[]): void {
  const ids = new Set<string>();
  const date = /^\d{4}-\d{2}-\d{2}$/;
  for (const e of events) {
    if (ids.has(e.id)) throw new Error(`policy event id '${e.id}' appears twice`);
    ids.add(e.id);
    for (const d of [e.announced, e.effectiveFrom, e.effectiveUntil])
      if (d !== null && !date.test(d)) throw new Error(`policy event '${e.id}' has a bad date '${d}'`);
    if (e.effectiveUntil !== null && e.effectiveUntil < e.effectiveFrom)
      throw new Error(`policy event '${e.id}' ends before it starts`);
  }
  for (const e of events)
    for (const id of e.suspends ?? [])
      if (!ids.has(id)) throw new Error(`suspension '${e.id}' names unknown measure '${id}'`);
}

/** Fail fast on agreements the model cannot read: duplicate ids, bad dates, a group on both sides. */
function validateAgreements(agreements: readonly Agreement[]): void {
  const ids = new Set<string>();
  const date = /^\d{4}-\d{2}-\d{2}$/;
  for (const a of agreements) {
    if (ids.has(a.id)) throw new Error(`agreement id '${a.id}' appears twice`);
    ids.add(a.id);
    for (const d of [a.effectiveFrom, a.effectiveUntil])
      if (d !== null && !date.test(d)) throw new Error(`agreement '${a.id}' has a bad date '${d}'`);
    if (a.effectiveUntil !== null && a.effectiveUntil < a.effectiveFrom)
      throw new Error(`agreement '${a.id}' ends before it starts`);
    if (groupsById.has(a.buyerCountry) && groupsById.has(a.partnerCountry))
      throw new Error(`agreement '${a.id}' is between two country groups`);
  }
}

let defaultData: ReferenceData | undefined;

/** The embedded reference dataset, built once per process. */
export function referenceData(): ReferenceData {
  defaultData ??= buildReferenceData();
  return defaultData;
}
