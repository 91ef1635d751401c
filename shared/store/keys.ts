/**
 * Every key format of the one table (table.ts), defined once: the repositories, the IAM conditions of the stack and
 * the tests all build keys here.
 *
 * Items (pk / sk):
 *   supplier + latest score   T#{tenant}#S#{supplierId} / SUPPLIER
 *   change record             T#{tenant}#S#{supplierId} / CHG#{sequence, zero-padded}   (beside its supplier)
 *   batch (upload) record     T#{tenant}#B#{batchId}    / BATCH
 *   batch row rejection       T#{tenant}#B#{batchId}    / ERR#{row, zero-padded}
 *   change group              T#{tenant}#CHG#{shard}    / {recordedAt}#*G#{batchId}#{chunk}#{part}
 *                             (a scored chunk's new suppliers' records, in the feed's order; no index entry)
 *                             T#{tenant}#CHG#{shard}    / {recordedAt}#*R#{runTag}#{segment}#{page}#{part}
 *                             (a rescore page's moved suppliers' records, the same way)
 *   webhook endpoint          T#{tenant}#WH             / WH#{webhookId}
 *   webhook endpoint count    T#{tenant}#WH             / COUNT
 *   webhook delivery          T#{tenant}#WH#{webhookId} / DLV#{deliveryId}            (ids sort by time)
 *   policy revision           POLICY                    / REV#{revision, zero-padded}   (platform-wide, not a tenant's)
 *   planned-revision marker   POLICY                    / PLANNED                       (platform-wide)
 *   rescore run               RUN#{runId}               / RUN, SEG#{segment}            (platform-wide)
 *   rescore run list          RUN#INDEX                 / {createdAt}#{runId}            (platform-wide)
 *   scenario job              SCN#{tenant}#{jobId}      / JOB, PART#{segment}[#…], RESULT#{chunk}   (a day, then TTL)
 *   scenario request key      SCN#{tenant}#k{hash}      / REQ: the job it is tied to           (a day, then TTL)
 *   portfolio delta           T#{tenant}#AGGD#{shard}   / {ISO time}#{random}            (a few days, then TTL)
 *   portfolio snapshot        T#{tenant}#AGGS           / SNAP, SNAP#{writeId}#{chunk}
 *   portfolio recount run     RECOUNT#{runId}           / RUN, PART#{segment}[#…]        (platform-wide; days, then TTL)
 *
 * Index keys:
 *   byScore        T#{tenant}#{shard}            / {band rank}#{rest}#{supplierId}
 *                  (rank 0 critical … 3 low; rest = 1000 − score×10, zero-padded to 4, in the high and critical
 *                  bands, `----` below: worst band first, exact score order only where procurement acts. Items keyed
 *                  before, {1000 − score×10}#{supplierId}, are listed in that order too until a rescore re-keys them)
 *   changes        T#{tenant}#CHG#{shard}        / {recordedAt}#{supplierId}@{sequence}
 *                  (a change group is not in the index: it is a base-table item at the same shard partition and
 *                  sort key order; each of its records reads as the key it would have alone, {recordedAt}#{supplierId}@1)
 *
 * Every tenant's key holds the tenant (`T#{tenant}…`, or `SCN#{tenant}#…` for the scenario jobs' own partitions, which
 * a role may write without reaching any `T#` item), so no query can cross tenants. Each supplier is its own partition key, so a
 * 100k-supplier upload spreads over 100k partitions; the indexes are sharded for the same reason.
 */
import { bandOf } from '../model/score.ts';
import type { Band } from '../model/types.ts';
import { TABLE } from './table.ts';

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** Every tenant's partition keys start with this (the platform's never do). */
export const TENANT_PK_PREFIX = 'T#';
const tenantPk = (tenant: string) => `${TENANT_PK_PREFIX}${tenant}`;

