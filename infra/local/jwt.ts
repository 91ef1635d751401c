/**
 * Local JWTs: a signing key generated once per checkout (kept in `.tmp/dev-keys/`, git-ignored), tokens minted with
 * it, and a verifier that checks them as API Gateway's HTTP API JWT authorizer checks tokens from an issuer's JWKS.
 *
 * The key is RS256: the authorizer only supports RSA-based algorithms, so the local issuer signs the way a real one
 * must, and a token in any other algorithm is refused here as it would be there.
 */
import { randomUUID } from 'node:crypto';
import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type CryptoKey,
  errors,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
  type JWTPayload,
  jwtVerify,
  SignJWT,
} from 'jose';

export const LOCAL_ISSUER = 'http://localhost/mineral-risk-dev';
export const LOCAL_AUDIENCE = 'mineral-risk-api';
export const ALGORITHM = 'RS256';

const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DEV_KEY_FILE = join(REPO_ROOT, '.tmp', 'dev-keys', 'local-signing-key.json');

export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  /** The public half as a JWK (what the issuer's jwks_uri would publish). */
  publicJwk: JWK;
}

/** A fresh key pair (tests use one as "another issuer's key"; give the same kid to test the signature itself). */
export async function generateSigningKey(kid: string = randomUUID()): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(ALGORITHM, { extractable: true });
  return {
    kid,
    privateKey,
    publicKey,
    publicJwk: { ...(await exportJWK(publicKey)), kid, alg: ALGORITHM, use: 'sig' },
  };
}

async function fromPrivateJwk(jwk: JWK): Promise<SigningKey> {
  if (typeof jwk.kid !== 'string' || jwk.kty !== 'RSA') throw new Error(`${DEV_KEY_FILE} is not an RSA JWK with a kid`);
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...pub } = jwk;
  return {
    kid: jwk.kid,
    privateKey: (await importJWK(jwk, ALGORITHM)) as CryptoKey,
    publicKey: (await importJWK(pub, ALGORITHM)) as CryptoKey,
    publicJwk: { ...pub, alg: ALGORITHM, use: 'sig' },
  };
}

let loading: Promise<SigningKey> | undefined;

/**
 * The local signing key: read from `.tmp/dev-keys/`, or generated and stored there on first use. Safe when several
 * processes start at once (the file is written aside and linked into place; the loser reads the winner's key).
 */
export function localSigningKey(file: string = DEV_KEY_FILE): Promise<SigningKey> {
  if (file !== DEV_KEY_FILE) return loadOrCreate(file);
  loading ??= loadOrCreate(file).catch((err: unknown) => {
    loading = undefined;
    throw err;
  });
  return loading;
}

async function loadOrCreate(file: string): Promise<SigningKey> {
  try {
    return await fromPrivateJwk(JSON.parse(await readFile(file, 'utf8')) as JWK);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const key = await generateSigningKey();
  const jwk = { ...(await exportJWK(key.privateKey)), kid: key.kid, alg: ALGORITHM };
  const aside = `${file}.${process.pid}.${randomUUID()}`;
  await writeFile(aside, `${JSON.stringify(jwk, null, 2)}\n`, { mode: 0o600 });
  try {
    await link(aside, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return fromPrivateJwk(JSON.parse(await readFile(file, 'utf8')) as JWK);
  } finally {
    await unlink(aside);
  }
  return key;
}

export interface MintOptions {
  /** The `tenant` claim. Omit for a machine client whose tenant comes from the client→tenant mapping. */
  tenant?: string;
  /** Space-separated (`risk/read risk/write`) or a list; goes into the `scope` claim. */
  scope: string | readonly string[];
  /** Seconds, or a jose time span (`1h`, `30m`, `7d`). Default `1h`. */
  expiresIn?: number | string;
  /** Adds `client_id` (machine clients, client-credentials flow). */
  clientId?: string;
  /** Default `local-user`, or the client id. */
  subject?: string;
  /** Overrides, for tests of tokens the authorizer must refuse. */
  issuer?: string;
  audience?: string | string[] | null;
  /** `iat` (and the base of `expiresIn`); default now. */
  issuedAt?: Date;
  notBefore?: Date;
  /** Default: the local signing key. */
  key?: SigningKey;
}

/** A signed access token as the local issuer would hand it out. */
export async function mintToken(options: MintOptions): Promise<string> {
  if (options.tenant === undefined && options.clientId === undefined)
    throw new Error('a token needs a tenant or a client id');
  const key = options.key ?? (await localSigningKey());
  const scope = typeof options.scope === 'string' ? options.scope.trim() : options.scope.join(' ');
  const claims: JWTPayload = { scope };
  if (options.tenant !== undefined) claims.tenant = options.tenant;
  if (options.clientId !== undefined) claims.client_id = options.clientId;
  const iat = Math.floor((options.issuedAt ?? new Date()).getTime() / 1000);
  const expiresIn = options.expiresIn ?? '1h';
  const jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: ALGORITHM, kid: key.kid, typ: 'JWT' })
    .setIssuer(options.issuer ?? LOCAL_ISSUER)
    .setSubject(options.subject ?? options.clientId ?? 'local-user')
    .setIssuedAt(iat)
    .setJti(randomUUID())
    .setExpirationTime(typeof expiresIn === 'number' ? iat + expiresIn : expiresIn);
  const audience = options.audience === undefined ? LOCAL_AUDIENCE : options.audience;
  if (audience !== null) jwt.setAudience(audience);
  if (options.notBefore) jwt.setNotBefore(Math.floor(options.notBefore.getTime() / 1000));
  return jwt.sign(key.privateKey);
}

