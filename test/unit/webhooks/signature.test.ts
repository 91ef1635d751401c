import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  generateSecret,
  secretKey,
  sign,
  signatureHeaders,
  verify,
  WebhookSecretError,
  WebhookSigningError,
  WebhookVerificationError,
} from '../../../shared/webhooks/signature.ts';

/*
 * The published test vector of the Standard Webhooks reference libraries, github.com/standard-webhooks/standard-webhooks
 * at commit b2fa7b8719fb75d326b591077f5d1b385cfcdfae: libraries/javascript/src/webhook.test.ts, test "sign function
 * works" (the same vector is in libraries/go/webhook_test.go, libraries/php/tests/WebhookTest.php,
 * libraries/csharp/StandardWebhooks.Tests/WebhookTest.cs and libraries/java/.../TestScenario.java). The verification
 * cases below are that file's ("missing id raises error", "partial signature throws error", "old timestamp fails",
 * "multi sig payload is valid", ...) with the vector's fixed timestamp instead of the clock.
 */
const VECTOR = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  payload: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};
const AT_VECTOR = VECTOR.timestamp * 1000;
const vectorHeaders = (): Record<string, string> => ({
  'webhook-id': VECTOR.id,
  'webhook-timestamp': String(VECTOR.timestamp),
  'webhook-signature': VECTOR.signature,
});

describe('the Standard Webhooks test vector', () => {
  it('signs {id}.{timestamp}.{payload} with the base64-decoded secret as the reference libraries do', () => {
    expect(sign(VECTOR.secret, VECTOR.id, VECTOR.timestamp, VECTOR.payload)).toBe(VECTOR.signature);
    expect(sign(VECTOR.secret, VECTOR.id, VECTOR.timestamp, Buffer.from(VECTOR.payload))).toBe(VECTOR.signature);
  });

  it('verifies, with and without the whsec_ prefix, and the header names in any case', () => {
    expect(verify(VECTOR.payload, vectorHeaders(), VECTOR.secret, { now: AT_VECTOR })).toEqual({
      id: VECTOR.id,
      timestamp: VECTOR.timestamp,
    });
    expect(() => verify(VECTOR.payload, vectorHeaders(), VECTOR.secret.slice(6), { now: AT_VECTOR })).not.toThrow();
    const upper = Object.fromEntries(Object.entries(vectorHeaders()).map(([k, v]) => [k.toUpperCase(), v]));
    expect(() => verify(VECTOR.payload, upper, VECTOR.secret, { now: AT_VECTOR })).not.toThrow();
  });

  it.each([
    ['missing id', { 'webhook-id': undefined }],
    ['missing timestamp', { 'webhook-timestamp': undefined }],
    ['missing signature', { 'webhook-signature': undefined }],
    ['invalid timestamp', { 'webhook-timestamp': 'hello' }],
    ['invalid signature', { 'webhook-signature': 'v1,dawfeoifkpqwoekfpqoekf' }],
    ['partial signature', { 'webhook-signature': VECTOR.signature.slice(0, 8) }],
    ['empty signature', { 'webhook-signature': 'v1,' }],
    ['one character changed', { 'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OA=' }],
    ['the right signature under another version', { 'webhook-signature': VECTOR.signature.replace('v1,', 'v1a,') }],
    // A leading zero is the same number but another signed text: only the canonical decimal is accepted.
    ['the timestamp with a leading zero', { 'webhook-timestamp': `0${VECTOR.timestamp}` }],
  ])('refuses %s', (_, change) => {
    const headers: Record<string, string | undefined> = { ...vectorHeaders(), ...change };
    expect(() => verify(VECTOR.payload, headers, VECTOR.secret, { now: AT_VECTOR })).toThrow(WebhookVerificationError);
  });

  it('accepts a list with one valid signature among others (v1, v2, v1a), as during a rotation', () => {
    const headers = {
      ...vectorHeaders(),
      'webhook-signature': [
        'v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=',
        'v2,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=',
        VECTOR.signature,
        'v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=',
      ].join(' '),
    };
    expect(() => verify(VECTOR.payload, headers, VECTOR.secret, { now: AT_VECTOR })).not.toThrow();
  });

  it('refuses a timestamp more than 5 minutes old or ahead, and accepts one exactly 5 minutes away', () => {
    const at = (seconds: number) => ({ now: (VECTOR.timestamp + seconds) * 1000 });
    expect(() => verify(VECTOR.payload, vectorHeaders(), VECTOR.secret, at(300))).not.toThrow();
    expect(() => verify(VECTOR.payload, vectorHeaders(), VECTOR.secret, at(-300))).not.toThrow();
    expect(() => verify(VECTOR.payload, vectorHeaders(), VECTOR.secret, at(301))).toThrow(/too old/);
    expect(() => verify(VECTOR.payload, vectorHeaders(), VECTOR.secret, at(-301))).toThrow(/future/);
    expect(() =>
      verify(VECTOR.payload, vectorHeaders(), VECTOR.secret, { ...at(3600), toleranceSeconds: 3600 }),
    ).not.toThrow();
  });

  it('refuses a wrong secret', () => {
    expect(() => verify(VECTOR.payload, vectorHeaders(), generateSecret(), { now: AT_VECTOR })).toThrow(
      WebhookVerificationError,
    );
  });
});

