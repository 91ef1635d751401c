/**
 * The local S3 store (s3rver) and the S3 upload reader, end to end over HTTP: large streamed uploads read back byte
 * for byte, object-created notifications in S3's shape, key encoding, metadata, missing objects.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { Readable } from 'node:stream';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { S3Event } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type LocalS3, startLocalS3 } from '../../infra/local/s3.ts';
import { UploadNotFoundError } from '../../shared/uploads/port.ts';
import {
  createS3Client,
  decodeS3EventKey,
  encodeS3EventKey,
  LOCAL_S3_CREDENTIALS,
  S3UploadReader,
} from '../../shared/uploads/s3-upload-reader.ts';
import { uploadCreatedEvent } from '../helpers/s3-events.ts';
import { tempDir } from '../helpers/temp.ts';

const BUCKET = 'uploads';
const MiB = 1024 * 1024;

/** `size` bytes from a seeded xorshift32 generator, in 1 MiB chunks: the same bytes on every call, never all in memory. */
function* deterministicBytes(size: number, seed = 0x9e3779b9): Generator<Buffer> {
  let state = seed >>> 0 || 1;
  for (let offset = 0; offset < size; offset += MiB) {
    const chunk = Buffer.allocUnsafe(Math.min(MiB, size - offset));
    let i = 0;
    for (; i + 4 <= chunk.length; i += 4) {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      chunk.writeUInt32LE(state >>> 0, i);
    }
    for (; i < chunk.length; i += 1) chunk[i] = i & 0xff;
    yield chunk;
  }
}

async function readAll(body: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

async function sha256Of(
  chunks: Iterable<Uint8Array> | AsyncIterable<Uint8Array>,
): Promise<{ sha: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of chunks) {
    hash.update(chunk);
    size += chunk.length;
  }
  return { sha: hash.digest('hex'), size };
}

/** PutObject with a Node stream body of known length: the SDK streams it (aws-chunked unless WHEN_REQUIRED). */
async function putStream(client: S3Client, key: string, size: number, seed?: number) {
  return client.send(
    new PutObjectCommand({
      Bucket: BUCKET,
      Key: key,
      Body: Readable.from(deterministicBytes(size, seed)),
      ContentLength: size,
      ContentType: 'application/octet-stream',
    }),
  );
}

