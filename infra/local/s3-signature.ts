/**
 * Who may use the local S3 store, decided as S3 decides it: a SigV4 signature by the local key pair, either in the
 * `Authorization` header (what the SDK client sends) or in the query string (a presigned URL), recomputed from the
 * request as received. Anonymous requests, unsigned `x-amz-*` headers, expired URLs, skewed clocks and wrong
 * signatures get S3's refusals. The body is not read here: the caller checks it against the returned `PayloadCheck`.
 */
import { timingSafeEqual } from 'node:crypto';
import { canonicalRequest, parseQuery, SIGV4_ALGORITHM, sigV4Signature, stringToSign } from './s3-canonical-request.ts';
import { accessDenied, S3RequestError } from './s3-error.ts';

export interface IncomingS3Request {
  method: string;
  /** Path and query as received (Node's `req.url`). */
  url: string;
  /** Node's `req.rawHeaders`: names as sent, repeated headers not joined. */
  rawHeaders: readonly string[];
}

export interface SignatureCheckOptions {
  credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  region: string;
  now: Date;
}

/** What the body must match once the signature holds: nothing, or the SHA-256 the request signed. */
export type PayloadCheck = { kind: 'unsigned' } | { kind: 'sha256'; expected: string };

/** S3's allowed clock difference for header-signed requests. */
const MAX_SKEW_MS = 15 * 60_000;
/** SigV4 presigned URLs live at most 7 days. */
const MAX_EXPIRES_SECONDS = 7 * 24 * 3600;
const NOT_SUPPORTED = 'The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.';
const QUERY_PARAMS = ['X-Amz-Credential', 'X-Amz-Signature', 'X-Amz-Date', 'X-Amz-SignedHeaders', 'X-Amz-Expires'];
/** Payloads whose chunks carry signatures of their own: the local store cannot check those. */
const SIGNED_STREAMING = /^STREAMING-AWS4-(HMAC-SHA256|ECDSA-P256-SHA256)-PAYLOAD(-TRAILER)?$/;
const UNSIGNED_PAYLOADS = new Set(['UNSIGNED-PAYLOAD', 'STREAMING-UNSIGNED-PAYLOAD-TRAILER']);

/** The signature's parts, from the header or from the query, before they are checked. */
interface SignatureParts {
  mechanism: 'header' | 'query';
  credential: string;
  signedHeaders: string[];
  signature: string;
  /** `yyyyMMddTHHmmssZ`. */
  amzDate: string;
  payloadHash: string;
  malformed(message: string, details?: Record<string, string>): S3RequestError;
}

const first = (pairs: [string, string][], name: string) => pairs.find(([n]) => n === name)?.[1];

function rawHeader(rawHeaders: readonly string[], name: string): string | undefined {
  for (let i = 0; i + 1 < rawHeaders.length; i += 2)
    if ((rawHeaders[i] as string).toLowerCase() === name) return rawHeaders[i + 1];
  return undefined;
}

const isoBasic = (date: Date) =>
  date
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
const fromIsoBasic = (d: string) =>
  Date.parse(
    `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}T${d.slice(9, 11)}:${d.slice(11, 13)}:${d.slice(13, 15)}Z`,
  );
const isoSeconds = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