describe('webhook secrets', () => {
  it('are whsec_ + base64 of 24 to 64 random bytes (32 by default)', () => {
    const a = generateSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(secretKey(a)).toHaveLength(32);
    expect(secretKey(generateSecret(24))).toHaveLength(24);
    expect(secretKey(generateSecret(64))).toHaveLength(64);
    expect(generateSecret()).not.toBe(a);
    expect(() => generateSecret(23)).toThrow(WebhookSecretError);
    expect(() => generateSecret(65)).toThrow(WebhookSecretError);
  });

  it.each([
    ['empty', 'whsec_'],
    ['not base64', 'whsec_MfKQ9r8G*KYqrTwjUPD8ILPZIo2LaLaSw'],
    ['non-canonical base64', 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSx='],
    ['shorter than 24 bytes', `whsec_${Buffer.alloc(23, 1).toString('base64')}`],
    ['longer than 64 bytes', `whsec_${Buffer.alloc(65, 1).toString('base64')}`],
  ])('refuses a secret %s', (_, secret) => {
    expect(() => secretKey(secret)).toThrow(WebhookSecretError);
    expect(() => sign(secret, VECTOR.id, VECTOR.timestamp, VECTOR.payload)).toThrow(WebhookSecretError);
  });

  it('accepts base64 without its padding', () => {
    const key = Buffer.alloc(25, 7);
    expect(secretKey(`whsec_${key.toString('base64').replace(/=+$/, '')}`)).toEqual(key);
  });
});

describe('signing', () => {
  it('refuses an id with a full stop (the delimiter) or a non-integer timestamp', () => {
    expect(() => sign(VECTOR.secret, 'msg.1', VECTOR.timestamp, '{}')).toThrow(WebhookSigningError);
    expect(() => sign(VECTOR.secret, '', VECTOR.timestamp, '{}')).toThrow(WebhookSigningError);
    expect(() => sign(VECTOR.secret, VECTOR.id, 1.5, '{}')).toThrow(WebhookSigningError);
    expect(() => sign(VECTOR.secret, VECTOR.id, -1, '{}')).toThrow(WebhookSigningError);
  });

  it('signs with every active secret during a rotation, space-separated, in order', () => {
    const next = generateSecret();
    const h = signatureHeaders({
      id: VECTOR.id,
      timestamp: VECTOR.timestamp,
      body: VECTOR.payload,
      secrets: [next, VECTOR.secret],
    });
    expect(h).toEqual({
      'webhook-id': VECTOR.id,
      'webhook-timestamp': String(VECTOR.timestamp),
      'webhook-signature': `${sign(next, VECTOR.id, VECTOR.timestamp, VECTOR.payload)} ${VECTOR.signature}`,
    });
    expect(() => signatureHeaders({ id: VECTOR.id, timestamp: 1, body: '', secrets: [] })).toThrow(WebhookSecretError);
  });
});

const secretArb = fc
  .integer({ min: 24, max: 64 })
  .chain((n) => fc.uint8Array({ minLength: n, maxLength: n }).map((b) => `whsec_${Buffer.from(b).toString('base64')}`));
const idArb = fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/);
const bodyArb = fc.oneof(fc.string({ unit: 'grapheme' }), fc.uint8Array({ maxLength: 300 }));
const timestampArb = fc.integer({ min: 0, max: 4_102_444_800 });
const bytes = (b: string | Uint8Array) => (typeof b === 'string' ? Buffer.from(b, 'utf8') : Buffer.from(b));

