/**
 * The portfolio aggregates on DynamoDB (issue 12) as a delta log folded into a snapshot (shared/model/portfolio-
 * fold.ts, shared/portfolio/aggregate-log.ts). A store call's summed delta is one new item (pk
 * T#{tenant}#AGGD#{shard}, sk {ISO time}#{random}) in its compact form (shared/model/portfolio-aggregate-codec.ts),
 * gzipped when that is smaller, with a TTL of a few days: writes are billed by item size, so an upload chunk's delta
 * costs a few write units, not one per touched cell. The snapshot is portfolio-aggregates-snapshot.ts's.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { decodeAggregate, encodeAggregate } from '../model/portfolio-aggregate-codec.ts';
import { type LoggedDelta, PORTFOLIO_LOG, type Snapshot } from '../model/portfolio-fold.ts';
import { type LoggedAggregatesOptions, LoggedPortfolioAggregates } from '../portfolio/aggregate-log.ts';
import type { AggregateLog, PendingDeltas } from '../portfolio/port.ts';
import { AGGREGATE_DELTA_SK_MAX, AGGREGATE_DELTA_SK_MIN, aggregateDeltaPk } from './keys.ts';
import { AGGREGATE_TENANT_ATTRIBUTE, DynamoDbAggregateSnapshots } from './portfolio-aggregates-snapshot.ts';
import { TABLE } from './table.ts';

export { AGGREGATE_PARTITIONS } from './keys.ts';
export { AGGREGATE_TENANT_ATTRIBUTE } from './portfolio-aggregates-snapshot.ts';

/** A delta's text above this is stored gzipped (below, gzip's header outweighs what it saves). */
const GZIP_ABOVE_BYTES = 200;
const DAY_SECONDS = 86_400;
/** Deltas a query page asks for at most (a page reads at most 1 MB anyway). */
const QUERY_PAGE = 1000;

/** A delta's stored form: the text (`d`) or its gzip (`z`), whichever is smaller. */
export function packDelta(text: string): { d: string } | { z: Uint8Array } {
  if (text.length <= GZIP_ABOVE_BYTES) return { d: text };
  const z = gzipSync(text);
  return z.length < Buffer.byteLength(text) ? { z } : { d: text };
}

const unpackDelta = (item: Record<string, unknown>): string =>
  item.z instanceof Uint8Array ? gunzipSync(item.z).toString('utf8') : String(item.d);

export class DynamoDbAggregateLog implements AggregateLog {
  private readonly doc: DynamoDBDocumentClient;
  private readonly snapshots: DynamoDbAggregateSnapshots;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
    /** Whether snapshots too large for one item may be written (the recount's role may; the API's may not). */
    largeSnapshots = false,
  ) {
    this.doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
    this.snapshots = new DynamoDbAggregateSnapshots(this.doc, tableName, largeSnapshots);
  }

  /** The PutItem of a delta (the bench measures what it costs). */
  deltaCommand(tenant: string, delta: LoggedDelta): PutCommand {
    const time = Date.parse(delta.key.slice(0, delta.key.indexOf('#')));
    return new PutCommand({
      TableName: this.tableName,
      Item: {
        pk: aggregateDeltaPk(tenant, delta.shard),
        sk: delta.key,
        [AGGREGATE_TENANT_ATTRIBUTE]: tenant,
        [TABLE.ttlAttribute]: Math.floor(time / 1000) + PORTFOLIO_LOG.retentionDays * DAY_SECONDS,
        ...packDelta(encodeAggregate(delta.delta)),
      },
    });
  }

  async putDelta(tenant: string, delta: LoggedDelta): Promise<void> {
    await this.doc.send(this.deltaCommand(tenant, delta));
  }

  readSnapshot(tenant: string): Promise<Snapshot> {
    return this.snapshots.read(tenant);
  }

  writeSnapshot(tenant: string, next: Snapshot, expectedVersion: number): Promise<boolean> {
    return this.snapshots.write(tenant, next, expectedVersion);
  }

  async readDeltas(tenant: string, watermarks: Record<number, string>, maxPerShard: number): Promise<PendingDeltas> {
    const perShard = await Promise.all(
      Array.from({ length: PORTFOLIO_LOG.deltaShards }, async (_, shard) => {
        const after = watermarks[shard] ?? AGGREGATE_DELTA_SK_MIN;
        const out: LoggedDelta[] = [];
        let start: Record<string, unknown> | undefined;
        do {
          // One more than is wanted: the watermark's own delta may come first, and one past the bound says "more".
          const r = await this.doc.send(
            new QueryCommand({
              TableName: this.tableName,
              // BETWEEN is inclusive: the watermark's own delta (already folded) is dropped below.
              KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
              ExpressionAttributeValues: {
                ':pk': aggregateDeltaPk(tenant, shard),
                ':from': after,
                ':to': AGGREGATE_DELTA_SK_MAX,
              },
              ConsistentRead: true,
              ExclusiveStartKey: start,
              Limit: Math.min(maxPerShard - out.length + 2, QUERY_PAGE),
            }),
          );
          for (const item of r.Items ?? []) {
            const key = String(item.sk);
            if (key > after) out.push({ shard, key, delta: decodeAggregate(unpackDelta(item)) });
          }
          start = r.LastEvaluatedKey;
        } while (start && out.length <= maxPerShard);
        return { deltas: out.slice(0, maxPerShard), complete: out.length <= maxPerShard && !start };
      }),
    );
    return { deltas: perShard.flatMap((s) => s.deltas), complete: perShard.every((s) => s.complete) };
  }
}

/** The aggregates over the table: the use case on this adapter (what the functions construct). */
export class DynamoDbPortfolioAggregates extends LoggedPortfolioAggregates {
  readonly table: DynamoDbAggregateLog;

  constructor(
    client: DynamoDBClient,
    tableName: string,
    options: LoggedAggregatesOptions & { largeSnapshots?: boolean } = {},
  ) {
    const log = new DynamoDbAggregateLog(client, tableName, options.largeSnapshots);
    super(log, options);
    this.table = log;
  }
}
