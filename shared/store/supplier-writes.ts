/**
 * The supplier write path on DynamoDB: upserts, rescores and deletes, each one conditional single-item UpdateItem
 * (no transactions), each followed by the change record it made (supplier-changes.ts, change-log.ts); an upload
 * chunk's first-time suppliers' records, and a rescore page's moved suppliers', go in one change group after the
 * writes (supplier-write-groups.ts, change-groups.ts).
 */
import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ChangeCause, ChangeRecord } from '../changes/change-record.ts';
import { inputRows } from '../model/input-rows.ts';
import { LAST_IN_ATTRIBUTE, NEW_IN_ATTRIBUTE, PREV_IN_ATTRIBUTE } from './change-groups.ts';
import { putChangeRecord } from './change-log.ts';
import { changeGroupRef, pageGroupRef, parseChangeGroupRef, SUPPLIER_SK, supplierPk } from './keys.ts';
import { contributionChange } from './portfolio-aggregates-contribution.ts';
import { settleLimit } from './settle-limit.ts';
import {
  CHANGE_ATTRIBUTES,
  changeClauses,
  changeOfItem,
  changeOfWrite,
  defaultCause,
  GROUPED_CAUSE,
} from './supplier-changes.ts';
import { holdsInput, INPUT_ATTRIBUTE, LEGACY_ATTRIBUTES, toItem } from './supplier-items.ts';
import {
  type DeleteOutcome,
  emptyPutScoredResult,
  isPageOfSegment,
  PartialWriteError,
  type PutScoredResult,
  type ScoredWrite,
  type SupplierWrites,
  type WriteMode,
  type WriteOptions,
} from './supplier-port.ts';
import { GroupedChanges, pageOrigin, putGroups, recordUngrouped, STORED_REFS } from './supplier-write-groups.ts';

/** Concurrent conditional puts per chunk: enough to hide latency, few enough not to burst a partition. */
export const PUT_CONCURRENCY = 16;

const nowIso = () => new Date().toISOString();

/** Whether a stored `newIn` names this chunk's group (chosen by this delivery or an earlier one). */
function sameGroup(ref: string, group: { batchId: string; chunk: number }): boolean {
  const key = parseChangeGroupRef(ref);
  return key !== null && key.origin.batchId === group.batchId && key.origin.chunk === group.chunk;
}

/** What a tombstone does not keep (its change attributes stay: the next write derives its change from them). */
const TOMBSTONE_REMOVES = [
  'input',
  INPUT_ATTRIBUTE,
  'result',
  'summary',
  'score',
  'band',
  'asOf',
  'modelVersion',
  'dataVersion',
  'minerals',
  'countries',
  'nextChangeDate',
  'batchId',
  'updatedAt',
  'gsi1pk',
  'gsi1sk',
  'gsi2pk',
  'gsi2sk',
];

