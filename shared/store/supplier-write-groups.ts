/**
 * The change groups of the supplier write path (supplier-writes.ts): which group each write's record goes to (an
 * upload chunk's for its new suppliers, a rescore page's for its moved ones), writing them after the writes, and
 * writing again the groups a dead rescore turn left unwritten. The groups themselves are change-groups.ts's.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { ChangeCause, ChangeRecord, ChangeSide } from '../changes/change-record.ts';
import type { ScoredSupplier } from '../model/types.ts';
import {
  type GroupContent,
  LAST_IN_ATTRIBUTE,
  NEW_IN_ATTRIBUTE,
  PREV_IN_ATTRIBUTE,
  putChangeGroup,
} from './change-groups.ts';
import { ChangeGroupWriteError } from './errors.ts';
import {
  type PageOrigin,
  parseChangeGroupRef,
  parsePageGroupRef,
  rescoreRunTag,
  SUPPLIER_SK,
  supplierPk,
} from './keys.ts';
import { settleLimit } from './settle-limit.ts';
import { CHANGE_ATTRIBUTES, changeOfItem, GROUPED_CAUSE } from './supplier-changes.ts';
import { isPageOfSegment, type PageWrites } from './supplier-port.ts';

/** Reads of items this many at a time (as the writes: supplier-writes.ts PUT_CONCURRENCY). */
const READ_CONCURRENCY = 16;

/** The group refs a supplier item may carry (change-groups.ts). */
export const STORED_REFS = [NEW_IN_ATTRIBUTE, LAST_IN_ATTRIBUTE, PREV_IN_ATTRIBUTE].join(', ');

export const pageOrigin = (p: PageWrites): PageOrigin => ({
  kind: 'page',
  run: rescoreRunTag(p.runId),
  segment: p.segment,
  page: p.page,
});

/** Records and links bound for groups, by the ref of the group each belongs to. */
export class GroupedChanges {
  readonly byRef = new Map<string, GroupContent>();
  private of(ref: string): GroupContent {
    let c = this.byRef.get(ref);
    if (!c) {
      c = { records: [], links: new Map() };
      this.byRef.set(ref, c);
    }
    return c;
  }
  add(ref: string, supplierId: string, record: ChangeRecord | null, prevIn: unknown = '') {
    const c = this.of(ref);
    if (record) c.records.push(record);
    if (typeof prevIn === 'string' && prevIn !== '') c.links.set(supplierId, prevIn);
  }
}

/** Writes each group's entries that no part of it holds yet; a failure is a ChangeGroupWriteError (retry the call). */
export async function putGroups(
  doc: DynamoDBDocumentClient,
  tableName: string,
  tenant: string,
  grouped: GroupedChanges,
): Promise<void> {
  try {
    for (const [ref, content] of grouped.byRef) {
      const at = parseChangeGroupRef(ref) ?? parsePageGroupRef(ref);
      if (at) await putChangeGroup(doc, tableName, { tenant, ...at }, content);
    }
  } catch (err) {
    throw new ChangeGroupWriteError(err);
  }
}

/** A supplier item's change attributes and group refs, read strongly (null if there is none). */
async function storedChange(
  doc: DynamoDBDocumentClient,
  tableName: string,
  tenant: string,
  supplierId: string,
): Promise<Record<string, unknown> | null> {
  const r = await doc.send(
    new GetCommand({
      TableName: tableName,
      Key: { pk: supplierPk(tenant, supplierId), sk: SUPPLIER_SK },
      ProjectionExpression: `tenant, supplierId, deletedAt, updatedAt, ${STORED_REFS}, ${CHANGE_ATTRIBUTES.join(', ')}`,
      ConsistentRead: true,
    }),
  );
  return r.Item ?? null;
}

/**
 * The records a rescore page's writes made that its group may not hold: a turn that died after its supplier writes
 * and before its group. Its segment's next turn scans the same suppliers again, finds them stored and naming this
 * segment (`lastIn`), and hands them here with the result each was written with (its drivers' wording) and the
 * run's cause. Writes what no part of their groups holds; returns the records (to count and publish again).
 */
export async function recordUngrouped(
  doc: DynamoDBDocumentClient,
  tableName: string,
  tenant: string,
  page: PageWrites,
  found: readonly { supplierId: string; result: ScoredSupplier }[],
  cause: (before: ChangeSide | null) => ChangeCause,
): Promise<ChangeRecord[]> {
  const grouped = new GroupedChanges();
  const records: ChangeRecord[] = [];
  const stored = await settleLimit(found, READ_CONCURRENCY, (f) =>
    storedChange(doc, tableName, tenant, f.supplierId).then((item) => ({ item, f })),
  );
  for (const s of stored) {
    if (s.status === 'rejected') throw s.reason;
    const { item, f } = s.value;
    const ref = item?.[LAST_IN_ATTRIBUTE];
    if (!item || item.changeCause !== GROUPED_CAUSE || typeof ref !== 'string' || !isPageOfSegment(ref, page)) continue;
    const change = changeOfItem(item, f.result, cause);
    grouped.add(ref, f.supplierId, change?.record ?? null, item[PREV_IN_ATTRIBUTE]);
    if (change) records.push(change.record);
  }
  await putGroups(doc, tableName, tenant, grouped);
  return records;
}