function fromHeader(authorization: string, req: IncomingS3Request, now: Date): SignatureParts {
  const space = authorization.indexOf(' ');
  const algorithm = space < 0 ? authorization : authorization.slice(0, space);
  if (algorithm === 'AWS' || algorithm === 'AWS4-ECDSA-P256-SHA256')
    throw new S3RequestError(400, 'InvalidRequest', NOT_SUPPORTED);
  if (algorithm !== SIGV4_ALGORITHM)
    throw new S3RequestError(400, 'InvalidArgument', 'Unsupported Authorization Type', {
      ArgumentName: 'Authorization',
      ArgumentValue: authorization,
    });
  const components = new Map<string, string>();
  for (const part of authorization.slice(space + 1).split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) components.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const malformed = (message: string, details: Record<string, string> = {}) =>
    new S3RequestError(
      400,
      'AuthorizationHeaderMalformed',
      `The authorization header is malformed; ${message}`,
      details,
    );
  const credential = components.get('Credential');
  const signedHeaders = components.get('SignedHeaders');
  const signature = components.get('Signature');
  if (credential === undefined || signedHeaders === undefined || signature === undefined)
    throw malformed('the authorization header requires three components: Credential, SignedHeaders, and Signature.');

  const xAmzDate = rawHeader(req.rawHeaders, 'x-amz-date');
  const date = rawHeader(req.rawHeaders, 'date');
  const amzDate =
    xAmzDate !== undefined && /^\d{8}T\d{6}Z$/.test(xAmzDate)
      ? xAmzDate
      : xAmzDate === undefined && date !== undefined && !Number.isNaN(Date.parse(date))
        ? isoBasic(new Date(date))
        : undefined;
  if (amzDate === undefined) throw accessDenied('AWS authentication requires a valid Date or x-amz-date header');
  const requestTime = fromIsoBasic(amzDate);
  if (Math.abs(now.getTime() - requestTime) > MAX_SKEW_MS)
    throw new S3RequestError(
      403,
      'RequestTimeTooSkewed',
      'The difference between the request time and the current time is too large.',
      { RequestTime: amzDate, ServerTime: isoSeconds(now.getTime()), MaxAllowedSkewMilliseconds: String(MAX_SKEW_MS) },
    );
  const payloadHash = rawHeader(req.rawHeaders, 'x-amz-content-sha256');
  if (payloadHash === undefined)
    throw new S3RequestError(400, 'InvalidRequest', 'Missing required header for this request: x-amz-content-sha256');
  return {
    mechanism: 'header',
    credential,
    signedHeaders: signedHeaders.split(';'),
    signature,
    amzDate,
    payloadHash,
    malformed,
  };
}

function fromQuery(query: [string, string][], now: Date): SignatureParts {
  const malformed = (message: string, details: Record<string, string> = {}) =>
    new S3RequestError(400, 'AuthorizationQueryParametersError', message, details);
  if (first(query, 'X-Amz-Algorithm') !== SIGV4_ALGORITHM)
    throw malformed('X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"');
  if (QUERY_PARAMS.some((name) => first(query, name) === undefined))
    throw malformed(
      'Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, ' +
        'X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.',
    );
  const amzDate = first(query, 'X-Amz-Date') as string;
  if (!/^\d{8}T\d{6}Z$/.test(amzDate))
    throw malformed(`X-Amz-Date must be in the ISO8601 Long Format "yyyyMMdd'T'HHmmss'Z'"`);
  const expires = first(query, 'X-Amz-Expires') as string;
  if (!/^\d+$/.test(expires)) throw malformed('X-Amz-Expires should be a number');
  if (Number(expires) > MAX_EXPIRES_SECONDS)
    throw malformed(`X-Amz-Expires must be less than a week (in seconds) that is ${MAX_EXPIRES_SECONDS}`);
  const expiresAt = fromIsoBasic(amzDate) + Number(expires) * 1000;
  if (now.getTime() > expiresAt)
    throw accessDenied('Request has expired', {
      'X-Amz-Expires': expires,
      Expires: isoSeconds(expiresAt),
      ServerTime: isoSeconds(now.getTime()),
    });
  return {
    mechanism: 'query',
    credential: first(query, 'X-Amz-Credential') as string,
    signedHeaders: (first(query, 'X-Amz-SignedHeaders') as string).split(';'),
    signature: first(query, 'X-Amz-Signature') as string,
    amzDate,
    // A presigned URL signs no body unless it names a hash.
    payloadHash: first(query, 'X-Amz-Content-Sha256') ?? 'UNSIGNED-PAYLOAD',
    malformed: (message, details) =>
      malformed(`Error parsing the X-Amz-Credential parameter; ${message}`, details ?? {}),
  };
}

/** The credential scope `AKID/yyyyMMdd/region/s3/aws4_request`, checked against this store's key and region. */
function checkScope(parts: SignatureParts, options: SignatureCheckOptions) {
  const [accessKeyId, date, scopeRegion, service, terminal, ...rest] = parts.credential.split('/');
  if (terminal === undefined || rest.length > 0)
    throw parts.malformed(
      'the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".',
    );
  if (accessKeyId !== options.credentials.accessKeyId)
    throw new S3RequestError(
      403,
      'InvalidAccessKeyId',
      'The AWS Access Key Id you provided does not exist in our records.',
      { AWSAccessKeyId: accessKeyId as string },
    );
  if (date !== parts.amzDate.slice(0, 8))
    throw parts.malformed('Invalid credential date. Date is not the same as X-Amz-Date.');
  const region = options.region;
  if (scopeRegion !== region)
    throw parts.malformed(`the region '${scopeRegion}' is wrong; expecting '${region}'`, { Region: region });
  if (service !== 's3') throw parts.malformed(`incorrect service "${service}". This endpoint belongs to "s3".`);
  if (terminal !== 'aws4_request')
    throw parts.malformed(`incorrect terminal "${terminal}". This endpoint uses "aws4_request".`);
  // Every part now equals what this store expects.
  return { accessKeyId: accessKeyId as string, scope: { date: parts.amzDate.slice(0, 8), region, service: 's3' } };
}