export class DynamoDbSupplierWrites implements SupplierWrites {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  async putScored(
    tenant: string,
    mode: WriteMode,
    items: ScoredWrite[],
    options: WriteOptions = {},
  ): Promise<PutScoredResult> {
    const { signal, changes } = options;
    const send = signal ? { abortSignal: signal } : {};
    // An upload chunk's first-time suppliers, or a rescore page's moved ones: their records go in one change group.
    const batchId = items[0]?.batchId ?? null;
    // Its time is chosen now, before the writes, and kept on each supplier (`newIn`, `lastIn`): it fixes the group's key.
    const groupAt = Date.now();
    const group =
      mode === 'upsert' && options.group && batchId !== null && items.every((x) => x.batchId === batchId)
        ? { tenant, batchId, chunk: options.group.chunk, ref: changeGroupRef(batchId, options.group.chunk, groupAt) }
        : null;
    const page = mode === 'rescore' && options.page ? pageOrigin(options.page) : null;
    const pageRef = page ? pageGroupRef(page, groupAt) : null;
    // By group ref: a redelivery's records belong to the group the delivery that first stored them chose.
    const grouped = new GroupedChanges();
    const outcomes = await settleLimit(
      items,
      PUT_CONCURRENCY,
      async (x) => {
        const cause = x.cause ?? defaultCause(x.batchId);
        const at = nowIso();
        const rows = inputRows(x.input);
        // A rescore page groups the writes its caller expects to move what a buyer sees; another write (a new release
        // with the same score, say) keeps its record, if it makes one, beside its supplier.
        const inPage = pageRef !== null && x.moved === true ? pageRef : undefined;
        let old: Record<string, unknown> | undefined;
        try {
          const command =
            mode === 'rescore'
              ? this.rescoreUpdate(tenant, x, cause, at, inPage)
              : this.upsertUpdate(tenant, x, cause, at, group?.ref);
          old = (await this.doc.send(command, send)).Attributes;
        } catch (err) {
          if (!(err instanceof ConditionalCheckFailedException)) throw err;
          // What this message carries is already stored: an earlier delivery of it wrote it (and may have died
          // before counting it, or before writing its change record). It counts as stored, and is not written again.
          const stored = await this.alreadyStored(tenant, mode, x);
          if (!stored) return { stored: false, rows };
          if (stored.changeCause === GROUPED_CAUSE) {
            // A rescore page's write: its record is that page's group's, derived here only by the same segment.
            const ref = stored[LAST_IN_ATTRIBUTE];
            if (options.page && typeof ref === 'string' && isPageOfSegment(ref, options.page)) {
              const change = changeOfItem(stored, x.result, cause);
              grouped.add(ref, x.input.supplierId, change?.record ?? null, stored[PREV_IN_ATTRIBUTE]);
              if (change) changes?.push(change.record);
            }
            return { stored: true, rows };
          }
          // The first write of the item, by this chunk: its record belongs to the chunk's group.
          const storedRef = typeof stored[NEW_IN_ATTRIBUTE] === 'string' ? stored[NEW_IN_ATTRIBUTE] : '';
          const first = group !== null && stored.changeSeq === 1 && sameGroup(storedRef, group);
          const change = changeOfItem(stored, x.result);
          if (first && change) grouped.add(storedRef, x.input.supplierId, change.record);
          else await this.recordChange(change, undefined);
          if (change) changes?.push(change.record);
          return { stored: true, rows };
        }
        const change = changeOfWrite({ tenant, supplierId: x.input.supplierId, old, after: x.result, cause, at });
        const groupRef = inPage ?? (group !== null && old === undefined ? group.ref : null);
        if (groupRef !== null)
          grouped.add(groupRef, x.input.supplierId, change?.record ?? null, inPage ? old?.[LAST_IN_ATTRIBUTE] : '');
        else await this.recordChange(change, undefined);
        if (change) changes?.push(change.record);
        options.contributions?.push(contributionChange(x.input.supplierId, old, x.result));
        return { stored: true, rows };
      },
      signal,
    );
    // Also when some writes failed: the records of those that landed are kept now, the retry adds the others' part.
    // Not once the deadline has aborted the call: its caller must count what was written before the function ends,
    // and a group (compressing hundreds of records, finding its part) may not fit in that margin. The message's next
    // delivery, or its redrive from the DLQ after the last one, finds these suppliers stored and writes their group.
    if (!signal?.aborted) await putGroups(this.doc, this.tableName, tenant, grouped);
    const result = emptyPutScoredResult();
    let failed = 0;
    let firstError: unknown;
    for (const settled of outcomes) {
      if (settled.status === 'rejected') {
        failed++;
        firstError ??= settled.reason;
        continue;
      }
      const o = settled.value;
      if (o.stored) {
        result.stored++;
        result.rowsStored += o.rows;
      } else {
        result.superseded++;
        result.rowsSuperseded += o.rows;
      }
    }
    if (failed > 0) throw new PartialWriteError(result, failed, firstError);
    return result;
  }

  recordUngrouped(...a: Parameters<SupplierWrites['recordUngrouped']>): Promise<ChangeRecord[]> {
    return recordUngrouped(this.doc, this.tableName, ...a);
  }

