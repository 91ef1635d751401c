/**
 * Policy as data: the shipped timeline (shared/reference/data/) is the baseline; operators add immutable revisions.
 * The effective timeline is the baseline with the latest revision of each id applied (a withdrawal removes the id).
 */
import type { Agreement, PolicyEvent } from '../reference/types.ts';

/** The two kinds of timeline item an operator can revise. */
export type PolicyItemKind = 'policy-event' | 'agreement';

/** Where a revision's facts come from: required of every revision, so every score can be traced to a document. */
export interface PolicySource {
  title: string;
  /** https URL of the document. */
  url: string;
  /** Publication date, YYYY-MM-DD. */
  date: string;
}

/** One immutable revision of one timeline item. Numbers are global and dense: 1, 2, 3 … across every item. */
export interface PolicyRevision {
  revision: number;
  kind: PolicyItemKind;
  id: string;
  action: 'put' | 'withdraw';
  /** The item as it reads from this revision on; null for a withdrawal. */
  item: PolicyEvent | Agreement | null;
  /** Who recorded it: the verified token's subject. */
  actor: string;
  /** Why, in the operator's words. */
  reason: string;
  source: PolicySource;
  /** When it was recorded (ISO timestamp). */
  at: string;
}

/** The effective timeline at one revision, with which revision set each item (0 = the shipped baseline). */
export interface Timeline {
  /** The highest revision applied (0 = baseline only). */
  revision: number;
  policyEvents: PolicyEvent[];
  agreements: Agreement[];
  /** `${kind}:${id}` → the revision that set it (0 = baseline); withdrawn ids are absent. */
  setBy: ReadonlyMap<string, number>;
}

export const itemKey = (kind: PolicyItemKind, id: string) => `${kind}:${id}`;
