/**
 * The portfolio aggregates kept as a delta log folded into a snapshot (shared/model/portfolio-fold.ts) over any
 * AggregateLog: a store call's summed delta is one small new item (no read, no update of shared items), a read is
 * the snapshot plus the deltas above its watermarks (at most a bounded number per shard, the oldest first), and a
 * read that finds many pending deltas folds the settled ones into the snapshot. Workers fold too, as uploads are
 * scored (fold-after-chunk.ts), so a read rarely finds many. Snapshot writes are conditional on the version read, so of two concurrent folds (or a fold and a
 * recount) one applies and the other changes nothing: no delta is counted twice.
 */
import { randomBytes } from 'node:crypto';
import { MineralRiskError } from '../errors.ts';
import type { Aggregate } from '../model/portfolio-aggregate.ts';
import {
  currentAggregate,
  deltaKey,
  fold,
  type LoggedDelta,
  PORTFOLIO_LOG,
  recountSnapshot,
  type Snapshot,
  settledBefore,
  updatedAtOf,
} from '../model/portfolio-fold.ts';
import type { AggregateLog, PortfolioAggregates, PortfolioFolds, StoredAggregate } from './port.ts';

/** A recount that kept losing its snapshot write to folds: the next run repairs what this one would have. */
export class RecountContendedError extends MineralRiskError {
  readonly retryable = true;
}

/** Attempts of a recount's conditional snapshot write (a fold between its read and its write makes it retry). */
const RECOUNT_ATTEMPTS = 5;

export interface LoggedAggregatesOptions {
  now?: () => Date;
  /** Picks a delta's shard and key suffix (tests pass a seeded one). */
  random?: () => string;
  /** Pending deltas a read takes per shard (default PORTFOLIO_LOG.readMaxPerShard; the bench compares it unbounded). */
  readMaxPerShard?: number;
}

const defaultRandom = () => randomBytes(5).toString('hex');

export class LoggedPortfolioAggregates implements PortfolioAggregates, PortfolioFolds {
  private readonly now: () => Date;
  private readonly random: () => string;
  private readonly readMaxPerShard: number;

  constructor(
    private readonly log: AggregateLog,
    options: LoggedAggregatesOptions = {},
  ) {
    this.now = options.now ?? (() => new Date());
    this.random = options.random ?? defaultRandom;
    this.readMaxPerShard = options.readMaxPerShard ?? PORTFOLIO_LOG.readMaxPerShard;
  }

  /** The delta as one new item in a random shard, so a large upload's deltas spread over the shards. */
  async apply(tenant: string, delta: Aggregate, at: string): Promise<void> {
    const suffix = this.random();
    const shard = Number.parseInt(suffix.slice(0, 6), 16) % PORTFOLIO_LOG.deltaShards;
    await this.log.putDelta(tenant, { shard, key: deltaKey(at, suffix), delta });
  }

  async read(tenant: string): Promise<StoredAggregate> {
    const readAt = this.now().toISOString();
    const snapshot = await this.log.readSnapshot(tenant);
    const { deltas, complete } = await this.log.readDeltas(tenant, snapshot.watermarks, this.readMaxPerShard);
    // The oldest of each shard's pending deltas are a prefix of it: folding them leaves the rest above the watermark.
    if (!complete || deltas.length > PORTFOLIO_LOG.foldAfterPending) await this.foldRead(tenant, snapshot, deltas);
    return {
      aggregate: currentAggregate(snapshot, deltas),
      updatedAt: updatedAtOf(snapshot, deltas),
      reconciledAt: snapshot.reconciledAt,
      readAt,
      complete,
    };
  }

  /**
   * Folds the tenant's settled deltas (up to PORTFOLIO_LOG.foldMaxPerShard a shard) into its snapshot; how many were
   * folded (0: none, or another fold won).
   */
  async fold(tenant: string): Promise<number> {
    const snapshot = await this.log.readSnapshot(tenant);
    const { deltas } = await this.log.readDeltas(tenant, snapshot.watermarks, PORTFOLIO_LOG.foldMaxPerShard);
    return this.foldRead(tenant, snapshot, deltas);
  }

  private async foldRead(tenant: string, snapshot: Snapshot, deltas: readonly LoggedDelta[]): Promise<number> {
    const cutoff = settledBefore(this.now());
    const next = fold(snapshot, deltas, cutoff);
    if (!next) return 0;
    try {
      const written = await this.log.writeSnapshot(tenant, next, snapshot.version);
      return written ? deltas.filter((d) => d.key < cutoff).length : 0;
    } catch (err) {
      // A fold is an economy, never needed for a right answer: one that cannot write leaves the log as it was.
      if (err instanceof MineralRiskError && !err.retryable) return 0;
      throw err;
    }
  }

  /**
   * A recount whose scan started at `at` becomes the snapshot, every watermark at `at`: deltas logged up to then are
   * in the recount (their supplier writes came before the scan), later ones are added on top. Suppliers written while
   * the scan ran may be counted twice or missed (the scan may or may not have read them); the next recount repairs it.
   */
  async replace(tenant: string, aggregate: Aggregate, at: string): Promise<void> {
    for (let attempt = 0; attempt < RECOUNT_ATTEMPTS; attempt++) {
      const previous = await this.log.readSnapshot(tenant);
      if (await this.log.writeSnapshot(tenant, recountSnapshot(previous, aggregate, at), previous.version)) return;
    }
    throw new RecountContendedError(`the recount of ${tenant} lost ${RECOUNT_ATTEMPTS} snapshot writes to folds`);
  }
}
