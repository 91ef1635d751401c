import * as z from 'zod/mini';
import { inputRows } from '../model/input-rows.ts';
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

/** Every character SQS refuses in a message body: it accepts only #x9 #xA #xD #x20–#xD7FF #xE000–#xFFFD #x10000–#x10FFFF. */
const SQS_REFUSED = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
const SQS_REFUSED_ALL = new RegExp(SQS_REFUSED.source, 'gu');

/**
 * JSON text of `value` that SQS accepts whatever the value's strings hold: each character SQS refuses is written as a
 * `\uXXXX` escape, which JSON.parse reads back to the very same string. JSON.stringify already escapes control
 * characters and lone surrogates; this catches the rest of the class (U+FFFE, U+FFFF). Outside strings JSON text is
 * ASCII, so only string contents are ever escaped.
 */
export function sqsSafeJson(value: unknown): string {
  const text = JSON.stringify(value);
  if (!SQS_REFUSED.test(text)) return text;
  return text.replace(SQS_REFUSED_ALL, (c) => `\\u${(c.codePointAt(0) as number).toString(16).padStart(4, '0')}`);
}

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
  const head = `{"v":1,"kind":${sqsSafeJson(base.kind)},"tenant":${sqsSafeJson(base.tenant)},"batchId":${sqsSafeJson(base.batchId)},"chunk":`;
  const tail = `,"asOf":${sqsSafeJson(base.asOf)},"buyerCountry":${sqsSafeJson(base.buyerCountry)},"suppliers":[`;
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
    const item = sqsSafeJson(s);
    const bytes = messageBytes(item) + 1;
    if (current.length > 0 && overhead + size + bytes > maxBytes) yield flush();
    current.push(item);
    rows += inputRows(s.input);
    size += bytes;
  }
  if (current.length > 0) yield flush();
}