  /** Writes a change's record beside its supplier (none: nothing to write), and hands it to `changes`. */
  private async recordChange(
    change: { record: ChangeRecord; sequence: number } | null,
    changes: ChangeRecord[] | undefined,
  ): Promise<void> {
    if (!change) return;
    await putChangeRecord(this.doc, this.tableName, change.record, change.sequence);
    changes?.push(change.record);
  }

  /**
   * An upsert replaces the whole item (a tombstone too) when its input is newer. An UpdateItem, not a PutItem, so
   * the stored summary can move to `prevSummary` in the same write (supplier-changes.ts).
   */
  private upsertUpdate(
    tenant: string,
    x: ScoredWrite,
    cause: ChangeCause,
    at: string,
    groupRef: string | undefined,
  ): UpdateCommand {
    const { pk, sk, ...attributes } = toItem(tenant, x, at);
    const absent = ['deletedAt', 'batchId', 'nextChangeDate', ...LEGACY_ATTRIBUTES].filter((k) => !(k in attributes));
    const change = changeClauses(x.result, cause, at);
    if (groupRef !== undefined) {
      // Where its first record is, if this write is its first (kept by every later write, a delete's too).
      change.set.push(`${NEW_IN_ATTRIBUTE} = if_not_exists(${NEW_IN_ATTRIBUTE}, :newIn)`);
      change.values[':newIn'] = groupRef;
    }
    return this.update({ pk, sk }, attributes, absent, change, {
      condition: 'attribute_not_exists(pk) OR inputVersion < :v',
      values: { ':v': x.inputVersion },
    });
  }

  /**
   * A rescore replaces the score of the very input it was computed from (same inputVersion) and keeps the input and
   * the upload it came from. The same score (same as-of date, model and data versions) is not written again.
   */
  private rescoreUpdate(
    tenant: string,
    x: ScoredWrite,
    cause: ChangeCause,
    at: string,
    pageRef: string | undefined,
  ): UpdateCommand {
    const item = toItem(tenant, x, at);
    const set: Record<string, unknown> = {
      asOf: item.asOf,
      modelVersion: item.modelVersion,
      dataVersion: item.dataVersion,
      updatedAt: item.updatedAt,
      gsi1sk: item.gsi1sk,
      contribution: item.contribution,
      ...(item.nextChangeDate ? { nextChangeDate: item.nextChangeDate } : {}),
    };
    const absent = [...(item.nextChangeDate ? [] : ['nextChangeDate']), ...LEGACY_ATTRIBUTES.slice(1)];
    const change = changeClauses(x.result, pageRef === undefined ? cause : GROUPED_CAUSE, at);
    if (pageRef !== undefined) {
      // Its record goes to the page's group; the group it names now is the one its previous grouped record is in.
      change.set.push(
        `${PREV_IN_ATTRIBUTE} = if_not_exists(${LAST_IN_ATTRIBUTE}, :noRef)`,
        `${LAST_IN_ATTRIBUTE} = :lastIn`,
      );
      change.values[':noRef'] = '';
      change.values[':lastIn'] = pageRef;
    }
    return this.update({ pk: item.pk, sk: item.sk }, set, absent, change, {
      condition:
        'inputVersion = :v AND NOT (#asOf = :asOf AND #modelVersion = :modelVersion AND #dataVersion = :dataVersion)',
      values: { ':v': x.inputVersion },
    });
  }

