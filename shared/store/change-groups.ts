/**
 * Change groups on DynamoDB (issue 12): the records of the suppliers one scored chunk stored for the first time, in
 * one item of the batch's partition (T#{tenant}#B#{batchId} / CHG#N#{chunk}#{part}), instead of one item per supplier.
 * A new supplier's record alone is ~1.6 KB of JSON, 2 write units with its `changes` index entry even compressed; ~64
 * of them compress together to ~6 KB (their drivers' wording repeats), so a chunk's records cost ~0.2 units a supplier.
 *
 * Exactly once without transactions, as single records are: the group is derived from what the chunk's writes stored
 * (a redelivery derives the same records from the stored items), and its key is fixed by the chunk, so writing it again
 * is a no-op. A delivery that stored only some suppliers writes the group of those; the next delivery finds that part
 * and writes a further part with only the records no part holds, each part conditional on its own key.
 */
import { brotliCompressSync, brotliDecompressSync, constants } from 'node:zlib';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { ChangeRecord } from '../changes/change-record.ts';
import { CHANGE_LOG } from '../changes/port.ts';
import {
  batchPk,
  changeGroupSk,
  changesGroupSk,
  changesShardPk,
  changesSk,
  changesSkTime,
  compareKeyBytes,
  shardOf,
} from './keys.ts';
import { TABLE } from './table.ts';

const DAY_SECONDS = 24 * 3600;

/**
 * On a supplier item: the chunk whose group may hold its first record (`changeGroupRef`), set by the first upload
 * write that reaches it and kept. Only a write that found no item puts its record in the group, so a supplier the
 * group does not hold (first stored by the API, say) has its first record beside it, as every later one.
 */
export const NEW_IN_ATTRIBUTE = 'newIn';

/** The attribute that tells a group's index entry from a single record's. */
export const GROUP_ATTRIBUTE = 'group';

/**
 * Quality 10, not 11: on the store bench's chunks (~125 KB of JSON) 11 takes ~3x the CPU (~470 against ~150 ms a chunk
 * on a loaded machine) for 3% fewer bytes (6.95 against 7.05 write units a group); 9 and below lose ~10%. The CPU a
 * chunk spends at 11 costs more than the write units it saves.
 */
const COMPRESSION = {
  params: {
    [constants.BROTLI_PARAM_QUALITY]: 10,
    [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
  },
} as const;

/** Where a chunk's group lives. */
export interface GroupKey {
  tenant: string;
  batchId: string;
  chunk: number;
}

const encodeGroup = (records: readonly ChangeRecord[]): Uint8Array =>
  brotliCompressSync(JSON.stringify(records), COMPRESSION);

export const decodeGroup = (value: unknown): ChangeRecord[] =>
  JSON.parse(brotliDecompressSync(value as Uint8Array).toString('utf8')) as ChangeRecord[];

/** The item of one part of a group, with its `changes` index entry (recorded now, on one shard of the tenant's). */
function groupItem(key: GroupKey, part: number, records: readonly ChangeRecord[], recordedAt: string) {
  const { changes } = TABLE.indexes;
  return {
    pk: batchPk(key.tenant, key.batchId),
    sk: changeGroupSk(key.chunk, part),
    [changes.partitionKey]: changesShardPk(key.tenant, shardOf(`${key.batchId}#${key.chunk}`, changes.shards)),
    [changes.sortKey]: changesGroupSk(recordedAt, key.batchId, key.chunk, part),
    tenant: key.tenant,
    [GROUP_ATTRIBUTE]: encodeGroup(records),
    [TABLE.ttlAttribute]: Math.floor(Date.parse(recordedAt) / 1000) + CHANGE_LOG.retentionDays * DAY_SECONDS,
  };
}

/**
 * Every part of a chunk's group, in part order: read one by one (a group has one part unless a delivery failed
 * halfway), as the score function's role may read any item but query only the policy partition.
 */
export async function readGroupParts(
  doc: DynamoDBDocumentClient,
  tableName: string,
  key: GroupKey,
): Promise<ChangeRecord[][]> {
  const parts: ChangeRecord[][] = [];
  for (;;) {
    const r = await doc.send(
      new GetCommand({
        TableName: tableName,
        Key: { pk: batchPk(key.tenant, key.batchId), sk: changeGroupSk(key.chunk, parts.length) },
        ProjectionExpression: '#g',
        ExpressionAttributeNames: { '#g': GROUP_ATTRIBUTE },
        ConsistentRead: true,
      }),
    );
    if (!r.Item) return parts;
    parts.push(decodeGroup(r.Item[GROUP_ATTRIBUTE]));
  }
}

/**
 * Writes the chunk's records that no part of its group holds yet (in a new part); returns how many it wrote. Usually
 * one conditional put: the first delivery's. A redelivery's put finds that part and reads it.
 */
export async function putChangeGroup(
  doc: DynamoDBDocumentClient,
  tableName: string,
  key: GroupKey,
  records: readonly ChangeRecord[],
  now: () => Date = () => new Date(),
): Promise<number> {
  if (records.length === 0) return 0;
  let part = 0;
  let missing = [...records];
  for (;;) {
    try {
      await doc.send(
        new PutCommand({
          TableName: tableName,
          Item: groupItem(key, part, missing, now().toISOString()),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return missing.length;
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
    }
    // Another delivery wrote this part: keep only what no part holds, and try the next free part.
    const parts = await readGroupParts(doc, tableName, key);
    const held = new Set(parts.flat().map((r) => r.changeId));
    missing = missing.filter((r) => !held.has(r.changeId));
    if (missing.length === 0) return 0;
    part = parts.length;
  }
}

const sequenceOf = (r: ChangeRecord) => Number(r.changeId.slice(r.changeId.lastIndexOf('@') + 1));

/**
 * A group's records as the feed lists them: each under the index key it would have alone (the group's recorded time,
 * its supplier and sequence), in key order.
 */
export function groupEntries(groupSk: string, value: unknown): { sk: string; record: ChangeRecord }[] {
  const recordedAt = changesSkTime(groupSk).slice(0, -1);
  return decodeGroup(value)
    .map((record) => ({ sk: changesSk(recordedAt, record.supplierId, sequenceOf(record)), record }))
    .sort((a, b) => compareKeyBytes(a.sk, b.sk));
}
