import * as z from 'zod/mini';
import { isoDateSchema, supplierInputSchema } from '../model/schemas.ts';
import { QUEUE_SETTINGS } from './settings.ts';

/**
 * A score-queue message: a chunk of suppliers of one tenant to score and store.
 * - `upsert` (from an upload or the API): stored only if newer than what is stored (inputVersion).
 * - `rescore` (policy or data change): stored only if the input is still the one that was read (same inputVersion).
 * `batchId` + `chunk` identify the chunk for the batch's idempotent progress counters.
 */
export const scoreMessageSchema = z.object({
  v: z.literal(1),
  kind: z.enum(['upsert', 'rescore']),
  tenant: z.string().check(z.minLength(1), z.maxLength(128)),
  batchId: z.nullable(z.string().check(z.minLength(1))),
  chunk: z.nullable(z.int().check(z.gte(0))),
  /** Score as of this date; null = the date the message is processed (UTC). */
  asOf: z.nullable(isoDateSchema),
  buyerCountry: z.string().check(z.length(2)),
  suppliers: z
    .array(z.object({ inputVersion: z.int().check(z.gt(0)), input: supplierInputSchema }))
    .check(z.minLength(1)),
});

export type ScoreMessage = z.infer<typeof scoreMessageSchema>;

/** Bytes of a message body on the wire. */
export const messageBytes = (body: string) => Buffer.byteLength(body, 'utf8');

/**
 * Split suppliers into message bodies each under the size budget (never splitting a supplier), numbering chunks
 * from `firstChunk`. Lazy, so a million suppliers never sit in memory twice. A single supplier above the budget
 * still gets its own message (SQS allows up to 256 KiB).
 */
export function* chunkMessages(
  base: Omit<ScoreMessage, 'suppliers' | 'chunk'>,
  suppliers: Iterable<ScoreMessage['suppliers'][number]>,
  firstChunk = 0,
  maxBytes: number = QUEUE_SETTINGS.maxMessageBytes,
): Generator<{ chunk: number; body: string; suppliers: number; rows: number }> {
  let current: string[] = [];
  let rows = 0;
  let size = 0;
  let chunk = firstChunk;
  const head = `{"v":1,"kind":${JSON.stringify(base.kind)},"tenant":${JSON.stringify(base.tenant)},"batchId":${JSON.stringify(base.batchId)},"chunk":`;
  const tail = `,"asOf":${JSON.stringify(base.asOf)},"buyerCountry":${JSON.stringify(base.buyerCountry)},"suppliers":[`;
  const overhead = messageBytes(head) + messageBytes(tail) + 12;
  const flush = () => {
    const body = `${head}${chunk}${tail}${current.join(',')}]}`;
    const out = { chunk, body, suppliers: current.length, rows };
    chunk++;
    current = [];
    rows = 0;
    size = 0;
    return out;
  };
  for (const s of suppliers) {
    const item = JSON.stringify(s);
    const bytes = messageBytes(item) + 1;
    if (current.length > 0 && overhead + size + bytes > maxBytes) yield flush();
    current.push(item);
    rows += s.input.exposures.length;
    size += bytes;
  }
  if (current.length > 0) yield flush();
}
