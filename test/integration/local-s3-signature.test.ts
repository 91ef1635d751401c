/**
 * The local S3 store checks requests as S3 does (infra/local/s3-gate.ts), and the API's presigned upload is one S3
 * accepts: the exact request the presign answer describes uploads the file once; any other request is refused with
 * S3's answer. Also the SDK client (Authorization header) for every operation the project uses.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { S3Event } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LOCAL_BUCKET } from '../../infra/local/runtime.ts';
import { type LocalS3, startLocalS3 } from '../../infra/local/s3.ts';
import { LOCAL_S3_CREDENTIALS, S3UploadReader } from '../../shared/uploads/s3-upload-reader.ts';
import { S3UploadWriter } from '../../shared/uploads/s3-upload-writer.ts';
import { type ApiFixture, claimsFor, startApi } from '../helpers/api-events.ts';

const SAMPLE = join(import.meta.dirname, '../../events/suppliers/sample.csv');
const BUCKET = 'uploads';
const ACME = claimsFor('acme', 'risk/read risk/write');

/** S3's XML error body, read back: code, message and the elements tests look at. */
async function s3Error(res: Response) {
  const text = await res.text();
  const element = (name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(text)?.[1];
  return {
    status: res.status,
    code: element('Code'),
    message: element('Message'),
    headersNotSigned: element('HeadersNotSigned'),
  };
}

async function readObject(reader: S3UploadReader, bucket: string, key: string) {
  const object = await reader.open(bucket, key);
  const chunks: Buffer[] = [];
  for await (const chunk of object.body) chunks.push(Buffer.from(chunk));
  return { ...object, text: Buffer.concat(chunks).toString() };
}

describe('the presigned upload of POST /v1/batches, on the local S3 store that checks it as S3 does', () => {
  let api: ApiFixture;
  let reader: S3UploadReader;
  beforeAll(async () => {
    api = await startApi();
    reader = new S3UploadReader(api.runtime.s3.client);
  });
  afterAll(async () => {
    await api?.stop();
  });

  async function presigned(asOf = '2026-03-01') {
    const r = await api.call({
      method: 'POST',
      path: '/v1/batches',
      claims: ACME,
      body: { upload: 'presigned', format: 'csv', asOf, buyerCountry: 'DE' },
    });
    expect(r.status).toBe(202);
    const upload = r.json.upload as { method: 'PUT'; url: string; headers: Record<string, string> };
    return { batchId: r.json.batchId as string, key: `uploads/acme/${r.json.batchId}.csv`, ...upload };
  }

  it('lists every header the PUT must carry, each signed as a header, none hoisted into the URL', async () => {
    const upload = await presigned();
    expect(upload.headers).toEqual({
      'content-type': 'text/csv',
      'if-none-match': '*',
      'x-amz-meta-as-of': '2026-03-01',
      'x-amz-meta-buyer-country': 'DE',
    });
    const query = new URL(upload.url).searchParams;
    expect(query.get('X-Amz-SignedHeaders')?.split(';')).toEqual([...Object.keys(upload.headers), 'host'].sort());
    expect([...query.keys()].filter((name) => name.startsWith('x-amz-meta-'))).toEqual([]);
  });

  it('the exact request it describes uploads the file, and the batch is ingested from the S3 event', async () => {
    const upload = await presigned();
    const body = await readFile(SAMPLE);
    const put = await fetch(upload.url, { method: upload.method, headers: upload.headers, body });
    expect(put.status).toBe(200);
    const done = await api.runtime.waitForBatch('acme', upload.batchId, { timeoutMs: 15_000 });
    expect(done).toMatchObject({ status: 'completed', asOf: '2026-03-01', buyerCountry: 'DE' });
    const stored = await readObject(reader, LOCAL_BUCKET, upload.key);
    expect(stored.text).toBe(body.toString());
    expect(stored.contentType).toBe('text/csv');
    expect(stored.metadata).toEqual({ 'as-of': '2026-03-01', 'buyer-country': 'DE' });
  });

  it('a second PUT with the same URL gets 412 PreconditionFailed and the object is unchanged', async () => {
    const upload = await presigned();
    const first = 'supplier_id,mineral,origin_country,share\nS-1,cobalt,CD,1\n';
    expect((await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: first })).status).toBe(200);
    const again = await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: 'supplier_id\nS-2\n' });
    expect(await s3Error(again)).toMatchObject({ status: 412, code: 'PreconditionFailed' });
    expect((await readObject(reader, LOCAL_BUCKET, upload.key)).text).toBe(first);
  });

  it('refuses any changed or missing header (403 SignatureDoesNotMatch) and stores nothing', async () => {
    const upload = await presigned();
    for (const name of Object.keys(upload.headers)) {
      const changed = await fetch(upload.url, {
        method: 'PUT',
        headers: { ...upload.headers, [name]: name === 'if-none-match' ? '"abc"' : `${upload.headers[name]}x` },
        body: 'a',
      });
      expect({ name, ...(await s3Error(changed)) }).toMatchObject({ name, status: 403, code: 'SignatureDoesNotMatch' });
      const { [name]: _, ...rest } = upload.headers;
      const missing = await fetch(upload.url, { method: 'PUT', headers: rest, body: 'a' });
      expect({ name, ...(await s3Error(missing)) }).toMatchObject({ name, status: 403, code: 'SignatureDoesNotMatch' });
    }
    await expect(reader.open(LOCAL_BUCKET, upload.key)).rejects.toMatchObject({ name: 'UploadNotFoundError' });
    // The refusals changed nothing: the exact request still goes through, once.
    expect((await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: 'a' })).status).toBe(200);
  });

  it('refuses an extra x-amz-* header 403 HeadersNotSigned, and a tampered signature, key or expiry', async () => {
    const upload = await presigned();
    const send = (url: string, headers: Record<string, string> = upload.headers) =>
      fetch(url, { method: 'PUT', headers, body: 'a' }).then(s3Error);
    expect(await send(upload.url, { ...upload.headers, 'x-amz-meta-extra': 'x' })).toEqual({
      status: 403,
      code: 'AccessDenied',
      message: 'There were headers present in the request which were not signed',
      headersNotSigned: 'x-amz-meta-extra',
    });
    expect(await send(upload.url, { ...upload.headers, 'x-amz-server-side-encryption': 'AES256' })).toMatchObject({
      headersNotSigned: 'x-amz-server-side-encryption',
    });
    const url = new URL(upload.url);
    const signature = url.searchParams.get('X-Amz-Signature') as string;
    const tampered = new URL(url);
    tampered.searchParams.set('X-Amz-Signature', `${signature.slice(0, -1)}${signature.endsWith('0') ? '1' : '0'}`);
    expect(await send(tampered.href)).toMatchObject({ status: 403, code: 'SignatureDoesNotMatch' });
    const longer = new URL(url);
    longer.searchParams.set('X-Amz-Expires', '3600');
    expect(await send(longer.href)).toMatchObject({ status: 403, code: 'SignatureDoesNotMatch' });
    const otherKey = new URL(url);
    otherKey.pathname = otherKey.pathname.replace(upload.batchId, `${upload.batchId}x`);
    expect(await send(otherKey.href)).toMatchObject({ status: 403, code: 'SignatureDoesNotMatch' });
  });
});

