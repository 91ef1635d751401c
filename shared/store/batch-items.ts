/**
 * The batch item: one per upload (T#{tenant}#B#{batchId} / BATCH) with its counters and, per chunk, its mark: `c{n}`
 * once scored, `d{n}` (the part counted) once dead-lettered. How a batch record becomes an item and back.
 */
import { type ChunkMark, type CounterDelta, deadLetteredPart } from '../pipeline/batch-lifecycle.ts';
import type { BatchRecord } from './batch-port.ts';
import { BATCH_SK, batchPk } from './keys.ts';

export const batchKey = (tenant: string, batchId: string) => ({ pk: batchPk(tenant, batchId), sk: BATCH_SK });

/** The attributes of a chunk's mark: scored (`c{n}`), dead-lettered with the part counted (`d{n}`). */
export const scoredAttr = (chunk: number) => `c${chunk}`;
export const deadAttr = (chunk: number) => `d${chunk}`;

export function chunkMark(item: Record<string, unknown>, chunk: number): ChunkMark {
  if (item[scoredAttr(chunk)]) return { kind: 'scored' };
  const dead = item[deadAttr(chunk)];
  return dead ? { kind: 'dead-lettered', part: deadLetteredPart(dead) } : { kind: 'pending' };
}

/** `ADD counter :counter, …` of a counter delta. */
export function addClause(delta: CounterDelta): { clause: string; values: Record<string, number> } {
  const entries = Object.entries(delta) as [string, number][];
  return {
    clause: `ADD ${entries.map(([k]) => `${k} :${k}`).join(', ')}`,
    values: Object.fromEntries(entries.map(([k, v]) => [`:${k}`, v])),
  };
}

/** What a new batch item leaves out until ingest or completion sets it (the item keeps the shape it always had). */
export const NOT_YET = new Set([
  'rows',
  'accepted',
  'rejected',
  'suppliers',
  'chunks',
  'failure',
  'uploadETag',
  'completedAt',
]);

export function toBatch(item: Record<string, unknown>): BatchRecord {
  const n = (k: string) => (typeof item[k] === 'number' ? (item[k] as number) : 0);
  const nn = (k: string) => (typeof item[k] === 'number' ? (item[k] as number) : null);
  return {
    tenant: item.tenant as string,
    batchId: item.batchId as string,
    status: item.status as BatchRecord['status'],
    source: (item.source as BatchRecord['source']) ?? null,
    asOf: (item.asOf as string | undefined) ?? null,
    buyerCountry: item.buyerCountry as string,
    inputVersion: item.inputVersion as number,
    rows: nn('rows'),
    accepted: nn('accepted'),
    rejected: nn('rejected'),
    suppliers: nn('suppliers'),
    chunks: nn('chunks'),
    chunksDone: n('chunksDone'),
    suppliersStored: n('suppliersStored'),
    suppliersSuperseded: n('suppliersSuperseded'),
    rowsStored: n('rowsStored'),
    rowsSuperseded: n('rowsSuperseded'),
    chunksDeadLettered: n('chunksDeadLettered'),
    rowsDeadLettered: n('rowsDeadLettered'),
    rowsNotQueued: n('rowsNotQueued'),
    suppliersNotQueued: n('suppliersNotQueued'),
    failure: (item.failure as string | undefined) ?? null,
    uploadETag: (item.uploadETag as string | undefined) ?? null,
    createdAt: item.createdAt as string,
    updatedAt: item.updatedAt as string,
    completedAt: (item.completedAt as string | undefined) ?? null,
  };
}
