/**
 * Ports of the supplier items: the write path (upserts, rescores, deletes, each with its change record) and the reads
 * (one supplier, the tenant's list, worst band first).
 */
import type { ChangeCause, ChangeRecord, ChangeSide } from '../changes/change-record.ts';
import { MineralRiskError } from '../errors.ts';
import type { StoredScore } from '../model/stored-score.ts';
import type { Band, ScoredSupplier, SupplierInput } from '../model/types.ts';
import type { ContributionChange } from '../portfolio/port.ts';
import { parsePageGroupRef, rescoreRunTag } from './keys.ts';

/**
 * A supplier's input and latest score, as stored: the score's summary, not its full breakdown (recomputeScore in
 * shared/model/stored-score.ts rebuilds that from the input).
 */
export interface StoredSupplier {
  tenant: string;
  supplierId: string;
  /** Monotonic version of the input (upload or API time, ms); an older version never overwrites a newer one. */
  inputVersion: number;
  input: SupplierInput;
  summary: StoredScore;
  /** First date the score could change by policy alone (null = none scheduled). */
  nextChangeDate: string | null;
  batchId: string | null;
  updatedAt: string;
  /** The rescore page group its latest grouped rescore record is in (opaque; null: none). */
  pageRef?: string | null;
  /**
   * Set when the item's `byScore` key is not the one the current key format gives its score (keyed before the format
   * changed): a rescore run rewrites it, which re-keys it (shared/pipeline/rescore-supplier.ts).
   */
  indexKeyStale?: true;
}

/**
 * How a write relates to what is stored: `upsert` needs a newer input (and replaces the item); `rescore` needs the
 * same input (and replaces only the score, keeping the input and its batch).
 */
export type WriteMode = 'upsert' | 'rescore';

export interface PutScoredResult {
  /** Suppliers whose given version is the one stored: written now, or already by an earlier delivery. */
  stored: number;
  /** Suppliers not written because the stored input is newer (upsert) or changed (rescore). */
  superseded: number;
  /** Exposure rows carried by the written and the superseded suppliers. */
  rowsStored: number;
  rowsSuperseded: number;
}

export const emptyPutScoredResult = (): PutScoredResult => ({
  stored: 0,
  superseded: 0,
  rowsStored: 0,
  rowsSuperseded: 0,
});

/**
 * Some suppliers of a putScored call could not be written (the first error is the `cause`). Every write of the call
 * has settled when it is thrown, none is left running; `partial` counts the suppliers that were stored or superseded.
 */
export class PartialWriteError extends MineralRiskError {
  override readonly name = 'PartialWriteError';
  readonly retryable = true;
  constructor(
    readonly partial: PutScoredResult,
    readonly failed: number,
    cause: unknown,
  ) {
    super(`${failed} supplier(s) not written: ${(cause as Error | undefined)?.message ?? String(cause)}`, { cause });
  }
}

/** Whether a delete removed a supplier, found none (it still blocks older queued writes), or met a newer write. */
export type DeleteOutcome = 'deleted' | 'absent' | 'newer';

/** One supplier's scored input to store. */
export interface ScoredWrite {
  inputVersion: number;
  input: SupplierInput;
  result: ScoredSupplier;
  nextChangeDate: string | null;
  batchId: string | null;
  /** Why the score is written (the change record's cause); default: the upload of `batchId`, else the API. */
  cause?: ChangeCause;
  /** A rescore's: its score or band moved from the stored one (only these go in the page's change group). */
  moved?: boolean;
}

/** A rescore page: the run, its segment and the page's number in the segment (its group's origin). */
export interface PageWrites {
  runId: string;
  segment: number;
  page: number;
}

/** Whether a stored `pageRef` names a page of this run's segment: written by this segment, in a turn that died. */
export function isPageOfSegment(pageRef: string, page: Pick<PageWrites, 'runId' | 'segment'>): boolean {
  const at = parsePageGroupRef(pageRef);
  return at !== null && at.origin.run === rescoreRunTag(page.runId) && at.origin.segment === page.segment;
}

export interface WriteOptions {
  /** Once `signal` aborts, no further write starts and those in flight are cancelled (they count as failed). */
  signal?: AbortSignal;
  /**
   * Receives the change record of every supplier this call stored, written now or found written by an earlier
   * delivery of the same write (so a redelivery can publish what its first delivery may not have): at least once.
   */
  changes?: ChangeRecord[];
  /** Receives what each write this call made changed for the portfolio aggregates (not a redelivery's: once). */
  contributions?: ContributionChange[];
  /**
   * The upload chunk these upserts are (all of one batch): the records of the suppliers it stores for the first time
   * go in one change group for the chunk instead of one record each (shared/store/change-groups.ts). The feed and
   * the history read them as the same records.
   */
  group?: { chunk: number };
  /**
   * The rescore page these rescores are: the records of the writes that move (`moved`) go in one change group for
   * the page, and each item names it (`lastIn`), so the segment's next turn can write a group a dead turn did not.
   */
  page?: PageWrites;
}

export interface SupplierWrites {
  /**
   * Conditional single-item writes (no transactions): see WriteMode. Each write that moves what a buyer sees (score,
   * band, worst line; or a new supplier) also writes its change record, exactly once per change.
   */
  putScored(tenant: string, mode: WriteMode, items: ScoredWrite[], options?: WriteOptions): Promise<PutScoredResult>;
  /**
   * Removes the supplier and its score. Whatever was stored — a live supplier, a tombstone or nothing yet — a
   * tombstone with `version` (the request's time, as a PUT's inputVersion) stays behind, so a write of an older
   * version still queued (even the supplier's very first PUT) cannot bring it back. A supplier written with a newer
   * version than the delete's stays (`newer`).
   */
  deleteSupplier(
    tenant: string,
    supplierId: string,
    version: number,
    options?: Pick<WriteOptions, 'changes' | 'contributions'>,
  ): Promise<DeleteOutcome>;
  /**
   * A rescore page's records its group may not hold: suppliers the segment scanned again whose item names a page of
   * this segment (`pageRef`: written by a turn that died before its group), with the result each was written with and
   * the run's cause. Writes the missing entries; returns the records found (to count and publish again).
   */
  recordUngrouped(
    tenant: string,
    page: PageWrites,
    found: readonly { supplierId: string; result: ScoredSupplier }[],
    cause: (before: ChangeSide | null) => ChangeCause,
  ): Promise<ChangeRecord[]>;
}

export interface SupplierReads {
  getSupplier(tenant: string, supplierId: string): Promise<StoredSupplier | null>;
  /**
   * A tenant's suppliers in pages (cursor opaque), worst band first: critical, high, medium, low; within critical
   * and high by score, highest first, then by id; within medium and low by id (ids in UTF-8 byte order). With a
   * `filter`, a page holds the matches among at most `maxExamined` suppliers: it may hold fewer than `limit`, even
   * none, and still have a cursor.
   */
  listSuppliers(
    tenant: string,
    options?: ListSuppliersOptions,
  ): Promise<{ items: StoredSupplier[]; cursor: string | null }>;
}

export interface ListSuppliersOptions {
  limit?: number;
  cursor?: string;
  /** Only this band's suppliers (read from the index's keys of that band alone). */
  band?: Band;
  /** Keep only these; the others are read and skipped. */
  filter?: (s: StoredSupplier) => boolean;
  /** Stop after reading this many suppliers, matches or not (bounds the work of one request). */
  maxExamined?: number;
}
