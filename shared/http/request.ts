import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type * as z from 'zod';
import { problem, zodFieldErrors } from './problem.ts';

/**
 * Character sets a body may declare (`content-type: text/csv; charset=…`), by WHATWG label. Anything else is refused
 * (415) rather than guessed: a wrong guess would store altered names.
 */
const CHARSETS = new Set([
  'utf-8',
  'utf8',
  'us-ascii',
  'ascii',
  'iso-8859-1',
  'latin1',
  'windows-1252',
  'utf-16le',
  'utf-16be',
]);

/** The `charset` parameter of the content type, lower-cased; utf-8 when none is given. */
export function declaredCharset(event: APIGatewayProxyEventV2): string {
  const header = event.headers?.['content-type'] ?? '';
  const m = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(header);
  return (m?.[1] ?? 'utf-8').toLowerCase();
}

/**
 * The request body as text, decoded by its declared charset (default UTF-8). API Gateway base64-encodes bodies it
 * does not pass as text; bytes invalid in the charset are refused (400), never turned into U+FFFD.
 */
export function bodyText(event: APIGatewayProxyEventV2): string {
  if (!event.body) return '';
  const charset = declaredCharset(event);
  if (!CHARSETS.has(charset))
    throw problem(
      415,
      `charset '${charset}' is not supported: send UTF-8, or declare one of ${[...CHARSETS].join(', ')}`,
    );
  if (!event.isBase64Encoded) return event.body;
  try {
    // `ascii` and `latin1` are windows-1252 to WHATWG (and to every browser): its superset, so nothing is lost.
    return new TextDecoder(charset, { fatal: true }).decode(Buffer.from(event.body, 'base64'));
  } catch {
    throw problem(
      400,
      `the body is not valid ${charset.toUpperCase()}: save it as UTF-8, or declare its character set (content-type: text/csv; charset=windows-1252)`,
    );
  }
}

/**
 * The request body's bytes. API Gateway's HTTP API hands a body over base64-encoded unless its media type is text
 * (an HTTP API has no binary media types to configure): a workbook arrives so, and is decoded here, untouched.
 */
export function bodyBytes(event: APIGatewayProxyEventV2): Uint8Array {
  if (!event.body) return new Uint8Array(0);
  return Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
}

export function contentType(event: APIGatewayProxyEventV2): string {
  return (event.headers?.['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/**
 * Parse a JSON body against a schema: 415 for another media type, 400 for bad JSON or a failing shape. Only
 * `application/json` is documented (and taken by POST /v1/batches): other `+json` types are refused, not guessed at.
 */
export function jsonBody<T extends z.ZodType>(event: APIGatewayProxyEventV2, schema: T): z.infer<T> {
  const type = contentType(event);
  if (type !== 'application/json')
    throw problem(415, `expected content-type application/json, got '${type || 'none'}'`);
  let json: unknown;
  try {
    json = JSON.parse(bodyText(event));
  } catch (err) {
    throw problem(400, `body is not valid JSON: ${(err as Error).message}`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success)
    throw problem(400, 'the request body does not match the schema', zodFieldErrors(parsed.error.issues));
  return parsed.data;
}

/** Parse query parameters against a schema: 400 with the offending parameter. */
export function queryParams<T extends z.ZodType>(event: APIGatewayProxyEventV2, schema: T): z.infer<T> {
  const parsed = schema.safeParse(event.queryStringParameters ?? {});
  if (!parsed.success) throw problem(400, 'invalid query parameters', zodFieldErrors(parsed.error.issues, 'query'));
  return parsed.data;
}

/** Under Lambda's 6 MB response limit, with room for headers and the gateway's envelope (escaping adds ~13%). */
export const MAX_RESPONSE_BYTES = 5 * 1024 * 1024;

/**
 * The answer built for `count` items, or for half as many, and so on down to `least`, until it fits the response
 * limit (the answer for `least` is returned whatever its size).
 */
export async function fittingResponse<R extends { body: string }>(
  count: number,
  least: number,
  build: (count: number) => R | Promise<R>,
): Promise<R> {
  for (let n = count; ; n = Math.max(least, Math.floor(n / 2))) {
    const response = await build(n);
    if (n <= least || Buffer.byteLength(response.body) <= MAX_RESPONSE_BYTES) return response;
  }
}

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}) {
  return { statusCode, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}