describe('local S3 store and S3UploadReader', () => {
  let s3: LocalS3;
  let reader: S3UploadReader;
  const events: S3Event[] = [];
  const eventsFor = (key: string) =>
    events.filter((e) => e.Records.some((r) => decodeS3EventKey(r.s3.object.key) === key));

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

  it('listens on a real port picked for port 0', () => {
    expect(s3.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(Number(new URL(s3.endpoint).port)).toBeGreaterThan(0);
  });

  it('reads a 40 MB streamed upload back byte for byte, as a stream', async () => {
    const size = 40 * MiB + 123; // not a multiple of any chunk size
    const expected = await sha256Of(deterministicBytes(size));
    const key = 'tenant-a/large.bin';

    const put = await putStream(createS3Client({ endpoint: s3.endpoint }), key, size);
    const object = await reader.open(BUCKET, key);

    expect(object.size).toBe(size);
    expect(object.body).toBeInstanceOf(Readable);
    let largestChunk = 0;
    const read = await sha256Of(
      (async function* () {
        for await (const chunk of object.body) {
          largestChunk = Math.max(largestChunk, chunk.length);
          yield chunk;
        }
      })(),
    );
    expect(read).toEqual(expected);
    expect(largestChunk).toBeLessThan(size / 4); // streamed, not one buffer

    await vi.waitFor(() => expect(eventsFor(key)).toHaveLength(1));
    const record = eventsFor(key)[0]?.Records[0];
    expect(record?.s3.object.size).toBe(size);
    expect(`"${record?.s3.object.eTag}"`).toBe(put.ETag);
  });

  it('guard: a client without WHEN_REQUIRED checksums stores the aws-chunked framing inside the object', async () => {
    // The SDK default (WHEN_SUPPORTED) sends a streamed PutObject as aws-chunked with a trailing CRC32; s3rver 3.7.1
    // does not decode it and answers 200. The byte-for-byte check above is what catches this.
    const naive = new S3Client({
      endpoint: s3.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { ...LOCAL_S3_CREDENTIALS },
    });
    try {
      const size = 256 * 1024;
      const key = 'guard/naive-client.bin';
      const expected = await sha256Of(deterministicBytes(size, 7));
      await putStream(naive, key, size, 7); // no error: the corruption is silent

      const object = await reader.open(BUCKET, key);
      const stored = await readAll(object.body);

      expect(object.size).not.toBe(size);
      expect((await sha256Of([stored])).sha).not.toBe(expected.sha);
      expect(stored.subarray(0, 16).toString('latin1')).toMatch(/^[0-9a-f]+\r\n/); // chunk-size line
      expect(stored.toString('latin1')).toContain('x-amz-checksum-crc32:'); // the trailer
    } finally {
      naive.destroy();
    }
  });

  it('emits exactly one ObjectCreated:Put event per upload, in the S3Event shape', async () => {
    const key = 'tenant-b/batch-42/suppliers.csv';
    const body = 'supplier_id,mineral,origin_country\nS1,cobalt,CD\n';
    await s3.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body, ContentType: 'text/csv' }));

    await vi.waitFor(() => expect(eventsFor(key)).toHaveLength(1));
    await new Promise((resolve) => setTimeout(resolve, 50)); // and no second one arrives
    const matching = eventsFor(key);
    expect(matching).toHaveLength(1);
    expect(matching[0]?.Records).toHaveLength(1);
    const record = matching[0]?.Records[0];
    expect(record).toMatchObject({
      eventSource: 'aws:s3',
      eventName: 'ObjectCreated:Put',
      awsRegion: 'us-east-1',
      s3: {
        bucket: { name: BUCKET, arn: `arn:aws:s3:::${BUCKET}` },
        object: { key, size: Buffer.byteLength(body), eTag: createHash('md5').update(body).digest('hex') },
      },
    });
    expect(Number.isNaN(Date.parse(record?.eventTime ?? ''))).toBe(false);
  });

  it('encodes keys with spaces, plus signs and unicode as S3 does, and they decode back to a readable key', async () => {
    const key = 'tenant c/Liste fournisseurs – été 2026 (v2)+final=ok.csv';
    await s3.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: 'x' }));

    await vi.waitFor(() => expect(eventsFor(key)).toHaveLength(1));
    const encoded = eventsFor(key)[0]?.Records[0]?.s3.object.key ?? '';
    expect(encoded).toBe('tenant+c/Liste+fournisseurs+%E2%80%93+%C3%A9t%C3%A9+2026+%28v2%29%2Bfinal%3Dok.csv');
    expect(encoded).toBe(encodeS3EventKey(key));
    expect(decodeS3EventKey(encoded)).toBe(key);

    const object = await reader.open(BUCKET, decodeS3EventKey(encoded));
    expect((await readAll(object.body)).toString()).toBe('x');
  });

  it('decodes what S3 documents: "red+flower.jpg" is "red flower.jpg"', () => {
    expect(decodeS3EventKey('red+flower.jpg')).toBe('red flower.jpg');
    expect(decodeS3EventKey('a/b%2Bc%3Dd.csv')).toBe('a/b+c=d.csv');
    const event = uploadCreatedEvent({ key: 'uploads/my list.csv' });
    expect(event.Records[0]?.s3.object.key).toBe('uploads/my+list.csv');
  });

  it('rejects a missing key with UploadNotFoundError', async () => {
    await expect(reader.open(BUCKET, 'no/such/key.csv')).rejects.toBeInstanceOf(UploadNotFoundError);
    await expect(reader.open(BUCKET, 'no/such/key.csv')).rejects.toMatchObject({ name: 'UploadNotFoundError' });
  });

  it('discard() lets go of a body unread: the stream is destroyed, its connection released', async () => {
    const key = 'tenant-d/unread.csv';
    await s3.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: 'a,b\n'.repeat(100_000) }));
    const object = await reader.open(BUCKET, key);
    const body = object.body as unknown as { destroyed: boolean };
    expect(body.destroyed).toBe(false);
    object.discard();
    expect(body.destroyed).toBe(true);
  });

  it('round-trips object metadata (x-amz-meta-*) with lower-cased keys, and the content type', async () => {
    const key = 'tenant-d/with-metadata.csv';
    await s3.client.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: key,
        Body: 'a,b\n',
        ContentType: 'text/csv; charset=utf-8',
        Metadata: { 'Tenant-Id': 'acme', 'batch-id': 'b-0001', 'as-of': '2026-11-11' },
      }),
    );
    const object = await reader.open(BUCKET, key);
    expect(object.metadata).toEqual({ 'tenant-id': 'acme', 'batch-id': 'b-0001', 'as-of': '2026-11-11' });
    expect(object.contentType).toBe('text/csv; charset=utf-8');
    expect((await readAll(object.body)).toString()).toBe('a,b\n');
  });

  it('delivers events after the upload: a failing listener neither fails nor delays the PUT', async () => {
    const failures: unknown[] = [];
    const other = await startLocalS3({ buckets: [BUCKET], onListenerError: (error) => failures.push(error) });
    try {
      other.onObjectCreated(() => {
        throw new Error('listener broke');
      });
      other.onObjectCreated(async () => {
        throw new Error('async listener broke');
      });
      await other.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'k', Body: 'v' }));
      await vi.waitFor(() => expect(failures).toHaveLength(2));
    } finally {
      await other.stop();
    }
  });

  it('keeps a given directory across restarts and removes its own temporary one', async () => {
    const dir = tempDir();
    try {
      const first = await startLocalS3({ directory: dir.path, buckets: [BUCKET] });
      await first.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'kept.csv', Body: 'kept' }));
      await first.stop();

      const second = await startLocalS3({ directory: dir.path, buckets: [BUCKET] });
      try {
        const got = await second.client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'kept.csv' }));
        expect(await got.Body?.transformToString()).toBe('kept');
      } finally {
        await second.stop();
      }
      expect(existsSync(dir.path)).toBe(true);
    } finally {
      dir.remove();
    }

    const own = await startLocalS3({ buckets: [BUCKET] });
    expect(existsSync(own.directory)).toBe(true);
    await own.stop();
    expect(existsSync(own.directory)).toBe(false);
  });

  // A presigned PUT to the local store, and the ingest it triggers, are tested end to end in test/e2e/api.test.ts
  // (POST /v1/batches with upload: 'presigned'); the signature checks S3 makes, and the store's gate makes, in
  // local-s3-signature.test.ts.
});
