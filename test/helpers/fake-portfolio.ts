import { type Aggregate, addAggregate, normalise } from '../../shared/model/portfolio-aggregate.ts';
import type { Contribution } from '../../shared/model/portfolio-contribution.ts';
import { emptySnapshot, type LoggedDelta, type Snapshot } from '../../shared/model/portfolio-fold.ts';
import type { RecountPartial } from '../../shared/model/portfolio-recount.ts';
import type {
  AggregateLog,
  ContributionScan,
  PendingDeltas,
  PortfolioAggregates,
  RecountRun,
  RecountRunStore,
  RecountRunView,
  StoredAggregate,
} from '../../shared/portfolio/port.ts';

/** The aggregates in memory: sums per tenant, with a log of the deltas applied and the reads made. */
export class FakePortfolioAggregates implements PortfolioAggregates {
  readonly byTenant = new Map<
    string,
    { aggregate: Aggregate; updatedAt: string | null; reconciledAt: string | null }
  >();
  readonly applied: { tenant: string; delta: Aggregate }[] = [];
  reads = 0;

  private of(tenant: string) {
    let t = this.byTenant.get(tenant);
    if (!t) {
      t = { aggregate: new Map(), updatedAt: null, reconciledAt: null };
      this.byTenant.set(tenant, t);
    }
    return t;
  }

  async apply(tenant: string, delta: Aggregate, at: string): Promise<void> {
    this.applied.push({ tenant, delta });
    const t = this.of(tenant);
    addAggregate(t.aggregate, delta);
    t.updatedAt = at;
  }

  async read(tenant: string): Promise<StoredAggregate> {
    this.reads++;
    const t = this.of(tenant);
    return {
      aggregate: normalise(t.aggregate),
      updatedAt: t.updatedAt,
      reconciledAt: t.reconciledAt,
      readAt: 'now',
      complete: true,
    };
  }

  async replace(tenant: string, aggregate: Aggregate, at: string): Promise<void> {
    this.byTenant.set(tenant, { aggregate: normalise(aggregate), updatedAt: at, reconciledAt: at });
  }
}

/** A scan over fixed contributions, split over the segments by position, two per page. */
export function fakeContributionScan(
  rows: readonly { tenant: string; contribution: Contribution }[],
  aggregateTenants: readonly string[] = [],
): ContributionScan {
  return {
    async scan(segment, totalSegments, cursor) {
      const mine = rows.filter((_, i) => i % totalSegments === segment);
      const start = cursor ? Number(cursor) : 0;
      const page = mine.slice(start, start + 2);
      const next = start + 2 < mine.length ? String(start + 2) : null;
      return {
        contributions: page,
        aggregateTenants: segment === 0 && start === 0 ? [...aggregateTenants] : [],
        cursor: next,
      };
    },
  };
}

/**
 * The delta log and its snapshot in memory (shared/portfolio/port.ts AggregateLog): deltas per tenant, one snapshot
 * per tenant written only at the version read. `beforeWrite` runs inside a snapshot write before its check (tests
 * slip another writer in there).
 */
export class FakeAggregateLog implements AggregateLog {
  readonly deltas = new Map<string, LoggedDelta[]>();
  readonly snapshots = new Map<string, Snapshot>();
  snapshotWrites = 0;
  beforeWrite: (() => Promise<void>) | null = null;

  async putDelta(tenant: string, delta: LoggedDelta): Promise<void> {
    const list = this.deltas.get(tenant) ?? [];
    list.push(delta);
    this.deltas.set(tenant, list);
  }

  async readSnapshot(tenant: string): Promise<Snapshot> {
    const s = this.snapshots.get(tenant);
    return s ? structuredClone(s) : emptySnapshot();
  }

  async readDeltas(tenant: string, watermarks: Record<number, string>, maxPerShard: number): Promise<PendingDeltas> {
    const pending = (this.deltas.get(tenant) ?? [])
      .filter((d) => d.key > (watermarks[d.shard] ?? ''))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const taken = new Map<number, number>();
    const deltas: LoggedDelta[] = [];
    let complete = true;
    for (const d of pending) {
      const n = taken.get(d.shard) ?? 0;
      if (n >= maxPerShard) complete = false;
      else {
        taken.set(d.shard, n + 1);
        deltas.push(d);
      }
    }
    return { deltas, complete };
  }

  async writeSnapshot(tenant: string, next: Snapshot, expectedVersion: number): Promise<boolean> {
    const hook = this.beforeWrite;
    this.beforeWrite = null;
    if (hook) await hook();
    if ((this.snapshots.get(tenant)?.version ?? 0) !== expectedVersion) return false;
    this.snapshots.set(tenant, structuredClone(next));
    this.snapshotWrites++;
    return true;
  }
}

/** Recount runs in memory (shared/portfolio/port.ts RecountRunStore): first partial wins, a segment counts once. */
export class FakeRecountRuns implements RecountRunStore {
  readonly views = new Map<string, RecountRunView>();
  readonly partials = new Map<string, Map<number, RecountPartial>>();
  /** The next completeRun throws (an assembler dying after it replaced the aggregates). */
  failNextComplete = false;

  async createRun(run: RecountRun) {
    if (this.views.has(run.runId)) throw new Error(`run ${run.runId} exists`);
    this.views.set(run.runId, { run, status: 'running', segmentsDone: [], result: null });
    this.partials.set(run.runId, new Map());
  }

  async getRun(runId: string) {
    const v = this.views.get(runId);
    return v ? structuredClone(v) : null;
  }

  async putPartial(run: RecountRun, segment: number, partial: RecountPartial) {
    const parts = this.partials.get(run.runId);
    if (!parts || parts.has(segment)) return false;
    parts.set(segment, structuredClone(partial));
    return true;
  }

  async countSegment(run: RecountRun, segment: number) {
    const v = this.views.get(run.runId);
    if (v?.status !== 'running' || v.segmentsDone.includes(segment)) return null;
    v.segmentsDone = [...v.segmentsDone, segment].sort((a, b) => a - b);
    return v.segmentsDone.length;
  }

  async readPartials(run: RecountRun) {
    return [...(this.partials.get(run.runId)?.values() ?? [])].map((p) => structuredClone(p));
  }

  async completeRun(run: RecountRun, result: { tenants: number; suppliers: number }) {
    if (this.failNextComplete) {
      this.failNextComplete = false;
      throw new Error('fake store: the assembler died');
    }
    const v = this.views.get(run.runId);
    if (v?.status !== 'running') return;
    v.status = 'completed';
    v.result = result;
  }

  async failRun(run: RecountRun) {
    const v = this.views.get(run.runId);
    if (v?.status === 'running') v.status = 'failed';
  }
}
