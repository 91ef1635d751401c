/**
 * Webhook signatures as the Standard Webhooks spec v1.0.0 defines them (spec/standard-webhooks.md in
 * github.com/standard-webhooks/standard-webhooks): symmetric `v1` signatures only.
 *
 * - A secret is 24–64 random bytes, shown as `whsec_` + base64.
 * - The signed content is `{webhook-id}.{webhook-timestamp}.{body}`: the exact bytes sent, never a re-serialisation.
 * - `webhook-signature` is `v1,` + base64(HMAC-SHA256(secret bytes, content)); during a secret rotation the message is
 *   signed with every active secret and the signatures are space-separated, so a receiver holding either verifies.
 * - A receiver compares in constant time and refuses a timestamp outside a tolerance (5 minutes), against replays.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { MineralRiskError } from '../errors.ts';

export const SECRET_PREFIX = 'whsec_';
export const MIN_SECRET_BYTES = 24;
export const MAX_SECRET_BYTES = 64;
export const DEFAULT_TOLERANCE_SECONDS = 5 * 60;

export const HEADER_ID = 'webhook-id';
export const HEADER_TIMESTAMP = 'webhook-timestamp';
export const HEADER_SIGNATURE = 'webhook-signature';

/**
 * The id is the receiver's idempotency key and part of the signed content. The spec asks that it never contain `.`
 * (the delimiter); this also keeps it a plain header value: letters, digits, `_` and `-`, at most 128.
 */
const MESSAGE_ID = /^[A-Za-z0-9_-]{1,128}$/;
/** Canonical decimal: a leading zero would let another header text verify against the same signature. */
const TIMESTAMP = /^(0|[1-9][0-9]{0,14})$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** A secret that is not `whsec_` + canonical base64 of 24–64 bytes. Configuration, not a passing fault. */
export class WebhookSecretError extends MineralRiskError {
  override readonly name = 'WebhookSecretError';
  readonly retryable = false;
}

/** A message id or timestamp that cannot be signed (the caller's bug). */
export class WebhookSigningError extends MineralRiskError {
  override readonly name = 'WebhookSigningError';
  readonly retryable = false;
}

/** A received webhook that does not verify: missing header, stale or future timestamp, no matching signature. */
export class WebhookVerificationError extends MineralRiskError {
  override readonly name = 'WebhookVerificationError';
  readonly retryable = false;
}

/** A type, not an interface, so that it is assignable to the header maps verify() takes. */
export type WebhookHeaders = {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
};

/** A new secret: `bytes` (24–64, default 32) from the system CSPRNG, `whsec_` + base64. */
export function generateSecret(bytes = 32): string {
  if (!Number.isInteger(bytes) || bytes < MIN_SECRET_BYTES || bytes > MAX_SECRET_BYTES) {
    throw new WebhookSecretError(`a secret has ${MIN_SECRET_BYTES} to ${MAX_SECRET_BYTES} bytes, not ${bytes}`);
  }
  return SECRET_PREFIX + randomBytes(bytes).toString('base64');
}

/**
 * The key bytes of a secret. The `whsec_` prefix is optional (the spec's reference libraries accept the bare base64
 * too); the base64 must be canonical (Node's decoder skips characters it does not know, so it is re-encoded and
 * compared), padding may be left out, and the key must have 24–64 bytes.
 */
export function secretKey(secret: string): Buffer {
  const b64 = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  const padded = b64.padEnd(Math.ceil(b64.length / 4) * 4, '=');
  if (!BASE64.test(padded)) throw new WebhookSecretError('a webhook secret is whsec_ followed by base64');
  const key = Buffer.from(padded, 'base64');
  if (key.toString('base64') !== padded) throw new WebhookSecretError('a webhook secret is not canonical base64');
  if (key.length < MIN_SECRET_BYTES || key.length > MAX_SECRET_BYTES) {
    throw new WebhookSecretError(
      `a webhook secret has ${MIN_SECRET_BYTES} to ${MAX_SECRET_BYTES} bytes, this one ${key.length}`,
    );
  }
  return key;
}

function checkId(id: string): void {
  if (!MESSAGE_ID.test(id)) {
    throw new WebhookSigningError('a webhook id is 1 to 128 letters, digits, _ or - (never a full stop)');
  }
}

function checkTimestamp(timestamp: number): void {
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
    throw new WebhookSigningError(`a webhook timestamp is whole unix seconds, not ${timestamp}`);
  }
}

