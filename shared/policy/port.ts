import type { PolicyRevision } from './types.ts';

/** Where policy revisions are kept: append-only, numbered densely across every item. */
export interface PolicyRevisionStore {
  /** Every revision, oldest first. Revisions are few (operators record tens a year), so they are read whole. */
  listRevisions(): Promise<PolicyRevision[]>;
  /** The highest revision number recorded (0 = none): one small read, to tell whether a cached timeline is current. */
  latestRevision(): Promise<number>;
  /**
   * Records `revision` under its number unless that number is taken (another operator's write came first): then
   * false, and the caller reads again and decides anew. Never overwrites.
   */
  appendRevision(revision: PolicyRevision): Promise<boolean>;
}
