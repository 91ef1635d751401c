/**
 * What-if scenarios: hypothetical export measures added to the policy timeline, existing events re-dated or dropped,
 * and the tenant's suppliers scored on both timelines. Pure: no I/O, nothing stored.
 */
import { MineralRiskError } from '../errors.ts';
import { buildReferenceData, type PolicyEvent, type ReferenceData } from '../reference/index.ts';
import type { DestinationScope } from '../reference/types.ts';
import { parseCountry, parseIsoDate, parseMineral } from './normalise.ts';
import type { SpendByBand } from './portfolio.ts';
import { finishScenario, type ScenarioHeader, scenarioPartial } from './scenario-partial.ts';
import { createScorer } from './score.ts';
import type { Band, ScoringContext, SupplierInput } from './types.ts';

export { limitListed } from './scenario-list.ts';

export type ScenarioMeasureKind = 'export_licensing' | 'export_quota' | 'export_ban';

export interface ScenarioAddition {
  /** Id of the hypothetical event; generated (`SCENARIO-1`, `SCENARIO-2`, …) when absent. */
  id?: string;
  /** The country imposing the measure, as people write it (`China`, `CN`, `CHN`, `PRC`). */
  country: string;
  kind: ScenarioMeasureKind;
  /** Minerals as people write them: names, symbols, aliases or groups (`gallium`, `Ga`, `REE`). */
  minerals: string[];
  /** First day in force, YYYY-MM-DD. The measure is taken as announced that day: before it, it does not count. */
  effectiveFrom: string;
  /** Last day in force (inclusive); absent or null = open-ended. */
  effectiveUntil?: string | null;
  /** Who it applies to; default `all`. */
  destination?: 'all' | { country: string } | { country: string; military: true };
  title?: string;
}

export interface ScenarioModification {
  id: string;
  effectiveFrom?: string;
  /** null = open-ended. */
  effectiveUntil?: string | null;
}

export interface ScenarioRequest {
  /** Hypothetical measures, e.g. "China bans gallium exports to US buyers from 2026-12-01". */
  add?: ScenarioAddition[];
  /** Change an existing event's dates, e.g. renew the 2025-11-07 suspension: { id: 'CN-2025-70', effectiveUntil: '2027-11-10' }. */
  modify?: ScenarioModification[];
  /** Drop existing events by id, e.g. a suspension that is "not renewed" early. */
  remove?: string[];
}

/** A problem with the request, at a JSON-ish path into it (`add[0].minerals[1]`). */
export interface ScenarioError {
  path: string;
  message: string;
}

export interface ScenarioSupplierResult {
  supplierId: string;
  supplierName: string | null;
  base: { score: number; band: Band };
  scenario: { score: number; band: Band };
  /** scenario − base, 0.1 points. */
  delta: number;
  /** The scenario's first driver text; null when the supplier has none. */
  topDriver: string | null;
}

export interface ScenarioPortfolio {
  spendWeightedScore: number | null;
  spendByBand: SpendByBand;
}

export interface ScenarioResult {
  asOf: string;
  buyerCountry: string;
  baseDataVersion: string;
  scenarioDataVersion: string;
  /** By delta, highest first, then by supplier id. */
  suppliers: ScenarioSupplierResult[];
  /** Suppliers left out of `suppliers`, the smallest changes (see `limitListed`); 0 normally. */
  suppliersOmitted: number;
  portfolio: {
    base: ScenarioPortfolio;
    scenario: ScenarioPortfolio;
    /** scenario − base; the score delta is null when either side has no spend. */
    delta: ScenarioPortfolio;
  };
}

