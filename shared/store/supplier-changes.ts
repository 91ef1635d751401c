/**
 * How a supplier write carries its change (issue 10). Every write of a supplier item (upsert, rescore, delete)
 * - keeps the new score's summary in `summary` and copies the stored one to `prevSummary` server-side, in the same
 *   UpdateItem (DynamoDB reads every operand of an update expression from the item as it was before it);
 * - bumps `changeSeq` and sets `changeCause`, and `changeAt` for a delete (an upsert's or a rescore's change is at
 *   its `updatedAt`, set by the same write: not kept twice, every byte of the item is billed with each write).
 * The change record (CHG#{changeSeq}) is derived from that item alone, so whoever finds the write already stored — a
 * redelivered message — derives the very same record and writes it if it is missing.
 * A summary keeps its drivers without their wording (supplier-items.ts): a record words a driver as the written
 * result does, and one the result no longer has by what it was about.
 */
import {
  type ChangeCause,
  type ChangeRecord,
  type ChangeSide,
  scoreChange,
  summarise,
} from '../changes/change-record.ts';
import { type StoredScore, storedScoreOf } from '../model/stored-score.ts';
import type { Driver, ScoredSupplier } from '../model/types.ts';
import { decodeSummary, encodeSummary } from './supplier-items.ts';

/** The attributes this file owns on a supplier item. */
export const CHANGE_ATTRIBUTES = ['summary', 'prevSummary', 'changeSeq', 'changeAt', 'changeCause'] as const;

const NO_SUMMARY = 'null';

/**
 * SET clauses (and their values) that record a write's change on the supplier item, and what it removes. `at` must
 * be the write's `updatedAt` when it scores (`after`): its change is read at that time.
 */
/**
 * `changeCause` of a write whose record went to a rescore page's group: the group's record holds the cause (the
 * run's), and every byte of the item is billed with each write (a policy cause with its event ids is ~90 bytes). Who
 * derives such a write's record again is that run's own worker, which knows the cause; anyone else derives none.
 */
export const GROUPED_CAUSE = 'page';

export function changeClauses(
  after: ScoredSupplier | null,
  cause: ChangeCause | typeof GROUPED_CAUSE,
  at: string,
): { set: string[]; values: Record<string, unknown>; remove: string[] } {
  const set = [
    'prevSummary = if_not_exists(summary, :noSummary)',
    'changeSeq = if_not_exists(changeSeq, :zero) + :one',
    'changeCause = :changeCause',
  ];
  const values: Record<string, unknown> = {
    ':noSummary': NO_SUMMARY,
    ':zero': 0,
    ':one': 1,
    ':changeCause': cause === GROUPED_CAUSE ? GROUPED_CAUSE : JSON.stringify(cause),
  };
  if (!after) {
    // A tombstone keeps no updatedAt: its change time is its own.
    set.push('changeAt = :changeAt');
    values[':changeAt'] = at;
    return { set, values, remove: [] };
  }
  set.push('summary = :summary');
  values[':summary'] = encodeSummary(storedScoreOf(after));
  return { set, values, remove: ['changeAt'] };
}

/** When the item's last change was made: a delete's own time, else the write's (items before issue 12: changeAt). */
export const changeTimeOf = (item: Record<string, unknown>) => (item.changeAt ?? item.updatedAt) as string;

const isLive = (item: Record<string, unknown>) =>
  item.deletedAt === undefined && (item.summary !== undefined || item.result !== undefined);

/**
 * A stored summary as a change side, its drivers worded as `wording`'s drivers about the same mineral and country
 * are (largest first, each used once); one it does not have is named by what it was about.
 */
function sideOf(s: StoredScore, wording: readonly Driver[]): ChangeSide {
  const pool = [...wording].sort((a, b) => Math.abs(b.points) - Math.abs(a.points));
  const drivers = s.drivers.map((d): Driver => {
    const i = pool.findIndex((w) => w.mineral === d.mineral && w.country === d.country);
    const w = i >= 0 ? pool.splice(i, 1)[0] : undefined;
    const about = [d.mineral ?? 'mitigants', d.country ? `in ${d.country}` : ''].filter(Boolean).join(' ');
    return { ...d, text: w?.text ?? `${about}: no longer a driver`, sources: w?.sources ?? [] };
  });
  return {
    score: s.score,
    band: s.band,
    worst: s.worst,
    drivers,
    modelVersion: s.modelVersion,
    dataVersion: s.dataVersion,
  };
}

/** A stored summary attribute as a change side (an older item's JSON-object summary as it is); null for none. */
function sideOfAttribute(encoded: string | undefined, wording: readonly Driver[]): ChangeSide | null {
  const raw = encoded ?? NO_SUMMARY;
  const compact = decodeSummary(raw);
  return compact ? sideOf(compact, wording) : (JSON.parse(raw) as ChangeSide | null);
}

/** What the item held before a write (its summary; the full result of an item written before summaries existed). */
function sideBefore(old: Record<string, unknown> | undefined, wording: readonly Driver[]): ChangeSide | null {
  if (!old || !isLive(old)) return null;
  if (typeof old.summary === 'string') return sideOfAttribute(old.summary, wording);
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
  const wording = input.after?.drivers ?? [];
  const record = scoreChange({
    tenant: input.tenant,
    supplierId: input.supplierId,
    sequence,
    at: input.at,
    cause: input.cause,
    before: sideBefore(input.old, wording),
    // Through the stored form, as a redelivery reads it: both derive the same record.
    after: input.after ? sideOf(storedScoreOf(input.after), wording) : null,
  });
  return record ? { record, sequence } : null;
}

/**
 * The change the item's last write made, derived from the item (a redelivery's view) and the result that write
 * carried (its drivers' wording; none for a delete); null if none. A write whose record is a rescore page's
 * (GROUPED_CAUSE) is derived only given its run's cause (`groupedCause`).
 */
export function changeOfItem(
  item: Record<string, unknown>,
  written: ScoredSupplier | null = null,
  groupedCause?: ChangeCause | ((before: ChangeSide | null) => ChangeCause),
): { record: ChangeRecord; sequence: number } | null {
  const sequence = item.changeSeq as number | undefined;
  if (sequence === undefined || typeof item.changeCause !== 'string') return null;
  const grouped = item.changeCause === GROUPED_CAUSE;
  if (grouped && !groupedCause) return null;
  const wording = written?.drivers ?? [];
  const before = sideOfAttribute(item.prevSummary as string | undefined, wording);
  const after = item.deletedAt === undefined ? sideOfAttribute(item.summary as string | undefined, wording) : null;
  const record = scoreChange({
    tenant: item.tenant as string,
    supplierId: item.supplierId as string,
    sequence,
    at: changeTimeOf(item),
    cause: !grouped
      ? (JSON.parse(item.changeCause) as ChangeCause)
      : typeof groupedCause === 'function'
        ? groupedCause(before)
        : (groupedCause as ChangeCause),
    before,
    after,
  });
  return record ? { record, sequence } : null;
}

/** What caused a write when its caller does not say: an upload's batch, else the API. */
export const defaultCause = (batchId: string | null): ChangeCause =>
  batchId ? { kind: 'upload', batchId } : { kind: 'api' };
