/**
 * Change groups on DynamoDB (issue 12): the records of the suppliers one scored chunk stored for the first time, or
 * one rescore page moved, in one item of the tenant's feed partition (T#{tenant}#CHG#{shard} / {recordedAt}#*G#… or
 * #*R#…, keys.ts), instead of one item per supplier. A record alone is ~1.6 KB of JSON, 2 write units with its
 * `changes` index entry even compressed; ~64 of them compress together to ~6 KB (their drivers' wording repeats), and
 * the group is a base-table item without the index's attributes, so a chunk's records cost ~0.12 units a supplier. The
 * feed reads these partitions beside the index (change-log.ts).
 *
 * Exactly once without transactions, as single records are: the group is derived from what the writes stored (a
 * redelivery derives the same records from the stored items), and its key is fixed by its origin and the time its
 * writer chose before its supplier writes, kept on each supplier (`newIn`, `lastIn`): writing it again is a no-op. A
 * delivery that stored only some suppliers writes the group of those; the next delivery finds that part and writes a
 * further part with only the entries no part holds, each part conditional on its own key. A part is written at the
 * group's time only while the feed's settle window still covers it; past that (a slow delivery, a redelivery), the
 * part's key holds a pointer and its records are written at the time they are written, where the pointer says.
 *
 * A rescore page's group also holds its suppliers' links: where each one's previous grouped rescore record is (the
 * item's `prevIn` when written), so a supplier's history walks back from its item's `lastIn` (change-log.ts). A link
 * is kept even for a write that made no visible change, so the walk never breaks.
 *
 * Parts are created by a conditional UpdateItem, not a PutItem: the rescore worker's role may update any item but put
 * only its runs' (infra/stacks/rescore-worker.ts).
 */
import { brotliCompressSync, brotliDecompressSync, constants } from 'node:zlib';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ChangeRecord } from '../changes/change-record.ts';
import { CHANGE_LOG } from '../changes/port.ts';
import { changeGroupKey, changesSk, changesSkTime, compareKeyBytes, type GroupOrigin } from './keys.ts';
import { TABLE } from './table.ts';

export const sequenceOf = (r: ChangeRecord) => Number(r.changeId.slice(r.changeId.lastIndexOf('@') + 1));

const DAY_SECONDS = 24 * 3600;

/**
 * On a supplier item: the chunk whose group may hold its first record (`changeGroupRef`), set by the first upload
 * write that reaches it and kept. Only a write that found no item puts its record in the group, so a supplier the
 * group does not hold (first stored by the API, say) has its first record beside it, as every later one.
 */
export const NEW_IN_ATTRIBUTE = 'newIn';

/**
 * On a supplier item: the rescore page group holding its latest rescore record (`pageGroupRef`), and the one the
 * write before it named (copied server-side by the same UpdateItem; '' for none). Set only by a rescore page's write.
 */
export const LAST_IN_ATTRIBUTE = 'lastIn';
export const PREV_IN_ATTRIBUTE = 'prevIn';

/** The attribute holding a group's records (compressed JSON). */
export const GROUP_ATTRIBUTE = 'group';
/** A page group's links (compressed JSON: [supplierId, prevIn][]), for the suppliers that have an earlier one. */
const LINKS_ATTRIBUTE = 'links';
/** On a part written late: the time of the item that holds its records instead (a pointer, no records). */
const MOVED_ATTRIBUTE = 'movedTo';

/** Most groups a history walks back through for one supplier: the records' retention bounds it long before this. */
export const MAX_GROUP_HOPS = 1_000;

/**
 * How long after the group's chosen time a part may still be written at it: half the feed's settle window, so the
 * part lands before any reader passes its time (the put itself takes milliseconds). Later (a slow delivery, a
 * redelivery), the part at that time is a pointer to its records, written at the time they are written.
 */
export const GROUP_FRESH_MS = CHANGE_LOG.settleMs / 2;

