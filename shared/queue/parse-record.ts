import type { SQSRecord } from 'aws-lambda';

/** What a schema's safeParse gives (zod and zod/mini alike). */
interface Schema<T> {
  safeParse(value: unknown): { success: true; data: T } | { success: false; error: { message: string } };
}

/**
 * An SQS record's body as the message `schema` describes it; otherwise `invalid(reason)` is thrown (a body that can
 * never succeed: it goes to the DLQ after its retries).
 */
export function parseRecord<T>(record: SQSRecord, schema: Schema<T>, invalid: (reason: string) => Error): T {
  let json: unknown;
  try {
    json = JSON.parse(record.body);
  } catch {
    throw invalid(`message ${record.messageId} is not JSON`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw invalid(`message ${record.messageId}: ${parsed.error.message}`);
  return parsed.data;
}
