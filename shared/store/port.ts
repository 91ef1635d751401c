import type { ScoredSupplier, SupplierInput } from '../model/types.ts';
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
export class PartialWriteError extends Error {
  override readonly name = 'PartialWriteError';
  constructor(
    readonly partial: PutScoredResult,
    readonly failed: number,
    cause: unknown,
  ) {
    super(`${failed} supplier(s) not written: ${(cause as Error | undefined)?.message ?? String(cause)}`, { cause });
  }
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
  failure: string | null;
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
  chunks: number;
}

export interface SupplierStore {
  /** Conditional single-item writes (no transactions): see WriteMode. */
  putScored(
    tenant: string,
    mode: WriteMode,
    items: {
      inputVersion: number;
      input: SupplierInput;
      result: ScoredSupplier;
      nextChangeDate: string | null;
      batchId: string | null;
    }[],
    /** Once `signal` aborts, no further write starts and those in flight are cancelled (they count as failed). */
    options?: { signal?: AbortSignal },
  ): Promise<PutScoredResult>;
  getSupplier(tenant: string, supplierId: string): Promise<StoredSupplier | null>;
  /**
   * Removes the supplier and its score; false if there was none. `version` (the request's time, as a PUT's
   * inputVersion) stays behind for a while, so a write of an older version still queued cannot bring it back.
   */
  deleteSupplier(tenant: string, supplierId: string, version: number): Promise<boolean>;
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
  /** Suppliers (all tenants) whose next policy change date is on or before `asOf`. */
  dueForRescore(
    asOf: string,
    options?: { limit?: number; cursor?: string },
  ): Promise<{ items: StoredSupplier[]; cursor: string | null }>;
  /** Suppliers (all tenants) scored with another model or data version than these. */
  scoredWithOtherVersions(
    modelVersion: string,
    dataVersion: string,
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
