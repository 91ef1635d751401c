/**
 * The front door of the local S3 store. s3rver 3.7.1 does not check SigV4 at all (it lets anonymous requests through
 * and accepts any v4 signature), and it ignores `If-None-Match` on PutObject; S3 does neither. This HTTP server sits
 * in front of it and lets through only what S3 would accept: a valid signature (`s3-signature.ts`), a body that
 * matches the SHA-256 it signed, and a conditional PUT to a key that does not exist yet. What passes is streamed to
 * s3rver and its answer streamed back unchanged, so object-created events still come from s3rver.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseQuery, sha256Hex } from './s3-canonical-request.ts';
import { S3RequestError, writeS3Error } from './s3-error.ts';
import { type SignatureCheckOptions, verifySignature } from './s3-signature.ts';

export interface S3GateOptions {
  /** Where s3rver listens. */
  upstream: { host: string; port: number };
  /** Where the gate listens (port 0: any free port). */
  host: string;
  port: number;
  credentials: SignatureCheckOptions['credentials'];
  region: string;
  /** Whether the object exists, for `If-None-Match: *` (s3rver's store answers it). */
  objectExists(bucket: string, key: string): Promise<boolean>;
  /** The largest body held in memory to check the SHA-256 it was signed with. Default 64 MiB. */
  maxHashedBodyBytes?: number;
}

export interface S3Gate {
  port: number;
  close(): Promise<void>;
}

/** Connection-level headers: each hop sets its own (Node frames the forwarded body itself). */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
]);

function withoutHopByHop(rawHeaders: readonly string[], drop: ReadonlySet<string> = HOP_BY_HOP): string[] {
  const kept: string[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2)
    if (!drop.has((rawHeaders[i] as string).toLowerCase()))
      kept.push(rawHeaders[i] as string, rawHeaders[i + 1] as string);
  return kept;
}
// The gate already answered `Expect: 100-continue` (Node does); s3rver need not be asked again.
const REQUEST_DROP = new Set([...HOP_BY_HOP, 'expect']);

/** `{ bucket, key }` of a path-style PutObject (no subresource such as `uploadId` or `tagging`), else null. */
function putObjectTarget(method: string, url: string): { bucket: string; key: string } | null {
  if (method !== 'PUT') return null;
  const at = url.indexOf('?');
  const path = at < 0 ? url : url.slice(0, at);
  const query = parseQuery(at < 0 ? '' : url.slice(at + 1));
  if (query.some(([name]) => name !== 'x-id' && !name.toLowerCase().startsWith('x-amz-'))) return null;
  const match = /^\/([^/]+)\/(.+)$/.exec(path);
  if (!match) return null;
  return { bucket: decodeURIComponent(match[1] as string), key: decodeURIComponent(match[2] as string) };
}

/** The whole body, or null when it is longer than `max` (then read to its end and dropped, so the answer arrives). */
function readBody(req: IncomingMessage, max: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= max) chunks.push(chunk);
      else chunks.length = 0;
    });
    req.on('end', () => resolve(size <= max ? Buffer.concat(chunks) : null));
    req.on('error', reject);
    req.on('close', () => {
      if (!req.complete) reject(new Error('the client closed the request before its body ended'));
    });
  });
}