// Suppliers and their change records.
export const SUPPLIER_SK = 'SUPPLIER';
const SUPPLIER_INFIX = '#S#';
export const supplierPk = (tenant: string, supplierId: string) => `${tenantPk(tenant)}${SUPPLIER_INFIX}${supplierId}`;
/** The supplier id of a supplier partition key (a tenant name never holds `#`: the API refuses it). */
export const supplierIdOfPk = (pk: string) => pk.slice(pk.indexOf(SUPPLIER_INFIX) + SUPPLIER_INFIX.length);

export const CHANGE_SK_PREFIX = 'CHG#';
export const changeSk = (sequence: number) => `${CHANGE_SK_PREFIX}${pad(sequence, 10)}`;
/** A change record's sort key, as a cursor must hold it. */
export const CHANGE_SK_PATTERN = /^CHG#\d{10}$/;

/**
 * Where a supplier's first record is when a change group holds it (the supplier item's `newIn`): its chunk and the
 * group's recorded time (epoch ms in base 36, 8 characters: the item stays within its write unit), which fix the
 * group's key (changeGroupKey), then the batch.
 */
export const changeGroupRef = (batchId: string, chunk: number, recordedAtMs: number) =>
  `${chunk}#${recordedAtMs.toString(36)}#${batchId}`;
export function parseChangeGroupRef(ref: string): { origin: ChunkOrigin; recordedAt: string } | null {
  const m = /^(\d+)#([0-9a-z]{1,9})#(.+)$/.exec(ref);
  if (!m) return null;
  const at = new Date(Number.parseInt(m[2] as string, 36));
  return Number.isNaN(at.getTime())
    ? null
    : { origin: { kind: 'chunk', chunk: Number(m[1]), batchId: m[3] as string }, recordedAt: at.toISOString() };
}

/**
 * A rescore run's short tag in its pages' group keys and refs (FNV-1a of the run id, base 36, at most 7 characters):
 * the supplier item carries two refs, so they must be short. Two runs sharing a tag would also need the same segment
 * and page and millisecond to share a group key.
 */
export const rescoreRunTag = (runId: string) => shardOf(runId, 2 ** 32).toString(36);

/**
 * Where a supplier's latest rescore record is when a rescore page's change group holds it (the item's `lastIn`, and
 * the one before in `prevIn`): the group's recorded time (ms, base 36), the run's tag, the segment and the page.
 */
export const pageGroupRef = (origin: PageOrigin, recordedAtMs: number) =>
  `${recordedAtMs.toString(36)}.${origin.run}.${origin.segment}.${origin.page}`;
export function parsePageGroupRef(ref: string): { origin: PageOrigin; recordedAt: string } | null {
  const m = /^([0-9a-z]{1,9})\.([0-9a-z]{1,7})\.(\d{1,6})\.(\d{1,9})$/.exec(ref);
  if (!m) return null;
  const at = new Date(Number.parseInt(m[1] as string, 36));
  return Number.isNaN(at.getTime())
    ? null
    : {
        origin: { kind: 'page', run: m[2] as string, segment: Number(m[3]), page: Number(m[4]) },
        recordedAt: at.toISOString(),
      };
}

// Batches and their rejections.
export const BATCH_SK = 'BATCH';
const BATCH_INFIX = '#B#';
export const batchPk = (tenant: string, batchId: string) => `${tenantPk(tenant)}${BATCH_INFIX}${batchId}`;
/** Whether a partition key is a batch's: its record and its rejected rows. */
export function isBatchPk(pk: string): boolean {
  if (!pk.startsWith(TENANT_PK_PREFIX)) return false;
  // The tenant holds no `#` (the API refuses it): what follows it names the partition, whatever the ids hold.
  const afterTenant = pk.indexOf('#', TENANT_PK_PREFIX.length);
  return afterTenant >= 0 && pk.startsWith(BATCH_INFIX, afterTenant);
}
const ERROR_SK_PREFIX = 'ERR#';
export const errorSk = (row: number) => `${ERROR_SK_PREFIX}${pad(row, 10)}`;
/** Above every rejection's sort key: the upper bound of a rejection listing. */
export const ERROR_SK_MAX = `${ERROR_SK_PREFIX}9999999999`;

