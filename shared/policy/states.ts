import type { ReferenceData } from '../reference/index.ts';
import type { PolicyEvent } from '../reference/types.ts';
import { itemKey, type Timeline } from './types.ts';

/** A measure's state on a date, as the model reads it (shared/model/policy.ts). */
export type MeasureState = 'not_announced' | 'announced' | 'active' | 'suspended' | 'expired';

export interface EventState {
  state: MeasureState;
  /** For `suspended`: the suspension holding it. */
  suspendedBy?: string;
  /** The revision that set the event (0 = the shipped baseline). */
  revision: number;
}

const inForce = (asOf: string, from: string, until: string | null) => from <= asOf && (until === null || asOf <= until);

/**
 * Each event's state as of `asOf`. A suspension is `active` while in force. A measure held by any suspension in force
 * (whatever buyer the suspension reaches) shows `suspended`: the per-buyer detail is in the scores' drivers.
 */
export function eventState(ref: ReferenceData, timeline: Timeline, e: PolicyEvent, asOf: string): EventState {
  const revision = timeline.setBy.get(itemKey('policy-event', e.id)) ?? 0;
  if (asOf < e.announced) return { state: 'not_announced', revision };
  if (asOf < e.effectiveFrom) return { state: 'announced', revision };
  if (e.effectiveUntil !== null && asOf > e.effectiveUntil) return { state: 'expired', revision };
  if (e.kind !== 'suspension') {
    const holding = ref.policyEvents.find(
      (s) => s.kind === 'suspension' && s.suspends?.includes(e.id) && inForce(asOf, s.effectiveFrom, s.effectiveUntil),
    );
    if (holding) return { state: 'suspended', suspendedBy: holding.id, revision };
  }
  return { state: 'active', revision };
}
