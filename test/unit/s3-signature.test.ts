/**
 * The local S3 gate's SigV4 check against AWS's own worked examples (S3 API reference, "Signature Calculations for
 * the Authorization Header" GET Object and "Authenticating Requests: Using Query Parameters"), and its refusals.
 * Requests signed by the SDK are checked over HTTP in test/integration/local-s3-signature.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { canonicalQuery, canonicalUri, parseQuery } from '../../infra/local/s3-canonical-request.ts';
import type { S3RequestError } from '../../infra/local/s3-error.ts';
import { type IncomingS3Request, verifySignature } from '../../infra/local/s3-signature.ts';

const EXAMPLE = {
  credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
  region: 'us-east-1',
  now: new Date('2013-05-24T00:00:00Z'),
};
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** AWS's GET Object example: `GET /test.txt`, `Range: bytes=0-9`, signed in the Authorization header. */
function headerExample(overrides: Partial<Record<string, string>> = {}): IncomingS3Request {
  const headers: Record<string, string> = {
    Host: 'examplebucket.s3.amazonaws.com',
    Range: 'bytes=0-9',
    'x-amz-content-sha256': EMPTY_SHA256,
    'x-amz-date': '20130524T000000Z',
    Authorization:
      'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,' +
      'SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,' +
      'Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41',
  };
  for (const [name, value] of Object.entries(overrides)) {
    if (value === undefined) delete headers[name];
    else headers[name] = value;
  }
  return { method: 'GET', url: '/test.txt', rawHeaders: Object.entries(headers).flat() };
}

/** AWS's presigned GET example: the same object, valid 86,400 s from 20130524T000000Z. */
const PRESIGNED_EXAMPLE: IncomingS3Request = {
  method: 'GET',
  url:
    '/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request' +
    '&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host' +
    '&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404',
  rawHeaders: ['Host', 'examplebucket.s3.amazonaws.com'],
};

function refusal(request: IncomingS3Request, options = EXAMPLE): S3RequestError {
  try {
    verifySignature(request, options);
  } catch (error) {
    return error as S3RequestError;
  }
  throw new Error('expected the request to be refused');
}