function hmac(key: Buffer, id: string, timestamp: number, body: string | Uint8Array): Buffer {
  return createHmac('sha256', key)
    .update(`${id}.${timestamp}.`, 'utf8')
    .update(typeof body === 'string' ? Buffer.from(body, 'utf8') : body)
    .digest();
}

/** One `v1,<base64>` signature of `{id}.{timestamp}.{body}` (timestamp in unix seconds; a string body as UTF-8). */
export function sign(secret: string, id: string, timestamp: number, body: string | Uint8Array): string {
  checkId(id);
  checkTimestamp(timestamp);
  return `v1,${hmac(secretKey(secret), id, timestamp, body).toString('base64')}`;
}

/**
 * The three headers of one delivery attempt. `secrets` are the endpoint's active secrets (newest first): more than one
 * only during a rotation's overlap window, when every one of them signs so receivers verify with either.
 */
export function signatureHeaders(input: {
  id: string;
  /** Unix seconds of this attempt (each retry is signed again with its own time). */
  timestamp: number;
  body: string | Uint8Array;
  secrets: readonly string[];
}): WebhookHeaders {
  if (input.secrets.length === 0) throw new WebhookSecretError('an endpoint needs at least one active secret to sign');
  const signatures = [...new Set(input.secrets.map((s) => sign(s, input.id, input.timestamp, input.body)))];
  return {
    'webhook-id': input.id,
    'webhook-timestamp': String(input.timestamp),
    'webhook-signature': signatures.join(' '),
  };
}

/** Received headers, as Node's IncomingHttpHeaders or a plain object; names in any case. */
export type HeaderBag = Record<string, string | readonly string[] | undefined>;

function header(headers: HeaderBag, name: string): string | undefined {
  for (const [k, v] of Object.entries(headers)) {
    if (k.toLowerCase() !== name) continue;
    if (typeof v === 'string') return v;
    if (v === undefined) return undefined;
    // A repeated id or timestamp is ambiguous; repeated signature headers are one list.
    if (name === HEADER_SIGNATURE) return v.join(' ');
    if (v.length !== 1) throw new WebhookVerificationError(`the ${name} header is repeated`);
    return v[0];
  }
  return undefined;
}

/**
 * Verifies a received webhook, as a receiver does (and our tests): the three headers present, the timestamp within
 * `toleranceSeconds` of `now` either way, and at least one `v1` signature equal, in constant time, to the one computed
 * with one of `secrets` (a receiver in the middle of a rotation holds two). Signatures of other versions (`v1a`, ...)
 * are skipped, as the spec's libraries do. Returns the verified id and timestamp; throws WebhookVerificationError.
 */
export function verify(
  body: string | Uint8Array,
  headers: HeaderBag,
  secrets: string | readonly string[],
  options: { toleranceSeconds?: number; now?: number } = {},
): { id: string; timestamp: number } {
  const id = header(headers, HEADER_ID);
  const ts = header(headers, HEADER_TIMESTAMP);
  const signatures = header(headers, HEADER_SIGNATURE);
  if (!id || !ts || !signatures) throw new WebhookVerificationError('missing webhook-id, -timestamp or -signature');
  if (!MESSAGE_ID.test(id)) throw new WebhookVerificationError('webhook-id is not a valid id');
  if (!TIMESTAMP.test(ts)) throw new WebhookVerificationError('webhook-timestamp is not unix seconds');
  const timestamp = Number(ts);
  const now = Math.floor((options.now ?? Date.now()) / 1000);
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  if (now - timestamp > tolerance) throw new WebhookVerificationError('webhook-timestamp is too old');
  if (timestamp - now > tolerance) throw new WebhookVerificationError('webhook-timestamp is in the future');

  const keys = (typeof secrets === 'string' ? [secrets] : secrets).map(secretKey);
  if (keys.length === 0) throw new WebhookSecretError('no secret to verify with');
  const expected = keys.map((k) => Buffer.from(hmac(k, id, timestamp, body).toString('base64'), 'utf8'));
  let matched = false;
  for (const candidate of signatures.split(' ')) {
    const comma = candidate.indexOf(',');
    if (comma < 0 || candidate.slice(0, comma) !== 'v1') continue;
    const given = Buffer.from(candidate.slice(comma + 1), 'utf8');
    for (const e of expected) {
      // Lengths are public (44 characters); the content is compared in constant time, every candidate in full.
      if (given.length === e.length && timingSafeEqual(given, e)) matched = true;
    }
  }
  if (!matched) throw new WebhookVerificationError('no webhook-signature matches');
  return { id, timestamp };
}
