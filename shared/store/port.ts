import type { ChangeCause, ChangeRecord } from '../changes/change-record.ts';
import { MineralRiskError } from '../errors.ts';
import type { ScoredSupplier, SupplierInput } from '../model/types.ts';
import type { ContributionChange } from '../portfolio/port.ts';
import type { Rejection } from '../supplier-list/row.ts';

/** A supplier's input and latest score, as stored. */
export interface StoredSupplier {
  tenant: string;
  supplierId: string;
  /** Monotonic version of the input (upload or API time, ms); an older version never overwrites a newer one. */
  inputVersion: number;
  input: SupplierInput;
  result: ScoredSupplier;
  /** First date the score could change by policy alone (null = none scheduled). */
  nextChangeDate: string | null;
  batchId: string | null;
  updatedAt: string;
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

/** A cursor no listing of this store gave out (it would fail in the query, or read from the wrong place). */
export class InvalidCursorError extends MineralRiskError {
  override readonly name = 'InvalidCursorError';
  readonly retryable = false;
}

export type BatchStatus = 'ingesting' | 'scoring' | 'completed' | 'completed_with_errors' | 'failed';

export interface BatchRecord {
  tenant: string;
  batchId: string;
  status: BatchStatus;
  source: { bucket: string; key: string } | null;
  asOf: string | null;
  buyerCountry: string;
  inputVersion: number;
  /** Set when ingest has read the whole file. */
  rows: number | null;
  accepted: number | null;
  rejected: number | null;
  suppliers: number | null;
  chunks: number | null;
  /** Progress, updated once per chunk, idempotently. */
  chunksDone: number;
  suppliersStored: number;
  suppliersSuperseded: number;
  rowsStored: number;
  rowsSuperseded: number;
  /** Chunks whose message went to the DLQ after the last retry (back to 0 if redriven successfully). */
  chunksDeadLettered: number;
  rowsDeadLettered: number;
  /** Accepted rows (and their suppliers) ingest could not queue: the queue refused them or was unavailable. */
  rowsNotQueued: number;
  suppliersNotQueued: number;
  /** Why the batch failed, or what went wrong in one that completed with errors. */
  failure: string | null;
  /** ETag of the upload this batch ingests: the first object ingest read; any other object is ignored. */
  uploadETag: string | null;
  createdAt: string;
  updatedAt: string;
  completedAt: string | null;
}

export interface NewBatch {
  tenant: string;
  batchId: string;
  source: { bucket: string; key: string } | null;
  asOf: string | null;
  buyerCountry: string;
  inputVersion: number;
}

export interface BatchTotals {
  rows: number;
  accepted: number;
  rejected: number;
  suppliers: number;
  /** Messages queued; the batch completes when each is scored or dead-lettered. */
  chunks: number;
  rowsNotQueued: number;
  suppliersNotQueued: number;
  /** Set when not every accepted row was queued: the batch then completes with errors, saying this. */
  failure: string | null;
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
}

export interface SupplierStore {
  /**
   * Conditional single-item writes (no transactions): see WriteMode. Each write that moves what a buyer sees (score,
   * band, worst line; or a new supplier) also writes its change record, exactly once per change.
   */
  putScored(tenant: string, mode: WriteMode, items: ScoredWrite[], options?: WriteOptions): Promise<PutScoredResult>;
  getSupplier(tenant: string, supplierId: string): Promise<StoredSupplier | null>;
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
   * A tenant's suppliers, highest score first, in pages (cursor opaque). With a `filter`, a page holds the matches
   * among at most `maxExamined` suppliers: it may hold fewer than `limit`, even none, and still have a cursor.
   */
  listSuppliers(
    tenant: string,
    options?: ListSuppliersOptions,
  ): Promise<{ items: StoredSupplier[]; cursor: string | null }>;
  /** Creates the batch record unless it exists; returns the record as stored. */
  createBatch(batch: NewBatch): Promise<{ created: boolean; batch: BatchRecord }>;
  getBatch(tenant: string, batchId: string): Promise<BatchRecord | null>;
  /**
   * Ties the batch to one uploaded object (its ETag), once: true for that object (again, on a redelivered event),
   * false for any other — a second PUT to the same key must not mix another file into the batch.
   */
  claimBatchUpload(tenant: string, batchId: string, eTag: string): Promise<boolean>;
  putRejections(tenant: string, batchId: string, rejections: readonly Rejection[]): Promise<void>;
  listRejections(
    tenant: string,
    batchId: string,
    options?: { limit?: number; after?: number },
  ): Promise<{ items: Rejection[]; next: number | null }>;
  /** Ingest read the whole file and queued `chunks` messages; may complete the batch if scoring already finished. */
  recordBatchQueued(tenant: string, batchId: string, totals: BatchTotals): Promise<BatchRecord>;
  /** Idempotent: a chunk counts once however often its message is delivered. */
  recordChunkScored(tenant: string, batchId: string, chunk: number, result: PutScoredResult): Promise<BatchRecord>;
  /**
   * The chunk's message is about to go to the DLQ (last receive failed). `partial` is what its deliveries did write
   * (counted as stored or superseded); the rest of its rows, `rows`, are counted as dead-lettered. Idempotent.
   */
  recordChunkDeadLettered(
    tenant: string,
    batchId: string,
    chunk: number,
    dead: { rows: number; partial: PutScoredResult },
  ): Promise<BatchRecord>;
  markBatchFailed(tenant: string, batchId: string, reason: string): Promise<void>;
  /** Fails the batch only if it is still `ingesting` (a stalled ingest); returns the record as it is after. */
  failStalledBatch(tenant: string, batchId: string, reason: string): Promise<BatchRecord | null>;
  /** Suppliers (all tenants) whose next policy change date is on or before `asOf`. */
  dueForRescore(
    asOf: string,
    options?: { limit?: number; cursor?: string },
  ): Promise<{ items: StoredSupplier[]; cursor: string | null }>;
  /**
   * Suppliers (all tenants) scored with another model version, or a data version not of this release
   * (`referenceVersion`; any policy revision on top of it counts as this release).
   */
  scoredWithOtherVersions(
    modelVersion: string,
    referenceVersion: string,
    options?: { limit?: number; cursor?: string; segment?: number; totalSegments?: number },
  ): Promise<{ items: StoredSupplier[]; cursor: string | null }>;
}

export interface ListSuppliersOptions {
  limit?: number;
  cursor?: string;
  /** Keep only these; the others are read and skipped. */
  filter?: (s: StoredSupplier) => boolean;
  /** Stop after reading this many suppliers, matches or not (bounds the work of one request). */
  maxExamined?: number;
}
