/**
 * In-memory fakes of the supplier store's ports (shared/store/*-port.ts), for unit tests of the use cases. Each keeps
 * its port's semantics and nothing more: supplier writes conditional on the input version (a redelivery counts as
 * stored and hands back its change record again, a tombstone blocks older writes), batches driven by the pure life
 * cycle (pipeline/batch-lifecycle.ts) the DynamoDB repository applies, rejections in row order. Cursors are positions, the supplier list's the index key (as DynamoDB's).
 */
import { type ChangeCause, type ChangeRecord, scoreChange, summarise } from '../../shared/changes/change-record.ts';
import { storedScoreOf } from '../../shared/model/stored-score.ts';
import type { ScoredSupplier } from '../../shared/model/types.ts';
import {
  applyBatchEvent,
  type BatchEvent,
  type BatchState,
  newBatchRecord,
} from '../../shared/pipeline/batch-lifecycle.ts';
import type { BatchRecord, BatchStore, BatchTotals, NewBatch } from '../../shared/store/batch-port.ts';
import { InvalidCursorError } from '../../shared/store/errors.ts';
import { byScoreSk, compareKeyBytes } from '../../shared/store/keys.ts';
import { decodeListCursor, encodeListCursor } from '../../shared/store/list-cursor.ts';
import type { SupplierStore } from '../../shared/store/port.ts';
import type { RejectionStore } from '../../shared/store/rejection-port.ts';
import type { RescoreIndex } from '../../shared/store/rescore-index-port.ts';
import {
  type DeleteOutcome,
  emptyPutScoredResult,
  type ListSuppliersOptions,
  PartialWriteError,
  type PutScoredResult,
  type ScoredWrite,
  type StoredSupplier,
  type SupplierReads,
  type SupplierWrites,
  type WriteMode,
  type WriteOptions,
} from '../../shared/store/supplier-port.ts';
import type { Rejection } from '../../shared/supplier-list/row.ts';

const now = () => new Date().toISOString();
const position = (cursor: string | undefined): number => {
  if (cursor === undefined) return 0;
  if (!/^(0|[1-9]\d{0,8})$/.test(cursor)) throw new InvalidCursorError('not a cursor of this fake');
  return Number(cursor);
};

interface Slot {
  supplier: StoredSupplier | null;
  /** The full result the stored summary was made from: the next write's change record summarises it. */
  result: ScoredSupplier | null;
  inputVersion: number;
  sequence: number;
  /** The change record of the last write, as a redelivery would derive it again. */
  lastChange: ChangeRecord | null;
}

export class FakeSuppliers implements SupplierWrites, SupplierReads, RescoreIndex {
  readonly slots = new Map<string, Slot>();
  /** Writes of these suppliers (`tenant/supplierId`) throw, as a throttled write past the SDK's retries would. */
  readonly failing = new Set<string>();

  private key = (tenant: string, supplierId: string) => `${tenant}/${supplierId}`;

  private record(tenant: string, id: string, slot: Slot | undefined, after: ScoredSupplier | null, cause: ChangeCause) {
    const sequence = (slot?.sequence ?? 0) + 1;
    const before = slot?.supplier && slot.result ? summarise(slot.result) : null;
    return {
      sequence,
      change: scoreChange({
        tenant,
        supplierId: id,
        sequence,
        at: now(),
        cause,
        before,
        after: after && summarise(after),
      }),
    };
  }

  private write(tenant: string, mode: WriteMode, x: ScoredWrite): boolean {
    const id = x.input.supplierId;
    const slot = this.slots.get(this.key(tenant, id));
    const live = slot?.supplier ?? null;
    const writable =
      mode === 'upsert'
        ? !slot || slot.inputVersion < x.inputVersion
        : live !== null &&
          slot?.inputVersion === x.inputVersion &&
          !(
            live.summary.asOf === x.result.asOf &&
            live.summary.modelVersion === x.result.modelVersion &&
            live.summary.dataVersion === x.result.dataVersion
          );
    if (!writable) return false;
    const after: StoredSupplier = {
      tenant,
      supplierId: id,
      inputVersion: x.inputVersion,
      input: structuredClone(x.input),
      summary: storedScoreOf(x.result),
      nextChangeDate: x.nextChangeDate,
      batchId: mode === 'rescore' ? (live?.batchId ?? null) : x.batchId,
      updatedAt: now(),
    };
    const cause = x.cause ?? (x.batchId ? { kind: 'upload' as const, batchId: x.batchId } : { kind: 'api' as const });
    const { sequence, change } = this.record(tenant, id, slot, x.result, cause);
    this.slots.set(this.key(tenant, id), {
      supplier: after,
      result: structuredClone(x.result),
      inputVersion: x.inputVersion,
      sequence,
      lastChange: change,
    });
    return true;
  }

