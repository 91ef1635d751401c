/** A scan's LastEvaluatedKey as an opaque string for messages and progress items, and back. */
export const encodeScanCursor = (key: Record<string, unknown> | undefined): string | null =>
  key ? Buffer.from(JSON.stringify(key)).toString('base64url') : null;

export const decodeScanCursor = (cursor: string | null): Record<string, unknown> | undefined =>
  cursor ? (JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>) : undefined;
