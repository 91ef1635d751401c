/**
 * The one DynamoDB table, defined once: the CDK stack and the local runtime both build it from here.
 *
 * Items (pk / sk):
 *   supplier + latest score   T#{tenant}#S#{supplierId} / SUPPLIER
 *   batch (upload) record     T#{tenant}#B#{batchId}    / BATCH
 *   batch row rejection       T#{tenant}#B#{batchId}    / ERR#{row, zero-padded}
 *   policy revision           POLICY                    / REV#{revision, zero-padded}   (platform-wide, not a tenant's)
 *   rescore run               RUN#{runId}               / RUN, SEG#{segment}            (platform-wide)
 *   rescore run list          RUN#INDEX                 / {createdAt}#{runId}            (platform-wide)
 *   change record             T#{tenant}#S#{supplierId} / CHG#{sequence, zero-padded}   (beside its supplier)
 *   webhook endpoint          T#{tenant}#WH             / WH#{webhookId}
 *   webhook delivery          T#{tenant}#WH#{webhookId} / DLV#{deliveryId}            (ids sort by time)
 *   scenario job              SCN#{tenant}#{jobId}      / JOB, PART#…, RESULT#…         (a day, then TTL)
 *
 * Every tenant's key starts with the tenant, so no query can cross tenants. Each supplier is its own partition key, so a
 * 100k-supplier upload spreads over 100k partitions; the by-score index is sharded for the same reason.
 */
export const TABLE = {
  /** Logical name; the deployed name comes from the stack (env TABLE_NAME). */
  logicalName: 'MineralRisk',
  partitionKey: 'pk',
  sortKey: 'sk',
  /** Idempotency records and raw rejections expire on this attribute (epoch seconds). */
  ttlAttribute: 'expiresAt',
  indexes: {
    /** Suppliers of a tenant by score, highest first: gsi1pk = T#{tenant}#{shard}, gsi1sk = inverted score#id. */
    byScore: { name: 'byScore', partitionKey: 'gsi1pk', sortKey: 'gsi1sk', shards: 8 },
    /** Suppliers due for rescoring: gsi2pk = DUE#{shard}, gsi2sk = nextChangeDate#tenant#supplierId (sparse). */
    dueForRescore: { name: 'dueForRescore', partitionKey: 'gsi2pk', sortKey: 'gsi2sk', shards: 8 },
    /**
     * A tenant's change records in the order they were recorded: gsi3pk = T#{tenant}#CHG#{shard}, gsi3sk =
     * {recordedAt}#{supplierId}@{sequence}. Projects every attribute: the feed is read far more often than written.
     */
    changes: { name: 'changes', partitionKey: 'gsi3pk', sortKey: 'gsi3sk', shards: 8 },
  },
} as const;

export const SUPPLIER_SK = 'SUPPLIER';
export const BATCH_SK = 'BATCH';

export const supplierPk = (tenant: string, supplierId: string) => `T#${tenant}#S#${supplierId}`;
export const batchPk = (tenant: string, batchId: string) => `T#${tenant}#B#${batchId}`;
export const errorSk = (row: number) => `ERR#${String(row).padStart(10, '0')}`;

export const changeSk = (sequence: number) => `CHG#${String(sequence).padStart(10, '0')}`;
export const CHANGE_SK_PREFIX = 'CHG#';
export const changesPk = (tenant: string, supplierId: string) =>
  `T#${tenant}#CHG#${shardOf(supplierId, TABLE.indexes.changes.shards)}`;
export const changesSk = (recordedAt: string, supplierId: string, sequence: number) =>
  `${recordedAt}#${supplierId}@${sequence}`;

export const webhooksPk = (tenant: string) => `T#${tenant}#WH`;
export const webhookSk = (webhookId: string) => `WH#${webhookId}`;
export const deliveriesPk = (tenant: string, webhookId: string) => `T#${tenant}#WH#${webhookId}`;
export const deliverySk = (deliveryId: string) => `DLV#${deliveryId}`;

/** Policy revisions: few (tens a year), read whole, so one partition in revision order is enough. */
export const POLICY_PK = 'POLICY';
export const policyRevisionSk = (revision: number) => `REV#${String(revision).padStart(10, '0')}`;

/**
 * A tenant's scenario job and its pieces. Not under `T#`: the worker's role may write `SCN#*` and no tenant item
 * (a supplier id could hold `#SCN#`); the tenant is in the key all the same, so no other tenant can name it.
 */
export const scenarioJobPk = (tenant: string, jobId: string) => `SCN#${tenant}#${jobId}`;

export const runPk = (runId: string) => `RUN#${runId}`;
/** Every run, newest last by creation time: the list of runs is one Query, never a Scan. */
export const RUN_INDEX_PK = 'RUN#INDEX';
export const runIndexSk = (createdAt: string, runId: string) => `${createdAt}#${runId}`;
export const RUN_SK = 'RUN';
export const runSegmentSk = (segment: number) => `SEG#${String(segment).padStart(4, '0')}`;

/** FNV-1a: a stable, fast hash to spread a tenant's suppliers over index shards. */
export function shardOf(key: string, shards: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % shards;
}

export const byScorePk = (tenant: string, supplierId: string) =>
  `T#${tenant}#${shardOf(supplierId, TABLE.indexes.byScore.shards)}`;

/** Highest score first under an ascending sort: 1000 − score×10, zero-padded, then the id for a stable order. */
export const byScoreSk = (score: number, supplierId: string) =>
  `${String(1000 - Math.round(score * 10)).padStart(4, '0')}#${supplierId}`;

export const dueForRescorePk = (tenant: string, supplierId: string) =>
  `DUE#${shardOf(`${tenant}#${supplierId}`, TABLE.indexes.dueForRescore.shards)}`;

export const dueForRescoreSk = (nextChangeDate: string, tenant: string, supplierId: string) =>
  `${nextChangeDate}#${tenant}#${supplierId}`;

/** Key and attribute definitions in DynamoDB API shape (CreateTable / CDK). */
export function tableDefinition(tableName: string) {
  const { byScore, dueForRescore, changes } = TABLE.indexes;
  const s = 'S' as const;
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST' as const,
    AttributeDefinitions: [
      { AttributeName: TABLE.partitionKey, AttributeType: s },
      { AttributeName: TABLE.sortKey, AttributeType: s },
      { AttributeName: byScore.partitionKey, AttributeType: s },
      { AttributeName: byScore.sortKey, AttributeType: s },
      { AttributeName: dueForRescore.partitionKey, AttributeType: s },
      { AttributeName: dueForRescore.sortKey, AttributeType: s },
      { AttributeName: changes.partitionKey, AttributeType: s },
      { AttributeName: changes.sortKey, AttributeType: s },
    ],
    KeySchema: [
      { AttributeName: TABLE.partitionKey, KeyType: 'HASH' as const },
      { AttributeName: TABLE.sortKey, KeyType: 'RANGE' as const },
    ],
    GlobalSecondaryIndexes: [byScore, dueForRescore, changes].map((i) => ({
      IndexName: i.name,
      KeySchema: [
        { AttributeName: i.partitionKey, KeyType: 'HASH' as const },
        { AttributeName: i.sortKey, KeyType: 'RANGE' as const },
      ],
      Projection: { ProjectionType: i === changes ? ('ALL' as const) : ('KEYS_ONLY' as const) },
    })),
  };
}