  /** What the write carries is what is stored (an earlier delivery wrote it). */
  private alreadyStored(tenant: string, mode: WriteMode, x: ScoredWrite): Slot | null {
    const slot = this.slots.get(this.key(tenant, x.input.supplierId));
    const s = slot?.supplier;
    if (!slot || !s || slot.inputVersion !== x.inputVersion) return null;
    const same =
      mode === 'upsert'
        ? s.batchId === x.batchId && JSON.stringify(s.input) === JSON.stringify(x.input)
        : s.summary.asOf === x.result.asOf &&
          s.summary.modelVersion === x.result.modelVersion &&
          s.summary.dataVersion === x.result.dataVersion;
    return same ? slot : null;
  }

  async putScored(tenant: string, mode: WriteMode, items: ScoredWrite[], options: WriteOptions = {}) {
    const result = emptyPutScoredResult();
    let failed = 0;
    let firstError: unknown;
    for (const x of items) {
      const rows = x.input.exposures.length;
      if (options.signal?.aborted || this.failing.has(this.key(tenant, x.input.supplierId))) {
        failed++;
        firstError ??= options.signal?.reason ?? new Error(`fake store: write of ${x.input.supplierId} failed`);
        continue;
      }
      const stored = this.write(tenant, mode, x)
        ? this.slots.get(this.key(tenant, x.input.supplierId))
        : this.alreadyStored(tenant, mode, x);
      if (stored) {
        if (stored.lastChange) options.changes?.push(structuredClone(stored.lastChange));
        result.stored++;
        result.rowsStored += rows;
      } else {
        result.superseded++;
        result.rowsSuperseded += rows;
      }
    }
    if (failed > 0) throw new PartialWriteError(result, failed, firstError);
    return result;
  }

  /** A fake write and its record are one step: no turn can die between them, so nothing is ever left ungrouped. */
  async recordUngrouped(): Promise<ChangeRecord[]> {
    return [];
  }

  async deleteSupplier(
    tenant: string,
    supplierId: string,
    version: number,
    options: Pick<WriteOptions, 'changes'> = {},
  ): Promise<DeleteOutcome> {
    const slot = this.slots.get(this.key(tenant, supplierId));
    if (slot && slot.inputVersion >= version) return slot.supplier ? 'newer' : 'absent';
    const { sequence, change } = this.record(tenant, supplierId, slot, null, { kind: 'delete' });
    this.slots.set(this.key(tenant, supplierId), {
      supplier: null,
      result: null,
      inputVersion: version,
      sequence,
      lastChange: change,
    });
    if (change) options.changes?.push(structuredClone(change));
    return slot?.supplier ? 'deleted' : 'absent';
  }

  /** Every live supplier in the by-score index's order (its key's: worst band first, keys.ts byScoreSk). */
  live(tenant?: string): StoredSupplier[] {
    const key = (s: StoredSupplier) => byScoreSk(s.summary.score, s.supplierId);
    return [...this.slots.values()]
      .flatMap((s) => (s.supplier && (tenant === undefined || s.supplier.tenant === tenant) ? [s.supplier] : []))
      .sort((a, b) => compareKeyBytes(key(a), key(b)));
  }

  async getSupplier(tenant: string, supplierId: string) {
    return structuredClone(this.slots.get(this.key(tenant, supplierId))?.supplier ?? null);
  }

  /** Its cursor is the index key of the last supplier examined, as the DynamoDB list's (the API checks it). */
  async listSuppliers(tenant: string, options: ListSuppliersOptions = {}) {
    const { band } = options;
    const key = (s: StoredSupplier) => byScoreSk(s.summary.score, s.supplierId);
    const all = this.live(tenant).filter((s) => band === undefined || s.summary.band === band);
    const limit = Math.max(1, Math.min(options.limit ?? 100, 1000));
    const maxExamined = options.maxExamined ?? Number.POSITIVE_INFINITY;
    const after = options.cursor === undefined ? null : decodeListCursor(options.cursor);
    if (options.cursor !== undefined && after === null) throw new InvalidCursorError('not a cursor of the list');
    const items: StoredSupplier[] = [];
    let at = after === null ? 0 : all.filter((s) => compareKeyBytes(key(s), after) <= 0).length;
    let examined = 0;
    while (at < all.length && items.length < limit && examined < maxExamined) {
      const s = all[at++] as StoredSupplier;
      examined++;
      if (!options.filter || options.filter(s)) items.push(structuredClone(s));
    }
    const last = all[at - 1];
    return { items, cursor: at < all.length && last ? encodeListCursor(key(last)) : null };
  }

  private page(all: StoredSupplier[], options: { limit?: number; cursor?: string }, size: number) {
    const at = position(options.cursor);
    const end = at + (options.limit ?? size);
    return { items: structuredClone(all.slice(at, end)), cursor: end < all.length ? String(end) : null };
  }

