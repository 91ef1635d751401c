/**
 * The ports of the portfolio aggregates (issue 12): where the aggregates live, and what the store hands over of each
 * supplier write so they can follow it.
 */
import type { Aggregate } from '../model/portfolio-aggregate.ts';
import type { Contribution } from '../model/portfolio-contribution.ts';
import type { LoggedDelta, Snapshot } from '../model/portfolio-fold.ts';
import type { RecountPartial } from '../model/portfolio-recount.ts';

/** One supplier write as the portfolio sees it: the contribution it replaced (null: none) and the new one (null: deleted). */
export interface ContributionChange {
  supplierId: string;
  before: Contribution | null;
  after: Contribution | null;
}

/** How fresh a tenant's aggregate is (the exposure answer says it). */
export interface PortfolioFreshness {
  /** When a write last changed it (ISO 8601); null: never. */
  updatedAt: string | null;
  /** When a full recount last replaced it; null: never. */
  reconciledAt: string | null;
  /** When it was read (the API reuses a read for a second: shared/portfolio/read-cache.ts). */
  readAt: string;
  /**
   * False when more changes were pending than one read takes (PORTFOLIO_LOG.readMaxPerShard): the answer holds the
   * oldest of them, and the read folded them in, so a later read holds more.
   */
  complete: boolean;
}

/** A tenant's aggregate as stored, and how fresh it is. */
export interface StoredAggregate extends PortfolioFreshness {
  aggregate: Aggregate;
}

/** Deltas not yet folded, as far as one read takes them. */
export interface PendingDeltas {
  deltas: LoggedDelta[];
  /** Whether these are all of them. */
  complete: boolean;
}

/**
 * Where the delta log and its snapshot live (shared/model/portfolio-fold.ts): what the aggregates use case
 * (aggregate-log.ts) needs of a store, and no more.
 */
export interface AggregateLog {
  /** Logs one delta (a new item: never overwrites one). */
  putDelta(tenant: string, delta: LoggedDelta): Promise<void>;
  /** The tenant's snapshot (an empty one at version 0 when it has none), read strongly consistently. */
  readSnapshot(tenant: string): Promise<Snapshot>;
  /**
   * The tenant's deltas above `watermarks`, at most `maxPerShard` per shard (the oldest: key order), read strongly
   * consistently after the snapshot; `complete` false when some shard had more.
   */
  readDeltas(tenant: string, watermarks: Record<number, string>, maxPerShard: number): Promise<PendingDeltas>;
  /**
   * Writes `next` if the stored snapshot is still at `expectedVersion` (0: none stored); false when another write got
   * there first (nothing written).
   */
  writeSnapshot(tenant: string, next: Snapshot, expectedVersion: number): Promise<boolean>;
}

/** Folds a tenant's settled deltas into its snapshot; how many it folded (0: none settled, or another fold won). */
export interface PortfolioFolds {
  fold(tenant: string): Promise<number>;
}

export interface PortfolioAggregates {
  /** Adds `delta` to the tenant's aggregate (additive, so concurrent writers compose), as of `at` (its log key). */
  apply(tenant: string, delta: Aggregate, at: string): Promise<void>;
  read(tenant: string): Promise<StoredAggregate>;
  /**
   * Replaces the tenant's aggregate with a recount (empty: the tenant has none left) whose scan started at `at`:
   * changes logged after `at` are added on top of it.
   */
  replace(tenant: string, aggregate: Aggregate, at: string): Promise<void>;
}

/** What a reconciliation reads: every live supplier's contribution, and the tenants that have aggregates. */
export interface ContributionScan {
  scan(
    segment: number,
    totalSegments: number,
    cursor: string | null,
  ): Promise<{
    contributions: { tenant: string; contribution: Contribution }[];
    aggregateTenants: string[];
    cursor: string | null;
  }>;
}

/** A recount fanned out over scan segments (shared/portfolio/recount-run.ts). */
export interface RecountRun {
  runId: string;
  /** When it was planned, before any segment's scan: the watermark of the snapshots it writes (ISO 8601). */
  at: string;
  segments: number;
  createdAt: string;
  /** Epoch seconds: the run and its partials are deleted after this (TTL). */
  expiresAt: number;
}

export interface RecountRunView {
  run: RecountRun;
  status: 'running' | 'completed' | 'failed';
  /** Segments counted, each once. */
  segmentsDone: number[];
  /** Set once completed. */
  result: { tenants: number; suppliers: number } | null;
}

/** Where recount runs keep their progress and their segments' partials. */
export interface RecountRunStore {
  createRun(run: RecountRun): Promise<void>;
  getRun(runId: string): Promise<RecountRunView | null>;
  /** Stores a segment's partial unless one is stored already (first wins: false). */
  putPartial(run: RecountRun, segment: number, partial: RecountPartial): Promise<boolean>;
  /** Counts a segment done, once: the segments done after it, or null when it was counted before. */
  countSegment(run: RecountRun, segment: number): Promise<number | null>;
  readPartials(run: RecountRun): Promise<RecountPartial[]>;
  /** Marks a running run completed with its result (a second time changes nothing). */
  completeRun(run: RecountRun, result: { tenants: number; suppliers: number }, at: string): Promise<void>;
  failRun(run: RecountRun, reason: string, at: string): Promise<void>;
}
