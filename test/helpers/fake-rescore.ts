/**
 * In-memory fakes of the rescore fan-out's ports: run records (with the adapter's optimistic page lock and done-set
 * semantics) and a supplier scan over an array, in pages with a numeric cursor.
 */

import type {
  RescoreRun,
  RescoreRunStore,
  RunView,
  SegmentProgress,
  SupplierScan,
} from '../../shared/store/rescore-port.ts';
import { freshSegment, summarise } from '../../shared/store/rescore-runs.ts';
import type { StoredSupplier } from '../../shared/store/supplier-port.ts';

export class FakeRescoreRuns implements RescoreRunStore {
  readonly runs = new Map<string, RescoreRun>();
  readonly segments = new Map<string, SegmentProgress>();
  readonly done = new Map<string, Set<number>>();
  planned = 0;

  async createRun(run: RescoreRun) {
    if (this.runs.has(run.runId)) return false;
    this.runs.set(run.runId, structuredClone(run));
    for (let i = 0; i < run.segments; i++) this.segments.set(`${run.runId}#${i}`, freshSegment(i, run.createdAt));
    return true;
  }
  async getRun(runId: string) {
    return structuredClone(this.runs.get(runId) ?? null);
  }
  async getSegment(runId: string, segment: number) {
    return structuredClone(this.segments.get(`${runId}#${segment}`) ?? null);
  }
  async recordSegment(runId: string, progress: SegmentProgress, previousPages: number) {
    const key = `${runId}#${progress.segment}`;
    if (this.segments.get(key)?.pages !== previousPages) return false;
    this.segments.set(key, structuredClone(progress));
    return true;
  }
  async completeSegment(runId: string, segment: number) {
    const set = this.done.get(runId) ?? new Set<number>();
    set.add(segment);
    this.done.set(runId, set);
    return set.size;
  }
  async viewRun(runId: string): Promise<RunView | null> {
    const run = this.runs.get(runId);
    if (!run) return null;
    const segs = [...this.segments.entries()].filter(([k]) => k.startsWith(`${runId}#`)).map(([, v]) => v);
    return summarise(run, segs, this.done.get(runId)?.size ?? 0, null);
  }
  async listRuns(limit: number) {
    return [...this.runs.values()].slice(0, limit);
  }
  async plannedRevision() {
    return this.planned;
  }
  async markPlanned(revision: number) {
    this.planned = Math.max(this.planned, revision);
  }
}

/** Suppliers dealt round-robin to segments; pages of `limit` with a numeric cursor. */
export class FakeSupplierScan implements SupplierScan {
  readonly nextChangeUpdates: { tenant: string; supplierId: string; nextChangeDate: string | null }[] = [];
  constructor(readonly suppliers: StoredSupplier[]) {}

  async scanSuppliers(segment: number, total: number, cursor: string | null, limit: number) {
    const mine = this.suppliers.filter((_, i) => i % total === segment);
    const at = cursor === null ? 0 : Number(cursor);
    const items = structuredClone(mine.slice(at, at + limit));
    return { items, cursor: at + limit < mine.length ? String(at + limit) : null };
  }
  async updateNextChange(tenant: string, supplierId: string, _v: number, nextChangeDate: string | null) {
    this.nextChangeUpdates.push({ tenant, supplierId, nextChangeDate });
    return true;
  }
}