  async scoredWithOtherVersions(
    modelVersion: string,
    referenceVersion: string,
    options: { limit?: number; cursor?: string } = {},
  ) {
    const other = this.live().filter(
      (s) => s.summary.modelVersion !== modelVersion || !s.summary.dataVersion.startsWith(referenceVersion),
    );
    return this.page(other, options, 500);
  }
}

/** Batches through the pure life cycle, as the DynamoDB repository applies it; upload claims by ETag. */
export class FakeBatches implements BatchStore {
  readonly states = new Map<string, BatchState>();
  readonly events: { batchId: string; event: BatchEvent }[] = [];

  private key = (tenant: string, batchId: string) => `${tenant}/${batchId}`;

  private apply(tenant: string, batchId: string, event: BatchEvent): BatchRecord {
    const state = this.states.get(this.key(tenant, batchId));
    if (!state) throw new Error(`batch ${batchId} of tenant ${tenant} does not exist`);
    this.events.push({ batchId, event: structuredClone(event) });
    const next = applyBatchEvent(state, event, now());
    this.states.set(this.key(tenant, batchId), next);
    return structuredClone(next.record);
  }

  async createBatch(batch: NewBatch) {
    const existing = this.states.get(this.key(batch.tenant, batch.batchId));
    if (existing) return { created: false, batch: structuredClone(existing.record) };
    const record = newBatchRecord(batch, now());
    this.states.set(this.key(batch.tenant, batch.batchId), { record, chunks: new Map() });
    return { created: true, batch: structuredClone(record) };
  }

  async getBatch(tenant: string, batchId: string) {
    return structuredClone(this.states.get(this.key(tenant, batchId))?.record ?? null);
  }

  async claimBatchUpload(tenant: string, batchId: string, eTag: string) {
    const state = this.states.get(this.key(tenant, batchId));
    if (!state || (state.record.uploadETag !== null && state.record.uploadETag !== eTag)) return false;
    this.states.set(this.key(tenant, batchId), { ...state, record: { ...state.record, uploadETag: eTag } });
    return true;
  }

  async recordBatchQueued(tenant: string, batchId: string, totals: BatchTotals) {
    return this.apply(tenant, batchId, { kind: 'queued', totals });
  }

  async recordChunkScored(tenant: string, batchId: string, chunk: number, result: PutScoredResult) {
    return this.apply(tenant, batchId, { kind: 'chunk-scored', chunk, result });
  }

  async recordChunkDeadLettered(
    tenant: string,
    batchId: string,
    chunk: number,
    dead: { rows: number; partial: PutScoredResult },
  ) {
    return this.apply(tenant, batchId, { kind: 'chunk-dead-lettered', chunk, dead });
  }

  async markBatchFailed(tenant: string, batchId: string, reason: string) {
    this.apply(tenant, batchId, { kind: 'failed', reason });
  }

  async failStalledBatch(tenant: string, batchId: string, reason: string) {
    if (!this.states.has(this.key(tenant, batchId))) return null;
    return this.apply(tenant, batchId, { kind: 'stalled', reason });
  }
}

export class FakeRejections implements RejectionStore {
  readonly rows = new Map<string, Map<number, Rejection>>();

  async putRejections(tenant: string, batchId: string, rejections: readonly Rejection[]) {
    const batch = this.rows.get(`${tenant}/${batchId}`) ?? new Map<number, Rejection>();
    // Keyed as the store keys them: a CSV's by row, a workbook's (with a sheet) by their place in the list.
    rejections.forEach((r, i) => {
      batch.set(r.sheet === undefined ? r.row : i + 1, structuredClone(r));
    });
    this.rows.set(`${tenant}/${batchId}`, batch);
  }

  async listRejections(tenant: string, batchId: string, options: { limit?: number; after?: number } = {}) {
    const all = [...(this.rows.get(`${tenant}/${batchId}`)?.entries() ?? [])]
      .filter(([key]) => key > (options.after ?? 0))
      .sort((a, b) => a[0] - b[0]);
    const page = all.slice(0, options.limit ?? 100);
    const last = page.at(-1);
    return { items: page.map(([, r]) => r), next: last && all.length > page.length ? last[0] : null };
  }
}

/** The three fakes behind the whole SupplierStore, as DynamoDbSupplierStore composes its repositories. */
export function fakeSupplierStore() {
  const suppliers = new FakeSuppliers();
  const batches = new FakeBatches();
  const rejections = new FakeRejections();
  const bound = <T extends object>(o: T) =>
    Object.fromEntries(
      Object.getOwnPropertyNames(Object.getPrototypeOf(o))
        .filter((k) => k !== 'constructor' && typeof (o as Record<string, unknown>)[k] === 'function')
        .map((k) => [k, ((o as Record<string, unknown>)[k] as (...a: unknown[]) => unknown).bind(o)]),
    );
  const store = { ...bound(suppliers), ...bound(rejections), ...bound(batches) } as unknown as SupplierStore;
  return { store, suppliers, batches, rejections };
}
