/** Port of the batch (upload) records: created by ingest, counted chunk by chunk by the score function. */
import type { PutScoredResult } from './supplier-port.ts';

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

export interface BatchStore {
  /** Creates the batch record unless it exists; returns the record as stored. */
  createBatch(batch: NewBatch): Promise<{ created: boolean; batch: BatchRecord }>;
  /** The batch as stored; one whose every chunk is accounted for but which is still open is closed by this read. */
  getBatch(tenant: string, batchId: string): Promise<BatchRecord | null>;
  /**
   * Ties the batch to one uploaded object (its ETag), once: true for that object (again, on a redelivered event),
   * false for any other — a second PUT to the same key must not mix another file into the batch.
   */
  claimBatchUpload(tenant: string, batchId: string, eTag: string): Promise<boolean>;
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
}