// Webhook endpoints, their count, their deliveries.
// Portfolio aggregates (shared/store/portfolio-aggregates*.ts): a tenant's delta log, sharded, keyed by time, and
// its snapshot (a head item, and the pieces of a large one).
export const aggregateDeltaPk = (tenant: string, shard: number | '*') => `${tenantPk(tenant)}#AGGD#${shard}`;
export const aggregateSnapshotPk = (tenant: string) => `${tenantPk(tenant)}#AGGS`;
export const AGGREGATE_SNAPSHOT_SK = 'SNAP';
const AGGREGATE_CHUNK_PREFIX = 'SNAP#';
/** Every piece of one snapshot write (a random id, so two writers of the same version never share pieces). */
export const aggregateChunkPrefix = (writeId: string) => `${AGGREGATE_CHUNK_PREFIX}${writeId}#`;
export const aggregateChunkSk = (writeId: string, chunk: number) => `${aggregateChunkPrefix(writeId)}${pad(chunk, 4)}`;
/** The bounds of a delta's sort key (an ISO time, then `#{random}`). */
export const AGGREGATE_DELTA_SK_MIN = '0';
export const AGGREGATE_DELTA_SK_MAX = '9';
/** Every tenant's aggregate partitions, as `dynamodb:LeadingKeys` patterns (infra/stacks/portfolio-reconcile.ts). */
export const AGGREGATE_PARTITIONS = [aggregateSnapshotPk('*'), aggregateDeltaPk('*', '*')] as const;
/** Every tenant's delta logs: what a writer of suppliers may put into. */
export const AGGREGATE_DELTA_PARTITIONS = [aggregateDeltaPk('*', '*')] as const;
/** Every tenant's snapshots: a fold on the API's read path writes a large one's pieces there. */
export const AGGREGATE_SNAPSHOT_PARTITIONS = [aggregateSnapshotPk('*')] as const;
/** Whether a partition key is an aggregate's (the benches count their write units apart). */
export function isAggregatePk(pk: string): boolean {
  if (!pk.startsWith(TENANT_PK_PREFIX)) return false;
  const rest = pk.slice(pk.indexOf('#', TENANT_PK_PREFIX.length));
  return rest === '#AGGS' || rest.startsWith('#AGGD#');
}

export const webhooksPk = (tenant: string) => `${tenantPk(tenant)}#WH`;
export const WEBHOOK_SK_PREFIX = 'WH#';
export const webhookSk = (webhookId: string) => `${WEBHOOK_SK_PREFIX}${webhookId}`;
export const WEBHOOK_COUNT_SK = 'COUNT';
export const deliveriesPk = (tenant: string, webhookId: string) => `${tenantPk(tenant)}#WH#${webhookId}`;
export const DELIVERY_SK_PREFIX = 'DLV#';
export const deliverySk = (deliveryId: string) => `${DELIVERY_SK_PREFIX}${deliveryId}`;
/** A delivery's sort key, as a cursor must hold it. */
export const DELIVERY_SK_PATTERN = /^DLV#dlv_[0-9a-z_]{1,120}$/;

// Policy revisions: few (tens a year), read whole, so one partition in revision order is enough.
export const POLICY_PK = 'POLICY';
export const POLICY_REVISION_SK_PREFIX = 'REV#';
export const policyRevisionSk = (revision: number) => `${POLICY_REVISION_SK_PREFIX}${pad(revision, 10)}`;
/** The planned-revision marker sits with the revisions: the highest revision a policy run was started for. */
export const PLANNED_SK = 'PLANNED';

// Rescore runs.
export const runPk = (runId: string) => `RUN#${runId}`;
/** Every run, newest last by creation time: the list of runs is one Query, never a Scan. */
export const RUN_INDEX_PK = runPk('INDEX');
export const runIndexSk = (createdAt: string, runId: string) => `${createdAt}#${runId}`;
export const RUN_SK = 'RUN';
export const runSegmentSk = (segment: number) => `SEG#${pad(segment, 4)}`;

