/**
 * SigV4 as S3 computes it on its side, from the request as received: the canonical request, the string to sign and
 * the signature (AWS "Create a signed AWS API request", S3 variant: the path is URI-encoded once and never
 * normalised). Pure functions; `s3-signature.ts` decides which request parts they are given.
 */
import { createHash, createHmac } from 'node:crypto';
import { S3RequestError } from './s3-error.ts';

export const SIGV4_ALGORITHM = 'AWS4-HMAC-SHA256';

/** AWS's URI encoding: every byte but A-Z a-z 0-9 - _ . ~ is %XX (upper-case hex); `/` kept only in paths. */
export function uriEncode(text: string, keepSlash = false): string {
  const encoded = encodeURIComponent(text).replace(
    /[!'()*]/g,
    (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return keepSlash ? encoded.replace(/%2F/g, '/') : encoded;
}

function decode(part: string, what: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new S3RequestError(400, 'InvalidURI', `Couldn't parse the specified URI: ${what} '${part}' is not valid`);
  }
}

/** The path as S3 signs it: each segment decoded, then encoded once; `+` is a plus sign, not a space. */
export function canonicalUri(rawPath: string): string {
  if (rawPath === '') return '/';
  return rawPath
    .split('/')
    .map((segment) => uriEncode(decode(segment, 'path segment')))
    .join('/');
}

/** The query's name/value pairs, decoded, in order: `a&b=` gives two pairs with empty values. */
export function parseQuery(rawQuery: string): [string, string][] {
  return rawQuery
    .split('&')
    .filter((part) => part !== '')
    .map((part) => {
      const at = part.indexOf('=');
      const name = at < 0 ? part : part.slice(0, at);
      const value = at < 0 ? '' : part.slice(at + 1);
      return [decode(name, 'query parameter'), decode(value, 'query value')];
    });
}

/** Encoded `name=value` pairs sorted by name, then value; `omit` (X-Amz-Signature of a presigned URL) left out. */
export function canonicalQuery(pairs: [string, string][], omit?: string): string {
  return pairs
    .filter(([name]) => name !== omit)
    .map(([name, value]) => [uriEncode(name), uriEncode(value)] as const)
    .sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
}

/**
 * The canonical value of header `name` from Node's `rawHeaders` (names as sent, values unjoined): every value of
 * that name with runs of spaces and tabs made one space, trimmed, joined with `,`. A signed header the request
 * lacks has the empty value, so its absence changes the signature.
 */
export function canonicalHeaderValue(rawHeaders: readonly string[], name: string): string {
  const values: string[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    if ((rawHeaders[i] as string).toLowerCase() === name)
      values.push((rawHeaders[i + 1] as string).replace(/[ \t]+/g, ' ').trim());
  }
  return values.join(',');
}

export interface CanonicalRequestInput {
  method: string;
  /** The path as received, still percent-encoded. */
  rawPath: string;
  query: [string, string][];
  /** Query parameter left out of the canonical query (the signature itself, for a presigned URL). */
  omitFromQuery?: string;
  rawHeaders: readonly string[];
  /** Lower-case names, in the order the signature lists them. */
  signedHeaders: readonly string[];
  /** The last line: a hex SHA-256 of the body, `UNSIGNED-PAYLOAD` or a `STREAMING-…` marker. */
  payloadHash: string;
}

export function canonicalRequest(input: CanonicalRequestInput): string {
  const headers = input.signedHeaders.map((name) => `${name}:${canonicalHeaderValue(input.rawHeaders, name)}\n`);
  return [
    input.method,
    canonicalUri(input.rawPath),
    canonicalQuery(input.query, input.omitFromQuery),
    headers.join(''),
    input.signedHeaders.join(';'),
    input.payloadHash,
  ].join('\n');
}

export const sha256Hex = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');

/** `AWS4-HMAC-SHA256\n{amzDate}\n{scope}\n{hex sha256 of the canonical request}`. */
export function stringToSign(amzDate: string, scope: string, canonical: string): string {
  return [SIGV4_ALGORITHM, amzDate, scope, sha256Hex(canonical)].join('\n');
}

/** HMAC chain `AWS4{secret}` → date → region → service → `aws4_request`, then HMAC of the string to sign. */
export function sigV4Signature(
  secretAccessKey: string,
  scope: { date: string; region: string; service: string },
  toSign: string,
): string {
  let key: Buffer = Buffer.from(`AWS4${secretAccessKey}`, 'utf8');
  for (const part of [scope.date, scope.region, scope.service, 'aws4_request'])
    key = createHmac('sha256', key).update(part, 'utf8').digest();
  return createHmac('sha256', key).update(toSign, 'utf8').digest('hex');
}
