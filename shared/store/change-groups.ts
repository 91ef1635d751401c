/**
 * Change groups on DynamoDB (issue 12): the records of the suppliers one scored chunk stored for the first time, in
 * one item of the tenant's feed partition (T#{tenant}#CHG#{shard} / {recordedAt}#*G#{batchId}#{chunk}#{part}, keys.ts),
 * instead of one item per supplier. A new supplier's record alone is ~1.6 KB of JSON, 2 write units with its `changes`
 * index entry even compressed; ~64 of them compress together to ~6 KB (their drivers' wording repeats), and the group
 * is a base-table item without the index's attributes, so a chunk's records cost ~0.12 units a supplier. The feed
 * reads these partitions beside the index (change-log.ts).
 *
 * Exactly once without transactions, as single records are: the group is derived from what the chunk's writes stored
 * (a redelivery derives the same records from the stored items), and its key is fixed by the chunk and the time its
 * delivery chose before its supplier writes, kept on each supplier's `newIn`: writing it again is a no-op. A delivery
 * that stored only some suppliers writes the group of those; the next delivery finds that part and writes a further
 * part with only the records no part holds, each part conditional on its own key. A part is written only while its
 * time is fresh (the feed's settle window must still cover it); past that, the group is closed by a last part holding
 * nothing, and what no part holds is written as single records beside its suppliers, at the time they are written.
 */
import { brotliCompressSync, brotliDecompressSync, constants } from 'node:zlib';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { ChangeRecord } from '../changes/change-record.ts';
import { CHANGE_LOG } from '../changes/port.ts';
import { putChangeRecord } from './change-log.ts';
import { changeGroupKey, changesSk, changesSkTime, compareKeyBytes } from './keys.ts';
import { TABLE } from './table.ts';

const sequenceOf = (r: ChangeRecord) => Number(r.changeId.slice(r.changeId.lastIndexOf('@') + 1));

const DAY_SECONDS = 24 * 3600;

/**
 * On a supplier item: the chunk whose group may hold its first record (`changeGroupRef`), set by the first upload
 * write that reaches it and kept. Only a write that found no item puts its record in the group, so a supplier the
 * group does not hold (first stored by the API, say) has its first record beside it, as every later one.
 */
export const NEW_IN_ATTRIBUTE = 'newIn';

/** The attribute holding a group's records (compressed JSON); a closing part has none. */
export const GROUP_ATTRIBUTE = 'group';
const CLOSED_ATTRIBUTE = 'closed';

/**
 * How long after its chosen time a part may still be written: half the feed's settle window, so a part lands before
 * any reader passes its time (the put itself takes milliseconds; a delivery slower than this, or a redelivery, falls
 * back to single records).
 */
export const GROUP_FRESH_MS = CHANGE_LOG.settleMs / 2;

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

/** Where a chunk's group lives: the chunk, and the time its first writer chose (the records' recorded time). */
export interface GroupKey {
  tenant: string;
  batchId: string;
  chunk: number;
  recordedAt: string;
}

const encodeGroup = (records: readonly ChangeRecord[]): Uint8Array =>
  brotliCompressSync(JSON.stringify(records), COMPRESSION);

export const decodeGroup = (value: unknown): ChangeRecord[] =>
  JSON.parse(brotliDecompressSync(value as Uint8Array).toString('utf8')) as ChangeRecord[];

const partKey = (key: GroupKey, part: number) =>
  changeGroupKey(key.tenant, key.batchId, key.chunk, key.recordedAt, part);

/** The item of one part of a group (no index attributes: the feed reads it from the base table); null closes it. */
function groupItem(key: GroupKey, part: number, records: readonly ChangeRecord[] | null) {
  return {
    ...partKey(key, part),
    tenant: key.tenant,
    ...(records ? { [GROUP_ATTRIBUTE]: encodeGroup(records) } : { [CLOSED_ATTRIBUTE]: true }),
    [TABLE.ttlAttribute]: Math.floor(Date.parse(key.recordedAt) / 1000) + CHANGE_LOG.retentionDays * DAY_SECONDS,
  };
}

/**
 * Every part of a chunk's group, in part order, and whether a closing part ends it: read one by one (a group has one
 * part unless a delivery failed halfway), as the score function's role may read any item but query only the policy
 * partition.
 */
export async function readGroupParts(
  doc: DynamoDBDocumentClient,
  tableName: string,
  key: GroupKey,
): Promise<{ parts: ChangeRecord[][]; closed: boolean }> {
  const parts: ChangeRecord[][] = [];
  for (;;) {
    const r = await doc.send(
      new GetCommand({
        TableName: tableName,
        Key: partKey(key, parts.length),
        ProjectionExpression: '#g, #c',
        ExpressionAttributeNames: { '#g': GROUP_ATTRIBUTE, '#c': CLOSED_ATTRIBUTE },
        ConsistentRead: true,
      }),
    );
    if (!r.Item) return { parts, closed: false };
    if (r.Item[CLOSED_ATTRIBUTE] === true) return { parts, closed: true };
    parts.push(decodeGroup(r.Item[GROUP_ATTRIBUTE]));
  }
}

/**
 * Writes the chunk's records that no part of its group holds yet (in a new part, or once the group's time is past
 * GROUP_FRESH_MS, as single records after closing the group); returns how many it wrote. Usually one conditional put:
 * the first delivery's. A redelivery's put finds that part and reads it.
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
  let closed = false;
  while (!closed) {
    const fresh = now().getTime() - Date.parse(key.recordedAt) < GROUP_FRESH_MS;
    try {
      await doc.send(
        new PutCommand({
          TableName: tableName,
          Item: groupItem(key, part, fresh ? missing : null),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      if (fresh) return missing.length;
      closed = true;
      break;
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
    }
    // Another delivery wrote this part: keep only what no part holds, and try the next free part.
    const read = await readGroupParts(doc, tableName, key);
    const held = new Set(read.parts.flat().map((r) => r.changeId));
    missing = missing.filter((r) => !held.has(r.changeId));
    if (missing.length === 0) return 0;
    part = read.parts.length;
    closed = read.closed;
  }
  // Closed: no part will be added, so these records are nowhere else; each single record is exactly once by its key.
  let written = 0;
  for (const r of missing) if (await putChangeRecord(doc, tableName, r, sequenceOf(r), now())) written++;
  return written;
}

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
