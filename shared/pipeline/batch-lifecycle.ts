/**
 * The life cycle of a batch (one upload), as pure decisions: what each event adds to its counters, when it completes
 * and with which status, when it fails. The DynamoDB repository (store/batches.ts) applies these decisions with
 * conditional updates; `applyBatchEvent` applies them to a record in memory (the fakes, the property tests).
 *
 *   ingesting ──queued──▶ scoring ──every chunk scored or dead-lettered──▶ completed | completed_with_errors
 *       │                                                                     (errors: rows lost to the DLQ or
 *       └──file unreadable / ingest stalled──▶ failed                         never queued; a redrive clears them)
 *
 * Each chunk is counted once: its mark on the record (scored, or dead-lettered with what was counted for it) makes a
 * redelivered message add nothing, and lets a successful redrive take the dead-lettered part back out exactly.
 */
import type { BatchRecord, BatchStatus, BatchTotals, NewBatch } from '../store/batch-port.ts';
import type { PutScoredResult } from '../store/supplier-port.ts';

/** A failure reason is kept to this many characters. */
export const FAILURE_MAX_CHARS = 1000;
export const failureText = (reason: string) => reason.slice(0, FAILURE_MAX_CHARS);

/** What a dead-lettered chunk was counted as: its rows lost, and what its deliveries had written. */
export interface DeadLetteredPart extends PutScoredResult {
  rows: number;
}

/** Where one chunk stands on its batch. */
export type ChunkMark = { kind: 'pending' } | { kind: 'scored' } | { kind: 'dead-lettered'; part: DeadLetteredPart };

/** The counters of the batch record a chunk event moves (by this much; negative: taken back out). */
export type CounterName =
  | 'chunksDone'
  | 'suppliersStored'
  | 'suppliersSuperseded'
  | 'rowsStored'
  | 'rowsSuperseded'
  | 'chunksDeadLettered'
  | 'rowsDeadLettered';
export type CounterDelta = Partial<Record<CounterName, number>>;

/** A batch as created, before ingest has read its file: ingesting, nothing counted. */
export function newBatchRecord(b: NewBatch, at: string): BatchRecord {
  return {
    tenant: b.tenant,
    batchId: b.batchId,
    source: b.source,
    asOf: b.asOf,
    buyerCountry: b.buyerCountry,
    inputVersion: b.inputVersion,
    status: 'ingesting',
    rows: null,
    accepted: null,
    rejected: null,
    suppliers: null,
    chunks: null,
    chunksDone: 0,
    suppliersStored: 0,
    suppliersSuperseded: 0,
    rowsStored: 0,
    rowsSuperseded: 0,
    chunksDeadLettered: 0,
    rowsDeadLettered: 0,
    rowsNotQueued: 0,
    suppliersNotQueued: 0,
    failure: null,
    uploadETag: null,
    createdAt: at,
    updatedAt: at,
    completedAt: null,
  };
}

/** A dead-lettered part as stored (a plain number of rows in records written before parts were kept). */
export function deadLetteredPart(value: unknown): DeadLetteredPart {
  if (typeof value === 'number') return { rows: value, stored: 0, superseded: 0, rowsStored: 0, rowsSuperseded: 0 };
  const v = (value ?? {}) as Partial<DeadLetteredPart>;
  return {
    rows: v.rows ?? 0,
    stored: v.stored ?? 0,
    superseded: v.superseded ?? 0,
    rowsStored: v.rowsStored ?? 0,
    rowsSuperseded: v.rowsSuperseded ?? 0,
  };
}

/**
 * What counting a scored chunk adds: the whole result for a pending chunk; for a dead-lettered one (redriven), the
 * result less what the dead-lettering counted, and the chunk and its rows out of the dead-lettered counts. Null: the
 * chunk was already counted as scored (a redelivery).
 */
export function chunkScored(mark: ChunkMark, result: PutScoredResult): CounterDelta | null {
  if (mark.kind === 'scored') return null;
  const part = mark.kind === 'dead-lettered' ? mark.part : null;
  const delta: CounterDelta = {
    chunksDone: 1,
    suppliersStored: result.stored - (part?.stored ?? 0),
    suppliersSuperseded: result.superseded - (part?.superseded ?? 0),
    rowsStored: result.rowsStored - (part?.rowsStored ?? 0),
    rowsSuperseded: result.rowsSuperseded - (part?.rowsSuperseded ?? 0),
  };
  if (part) {
    delta.chunksDeadLettered = -1;
    delta.rowsDeadLettered = -part.rows;
  }
  return delta;
}

/**
 * What dead-lettering a chunk adds (what its deliveries wrote counts as stored or superseded, the rest of its rows as
 * dead-lettered) and the part to keep on its mark. Null: the chunk is already counted, scored or dead-lettered.
 */
export function chunkDeadLettered(
  mark: ChunkMark,
  dead: { rows: number; partial: PutScoredResult },
): { delta: CounterDelta; part: DeadLetteredPart } | null {
  if (mark.kind !== 'pending') return null;
  const { partial } = dead;
  return {
    delta: {
      chunksDeadLettered: 1,
      rowsDeadLettered: dead.rows,
      suppliersStored: partial.stored,
      suppliersSuperseded: partial.superseded,
      rowsStored: partial.rowsStored,
      rowsSuperseded: partial.rowsSuperseded,
    },
    part: { rows: dead.rows, ...partial },
  };
}

