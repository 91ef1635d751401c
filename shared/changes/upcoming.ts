/**
 * Upcoming changes (issue 10): the dates within a horizon on which a supplier's score will move by the policy timeline
 * alone — an announced measure taking effect, a suspension lapsing, a quota expiring, an agreement starting or ending —
 * with the timeline items that start or end that day and the score before and after.
 *
 * Pure, and the rescore's own arithmetic: the dates are those `nextPolicyChange` wakes a stored score on, and the score
 * on each is `createScorer` as of that date, so the projection is exactly what the daily rescore will store then (as
 * long as the timeline, the data and the model stay as they are).
 */
import { nextPolicyChange } from '../model/policy.ts';
import { createScorer, type Scorer } from '../model/score.ts';
import type { Band, EndUse, ScoredSupplier, SupplierInput } from '../model/types.ts';
import { type ChangeScope, changeScope, inScope } from '../policy/targets.ts';
import type { ReferenceData } from '../reference/index.ts';
import type { Agreement, DestinationScope, MeasureKind, PolicyEvent } from '../reference/types.ts';

/** The longest horizon asked for: two years, as far as announced measures and agreements reach in practice. */
export const MAX_UPCOMING_DAYS = 730;
export const DEFAULT_UPCOMING_DAYS = 90;

/** What a timeline item does on the date. */
export type TimelineChange =
  /** A measure is announced before it takes effect: latent risk (weight 0.4) until then. */
  | 'announced'
  | 'takes_effect'
  /** The day after its last day in force (a quota or a ban with an end date). */
  | 'expires'
  | 'suspension_starts'
  /** The day after a suspension's last day: what it held applies again. */
  | 'suspension_lapses'
  | 'agreement_starts'
  | 'agreement_ends';

export interface UpcomingCause {
  type: 'policy-event' | 'agreement';
  /** The item's id (GET /v1/reference/policy-events). */
  id: string;
  kind: MeasureKind | 'agreement';
  /** The country taking the measure, or the agreement's partner. */
  country: string;
  change: TimelineChange;
  /** For a suspension: the measures it holds (or held). */
  suspends?: string[];
  /** In words, for a buyer. */
  text: string;
}

export interface ScorePoint {
  score: number;
  band: Band;
}

export interface UpcomingMove {
  /** YYYY-MM-DD: the first day the new score applies. */
  date: string;
  /** The timeline items that start or end that day and bear on this supplier's minerals and countries for its buyer. */
  causes: UpcomingCause[];
  /** The score the day before: today's, or the previous move's. */
  from: ScorePoint;
  /** The projected score on the date: a fresh scoring as of that date. */
  to: ScorePoint;
  /** to − from (points, one decimal). */
  delta: number;
  /** to − the current score (points, one decimal): where the supplier stands that day against today. */
  deltaFromCurrent: number;
}

export interface UpcomingChanges {
  supplierId: string;
  buyerCountry: string;
  /** The score as of today with this timeline (not the stored one, which may predate a revision). */
  current: ScorePoint;
  /** In date order; only dates on which the score or band moves. Empty when nothing moves within the horizon. */
  moves: UpcomingMove[];
}

export interface UpcomingWindow {
  /** YYYY-MM-DD: moves are strictly after it. */
  today: string;
  /** YYYY-MM-DD: moves are on or before it (`horizonOf(today, days)`). */
  horizon: string;
  buyerCountry: string;
  /** Default civil, as the API and the pipeline score. */
  endUse?: EndUse;
}

const DAY_MS = 86_400_000;
export const addDays = (date: string, days: number): string =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);

/** The last day of a window of `days` days after `today`. */
export const horizonOf = (today: string, days: number): string => addDays(today, days);

const round1 = (x: number) => Math.round(x * 10) / 10;
const point = (s: ScoredSupplier): ScorePoint => ({ score: s.score, band: s.band });

