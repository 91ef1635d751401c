/**
 * The one DynamoDB table, defined once: the CDK stack and the local runtime both build it from here. What its items
 * and index keys hold is in keys.ts.
 */
export const TABLE = {
  /** Logical name; the deployed name comes from the stack (env TABLE_NAME). */
  logicalName: 'MineralRisk',
  partitionKey: 'pk',
  sortKey: 'sk',
  /** Idempotency records and raw rejections expire on this attribute (epoch seconds). */
  ttlAttribute: 'expiresAt',
  indexes: {
    /**
     * Suppliers of a tenant, worst band first: gsi1pk = T#{tenant}#{shard}, gsi1sk = {band rank}#{inverted score in
     * the high and critical bands, `----` below}#{id} (keys.ts byScoreSk).
     */
    byScore: { name: 'byScore', partitionKey: 'gsi1pk', sortKey: 'gsi1sk', shards: 8 },
    // No index of suppliers due for rescoring: every rescore run scans the table anyway, so it would be writes for
    // nothing (docs/operations.md, "Writes per supplier"). Older items' gsi2pk/gsi2sk are removed by their next write.
    /**
     * A tenant's change records in the order they were recorded: gsi3pk = T#{tenant}#CHG#{shard}, gsi3sk =
     * {recordedAt}#{supplierId}@{sequence}. Projects every attribute: the feed is read far more often than written.
     */
    changes: { name: 'changes', partitionKey: 'gsi3pk', sortKey: 'gsi3sk', shards: 8 },
  },
} as const;

/** Key and attribute definitions in DynamoDB API shape (CreateTable / CDK). */
export function tableDefinition(tableName: string) {
  const { byScore, changes } = TABLE.indexes;
  const s = 'S' as const;
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST' as const,
    AttributeDefinitions: [
      { AttributeName: TABLE.partitionKey, AttributeType: s },
      { AttributeName: TABLE.sortKey, AttributeType: s },
      { AttributeName: byScore.partitionKey, AttributeType: s },
      { AttributeName: byScore.sortKey, AttributeType: s },
      { AttributeName: changes.partitionKey, AttributeType: s },
      { AttributeName: changes.sortKey, AttributeType: s },
    ],
    KeySchema: [
      { AttributeName: TABLE.partitionKey, KeyType: 'HASH' as const },
      { AttributeName: TABLE.sortKey, KeyType: 'RANGE' as const },
    ],
    GlobalSecondaryIndexes: [byScore, changes].map((i) => ({
      IndexName: i.name,
      KeySchema: [
        { AttributeName: i.partitionKey, KeyType: 'HASH' as const },
        { AttributeName: i.sortKey, KeyType: 'RANGE' as const },
      ],
      Projection: { ProjectionType: i === changes ? ('ALL' as const) : ('KEYS_ONLY' as const) },
    })),
  };
}
