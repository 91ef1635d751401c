import type { ReferenceData } from '../reference/index.ts';
import type { Agreement, PolicyEvent } from '../reference/types.ts';
import { type EntityMatches, NO_ENTITIES } from './entities.ts';
import type { MeasureInForce, ScoringContext } from './types.ts';

/** Dates are YYYY-MM-DD strings, so lexical order is date order. Intervals are inclusive. */
function inForce(asOf: string, from: string, until: string | null): boolean {
  return from <= asOf && (until === null || asOf <= until);
}

/**
 * Whether a measure bears on this buyer's flow. An entity-level one does only where the supplier or the line's
 * processor is a listed entity (`entities`: the line's matches); without matches it never does.
 */
function reachesBuyer(event: PolicyEvent, ctx: ScoringContext, entities: EntityMatches = NO_ENTITIES): boolean {
  const d = event.destination;
  if (d.kind === 'all') return true;
  if (d.kind === 'entities') return entities.has(event.id);
  if (d.kind === 'country') return d.country === ctx.buyerCountry;
  return d.country === ctx.buyerCountry && ctx.endUse === 'military';
}

/** For wake-up dates and scopes: an entity-level measure may reach any buyer (some supplier may be listed). */
function mayReachBuyer(event: PolicyEvent, ctx: ScoringContext): boolean {
  return event.destination.kind === 'entities' || reachesBuyer(event, ctx);
}

function touches(ref: ReferenceData, event: PolicyEvent, covers: readonly string[]): boolean {
  const set = ref.eventMinerals.get(event.id);
  return !!set && covers.some((m) => set.has(m));
}

/**
 * The export measures of `country` on any of `covers` that bear on this buyer as of the date, with their state:
 * active, suspended (latent: held by a suspension in force) or announced (latent: not yet in force).
 * Expired measures and those not yet announced are left out.
 */
export function measuresInForce(
  ref: ReferenceData,
  country: string,
  covers: readonly string[],
  ctx: ScoringContext,
  entities: EntityMatches = NO_ENTITIES,
): MeasureInForce[] {
  const out: MeasureInForce[] = [];
  for (const e of ref.policyEvents) {
    if (e.kind === 'suspension' || e.country !== country) continue;
    if (!reachesBuyer(e, ctx, entities) || !touches(ref, e, covers)) continue;
    if (ctx.asOf < e.announced) continue;
    if (e.effectiveUntil !== null && ctx.asOf > e.effectiveUntil) continue;
    const entity = entities.get(e.id);
    const base: MeasureInForce = { id: e.id, kind: e.kind, state: 'active' };
    if (entity !== undefined) base.entity = entity;
    if (e.stage && e.stage !== 'all') base.stage = e.stage;
    if (ctx.asOf < e.effectiveFrom) {
      out.push({ ...base, state: 'announced' });
      continue;
    }
    const suspensions = ref.policyEvents.filter(
      (s) => s.kind === 'suspension' && s.suspends?.includes(e.id) && reachesBuyer(s, ctx),
    );
    const holding = suspensions.find((s) => inForce(ctx.asOf, s.effectiveFrom, s.effectiveUntil));
    if (holding) {
      out.push({
        ...base,
        state: 'suspended',
        suspendedBy: holding.id,
      });
      continue;
    }
    const lapsed = suspensions
      .filter((s) => s.effectiveUntil !== null && s.effectiveUntil < ctx.asOf)
      .sort((a, b) => (a.effectiveUntil as string).localeCompare(b.effectiveUntil as string))
      .at(-1);
    out.push(
      lapsed
        ? {
            ...base,
            state: 'active',
            lapsedSuspension: lapsed.id,
          }
        : { ...base, state: 'active' },
    );
  }
  return out;
}

/** A critical-minerals agreement between the buyer's country and `partner` in force as of the date, if any. */
export function agreementInForce(
  ref: ReferenceData,
  partner: string,
  covers: readonly string[],
  ctx: ScoringContext,
): Agreement | null {
  for (const a of ref.agreements) {
    if (a.buyerCountry !== ctx.buyerCountry || a.partnerCountry !== partner) continue;
    if (!inForce(ctx.asOf, a.effectiveFrom, a.effectiveUntil)) continue;
    if (a.minerals.length > 0 && !covers.some((m) => a.minerals.includes(m))) continue;
    return a;
  }
  return null;
}

/**
 * The dates on which any measure, suspension or agreement starts or stops applying: a score can only change on
 * these dates (or when the data or model version changes). The rescore function uses them.
 */
export function policyChangeDates(ref: ReferenceData): string[] {
  const dates = new Set<string>();
  const dayAfter = (d: string) => new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  for (const e of ref.policyEvents) {
    dates.add(e.announced);
    dates.add(e.effectiveFrom);
    if (e.effectiveUntil) dates.add(dayAfter(e.effectiveUntil));
  }
  for (const a of ref.agreements) {
    dates.add(a.effectiveFrom);
    if (a.effectiveUntil) dates.add(dayAfter(a.effectiveUntil));
  }
  return [...dates].sort();
}

/**
 * The first date after `asOf` on which a score for these minerals could change: any measure touching them (from any
 * country, since world concentration counts too), any suspension of such a measure, or any agreement of the buyer's
 * country starting or ending. Null when nothing further is scheduled. The rescore function wakes suppliers on it.
 */
export function nextPolicyChange(ref: ReferenceData, minerals: readonly string[], ctx: ScoringContext): string | null {
  const covers = new Set<string>();
  for (const m of minerals) for (const c of ref.minerals.get(m)?.covers ?? [m]) covers.add(c);
  const dayAfter = (d: string) => new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  let next: string | null = null;
  const consider = (d: string | null) => {
    if (d !== null && d > ctx.asOf && (next === null || d < next)) next = d;
  };
  const relevant = new Set<string>();
  // A measure that does not reach this buyer moves none of its scores (measuresInForce leaves it out everywhere).
  for (const e of ref.policyEvents) {
    const set = ref.eventMinerals.get(e.id);
    if (e.kind !== 'suspension' && set && mayReachBuyer(e, ctx) && [...covers].some((m) => set.has(m)))
      relevant.add(e.id);
  }
  for (const e of ref.policyEvents) {
    if (!relevant.has(e.id) && !(e.suspends ?? []).some((id) => relevant.has(id))) continue;
    if (e.kind === 'suspension' && !reachesBuyer(e, ctx)) continue;
    consider(e.announced);
    consider(e.effectiveFrom);
    if (e.effectiveUntil) consider(dayAfter(e.effectiveUntil));
  }
  for (const a of ref.agreements) {
    if (a.buyerCountry !== ctx.buyerCountry) continue;
    consider(a.effectiveFrom);
    if (a.effectiveUntil) consider(dayAfter(a.effectiveUntil));
  }
  return next;
}