/** One item's start or end on a date, with what it can move (shared/policy/targets.ts). */
interface Transition {
  date: string;
  cause: UpcomingCause;
  scope: ChangeScope;
  /** Whether it bears on a buyer at all (its destination; a suspension's own and its measures'). */
  reaches: (buyerCountry: string, endUse: EndUse) => boolean;
}

/** An entity-level measure may reach any buyer (some of its suppliers may be listed): counted, as targets.ts does. */
const reaches = (d: DestinationScope, buyer: string, endUse: EndUse) =>
  d.kind === 'all' || d.kind === 'entities' || (d.country === buyer && (d.kind === 'country' || endUse === 'military'));

const KIND_WORDS: Record<string, string> = {
  export_licensing: 'export licensing',
  export_quota: 'export quota',
  export_ban: 'export ban',
};

function measureTransitions(ref: ReferenceData, e: PolicyEvent): Transition[] {
  const scope = changeScope('policy-event', null, e, [ref]);
  const base = { type: 'policy-event' as const, id: e.id, kind: e.kind, country: e.country };
  if (e.kind === 'suspension') {
    const suspends = [...(e.suspends ?? [])];
    const targets = suspends.map((id) => ref.policyEventsById.get(id)).filter((t): t is PolicyEvent => !!t);
    const held = suspends.join(', ');
    const reach = (buyer: string, endUse: EndUse) =>
      reaches(e.destination, buyer, endUse) && targets.some((t) => reaches(t.destination, buyer, endUse));
    const out: Transition[] = [
      {
        date: e.effectiveFrom,
        cause: {
          ...base,
          change: 'suspension_starts',
          suspends,
          text: `${e.instrument}: suspension of ${held} starts`,
        },
        scope,
        reaches: reach,
      },
    ];
    if (e.effectiveUntil !== null)
      out.push({
        date: addDays(e.effectiveUntil, 1),
        cause: {
          ...base,
          change: 'suspension_lapses',
          suspends,
          text: `${e.instrument}: suspension of ${held} lapses (last day ${e.effectiveUntil}); ${
            suspends.length > 1 ? 'the measures apply' : 'the measure applies'
          } again`,
        },
        scope,
        reaches: reach,
      });
    return out;
  }
  const what = `${KIND_WORDS[e.kind] ?? e.kind} by ${e.country}`;
  const reach = (buyer: string, endUse: EndUse) => reaches(e.destination, buyer, endUse);
  const out: Transition[] = [];
  // The model counts a measure from its announcement: announced (latent) before it takes effect, active after.
  if (e.announced < e.effectiveFrom) {
    out.push({
      date: e.announced,
      cause: { ...base, change: 'announced', text: `${e.instrument}: ${what} announced, from ${e.effectiveFrom}` },
      scope,
      reaches: reach,
    });
    out.push({
      date: e.effectiveFrom,
      cause: { ...base, change: 'takes_effect', text: `${e.instrument}: ${what} takes effect` },
      scope,
      reaches: reach,
    });
  } else
    out.push({
      date: e.announced,
      cause: { ...base, change: 'takes_effect', text: `${e.instrument}: ${what} takes effect` },
      scope,
      reaches: reach,
    });
  if (e.effectiveUntil !== null)
    out.push({
      date: addDays(e.effectiveUntil, 1),
      cause: { ...base, change: 'expires', text: `${e.instrument}: ${what} ends (last day ${e.effectiveUntil})` },
      scope,
      reaches: reach,
    });
  return out;
}

function agreementTransitions(ref: ReferenceData, a: Agreement): Transition[] {
  const scope = changeScope('agreement', null, a, [ref]);
  const base = { type: 'agreement' as const, id: a.id, kind: 'agreement' as const, country: a.partnerCountry };
  const reach = (buyer: string) => a.buyerCountry === buyer;
  const out: Transition[] = [
    {
      date: a.effectiveFrom,
      cause: { ...base, change: 'agreement_starts', text: `${a.title} (${a.buyerCountry}–${a.partnerCountry}) starts` },
      scope,
      reaches: reach,
    },
  ];
  if (a.effectiveUntil !== null)
    out.push({
      date: addDays(a.effectiveUntil, 1),
      cause: {
        ...base,
        change: 'agreement_ends',
        text: `${a.title} (${a.buyerCountry}–${a.partnerCountry}) ends (last day ${a.effectiveUntil})`,
      },
      scope,
      reaches: reach,
    });
  return out;
}