describe('the local S3 store refuses what S3 refuses', () => {
  let s3: LocalS3;
  let reader: S3UploadReader;
  const events: S3Event[] = [];
  beforeAll(async () => {
    s3 = await startLocalS3({ buckets: [BUCKET] });
    s3.onObjectCreated((event) => {
      events.push(event);
    });
    reader = new S3UploadReader(s3.client);
  });
  afterAll(async () => {
    await s3?.stop();
  });

  /** A client like `createS3Client`'s with one change to its configuration, and no retries to hide a refusal. */
  const clientWith = (config: Partial<ConstructorParameters<typeof S3Client>[0]>) =>
    new S3Client({
      endpoint: s3.endpoint,
      region: s3.region,
      forcePathStyle: true,
      credentials: { ...LOCAL_S3_CREDENTIALS },
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      maxAttempts: 1,
      ...config,
    });

  it('refuses anonymous requests 403 AccessDenied, and stores nothing', async () => {
    const url = `${s3.endpoint}/${BUCKET}/anonymous.csv`;
    expect(await s3Error(await fetch(url, { method: 'PUT', body: 'x' }))).toMatchObject({
      status: 403,
      code: 'AccessDenied',
      message: 'Access Denied',
    });
    expect(await s3Error(await fetch(url))).toMatchObject({ status: 403, code: 'AccessDenied' });
    expect(await s3Error(await fetch(`${s3.endpoint}/${BUCKET}?list-type=2`))).toMatchObject({ status: 403 });
    expect((await fetch(url, { method: 'HEAD' })).status).toBe(403);
    await expect(reader.open(BUCKET, 'anonymous.csv')).rejects.toMatchObject({ name: 'UploadNotFoundError' });
  });

  it('the old presign (metadata hoisted into the URL) is refused when the client also sends the metadata headers', async () => {
    const command = new PutObjectCommand({
      Bucket: BUCKET,
      Key: 'old-presign.csv',
      ContentType: 'text/csv',
      Metadata: { 'as-of': '2026-03-01' },
    });
    const headers = { 'content-type': 'text/csv', 'x-amz-meta-as-of': '2026-03-01' };
    const url = await getSignedUrl(s3.client, command, {
      expiresIn: 900,
      signableHeaders: new Set(Object.keys(headers)),
    });
    expect(new URL(url).searchParams.get('x-amz-meta-as-of')).toBe('2026-03-01'); // hoisted, unsigned as a header
    expect(await s3Error(await fetch(url, { method: 'PUT', headers, body: 'a' }))).toMatchObject({
      status: 403,
      code: 'AccessDenied',
      headersNotSigned: 'x-amz-meta-as-of',
    });
    // As on S3, the hoisted value is part of the signed URL: without the header the PUT goes through.
    const put = await fetch(url, { method: 'PUT', headers: { 'content-type': 'text/csv' }, body: 'a' });
    expect(put.status).toBe(200);
    expect((await reader.open(BUCKET, 'old-presign.csv')).metadata).toEqual({ 'as-of': '2026-03-01' });
  });

  it('refuses an expired presigned URL 403 "Request has expired"', async () => {
    const command = new GetObjectCommand({ Bucket: BUCKET, Key: 'any.csv' });
    const url = await getSignedUrl(s3.client, command, { expiresIn: 60, signingDate: new Date(Date.now() - 120_000) });
    expect(await s3Error(await fetch(url))).toMatchObject({
      status: 403,
      code: 'AccessDenied',
      message: 'Request has expired',
    });
  });

  it('the SDK client (Authorization header) works for every operation, streamed bodies and awkward keys included', async () => {
    const key = 'tenant e/Liste – été (v2)+final=ok.csv';
    await s3.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: 'a,b\n', ContentType: 'text/csv' }));
    const streamed = 'tenant e/streamed.bin';
    const bytes = Buffer.alloc(3 * 1024 * 1024 + 7, 'z');
    await s3.client.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: streamed,
        Body: Readable.from([bytes]),
        ContentLength: bytes.length,
      }),
    );
    const head = await s3.client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: streamed }));
    expect(head.ContentLength).toBe(bytes.length);
    const got = await s3.client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    expect(await got.Body?.transformToString()).toBe('a,b\n');
    const listed = await s3.client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'tenant e/' }));
    expect(listed.Contents?.map((o) => o.Key).sort()).toEqual([key, streamed].sort());
    await s3.client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: streamed }));
    await expect(reader.open(BUCKET, streamed)).rejects.toMatchObject({ name: 'UploadNotFoundError' });
    await vi.waitFor(() =>
      expect(events.flatMap((e) => e.Records.map((r) => r.s3.object.size))).toContain(bytes.length),
    );
  });

  it("implements PutObject's If-None-Match: * for the SDK client too (412 on an existing key)", async () => {
    const put = (body: string) =>
      s3.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'once.csv', Body: body, IfNoneMatch: '*' }));
    await put('first');
    await expect(put('second')).rejects.toMatchObject({
      name: 'PreconditionFailed',
      $metadata: { httpStatusCode: 412 },
    });
    expect((await readObject(reader, BUCKET, 'once.csv')).text).toBe('first');
  });

  it('answers a conditional PUT 409 ConditionalRequestConflict while another one to the key is under way', async () => {
    const writer = new S3UploadWriter(s3.client);
    const upload = await writer.presignPut(BUCKET, 'contended.csv', {
      contentType: 'text/csv',
      metadata: {},
      expiresInSeconds: 60,
    });
    let finish = () => {};
    const slowBody = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('first,'));
        finish = () => {
          controller.enqueue(new TextEncoder().encode('done\n'));
          controller.close();
        };
      },
    });
    const first = fetch(upload.url, {
      method: 'PUT',
      headers: upload.headers,
      body: slowBody,
      duplex: 'half',
    } as RequestInit);
    await vi.waitFor(async () => {
      const second = await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: 'second\n' });
      expect(await s3Error(second)).toMatchObject({ status: 409, code: 'ConditionalRequestConflict' });
    });
    finish();
    expect((await first).status).toBe(200);
    expect((await readObject(reader, BUCKET, 'contended.csv')).text).toBe('first,done\n');
  });

  it('refuses a wrong secret, an unknown key, another region and a skewed clock', async () => {
    const get = async (client: S3Client) => {
      try {
        await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'any.csv' }));
        return null;
      } catch (error) {
        return {
          name: (error as Error).name,
          status: (error as { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode,
        };
      } finally {
        client.destroy();
      }
    };
    const secret = { ...LOCAL_S3_CREDENTIALS, secretAccessKey: 'not-the-secret' };
    expect(await get(clientWith({ credentials: secret }))).toEqual({ name: 'SignatureDoesNotMatch', status: 403 });
    const key = { ...LOCAL_S3_CREDENTIALS, accessKeyId: 'AKIDOTHER' };
    expect(await get(clientWith({ credentials: key }))).toEqual({ name: 'InvalidAccessKeyId', status: 403 });
    expect(await get(clientWith({ region: 'eu-west-1' }))).toEqual({
      name: 'AuthorizationHeaderMalformed',
      status: 400,
    });
    expect(await get(clientWith({ systemClockOffset: -20 * 60_000 }))).toEqual({
      name: 'RequestTimeTooSkewed',
      status: 403,
    });
  });

  it('checks a body against the SHA-256 it was signed with, and refuses the payload kinds it cannot check', async () => {
    /** A client that signs `x-amz-content-sha256: value` (the signer takes a hash header given to it as is). */
    const signing = (value: string) => {
      const client = clientWith({});
      client.middlewareStack.add(
        (next) => async (args) => {
          (args.request as { headers: Record<string, string> }).headers['x-amz-content-sha256'] = value;
          return next(args);
        },
        { step: 'build' },
      );
      return client;
    };
    const put = async (client: S3Client, key: string, body: string) => {
      try {
        await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
        return 200;
      } catch (error) {
        return `${(error as { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode} ${(error as Error).name}`;
      } finally {
        client.destroy();
      }
    };
    const sha = (text: string) => createHash('sha256').update(text).digest('hex');
    expect(await put(signing(sha('other body')), 'hashed.csv', 'this body')).toBe('400 XAmzContentSHA256Mismatch');
    await expect(reader.open(BUCKET, 'hashed.csv')).rejects.toMatchObject({ name: 'UploadNotFoundError' });
    expect(await put(signing(sha('this body')), 'hashed.csv', 'this body')).toBe(200);
    expect(await put(signing('UNSIGNED-PAYLOAD'), 'unsigned.csv', 'any body')).toBe(200);
    expect(await put(signing('STREAMING-AWS4-HMAC-SHA256-PAYLOAD'), 'chunks.csv', 'x')).toBe('501 NotImplemented');
    expect(await put(signing('not-a-hash'), 'nonsense.csv', 'x')).toBe('400 InvalidArgument');
  });
});
