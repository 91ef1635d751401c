/** The change log as the API reads it (issue 10). Written by the supplier store, with the score it records. */
import type { ChangeRecord } from './change-record.ts';

export const CHANGE_LOG = {
  /** Records expire this many days after they were written (the API promises 90). */
  retentionDays: 90,
  /**
   * The feed serves only records written at least this long ago, so a record still being written (or on its way to
   * the index) with an earlier time cannot land behind a poller's cursor.
   */
  settleMs: 10_000,
  maxPageSize: 1000,
} as const;

export interface ChangeFeedPage {
  /** Oldest first, in the order they were recorded. */
  items: ChangeRecord[];
  /**
   * Where to resume: always set, also when no record was new (a poller keeps it and asks again later). Records
   * written after this page was read appear after it.
   */
  cursor: string;
  /** More records are already there to read (ask again at once); false: the poller is up to date. */
  more: boolean;
}

export interface ChangeLog {
  /**
   * The tenant's change records after `since` (a cursor from an earlier page; none: the oldest kept). With a `filter`,
   * a page holds the matches among at most `maxExamined` records: it may hold none and still have `more`.
   */
  listChanges(
    tenant: string,
    options?: {
      since?: string;
      limit?: number;
      filter?: (r: ChangeRecord) => boolean;
      maxExamined?: number;
      now?: Date;
    },
  ): Promise<ChangeFeedPage>;
  /** One supplier's records, oldest first (the history of its score), in pages. */
  supplierHistory(
    tenant: string,
    supplierId: string,
    options?: { limit?: number; cursor?: string },
  ): Promise<{ items: ChangeRecord[]; cursor: string | null }>;
}