/**
 * Brotli quality by what a group collects. An upload chunk's group (~125 KB of JSON on the store bench): 10, not 11,
 * which takes ~3x the CPU (~470 against ~150 ms a chunk on a loaded machine) for 3% fewer bytes (6.95 against 7.05
 * write units a group); 9 and below lose ~10%. A rescore page's group holds a page's moved suppliers of one tenant
 * (about 9 records on the policy bench, 1–2 KB compressed): 5, several times faster than 10 (its compression was 16% of
 * the policy run's CPU at 10) for ~10% more bytes, which at this size rarely reaches another write unit (1 KB each).
 */
const brotliText = (quality: number) => ({
  params: { [constants.BROTLI_PARAM_QUALITY]: quality, [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT },
});
const COMPRESSION: Record<GroupOrigin['kind'], ReturnType<typeof brotliText>> = {
  chunk: brotliText(10),
  page: brotliText(5),
};

/** Where a group lives: its origin, and the time its first writer chose (the records' recorded time). */
export interface GroupKey {
  tenant: string;
  origin: GroupOrigin;
  recordedAt: string;
}

/** What a group (or one part of it) holds: records, and a page group's links (supplierId → its `prevIn`). */
export interface GroupContent {
  records: ChangeRecord[];
  links: Map<string, string>;
}

const compress = (value: unknown, kind: GroupOrigin['kind']): Uint8Array =>
  brotliCompressSync(JSON.stringify(value), COMPRESSION[kind]);
const expand = (value: unknown): unknown => JSON.parse(brotliDecompressSync(value as Uint8Array).toString('utf8'));

export const decodeGroup = (value: unknown): ChangeRecord[] => expand(value) as ChangeRecord[];

function bodyOf(content: GroupContent, kind: GroupOrigin['kind']): Record<string, unknown> {
  const body: Record<string, unknown> = { [GROUP_ATTRIBUTE]: compress(content.records, kind) };
  if (content.links.size > 0) body[LINKS_ATTRIBUTE] = compress([...content.links], kind);
  return body;
}

const partKey = (key: GroupKey, part: number, at = key.recordedAt) => changeGroupKey(key.tenant, key.origin, at, part);

const expiresAt = (recordedAt: string) =>
  Math.floor(Date.parse(recordedAt) / 1000) + CHANGE_LOG.retentionDays * DAY_SECONDS;

/** One part's item (no index attributes: the feed reads it from the base table): records, a pointer, or nothing. */
function partItem(key: GroupKey, part: number, at: string, body: Record<string, unknown>) {
  return { ...partKey(key, part, at), tenant: key.tenant, ...body, [TABLE.ttlAttribute]: expiresAt(at) };
}

/** Creates an item unless its key is taken (false then): an UpdateItem, so both workers' roles may do it. */
async function putNew(doc: DynamoDBDocumentClient, tableName: string, item: Record<string, unknown>) {
  const { pk, sk, ...attributes } = item;
  const names = Object.keys(attributes);
  try {
    await doc.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { pk, sk },
        UpdateExpression: `SET ${names.map((_, i) => `#a${i} = :a${i}`).join(', ')}`,
        ConditionExpression: 'attribute_not_exists(pk)',
        ExpressionAttributeNames: Object.fromEntries(names.map((n, i) => [`#a${i}`, n])),
        ExpressionAttributeValues: Object.fromEntries(names.map((n, i) => [`:a${i}`, attributes[n]])),
      }),
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
      ProjectionExpression: '#g, #l, #m',
      ExpressionAttributeNames: { '#g': GROUP_ATTRIBUTE, '#l': LINKS_ATTRIBUTE, '#m': MOVED_ATTRIBUTE },
      ConsistentRead: true,
    }),
  );
  return r.Item;
}

const contentOf = (item: Record<string, unknown> | undefined): GroupContent => ({
  records: item?.[GROUP_ATTRIBUTE] === undefined ? [] : decodeGroup(item[GROUP_ATTRIBUTE]),
  links: new Map(item?.[LINKS_ATTRIBUTE] === undefined ? [] : (expand(item[LINKS_ATTRIBUTE]) as [string, string][])),
});