export type VerifyResult =
  | { ok: true; claims: JWTPayload; scopes: string[] }
  | { ok: false; reason: string; expired: boolean };

export interface VerifyOptions {
  /** The keys the issuer publishes; default the local signing key. */
  keys?: readonly SigningKey[];
  issuer?: string;
  /** The authorizer's audience list. */
  audience?: readonly string[];
  now?: Date;
}

/** The token's scopes, from `scope` (space-separated) or `scp` (a list or a string), as the authorizer reads them. */
export function tokenScopes(claims: JWTPayload): string[] {
  const raw = claims.scope ?? claims.scp;
  const list = Array.isArray(raw) ? raw.map(String) : typeof raw === 'string' ? raw.split(' ') : [];
  return list.filter((s) => s !== '');
}

/**
 * What the HTTP API JWT authorizer checks, in its order: a signature by a published key (the header's `kid` must
 * name one, the algorithm must be RSA), `iss`, `aud` (or `client_id` when there is no `aud`) against the audience
 * list, `exp` after now, `nbf` and `iat` not after now. Scopes are the route's business (see http-server.ts).
 */
export async function verifyToken(token: string, options: VerifyOptions = {}): Promise<VerifyResult> {
  const keys = options.keys ?? [await localSigningKey()];
  const audience = options.audience ?? [LOCAL_AUDIENCE];
  const now = options.now ?? new Date();
  let claims: JWTPayload;
  try {
    ({ payload: claims } = await jwtVerify(
      token,
      (header) => {
        const key = keys.find((k) => k.kid === header.kid);
        if (!key) throw new errors.JWKSNoMatchingKey();
        return key.publicKey;
      },
      {
        algorithms: [ALGORITHM],
        issuer: options.issuer ?? LOCAL_ISSUER,
        requiredClaims: ['exp'],
        currentDate: now,
      },
    ));
  } catch (err) {
    const expired = err instanceof errors.JWTExpired;
    return { ok: false, expired, reason: expired ? 'the token has expired' : describe(err) };
  }
  const aud = claims.aud;
  const audOk =
    aud !== undefined
      ? (Array.isArray(aud) ? aud : [aud]).some((a) => audience.includes(a))
      : typeof claims.client_id === 'string' && audience.includes(claims.client_id);
  if (!audOk) return { ok: false, expired: false, reason: 'the token is not for this audience' };
  if (claims.iat !== undefined && claims.iat > Math.floor(now.getTime() / 1000))
    return { ok: false, expired: false, reason: 'the token is issued in the future' };
  return { ok: true, claims, scopes: tokenScopes(claims) };
}

function describe(err: unknown): string {
  if (err instanceof errors.JWSSignatureVerificationFailed) return 'the signature does not verify';
  if (err instanceof errors.JWKSNoMatchingKey) return 'no published key matches the token';
  if (err instanceof errors.JOSEAlgNotAllowed) return 'the signing algorithm is not allowed';
  if (err instanceof errors.JWTClaimValidationFailed) return `the ${err.claim} claim is invalid`;
  return 'the token is malformed';
}