  /** One UpdateItem: SET `set` and the change clauses, REMOVE `remove`, on a condition; returns the item as it was. */
  private update(
    key: { pk: string; sk: string },
    set: Record<string, unknown>,
    removed: readonly string[],
    change: { set: string[]; values: Record<string, unknown>; remove: string[] },
    condition: { condition: string; values: Record<string, unknown> },
  ): UpdateCommand {
    const remove = [...new Set([...removed, ...change.remove])].filter((k) => !(k in set));
    const names = Object.fromEntries([...Object.keys(set), ...remove].map((k) => [`#${k}`, k]));
    const values = Object.fromEntries(Object.entries(set).map(([k, v]) => [`:${k}`, v]));
    const clauses = [...Object.keys(set).map((k) => `#${k} = :${k}`), ...change.set];
    return new UpdateCommand({
      TableName: this.tableName,
      Key: key,
      UpdateExpression: `SET ${clauses.join(', ')}${remove.length ? ` REMOVE ${remove.map((k) => `#${k}`).join(', ')}` : ''}`,
      ConditionExpression: condition.condition,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: { ...values, ...change.values, ...condition.values },
      ReturnValues: 'ALL_OLD',
    });
  }

  /**
   * The stored item if it already holds what this write carries (same upload version, or same rescore), else null.
   * Read with the change attributes, so the caller can derive the change the earlier delivery made.
   */
  private async alreadyStored(
    tenant: string,
    mode: WriteMode,
    x: ScoredWrite,
  ): Promise<Record<string, unknown> | null> {
    const r = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: supplierPk(tenant, x.input.supplierId), sk: SUPPLIER_SK },
        ProjectionExpression: `tenant, supplierId, deletedAt, inputVersion, batchId, #input, #i, #asOf, modelVersion, dataVersion, updatedAt, ${STORED_REFS}, ${CHANGE_ATTRIBUTES.join(', ')}`,
        ExpressionAttributeNames: { '#asOf': 'asOf', '#input': 'input', '#i': INPUT_ATTRIBUTE },
        ConsistentRead: true,
      }),
    );
    const stored = r.Item;
    if (!stored || stored.inputVersion !== x.inputVersion) return null;
    // A redelivery carries the very input stored. Two different inputs can share a version (two PUTs of one supplier
    // in the same millisecond): the one that landed first stays, the other is superseded, not taken for a redelivery.
    const same =
      mode === 'upsert'
        ? ((stored.batchId as string | undefined) ?? null) === x.batchId && holdsInput(stored, x.input)
        : stored.asOf === x.result.asOf &&
          stored.modelVersion === x.result.modelVersion &&
          stored.dataVersion === x.result.dataVersion;
    return same ? stored : null;
  }

  async deleteSupplier(
    tenant: string,
    supplierId: string,
    version: number,
    options: Pick<WriteOptions, 'changes' | 'contributions'> = {},
  ): Promise<DeleteOutcome> {
    const at = nowIso();
    const key = { pk: supplierPk(tenant, supplierId), sk: SUPPLIER_SK };
    let old: Record<string, unknown> | undefined;
    try {
      // Written whatever is stored, even nothing: a PUT queued before this delete may not have landed yet, and its
      // older version must find the tombstone. Only a newer write stands.
      const r = await this.doc.send(
        this.update(
          key,
          { tenant, supplierId, inputVersion: version, deletedAt: at },
          TOMBSTONE_REMOVES,
          changeClauses(null, { kind: 'delete' }, at),
          { condition: 'attribute_not_exists(pk) OR inputVersion < :v', values: { ':v': version } },
        ),
      );
      old = r.Attributes;
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
      // The stored version is the same or newer: a live one was written after this delete; a tombstone of the same
      // or a later delete already does this one's work.
      const current = await this.doc.send(
        new GetCommand({
          TableName: this.tableName,
          Key: key,
          ProjectionExpression: 'deletedAt',
          ConsistentRead: true,
        }),
      );
      return current.Item && current.Item.deletedAt === undefined ? 'newer' : 'absent';
    }
    // Deleting a tombstone again is how a client retries a delete that failed before its record was written: the
    // earlier delete's record is written now if it is missing.
    if (old && old.deletedAt !== undefined) await this.recordChange(changeOfItem(old), options.changes);
    await this.recordChange(
      changeOfWrite({ tenant, supplierId, old, after: null, cause: { kind: 'delete' }, at }),
      options.changes,
    );
    options.contributions?.push(contributionChange(supplierId, old, null));
    return old && old.deletedAt === undefined ? 'deleted' : 'absent';
  }
}