describe('properties', () => {
  it('sign → verify round-trips for any secret, id, timestamp and body', () => {
    fc.assert(
      fc.property(secretArb, idArb, timestampArb, bodyArb, (secret, id, timestamp, body) => {
        const headers = signatureHeaders({ id, timestamp, body, secrets: [secret] });
        expect(verify(body, headers, secret, { now: timestamp * 1000 })).toEqual({ id, timestamp });
      }),
    );
  });

  it('any byte of the body changed fails verification', () => {
    fc.assert(
      fc.property(
        secretArb,
        idArb,
        timestampArb,
        fc.uint8Array({ minLength: 1, maxLength: 300 }),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        (secret, id, timestamp, body, at, flip) => {
          const headers = signatureHeaders({ id, timestamp, body, secrets: [secret] });
          const changed = Buffer.from(body);
          const i = at % changed.length;
          changed[i] = (changed[i] ?? 0) ^ flip;
          expect(() => verify(changed, headers, secret, { now: timestamp * 1000 })).toThrow(WebhookVerificationError);
        },
      ),
    );
  });

  it('any character of the id, timestamp or signature changed fails verification', () => {
    const header = fc.constantFrom('webhook-id', 'webhook-timestamp', 'webhook-signature');
    fc.assert(
      fc.property(
        secretArb,
        idArb,
        timestampArb,
        bodyArb,
        header,
        fc.nat(),
        fc.constantFrom(...'0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ+/=_-,. '),
        (secret, id, timestamp, body, name, at, replacement) => {
          const headers: Record<string, string> = { ...signatureHeaders({ id, timestamp, body, secrets: [secret] }) };
          const value = headers[name] ?? '';
          const i = at % value.length;
          fc.pre(value[i] !== replacement);
          headers[name] = value.slice(0, i) + replacement + value.slice(i + 1);
          // A changed timestamp stays within the tolerance, so it is the signature that refuses it.
          const now = Number(/^[0-9]+$/.test(headers['webhook-timestamp'] ?? '') ? headers['webhook-timestamp'] : 0);
          expect(() => verify(bytes(body), headers, secret, { now: now * 1000 })).toThrow(WebhookVerificationError);
        },
      ),
    );
  });

  it('during a rotation a receiver holding either secret verifies, and one holding neither does not', () => {
    fc.assert(
      fc.property(secretArb, secretArb, secretArb, idArb, timestampArb, bodyArb, (next, old, other, id, ts, body) => {
        fc.pre(new Set([next, old, other].map((s) => secretKey(s).toString('hex'))).size === 3);
        const headers = signatureHeaders({ id, timestamp: ts, body, secrets: [next, old] });
        const now = ts * 1000;
        expect(verify(body, headers, old, { now }).id).toBe(id);
        expect(verify(body, headers, next, { now }).id).toBe(id);
        expect(verify(body, headers, [other, old], { now }).id).toBe(id);
        expect(() => verify(body, headers, other, { now })).toThrow(WebhookVerificationError);
      }),
    );
  });
});
