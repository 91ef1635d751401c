/**
 * The portfolio aggregates as a delta log folded into a snapshot (issue 12). Each store call that changed anything
 * logs one delta under a time-ordered key (`{ISO time}#{random}`) in one of a few shards; the snapshot holds the sum
 * of every delta up to a watermark per shard (the last key it folded). The aggregate is the snapshot plus every delta
 * above its shard's watermark, whatever has been folded meanwhile: a delta counts exactly once, below the watermark
 * (in the snapshot) or above it (added on read).
 *
 * A fold moves only deltas older than the settle window (a delta's key is its writer's clock, taken just before its
 * write lands): a delta still on its way with an earlier key than one already folded would otherwise fall below the
 * watermark unseen. A recount (reconcile) sets every watermark to the time its scan started (`recountWatermark`).
 * Pure.
 */
import { type Aggregate, addAggregate, normalise } from './portfolio-aggregate.ts';

export const PORTFOLIO_LOG = {
  /** Delta partitions per tenant: a large upload's deltas spread over them; a read queries each. */
  deltaShards: 8,
  /** Only deltas older than this are folded (as the change log's settle: shared/store/change-log.ts). */
  settleMs: 10_000,
  /** Deltas expire (TTL) after this: folded long before, or replaced by the daily recount. */
  retentionDays: 3,
  /** A read that finds more pending deltas than this folds them (the next reads then read fewer). */
  foldAfterPending: 64,
  /**
   * Pending deltas a read takes per shard at most (the oldest first): after a huge upload with no fold yet, one read
   * costs at most 8 × 128 small items, answers the snapshot plus those (saying it is not complete) and folds them.
   */
  readMaxPerShard: 128,
  /** Pending deltas a fold takes per shard at most (a fold in a worker may take more than a read on the API's path). */
  foldMaxPerShard: 1000,
  /** An upload's chunks counted between the folds of its tenant's deltas (and its last chunk folds): shared/portfolio/fold-after-chunk.ts. */
  foldEveryChunks: 256,
} as const;

/** One logged delta. */
export interface LoggedDelta {
  shard: number;
  /** `{ISO time}#{random}`: sorts by time within the shard. */
  key: string;
  delta: Aggregate;
}

export interface Snapshot {
  /** Bumped by every write of the snapshot: a write is conditional on the version it read. 0: none yet. */
  version: number;
  /** Per shard, the last delta key folded in (absent: none). */
  watermarks: Record<number, string>;
  aggregate: Aggregate;
  /** When the newest delta folded or the recount was taken (ISO 8601); null: never. */
  updatedAt: string | null;
  reconciledAt: string | null;
}

export const emptySnapshot = (): Snapshot => ({
  version: 0,
  watermarks: {},
  aggregate: new Map(),
  updatedAt: null,
  reconciledAt: null,
});

/** A delta's key: its time, then a random suffix so two writers in the same millisecond do not collide. */
export const deltaKey = (at: string, random: string) => `${at}#${random}`;
/** The time of a delta key. */
export const timeOfKey = (key: string) => key.slice(0, key.indexOf('#') < 0 ? key.length : key.indexOf('#'));

/**
 * The watermark of a recount whose scan started at `at`: above every key of that millisecond (`~` sorts after the
 * random suffix's characters), so a delta logged at or before the scan's start — whose supplier writes the scan
 * sees — is not added again.
 */
export const recountWatermark = (at: string) => `${at}#~`;

/** Whether a delta is not yet in the snapshot. */
export const isPending = (snapshot: Snapshot, d: LoggedDelta) => d.key > (snapshot.watermarks[d.shard] ?? '');

/** The aggregate as it stands: the snapshot plus every delta above its shard's watermark. */
export function currentAggregate(snapshot: Snapshot, deltas: readonly LoggedDelta[]): Aggregate {
  const agg = addAggregate(new Map(), snapshot.aggregate);
  for (const d of deltas) if (isPending(snapshot, d)) addAggregate(agg, d.delta);
  return normalise(agg);
}

/** The newest change the answer holds: the snapshot's or a pending delta's time. */
export function updatedAtOf(snapshot: Snapshot, deltas: readonly LoggedDelta[]): string | null {
  let at = snapshot.updatedAt;
  for (const d of deltas) {
    if (!isPending(snapshot, d)) continue;
    const t = timeOfKey(d.key);
    if (at === null || t > at) at = t;
  }
  return at;
}

/** The settle cutoff at `now`: deltas with keys below it may be folded. */
export const settledBefore = (now: Date) => new Date(now.getTime() - PORTFOLIO_LOG.settleMs).toISOString();

/**
 * The snapshot with every pending delta keyed below `cutoff` folded in, its watermarks moved to the last folded key
 * per shard, and its version bumped; null when nothing is to fold. A delta's key and `cutoff` are both ISO times
 * first, so `key < cutoff` compares times.
 */
export function fold(snapshot: Snapshot, deltas: readonly LoggedDelta[], cutoff: string): Snapshot | null {
  const watermarks = { ...snapshot.watermarks };
  const aggregate = addAggregate(new Map(), snapshot.aggregate);
  let updatedAt = snapshot.updatedAt;
  let folded = 0;
  for (const d of [...deltas].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))) {
    if (!isPending(snapshot, d) || d.key >= cutoff) continue;
    addAggregate(aggregate, d.delta);
    if (d.key > (watermarks[d.shard] ?? '')) watermarks[d.shard] = d.key;
    const t = timeOfKey(d.key);
    if (updatedAt === null || t > updatedAt) updatedAt = t;
    folded++;
  }
  if (folded === 0) return null;
  return { ...snapshot, version: snapshot.version + 1, watermarks, aggregate: normalise(aggregate), updatedAt };
}

/** A recount's snapshot: the recount as the aggregate, every shard's watermark at the scan's start. */
export function recountSnapshot(previous: Snapshot, aggregate: Aggregate, at: string): Snapshot {
  const watermarks: Record<number, string> = {};
  for (let shard = 0; shard < PORTFOLIO_LOG.deltaShards; shard++) watermarks[shard] = recountWatermark(at);
  return {
    version: previous.version + 1,
    watermarks,
    aggregate: normalise(aggregate),
    updatedAt: at,
    reconciledAt: at,
  };
}
