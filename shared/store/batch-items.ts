/**
 * The batch item: one per upload (T#{tenant}#B#{batchId} / BATCH) with its counters and, per chunk, its mark: `c{n}`
 * once scored, `d{n}` (the part counted) once dead-lettered. Scored marks are folded, a few dozen at a time, into
 * `chunksFolded` (ranges, `0-4093,4095-5000`): an update costs the item's size, and a million-row upload's 14,300
 * marks (~100 KB) made each chunk's count cost ~50 write units (issue 12); folded, the item stays under 1 KB.
 * How a batch record becomes an item and back.
 */
import { type ChunkMark, type CounterDelta, deadLetteredPart } from '../pipeline/batch-lifecycle.ts';
import type { BatchRecord } from './batch-port.ts';
import { BATCH_SK, batchPk } from './keys.ts';

export const batchKey = (tenant: string, batchId: string) => ({ pk: batchPk(tenant, batchId), sk: BATCH_SK });

/** The attributes of a chunk's mark: scored (`c{n}`), dead-lettered with the part counted (`d{n}`). */
export const scoredAttr = (chunk: number) => `c${chunk}`;
export const deadAttr = (chunk: number) => `d${chunk}`;

/** Scored marks the item may hold before they are folded into `chunksFolded`. */
export const CHUNK_MARKS_FOLD_AT = 32;
export const FOLDED_ATTR = 'chunksFolded';
/** Bumped by each fold: a count that read the item before a fold must read it again (batches.ts). */
export const FOLD_VERSION_ATTR = 'foldVersion';

/** Sorted, disjoint, inclusive ranges of chunk numbers. */
type Ranges = [number, number][];

export function decodeRanges(text: unknown): Ranges {
  if (typeof text !== 'string' || text === '') return [];
  return text.split(',').map((r) => {
    const [a, b = a] = r.split('-');
    return [Number(a), Number(b)];
  });
}

export function encodeRanges(chunks: Iterable<number>): string {
  const sorted = [...new Set(chunks)].sort((a, b) => a - b);
  const out: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && (sorted[j + 1] as number) === (sorted[j] as number) + 1) j++;
    out.push(i === j ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return out.join(',');
}

/** Every chunk number the ranges hold. */
export function* rangeChunks(ranges: Ranges): Generator<number> {
  for (const [a, b] of ranges) for (let n = a; n <= b; n++) yield n;
}

const inRanges = (ranges: Ranges, n: number) => ranges.some(([a, b]) => a <= n && n <= b);

/** The chunks the item marks scored one by one (not yet folded). */
export const scoredMarks = (item: Record<string, unknown>): number[] =>
  Object.keys(item)
    .filter((k) => /^c\d+$/.test(k) && item[k] === true)
    .map((k) => Number(k.slice(1)));

export function chunkMark(item: Record<string, unknown>, chunk: number): ChunkMark {
  if (item[scoredAttr(chunk)] || inRanges(decodeRanges(item[FOLDED_ATTR]), chunk)) return { kind: 'scored' };
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
