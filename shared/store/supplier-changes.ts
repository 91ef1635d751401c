/**
 * How a supplier write carries its change (issue 10). Every write of a supplier item (upsert, rescore, delete)
 * - keeps the new score's summary in `summary` and copies the stored one to `prevSummary` server-side, in the same
 *   UpdateItem (DynamoDB reads every operand of an update expression from the item as it was before it);
 * - bumps `changeSeq` and sets `changeAt` and `changeCause`.
 * The change record (CHG#{changeSeq}) is derived from that item alone, so whoever finds the write already stored — a
 * redelivered message — derives the very same record and writes it if it is missing.
 */
import {
  type ChangeCause,
  type ChangeRecord,
  type ChangeSide,
  scoreChange,
  summarise,
} from '../changes/change-record.ts';
import type { ScoredSupplier } from '../model/types.ts';

/** The attributes this file owns on a supplier item. */
export const CHANGE_ATTRIBUTES = ['summary', 'prevSummary', 'changeSeq', 'changeAt', 'changeCause'] as const;

const NO_SUMMARY = 'null';

/** SET clauses (and their values) that record a write's change on the supplier item. */
export function changeClauses(
  after: ScoredSupplier | null,
  cause: ChangeCause,
  at: string,
): { set: string[]; values: Record<string, unknown> } {
  const set = [
    'prevSummary = if_not_exists(summary, :noSummary)',
    'changeSeq = if_not_exists(changeSeq, :zero) + :one',
    'changeAt = :changeAt',
    'changeCause = :changeCause',
  ];
  const values: Record<string, unknown> = {
    ':noSummary': NO_SUMMARY,
    ':zero': 0,
    ':one': 1,
    ':changeAt': at,
    ':changeCause': JSON.stringify(cause),
  };
  if (after) {
    set.push('summary = :summary');
    values[':summary'] = JSON.stringify(summarise(after));
  }
  return { set, values };
}

const isLive = (item: Record<string, unknown>) => item.deletedAt === undefined && item.result !== undefined;

/** What the item held before a write (its summary; the full result of an item written before summaries existed). */
function sideBefore(old: Record<string, unknown> | undefined): ChangeSide | null {
  if (!old || !isLive(old)) return null;
  if (typeof old.summary === 'string') return JSON.parse(old.summary) as ChangeSide | null;
  return summarise(JSON.parse(old.result as string) as ScoredSupplier);
}

/**
 * The change a write made, from the item as it was before (ReturnValues ALL_OLD) and what was written; null when
 * nothing a buyer sees moved.
 */
export function changeOfWrite(input: {
  tenant: string;
  supplierId: string;
  old: Record<string, unknown> | undefined;
  after: ScoredSupplier | null;
  cause: ChangeCause;
  at: string;
}): { record: ChangeRecord; sequence: number } | null {
  const sequence = ((input.old?.changeSeq as number | undefined) ?? 0) + 1;
  const record = scoreChange({
    tenant: input.tenant,
    supplierId: input.supplierId,
    sequence,
    at: input.at,
    cause: input.cause,
    before: sideBefore(input.old),
    after: input.after,
  });
  return record ? { record, sequence } : null;
}

/** The change the item's last write made, derived from the item alone (a redelivery's view); null if none. */
export function changeOfItem(item: Record<string, unknown>): { record: ChangeRecord; sequence: number } | null {
  const sequence = item.changeSeq as number | undefined;
  if (sequence === undefined || typeof item.changeCause !== 'string') return null;
  const before = JSON.parse((item.prevSummary as string | undefined) ?? NO_SUMMARY) as ChangeSide | null;
  const after =
    item.deletedAt === undefined
      ? (JSON.parse((item.summary as string | undefined) ?? NO_SUMMARY) as ChangeSide | null)
      : null;
  const record = scoreChange({
    tenant: item.tenant as string,
    supplierId: item.supplierId as string,
    sequence,
    at: item.changeAt as string,
    cause: JSON.parse(item.changeCause) as ChangeCause,
    before,
    after,
  });
  return record ? { record, sequence } : null;
}

/** What caused a write when its caller does not say: an upload's batch, else the API. */
export const defaultCause = (batchId: string | null): ChangeCause =>
  batchId ? { kind: 'upload', batchId } : { kind: 'api' };