/** Thrown by `runScenario` for a request with errors; `errors` carry the paths (the HTTP layer answers 422). */
export class ScenarioRequestError extends MineralRiskError {
  override readonly name = 'ScenarioRequestError';
  readonly retryable = false;
  readonly errors: ScenarioError[];
  constructor(errors: ScenarioError[]) {
    super(`invalid scenario: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
    this.name = 'ScenarioRequestError';
    this.errors = errors;
  }
}

const KINDS: readonly string[] = ['export_licensing', 'export_quota', 'export_ban'];
const KIND_WORDS: Record<ScenarioMeasureKind, string> = {
  export_licensing: 'export licensing',
  export_quota: 'export quota',
  export_ban: 'export ban',
};

/** A date field: a calendar date, or an error at `path`. */
function dateAt(raw: unknown, path: string, errors: ScenarioError[]): string | undefined {
  if (typeof raw !== 'string') {
    errors.push({ path, message: 'must be a date, YYYY-MM-DD' });
    return undefined;
  }
  const d = parseIsoDate(raw);
  if (!d.ok) {
    errors.push({ path, message: d.message });
    return undefined;
  }
  return d.value;
}

/** An optional end date: absent → undefined (keep / open-ended), null → null (open-ended). */
function untilAt(raw: unknown, path: string, errors: ScenarioError[]): string | null | undefined {
  if (raw === undefined) return undefined;
  if (raw === null) return null;
  return dateAt(raw, path, errors) ?? undefined;
}

function countryAt(raw: unknown, path: string, errors: ScenarioError[]): string | undefined {
  if (typeof raw !== 'string' || raw.trim() === '') {
    errors.push({ path, message: 'must name a country (ISO code or English name)' });
    return undefined;
  }
  const c = parseCountry(raw);
  if (!c.ok) {
    errors.push({ path, message: c.message });
    return undefined;
  }
  return c.value;
}

function destinationAt(
  raw: ScenarioAddition['destination'],
  path: string,
  errors: ScenarioError[],
): DestinationScope | undefined {
  if (raw === undefined || raw === 'all') return { kind: 'all' };
  if (typeof raw !== 'object' || raw === null) {
    errors.push({ path, message: "must be 'all', { country } or { country, military: true }" });
    return undefined;
  }
  const country = countryAt(raw.country, `${path}.country`, errors);
  if (country === undefined) return undefined;
  return 'military' in raw && raw.military === true
    ? { kind: 'country_military', country }
    : { kind: 'country', country };
}

function titleOf(kind: ScenarioMeasureKind, country: string, minerals: readonly string[], to: DestinationScope) {
  const dest =
    to.kind === 'country'
      ? ` to ${to.country} buyers`
      : to.kind === 'country_military'
        ? ` to ${to.country} military`
        : '';
  return `Scenario: ${country} ${KIND_WORDS[kind]} on ${minerals.join(', ')}${dest} (hypothetical)`;
}

/**
 * The base timeline with the request applied: `remove`, then `modify`, then `add`. Minerals are normalised with
 * `parseMineral`, countries with `parseCountry`, dates with `parseIsoDate`. Every problem is reported with its path;
 * when there is any, nothing is applied and `ref` is `base` itself.
 *
 * - Removing a measure also drops it from the suspensions that name it.
 * - Moving an event's `effectiveFrom` before its announcement moves the announcement with it.
 * - An added measure is taken as announced on its `effectiveFrom`; destination defaults to all buyers.
 * - Only the policy timeline changes; the agreements are `base`'s.
 */
export function buildScenarioData(
  base: ReferenceData,
  request: ScenarioRequest,
): { ref: ReferenceData; errors: ScenarioError[] } {
  const errors: ScenarioError[] = [];
  const known = base.policyEventsById;
  const adds = request.add ?? [];
  const modifies = request.modify ?? [];
  const removes = request.remove ?? [];
  if (adds.length === 0 && modifies.length === 0 && removes.length === 0) return { ref: base, errors };

  // remove
  const removed = new Set<string>();
  removes.forEach((id, i) => {
    if (typeof id !== 'string' || !known.has(id)) errors.push({ path: `remove[${i}]`, message: unknownEvent(id) });
    else removed.add(id);
  });

  // modify
  const changes = new Map<string, { effectiveFrom: string; effectiveUntil: string | null }>();
  modifies.forEach((m, i) => {
    const path = `modify[${i}]`;
    const event = typeof m?.id === 'string' ? known.get(m.id) : undefined;
    if (!event) {
      errors.push({ path: `${path}.id`, message: unknownEvent(m?.id) });
      return;
    }
    if (removed.has(event.id)) {
      errors.push({ path: `${path}.id`, message: `policy event '${event.id}' is also removed by this scenario` });
      return;
    }
    if (changes.has(event.id)) {
      errors.push({ path: `${path}.id`, message: `policy event '${event.id}' is modified twice` });
      return;
    }
    if (m.effectiveFrom === undefined && m.effectiveUntil === undefined) {
      errors.push({ path, message: 'nothing to change: give effectiveFrom and/or effectiveUntil' });
      return;
    }
    const n = errors.length;
    const from =
      m.effectiveFrom === undefined ? event.effectiveFrom : dateAt(m.effectiveFrom, `${path}.effectiveFrom`, errors);
    const until = untilAt(m.effectiveUntil, `${path}.effectiveUntil`, errors);
    if (errors.length > n || from === undefined) return;
    const effectiveUntil = m.effectiveUntil === undefined ? event.effectiveUntil : (until ?? null);
    if (effectiveUntil !== null && effectiveUntil < from) {
      const which = m.effectiveUntil === undefined ? 'effectiveFrom' : 'effectiveUntil';
      errors.push({
        path: `${path}.${which}`,
        message: `effectiveUntil ${effectiveUntil} is before effectiveFrom ${from}: the event would end before it starts`,
      });
      return;
    }
    changes.set(event.id, { effectiveFrom: from, effectiveUntil });
  });

  // add
  const taken = new Set(known.keys());
  const given = new Set<string>();
  adds.forEach((a) => {
    if (typeof a?.id === 'string' && a.id.trim() !== '') given.add(a.id.trim());
  });
  const added: PolicyEvent[] = [];
  let nextGenerated = 1;
  adds.forEach((a, i) => {
    const path = `add[${i}]`;
    if (typeof a !== 'object' || a === null) {
      errors.push({ path, message: 'must be an object' });
      return;
    }
    const n = errors.length;
    let id: string;
    if (typeof a.id === 'string' && a.id.trim() !== '') {
      id = a.id.trim();
      if (taken.has(id)) errors.push({ path: `${path}.id`, message: `id '${id}' is already used by another event` });
    } else {
      while (taken.has(`SCENARIO-${nextGenerated}`) || given.has(`SCENARIO-${nextGenerated}`)) nextGenerated++;
      id = `SCENARIO-${nextGenerated}`;
    }
    taken.add(id);
    const country = countryAt(a.country, `${path}.country`, errors);
    if (!KINDS.includes(a.kind))
      errors.push({ path: `${path}.kind`, message: `kind must be one of ${KINDS.map((k) => `'${k}'`).join(', ')}` });
    const minerals: string[] = [];
    if (!Array.isArray(a.minerals) || a.minerals.length === 0)
      errors.push({ path: `${path}.minerals`, message: 'name at least one mineral' });
    else
      a.minerals.forEach((raw, j) => {
        const p = `${path}.minerals[${j}]`;
        const m = typeof raw === 'string' ? parseMineral(raw) : { ok: false as const, message: 'must be a string' };
        if (!m.ok) errors.push({ path: p, message: m.message });
        else if (!minerals.includes(m.value)) minerals.push(m.value);
      });
    const from = dateAt(a.effectiveFrom, `${path}.effectiveFrom`, errors);
    const until = untilAt(a.effectiveUntil, `${path}.effectiveUntil`, errors);
    if (from !== undefined && typeof until === 'string' && until < from)
      errors.push({
        path: `${path}.effectiveUntil`,
        message: `effectiveUntil ${until} is before effectiveFrom ${from}: the measure would end before it starts`,
      });
    const destination = destinationAt(a.destination, `${path}.destination`, errors);
    if (errors.length > n || country === undefined || from === undefined || destination === undefined) return;
    const kind = a.kind;
    const title = typeof a.title === 'string' && a.title.trim() !== '' ? a.title.trim() : undefined;
    added.push({
      id,
      country,
      instrument: title ?? titleOf(kind, country, minerals, destination),
      kind,
      minerals,
      announced: from,
      effectiveFrom: from,
      effectiveUntil: until ?? null,
      destination,
      notes: 'hypothetical measure added by a what-if scenario',
      source: 'what-if scenario (hypothetical)',
    });
  });

  if (errors.length > 0) return { ref: base, errors };

  const events: PolicyEvent[] = [];
  for (const e of base.policyEvents) {
    if (removed.has(e.id)) continue;
    let next: PolicyEvent = e;
    const change = changes.get(e.id);
    if (change)
      next = {
        ...next,
        effectiveFrom: change.effectiveFrom,
        effectiveUntil: change.effectiveUntil,
        announced: [change.effectiveFrom, next.announced].sort()[0] ?? next.announced,
      };
    if (next.suspends?.some((id) => removed.has(id)))
      next = { ...next, suspends: next.suspends.filter((id) => !removed.has(id)) };
    events.push(next);
  }
  events.push(...added);
  try {
    return { ref: buildReferenceData({ policyEvents: events, agreements: base.agreements }), errors };
  } catch (err) {
    // The checks above should leave nothing for the dataset's own validation; never fail open if they missed one.
    return { ref: base, errors: [{ path: '', message: err instanceof Error ? err.message : String(err) }] };
  }
}

function unknownEvent(id: unknown): string {
  return typeof id === 'string' ? `unknown policy event '${id}'` : 'must be a policy event id';
}

/**
 * Scores `inputs` on `base` and on the scenario's timeline, in the same context, and compares them. Stores nothing.
 * Throws `ScenarioRequestError` (with the paths) when the request has errors; call `buildScenarioData` first to get
 * them without an exception.
 */
export function runScenario(
  base: ReferenceData,
  request: ScenarioRequest,
  inputs: readonly SupplierInput[],
  ctx: ScoringContext,
): ScenarioResult {
  const { ref, errors } = buildScenarioData(base, request);
  if (errors.length > 0) throw new ScenarioRequestError(errors);
  const scorers = { base: createScorer(base, ctx), scenario: createScorer(ref, ctx) };
  const everything = Number.POSITIVE_INFINITY;
  return finishScenario(scenarioHeader(base, ref, ctx), scenarioPartial(scorers, inputs, everything), everything);
}

/** The answer's context and versions, for the base and the scenario's reference data. */
export const scenarioHeader = (base: ReferenceData, ref: ReferenceData, ctx: ScoringContext): ScenarioHeader => ({
  asOf: ctx.asOf,
  buyerCountry: ctx.buyerCountry,
  baseDataVersion: base.dataVersion,
  scenarioDataVersion: ref.dataVersion,
});