export async function startS3Gate(options: S3GateOptions): Promise<S3Gate> {
  const maxHashed = options.maxHashedBodyBytes ?? 64 * 1024 * 1024;
  const agent = new http.Agent({ keepAlive: true });
  /** Keys with a conditional PUT under way: S3 answers a second one 409 ConditionalRequestConflict. */
  const conditionalWrites = new Set<string>();

  /** For `If-None-Match: *` on PutObject: refuses (412, 409) or reserves the key until the answer is sent. */
  async function claimConditionalWrite(req: IncomingMessage): Promise<() => void> {
    const condition = req.headers['if-none-match'];
    const target = putObjectTarget(req.method ?? '', req.url ?? '/');
    if (condition === undefined || target === null) return () => {};
    if (condition.trim() !== '*')
      throw new S3RequestError(
        501,
        'NotImplemented',
        'A header you provided implies functionality that is not implemented: PutObject takes If-None-Match: * only',
        { Header: 'If-None-Match' },
      );
    const id = `${target.bucket}/${target.key}`;
    if (conditionalWrites.has(id))
      throw new S3RequestError(
        409,
        'ConditionalRequestConflict',
        'A conflicting conditional operation is currently in progress against this resource. Please try again.',
      );
    conditionalWrites.add(id);
    const release = () => conditionalWrites.delete(id);
    try {
      if (await options.objectExists(target.bucket, target.key))
        throw new S3RequestError(
          412,
          'PreconditionFailed',
          'At least one of the pre-conditions you specified did not hold',
          {
            Condition: 'If-None-Match',
          },
        );
    } catch (error) {
      release();
      throw error;
    }
    return release;
  }

  /** Streams the request (or its already-read body) to s3rver and s3rver's answer back. */
  function forward(req: IncomingMessage, res: ServerResponse, body: Buffer | undefined, done: () => void) {
    res.on('close', done);
    const upstream = http.request({
      host: options.upstream.host,
      port: options.upstream.port,
      method: req.method,
      path: req.url,
      headers: withoutHopByHop(req.rawHeaders, REQUEST_DROP),
      agent,
    });
    upstream.on('response', (answer) => {
      res.writeHead(answer.statusCode ?? 500, answer.statusMessage, withoutHopByHop(answer.rawHeaders));
      answer.pipe(res);
    });
    upstream.on('error', (error) => {
      if (res.destroyed) return;
      if (res.headersSent) res.destroy(error);
      else writeS3Error(res, req.method ?? 'GET', resourceOf(req.url ?? '/'), internalError(error));
    });
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    if (body === undefined) req.pipe(upstream);
    else upstream.end(body);
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    let release = () => {};
    try {
      // A CORS preflight carries no credentials, on S3 as here: the bucket's CORS rules answer it.
      if (method === 'OPTIONS') return forward(req, res, undefined, release);
      const payload = verifySignature(
        { method, url, rawHeaders: req.rawHeaders },
        { credentials: options.credentials, region: options.region, now: new Date() },
      );
      release = await claimConditionalWrite(req);
      let body: Buffer | undefined;
      if (payload.kind === 'sha256') {
        const read = await readBody(req, maxHashed);
        if (read === null)
          throw new S3RequestError(
            501,
            'NotImplemented',
            `The local S3 store checks a signed x-amz-content-sha256 in memory, up to ${maxHashed} bytes; send a larger body UNSIGNED-PAYLOAD (the SDK does for a stream)`,
            { Header: 'x-amz-content-sha256' },
          );
        const computed = sha256Hex(read);
        if (computed !== payload.expected)
          throw new S3RequestError(
            400,
            'XAmzContentSHA256Mismatch',
            "The provided 'x-amz-content-sha256' header does not match what was computed.",
            { ClientComputedContentSHA256: payload.expected, S3ComputedContentSHA256: computed },
          );
        body = read;
      }
      forward(req, res, body, release);
    } catch (error) {
      release();
      if (res.headersSent || res.destroyed) return;
      writeS3Error(res, method, resourceOf(url), error instanceof S3RequestError ? error : internalError(error));
    }
  }

  const server = http.createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    async close() {
      const closing = new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
      server.closeIdleConnections();
      await closing;
      agent.destroy();
    },
  };
}

const resourceOf = (url: string) => url.split('?')[0] as string;

/** S3's 500; the cause goes to stderr, since the answer does not carry it. */
function internalError(cause: unknown): S3RequestError {
  process.stderr.write(`local S3 gate: ${String(cause)}\n`);
  return new S3RequestError(500, 'InternalError', 'We encountered an internal error. Please try again.');
}
