/**
 * The change event procurement systems subscribe to (issue 10): one `SupplierRiskChanged` per notable change record,
 * on a custom EventBridge bus per stage (in AWS) or the local runtime's in-process bus, the same shape in both.
 */
import type { ChangeRecord } from './change-record.ts';

export const CHANGE_EVENT = {
  /** EventBridge `source`: rules match on it with the detail type. */
  source: 'mineral-risk',
  detailType: 'SupplierRiskChanged',
  /** A move of at least this many points is an event even within its band (env CHANGE_EVENT_MIN_POINTS). */
  defaultMinPoints: 5,
  /** PutEvents takes at most 10 entries per call. */
  maxEntriesPerPut: 10,
} as const;

/** The event as EventBridge delivers it to a rule's target (the notifier's queue): `detail` is the change record. */
export interface SupplierRiskChangedEvent {
  version: '0';
  id: string;
  'detail-type': typeof CHANGE_EVENT.detailType;
  source: typeof CHANGE_EVENT.source;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: ChangeRecord;
}

/** What kind of change a record is: a new supplier, a deleted one, or a score that moved. */
export type ChangeKind = 'new' | 'moved' | 'deleted';

export const changeKind = (r: Pick<ChangeRecord, 'before' | 'after'>): ChangeKind =>
  r.before === null ? 'new' : r.after === null ? 'deleted' : 'moved';

/**
 * Whether a change is worth an event: a new or deleted supplier, a band change, or a move of at least `minPoints`.
 * Smaller moves stay in the change log (GET /v1/changes) and are not pushed: alert noise is what users complain of.
 */
export function isNotable(r: Pick<ChangeRecord, 'before' | 'after' | 'delta'>, minPoints: number): boolean {
  if (r.before === null || r.after === null) return true;
  return r.before.band !== r.after.band || Math.abs(r.delta ?? 0) >= minPoints;
}

/** Port: where writers publish the notable changes they stored. At least once: a redelivery publishes again. */
export interface ChangeEventPublisher {
  /** Publishes every record given (the caller has kept only notable ones); throws a retryable error if any failed. */
  publish(records: readonly ChangeRecord[]): Promise<void>;
}