/** Rows the batch lost: chunks dead-lettered, or accepted rows ingest could not queue. */
export const lostRows = (b: Pick<BatchRecord, 'chunksDeadLettered' | 'rowsNotQueued'>) =>
  b.chunksDeadLettered > 0 || b.rowsNotQueued > 0;

/** Every queued chunk is accounted for (scored or dead-lettered); false until ingest has queued them all. */
export const allChunksAccountedFor = (b: Pick<BatchRecord, 'chunks' | 'chunksDone' | 'chunksDeadLettered'>) =>
  b.chunks !== null && b.chunksDone + b.chunksDeadLettered >= b.chunks;

export type Completion =
  | { kind: 'none' }
  /** Close the batch, once (completedAt is set once). */
  | { kind: 'complete'; status: Extract<BatchStatus, 'completed' | 'completed_with_errors'> }
  /** Its dead-lettered chunks were all redriven successfully: the completed batch has no errors left. */
  | { kind: 'clear-errors' };

/** After a counter moved: whether the batch closes now, or a closed one loses its errors. */
export function completion(b: BatchRecord): Completion {
  if (b.completedAt !== null)
    return b.status === 'completed_with_errors' && !lostRows(b) ? { kind: 'clear-errors' } : { kind: 'none' };
  if (!allChunksAccountedFor(b)) return { kind: 'none' };
  return { kind: 'complete', status: lostRows(b) ? 'completed_with_errors' : 'completed' };
}

/** Ingest's totals are recorded unless the batch has completed (a second ingest of the same upload finishing late). */
export const acceptsQueued = (b: Pick<BatchRecord, 'completedAt'>) => b.completedAt === null;

/** A stalled ingest fails the batch only while it is still ingesting. */
export const failsWhenStalled = (b: Pick<BatchRecord, 'status'>) => b.status === 'ingesting';

/** A batch record with the marks of its chunks: all the life cycle reads and writes. */
export interface BatchState {
  record: BatchRecord;
  chunks: ReadonlyMap<number, ChunkMark>;
}

export type BatchEvent =
  | { kind: 'queued'; totals: BatchTotals }
  | { kind: 'chunk-scored'; chunk: number; result: PutScoredResult }
  | { kind: 'chunk-dead-lettered'; chunk: number; dead: { rows: number; partial: PutScoredResult } }
  /** The file could not be read (or ingest ran out of time): the batch fails whatever its status. */
  | { kind: 'failed'; reason: string }
  | { kind: 'stalled'; reason: string };

const markOf = (s: BatchState, chunk: number): ChunkMark => s.chunks.get(chunk) ?? { kind: 'pending' };

function addCounters(record: BatchRecord, delta: CounterDelta, at: string): BatchRecord {
  const next = { ...record, updatedAt: at };
  for (const [k, v] of Object.entries(delta) as [CounterName, number][]) next[k] += v;
  return next;
}

function applyCompletion(record: BatchRecord, at: string): BatchRecord {
  const c = completion(record);
  if (c.kind === 'complete') return { ...record, status: c.status, completedAt: at, updatedAt: at };
  if (c.kind === 'clear-errors') return { ...record, status: 'completed', updatedAt: at };
  return record;
}

/** The batch after one event at `at`: the same decisions the DynamoDB repository applies, in memory. */
export function applyBatchEvent(s: BatchState, e: BatchEvent, at: string): BatchState {
  const { record } = s;
  switch (e.kind) {
    case 'queued': {
      if (!acceptsQueued(record)) return s;
      const { totals } = e;
      const queued: BatchRecord = {
        ...record,
        rows: totals.rows,
        accepted: totals.accepted,
        rejected: totals.rejected,
        suppliers: totals.suppliers,
        chunks: totals.chunks,
        rowsNotQueued: totals.rowsNotQueued,
        suppliersNotQueued: totals.suppliersNotQueued,
        status: 'scoring',
        failure: totals.failure === null ? record.failure : failureText(totals.failure),
        updatedAt: at,
      };
      return { ...s, record: applyCompletion(queued, at) };
    }
    case 'chunk-scored': {
      const delta = chunkScored(markOf(s, e.chunk), e.result);
      if (!delta) return s;
      const chunks = new Map(s.chunks).set(e.chunk, { kind: 'scored' });
      return { record: applyCompletion(addCounters(record, delta, at), at), chunks };
    }
    case 'chunk-dead-lettered': {
      const dead = chunkDeadLettered(markOf(s, e.chunk), e.dead);
      if (!dead) return s;
      const chunks = new Map(s.chunks).set(e.chunk, { kind: 'dead-lettered', part: dead.part });
      return { record: applyCompletion(addCounters(record, dead.delta, at), at), chunks };
    }
    case 'failed':
      return { ...s, record: { ...record, status: 'failed', failure: failureText(e.reason), updatedAt: at } };
    case 'stalled':
      if (!failsWhenStalled(record)) return s;
      return { ...s, record: { ...record, status: 'failed', failure: failureText(e.reason), updatedAt: at } };
  }
}