const byCause = (a: UpcomingCause, b: UpcomingCause) =>
  a.type.localeCompare(b.type) || a.id.localeCompare(b.id) || a.change.localeCompare(b.change);

export interface UpcomingPlanner {
  readonly ref: ReferenceData;
  /** The moves of one supplier within the window, for its buyer country. */
  upcoming(input: SupplierInput, window: UpcomingWindow): UpcomingChanges;
}

/**
 * A planner over one timeline: it keeps one scorer per (date, buyer, end use) and the timeline's transitions by date,
 * so a page of suppliers costs a few cached scorings each. No state outside itself: the same timeline and inputs give
 * the same answers, whatever was asked before.
 */
export function createUpcomingPlanner(ref: ReferenceData): UpcomingPlanner {
  const scorers = new Map<string, Scorer>();
  const scorerFor = (asOf: string, buyerCountry: string, endUse: EndUse): Scorer => {
    const key = `${asOf}|${buyerCountry}|${endUse}`;
    let s = scorers.get(key);
    if (!s) {
      s = createScorer(ref, { asOf, buyerCountry, endUse });
      scorers.set(key, s);
    }
    return s;
  };

  const transitions = new Map<string, Transition[]>();
  const add = (t: Transition) => {
    const list = transitions.get(t.date) ?? [];
    list.push(t);
    transitions.set(t.date, list);
  };
  for (const e of ref.policyEvents) for (const t of measureTransitions(ref, e)) add(t);
  for (const a of ref.agreements) for (const t of agreementTransitions(ref, a)) add(t);

  /** What starts or ends on the date and can move this supplier (a superset, as the rescore's targets are). */
  const causesOn = (date: string, input: SupplierInput, buyer: string, endUse: EndUse): UpcomingCause[] => {
    const on = (transitions.get(date) ?? []).filter((t) => t.reaches(buyer, endUse));
    const moving = on.filter((t) => inScope(t.scope, ref, input, buyer));
    // The scope is a superset of what moves, so this fallback is for safety only: a move always names its date's items.
    return (moving.length > 0 ? moving : on).map((t) => t.cause).sort(byCause);
  };

  return {
    ref,
    upcoming(input, window) {
      const endUse = window.endUse ?? 'civil';
      const ctx = { asOf: window.today, buyerCountry: window.buyerCountry, endUse };
      const minerals = input.exposures.map((e) => e.mineral);
      const current = point(scorerFor(window.today, window.buyerCountry, endUse).score(input));
      const moves: UpcomingMove[] = [];
      let previous = current;
      // The dates the rescore wakes this supplier on: no score moves between two of them (test/unit/model).
      for (
        let date = nextPolicyChange(ref, minerals, ctx);
        date !== null && date <= window.horizon;
        date = nextPolicyChange(ref, minerals, { ...ctx, asOf: date })
      ) {
        const next = point(scorerFor(date, window.buyerCountry, endUse).score(input));
        if (next.score !== previous.score || next.band !== previous.band)
          moves.push({
            date,
            causes: causesOn(date, input, window.buyerCountry, endUse),
            from: previous,
            to: next,
            delta: round1(next.score - previous.score),
            deltaFromCurrent: round1(next.score - current.score),
          });
        previous = next;
      }
      return { supplierId: input.supplierId, buyerCountry: window.buyerCountry, current, moves };
    },
  };
}

/** One supplier's upcoming moves (a planner of its own: for many suppliers, share one `createUpcomingPlanner`). */
export function upcomingChanges(input: SupplierInput, window: UpcomingWindow, ref: ReferenceData): UpcomingChanges {
  return createUpcomingPlanner(ref).upcoming(input, window);
}
