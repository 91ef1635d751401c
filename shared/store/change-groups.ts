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
 * part with only the records no part holds, each part conditional on its own key. A part is written at the group's
 * time only while the feed's settle window still covers it; past that (a slow delivery, a redelivery), the part's key
 * holds a pointer and its records are written at the time they are written, where the pointer says.
 */
import { brotliCompressSync, brotliDecompressSync, constants } from 'node:zlib';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { ChangeRecord } from '../changes/change-record.ts';
import { CHANGE_LOG } from '../changes/port.ts';
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

/** The attribute holding a group's records (compressed JSON). */
export const GROUP_ATTRIBUTE = 'group';
/** On a part written late: the time of the item that holds its records instead (a pointer, no records). */
const MOVED_ATTRIBUTE = 'movedTo';

/**
 * How long after the group's chosen time a part may still be written at it: half the feed's settle window, so the
 * part lands before any reader passes its time (the put itself takes milliseconds). Later (a slow delivery, a
 * redelivery), the part at that time is a pointer to its records, written at the time they are written.
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

const partKey = (key: GroupKey, part: number, at = key.recordedAt) =>
  changeGroupKey(key.tenant, key.batchId, key.chunk, at, part);

const expiresAt = (recordedAt: string) =>
  Math.floor(Date.parse(recordedAt) / 1000) + CHANGE_LOG.retentionDays * DAY_SECONDS;

/** One part's item (no index attributes: the feed reads it from the base table): records, a pointer, or nothing. */
function partItem(key: GroupKey, part: number, at: string, body: Record<string, unknown>) {
  return { ...partKey(key, part, at), tenant: key.tenant, ...body, [TABLE.ttlAttribute]: expiresAt(at) };
}

/** Puts an item unless its key is taken (false then). */
async function putNew(doc: DynamoDBDocumentClient, tableName: string, item: Record<string, unknown>) {
  try {
    await doc.send(
      new PutCommand({ TableName: tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }),
    );
    return true;
  } catch (err) {
    if (err instanceof ConditionalCheckFailedException) return false;
    throw err;
  }
}

async function getPart(doc: DynamoDBDocumentClient, tableName: string, key: { pk: string; sk: string }) {
  const r = await doc.send(
    new GetCommand({
      TableName: tableName,
      Key: key,
      ProjectionExpression: '#g, #m',
      ExpressionAttributeNames: { '#g': GROUP_ATTRIBUTE, '#m': MOVED_ATTRIBUTE },
      ConsistentRead: true,
    }),
  );
  return r.Item;
}

/**
 * Every part of a chunk's group, in part order: read one by one (a group has one part unless a delivery failed
 * halfway), as the score function's role may read any item but query only the policy partition. A pointer's records
 * are read where it points. A writer (`settle`) that finds a pointer whose records are not there yet (their writer
 * died, or is late) settles it: an empty item at that key, unless the records land first; a reader counts it empty.
 */
export async function readGroupParts(
  doc: DynamoDBDocumentClient,
  tableName: string,
  key: GroupKey,
  settle = false,
): Promise<ChangeRecord[][]> {
  const parts: ChangeRecord[][] = [];
  for (;;) {
    const item = await getPart(doc, tableName, partKey(key, parts.length));
    if (!item) return parts;
    let records = item[GROUP_ATTRIBUTE];
    if (records === undefined && typeof item[MOVED_ATTRIBUTE] === 'string') {
      const moved = partItem(key, parts.length, item[MOVED_ATTRIBUTE], {});
      const target = await getPart(doc, tableName, { pk: moved.pk, sk: moved.sk });
      records = target?.[GROUP_ATTRIBUTE];
      if (!target && settle && !(await putNew(doc, tableName, moved)))
        records = (await getPart(doc, tableName, { pk: moved.pk, sk: moved.sk }))?.[GROUP_ATTRIBUTE];
    }
    parts.push(records === undefined ? [] : decodeGroup(records));
  }
}

/**
 * Writes the chunk's records that no part of its group holds yet, in a new part; returns how many it wrote. Usually
 * one conditional put: the first delivery's, at the group's time. Later than GROUP_FRESH_MS, a pointer at the part's
 * key, then the records at the time they are written. A redelivery's put finds the part and reads it.
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
    const at = now();
    const body = () => ({ [GROUP_ATTRIBUTE]: encodeGroup(missing) });
    if (at.getTime() - Date.parse(key.recordedAt) < GROUP_FRESH_MS) {
      if (await putNew(doc, tableName, partItem(key, part, key.recordedAt, body()))) return missing.length;
    } else {
      // The pointer claims the part first: a writer that finds it without its records settles it empty, so the
      // records land at most once, where the pointer says.
      const movedTo = at.toISOString();
      if (await putNew(doc, tableName, partItem(key, part, key.recordedAt, { [MOVED_ATTRIBUTE]: movedTo }))) {
        if (await putNew(doc, tableName, partItem(key, part, movedTo, body()))) return missing.length;
      }
    }
    // Another delivery wrote this part: keep only what no part holds, and try the next free part.
    const parts = await readGroupParts(doc, tableName, key, true);
    const held = new Set(parts.flat().map((r) => r.changeId));
    missing = missing.filter((r) => !held.has(r.changeId));
    if (missing.length === 0) return 0;
    part = parts.length;
  }
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