/**
 * Every part of a group, in part order: read one by one (a group has one part unless a delivery failed halfway), as
 * the score function's role may read any item but query only the policy partition. A pointer's records are read
 * where it points. A writer (`settle`) that finds a pointer whose records are not there yet (their writer died, or is
 * late) settles it: an empty item at that key, unless the records land first; a reader counts it empty.
 */
export async function readGroupParts(
  doc: DynamoDBDocumentClient,
  tableName: string,
  key: GroupKey,
  settle = false,
): Promise<GroupContent[]> {
  const parts: GroupContent[] = [];
  for (;;) {
    let item = await getPart(doc, tableName, partKey(key, parts.length));
    if (!item) return parts;
    if (item[GROUP_ATTRIBUTE] === undefined && typeof item[MOVED_ATTRIBUTE] === 'string') {
      const moved = partItem(key, parts.length, item[MOVED_ATTRIBUTE], {});
      item = await getPart(doc, tableName, { pk: moved.pk, sk: moved.sk });
      if (!item && settle && !(await putNew(doc, tableName, moved)))
        item = await getPart(doc, tableName, { pk: moved.pk, sk: moved.sk });
    }
    parts.push(contentOf(item));
  }
}

/**
 * Writes what no part of the group holds yet (records by change id, links by supplier), in a new part; returns how
 * many records it wrote. Usually one conditional write: the first delivery's, at the group's time. Later than
 * GROUP_FRESH_MS, a pointer at the part's key, then the content at the time it is written. A redelivery's write finds
 * the part and reads it.
 */
export async function putChangeGroup(
  doc: DynamoDBDocumentClient,
  tableName: string,
  key: GroupKey,
  content: GroupContent | readonly ChangeRecord[],
  now: () => Date = () => new Date(),
): Promise<number> {
  let missing: GroupContent =
    'records' in content
      ? { records: [...content.records], links: new Map(content.links) }
      : {
          records: [...content],
          links: new Map(),
        };
  let part = 0;
  for (;;) {
    if (missing.records.length === 0 && missing.links.size === 0) return 0;
    const at = now();
    if (at.getTime() - Date.parse(key.recordedAt) < GROUP_FRESH_MS) {
      if (await putNew(doc, tableName, partItem(key, part, key.recordedAt, bodyOf(missing, key.origin.kind))))
        return missing.records.length;
    } else {
      // The pointer claims the part first: a writer that finds it without its records settles it empty, so the
      // records land at most once, where the pointer says.
      const movedTo = at.toISOString();
      if (await putNew(doc, tableName, partItem(key, part, key.recordedAt, { [MOVED_ATTRIBUTE]: movedTo }))) {
        if (await putNew(doc, tableName, partItem(key, part, movedTo, bodyOf(missing, key.origin.kind))))
          return missing.records.length;
      }
    }
    // Another delivery wrote this part: keep only what no part holds, and try the next free part.
    const parts = await readGroupParts(doc, tableName, key, true);
    const held = new Set(parts.flatMap((p) => p.records.map((r) => r.changeId)));
    const linked = new Set(parts.flatMap((p) => [...p.links.keys()]));
    missing = {
      records: missing.records.filter((r) => !held.has(r.changeId)),
      links: new Map([...missing.links].filter(([id]) => !linked.has(id))),
    };
    part = parts.length;
  }
}

/** Where a supplier's entry in a group is: its record (if the write made one) and its link to the one before. */
export function entryOf(parts: readonly GroupContent[], supplierId: string) {
  let record: ChangeRecord | null = null;
  let prevIn: string | null = null;
  for (const p of parts) {
    record ??= p.records.find((r) => r.supplierId === supplierId) ?? null;
    prevIn ??= p.links.get(supplierId) ?? null;
  }
  return { record, prevIn };
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