// Scenario jobs.
/**
 * A tenant's scenario job and its pieces. Not under `T#`: the worker's role may write `SCN#*` and no tenant item
 * (a supplier id could hold `#SCN#`); the tenant is in the key all the same, so no other tenant can name it.
 */
export const scenarioJobPk = (tenant: string, jobId: string) => `SCN#${tenant}#${jobId}`;
export const SCENARIO_JOB_SK = 'JOB';
export const SCENARIO_PARTS_PREFIX = 'PART#';
export const scenarioPartSk = (segment: number) => `${SCENARIO_PARTS_PREFIX}${pad(segment, 4)}`;
export const SCENARIO_RESULT_PREFIX = 'RESULT';
/** One gzipped piece of a stored partial or result (scenario jobs, recount runs): `{prefix}#{chunk}`. */
export const pieceSk = (prefix: string, chunk: number) => `${prefix}#${pad(chunk, 4)}`;
// Portfolio recount runs (shared/portfolio/recount-run.ts): platform-wide, like the rescore runs.
export const recountRunPk = (runId: string) => `RECOUNT#${runId}`;
export const RECOUNT_RUN_SK = 'RUN';
export const RECOUNT_PARTS_PREFIX = 'PART#';
export const recountPartSk = (segment: number) => `${RECOUNT_PARTS_PREFIX}${pad(segment, 4)}`;
/** Every recount run's partition (`dynamodb:LeadingKeys`). */
export const RECOUNT_RUN_PARTITIONS = [recountRunPk('*')] as const;

/** The job a scenario request's key (shared/model/scenario-key.ts) is tied to: job ids start with `j`, never `k`. */
export const scenarioRequestPk = (tenant: string, key: string) => scenarioJobPk(tenant, `k${key}`);
export const SCENARIO_REQUEST_SK = 'REQ';

/** FNV-1a: a stable, fast hash to spread a tenant's suppliers over index shards. */
export function shardOf(key: string, shards: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % shards;
}

// byScore: a tenant's suppliers, worst band first; by exact score within the bands procurement acts on.
export const byScoreShardPk = (tenant: string, shard: number) => `${tenantPk(tenant)}#${shard}`;
export const byScorePk = (tenant: string, supplierId: string) =>
  byScoreShardPk(tenant, shardOf(supplierId, TABLE.indexes.byScore.shards));
/** A band's rank, first in the key: an ascending key lists the worst band first. */
export const BAND_RANK = { critical: 0, high: 1, medium: 2, low: 3 } as const satisfies Record<Band, number>;
/**
 * The key holds the exact score in this band and the worse ones (high, critical), only the band below. Why: an index
 * entry whose key changes costs a delete and a put (2 WRU). With the exact score in every key, every moved supplier
 * paid them: with its item, 3 WRU, $0.19 per million rescored at 10% moved, and the target is $0.20 in all. A score
 * moving within medium or low now leaves its key alone (docs/operations.md, "The supplier list's index key").
 */
export const EXACT_SCORE_FROM_RANK = BAND_RANK.high;
/** The rest of a key below EXACT_SCORE_FROM_RANK: a band's entries then sort by id alone. */
const BAND_ONLY = '----';
/** A score in tenths, as the key holds it, inverted so that an ascending key lists the highest first. */
const invertedTenths = (tenths: number) => pad(1000 - tenths, 4);
/** The rank of a score in tenths (the key's band is the stored score's band, at the stored score's resolution). */
const rankOfTenths = (tenths: number): number => BAND_RANK[bandOf(tenths / 10)];
export function byScoreSk(score: number, supplierId: string): string {
  const tenths = Math.round(score * 10);
  const rank = rankOfTenths(tenths);
  return `${rank}#${rank <= EXACT_SCORE_FROM_RANK ? invertedTenths(tenths) : BAND_ONLY}#${supplierId}`;
}
/** The keys of one band in a shard: `begins_with` as a range, [lo, hi] (`$` follows `#`, below any digit). */
export const byScoreBandRange = (rank: number) => ({ lo: `${rank}#`, hi: `${rank}$` });
/** A key of the former format, {1000 − score×10}#{supplierId}: the inverted score is group 1. */
export const LEGACY_BY_SCORE_SK = /^(\d{4})#/;
/**
 * Where a key of the former format lists in the current order: its band's rank before it. In the high and critical
 * bands that is the very key the supplier gets when re-keyed; in medium and low, after the band's re-keyed entries
 * (`----` sorts before digits), by score then id.
 */