describe('SigV4 as the local S3 gate checks it', () => {
  it("accepts AWS's header-signed example and asks for its body's SHA-256", () => {
    expect(verifySignature(headerExample(), EXAMPLE)).toEqual({ kind: 'sha256', expected: EMPTY_SHA256 });
  });

  it("accepts AWS's presigned example until it expires, then answers AccessDenied 'Request has expired'", () => {
    expect(verifySignature(PRESIGNED_EXAMPLE, EXAMPLE)).toEqual({ kind: 'unsigned' });
    const lastSecond = { ...EXAMPLE, now: new Date('2013-05-25T00:00:00Z') };
    expect(verifySignature(PRESIGNED_EXAMPLE, lastSecond)).toEqual({ kind: 'unsigned' });
    const expired = refusal(PRESIGNED_EXAMPLE, { ...EXAMPLE, now: new Date('2013-05-25T00:00:01Z') });
    expect(expired).toMatchObject({ status: 403, code: 'AccessDenied', message: 'Request has expired' });
    expect(expired.details).toMatchObject({ 'X-Amz-Expires': '86400', Expires: '2013-05-25T00:00:00Z' });
  });

  it('answers SignatureDoesNotMatch, with the canonical request it computed, when a signed header changes', () => {
    const changed = refusal(headerExample({ Range: 'bytes=0-10' }));
    expect(changed).toMatchObject({ status: 403, code: 'SignatureDoesNotMatch' });
    expect(changed.details.CanonicalRequest).toBe(
      ['GET', '/test.txt', '', 'host:examplebucket.s3.amazonaws.com', 'range:bytes=0-10']
        .concat([`x-amz-content-sha256:${EMPTY_SHA256}`, 'x-amz-date:20130524T000000Z', ''])
        .concat(['host;range;x-amz-content-sha256;x-amz-date', EMPTY_SHA256])
        .join('\n'),
    );
    expect(refusal(headerExample({ Range: undefined })).code).toBe('SignatureDoesNotMatch');
    const tampered = PRESIGNED_EXAMPLE.url.replace(/.$/, (c) => (c === '4' ? '5' : '4'));
    expect(refusal({ ...PRESIGNED_EXAMPLE, url: tampered }).code).toBe('SignatureDoesNotMatch');
    const otherKey = PRESIGNED_EXAMPLE.url.replace('/test.txt', '/other.txt');
    expect(refusal({ ...PRESIGNED_EXAMPLE, url: otherKey }).code).toBe('SignatureDoesNotMatch');
  });

  it('refuses an anonymous request 403 AccessDenied, and signatures other than SigV4 400', () => {
    expect(refusal({ method: 'GET', url: '/test.txt', rawHeaders: ['Host', 'h'] })).toMatchObject({
      status: 403,
      code: 'AccessDenied',
      message: 'Access Denied',
    });
    const v2 = refusal(headerExample({ Authorization: 'AWS AKIAIOSFODNN7EXAMPLE:frJIUN8DYpKDtOLCwo//yllqDzg=' }));
    expect(v2).toMatchObject({ status: 400, code: 'InvalidRequest' });
    const both = refusal({ ...headerExample(), url: PRESIGNED_EXAMPLE.url });
    expect(both).toMatchObject({ status: 400, code: 'InvalidArgument' });
  });

  it('refuses an x-amz-* header the signature does not cover: 403 HeadersNotSigned', () => {
    const extra = refusal(headerExample({ 'x-amz-meta-note': 'hi' }));
    expect(extra).toMatchObject({ status: 403, code: 'AccessDenied' });
    expect(extra.message).toBe('There were headers present in the request which were not signed');
    expect(extra.details).toEqual({ HeadersNotSigned: 'x-amz-meta-note' });
    const presigned = refusal({
      ...PRESIGNED_EXAMPLE,
      rawHeaders: [...PRESIGNED_EXAMPLE.rawHeaders, 'X-Amz-Acl', 'x'],
    });
    expect(presigned.details).toEqual({ HeadersNotSigned: 'x-amz-acl' });
  });

  it('checks the key, the scope and the clock', () => {
    const otherKey = { ...EXAMPLE, credentials: { ...EXAMPLE.credentials, accessKeyId: 'S3RVER' } };
    expect(refusal(headerExample(), otherKey)).toMatchObject({ status: 403, code: 'InvalidAccessKeyId' });
    const otherRegion = refusal(headerExample(), { ...EXAMPLE, region: 'eu-west-1' });
    expect(otherRegion).toMatchObject({ status: 400, code: 'AuthorizationHeaderMalformed' });
    expect(otherRegion.message).toContain("the region 'us-east-1' is wrong; expecting 'eu-west-1'");
    const late = refusal(headerExample(), { ...EXAMPLE, now: new Date('2013-05-24T00:15:01Z') });
    expect(late).toMatchObject({ status: 403, code: 'RequestTimeTooSkewed' });
    expect(refusal(headerExample({ 'x-amz-content-sha256': undefined }))).toMatchObject({ code: 'InvalidRequest' });
  });
});

describe('canonical request parts', () => {
  it('encodes the path once, as S3 does (no normalisation, + is a plus sign)', () => {
    expect(canonicalUri('/b/a%20b/%28x%29+y.csv')).toBe('/b/a%20b/%28x%29%2By.csv');
    expect(canonicalUri('/b/x/../y//z')).toBe('/b/x/../y//z');
    expect(canonicalUri('')).toBe('/');
  });

  it('sorts the query by encoded name then value and gives a bare name an empty value', () => {
    const pairs = parseQuery('prefix=x%20y&list-type=2&acl&a=2&a=1');
    expect(canonicalQuery(pairs)).toBe('a=1&a=2&acl=&list-type=2&prefix=x%20y');
  });
});