/** S3 refuses any `x-amz-*` header the signature does not cover, and a signature that does not cover `host`. */
function checkSignedHeaders(req: IncomingS3Request, signedHeaders: readonly string[]) {
  const signed = new Set(signedHeaders);
  const unsigned = new Set<string>();
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = (req.rawHeaders[i] as string).toLowerCase();
    if (name.startsWith('x-amz-') && !signed.has(name)) unsigned.add(name);
  }
  if (!signed.has('host')) unsigned.add('host');
  if (unsigned.size > 0)
    throw accessDenied('There were headers present in the request which were not signed', {
      HeadersNotSigned: [...unsigned].join(', '),
    });
}

function payloadCheck(payloadHash: string): PayloadCheck {
  if (/^[0-9a-fA-F]{64}$/.test(payloadHash)) return { kind: 'sha256', expected: payloadHash.toLowerCase() };
  if (UNSIGNED_PAYLOADS.has(payloadHash)) return { kind: 'unsigned' };
  if (SIGNED_STREAMING.test(payloadHash))
    throw new S3RequestError(
      501,
      'NotImplemented',
      `A header you provided implies functionality that is not implemented: the local S3 store does not check chunk signatures (${payloadHash}); sign the payload whole or send it UNSIGNED-PAYLOAD`,
      { Header: 'x-amz-content-sha256' },
    );
  throw new S3RequestError(
    400,
    'InvalidArgument',
    'x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, or a valid sha256 value.',
    { ArgumentName: 'x-amz-content-sha256', ArgumentValue: payloadHash },
  );
}

/**
 * Checks a request's SigV4 signature as S3 does and returns what its body must match; throws the `S3RequestError`
 * S3 would answer. A preflight `OPTIONS` is anonymous by nature and is not given here.
 */
export function verifySignature(req: IncomingS3Request, options: SignatureCheckOptions): PayloadCheck {
  const at = req.url.indexOf('?');
  const rawPath = at < 0 ? req.url : req.url.slice(0, at);
  const query = parseQuery(at < 0 ? '' : req.url.slice(at + 1));
  const authorization = rawHeader(req.rawHeaders, 'authorization');
  const presigned = first(query, 'X-Amz-Algorithm') !== undefined;
  if (authorization !== undefined && presigned)
    throw new S3RequestError(
      400,
      'InvalidArgument',
      'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified',
      { ArgumentName: 'Authorization', ArgumentValue: authorization },
    );
  if (authorization === undefined && !presigned) {
    if (first(query, 'Signature') !== undefined) throw new S3RequestError(400, 'InvalidRequest', NOT_SUPPORTED);
    throw accessDenied();
  }

  const parts =
    authorization !== undefined ? fromHeader(authorization, req, options.now) : fromQuery(query, options.now);
  const { accessKeyId, scope } = checkScope(parts, options);
  checkSignedHeaders(req, parts.signedHeaders);

  const canonical = canonicalRequest({
    method: req.method,
    rawPath,
    query,
    ...(parts.mechanism === 'query' ? { omitFromQuery: 'X-Amz-Signature' } : {}),
    rawHeaders: req.rawHeaders,
    signedHeaders: parts.signedHeaders,
    payloadHash: parts.payloadHash,
  });
  const toSign = stringToSign(parts.amzDate, `${scope.date}/${scope.region}/${scope.service}/aws4_request`, canonical);
  const expected = Buffer.from(sigV4Signature(options.credentials.secretAccessKey, scope, toSign));
  const provided = Buffer.from(parts.signature);
  if (expected.length !== provided.length || !timingSafeEqual(expected, provided))
    throw new S3RequestError(
      403,
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
      {
        AWSAccessKeyId: accessKeyId,
        StringToSign: toSign,
        SignatureProvided: parts.signature,
        CanonicalRequest: canonical,
      },
    );
  return payloadCheck(parts.payloadHash);
}