export function byScorePosition(key: string): string {
  const legacy = LEGACY_BY_SCORE_SK.exec(key);
  return legacy ? `${rankOfLegacy(Number(legacy[1]))}#${key}` : key;
}
/** The rank of a former key's inverted score. */
export const rankOfLegacy = (inverted: number) => rankOfTenths(1000 - inverted);
/** A current key, or the position of a former one (byScorePosition): what the list's cursor holds (then an id). */
export const BY_SCORE_POSITION = /^([0-3])#(\d{4}|----)#/;
/** Before every entry of a band: `----` sorts before any digit, and the id after it is empty. */
export const byScoreBandStart = (rank: number) => `${rank}#${BAND_ONLY}#`;

// changes: a tenant's change records in the order they were recorded.
export const changesShardPk = (tenant: string, shard: number) => `${tenantPk(tenant)}#CHG#${shard}`;
export const changesPk = (tenant: string, supplierId: string) =>
  changesShardPk(tenant, shardOf(supplierId, TABLE.indexes.changes.shards));
export const changesSk = (recordedAt: string, supplierId: string, sequence: number) =>
  `${recordedAt}#${supplierId}@${sequence}`;
const CHANGE_GROUP_SK_INFIX = '#*G#';
const PAGE_GROUP_SK_INFIX = '#*R#';
/** What a change group collects: an upload chunk's new suppliers, or a rescore page's moved ones. */
export interface ChunkOrigin {
  kind: 'chunk';
  batchId: string;
  chunk: number;
}
export interface PageOrigin {
  kind: 'page';
  /** rescoreRunTag of the run. */
  run: string;
  segment: number;
  page: number;
}
export type GroupOrigin = ChunkOrigin | PageOrigin;
const originText = (o: GroupOrigin) =>
  o.kind === 'chunk'
    ? `${CHANGE_GROUP_SK_INFIX}${o.batchId}#${o.chunk}`
    : `${PAGE_GROUP_SK_INFIX}${o.run}#${o.segment}#${o.page}`;
/**
 * A change group (issue 12): the records of the suppliers a scored chunk stored for the first time, or a rescore page
 * moved, in one base-table item of the tenant's feed partition (the `changes` index's shard key, without the index's
 * attributes: no index entry to pay for), sorted where its records would be. Its key is fixed by its origin and the
 * time its writer chose (kept on each supplier: `newIn`, `lastIn`), so a redelivery finds it; a later part holds only
 * what earlier parts missed (a delivery that failed halfway). Never a cursor: its records read as their own keys.
 */
export const changeGroupKey = (tenant: string, origin: GroupOrigin, recordedAt: string, part: number) => {
  const text = originText(origin);
  // A chunk's shard is that of `{batchId}#{chunk}`, as before page groups: stored groups keep their partition.
  const spread = origin.kind === 'chunk' ? `${origin.batchId}#${origin.chunk}` : text;
  return {
    pk: changesShardPk(tenant, shardOf(spread, TABLE.indexes.changes.shards)),
    sk: `${recordedAt}${text}#${pad(part, 4)}`,
  };
};
/** Whether a sort key is a change group's. */
export const isChangeGroupSk = (sk: string) => sk.includes(CHANGE_GROUP_SK_INFIX) || sk.includes(PAGE_GROUP_SK_INFIX);
/** The millisecond of an index sort key (every key starts with its ISO time, then `#`). */
export const changesSkTime = (sk: string) => sk.slice(0, sk.indexOf('#') + 1);

/** DynamoDB orders string sort keys by their UTF-8 bytes: pages merged across shards must use the same order. */
export const compareKeyBytes = (a: string, b: string) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
