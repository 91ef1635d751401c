/**
 * The local S3 store: s3rver (in-process, on disk) behind the same S3 client the functions use on AWS, with S3 event
 * notifications re-emitted in the shape AWS delivers them to Lambda (`S3Event`), so the real ingest handler can be
 * driven by real-looking uploads. s3rver itself checks no signature: every request goes through `s3-gate.ts` first,
 * which checks SigV4 and `If-None-Match: *` as S3 does. See the design brief (../shared/DESIGN.md beside the repo),
 * "Local runtime" and "Toolchain facts".
 */
import { randomBytes } from 'node:crypto';
import type { EventEmitter } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import type { S3Event, S3EventRecord } from 'aws-lambda';
import { createS3Client, encodeS3EventKey, LOCAL_S3_CREDENTIALS } from '../../shared/uploads/s3-upload-reader.ts';
import { type S3Gate, startS3Gate } from './s3-gate.ts';

export interface LocalS3Options {
  /** Where objects are stored. Default: a fresh temporary directory, removed by `stop()`. A given one is kept. */
  directory?: string;
  /** Default 0: any free port (the real one is in `endpoint`). s3rver itself listens on another, private one. */
  port?: number;
  /** Buckets created at start (existing ones in `directory` are kept). */
  buckets: string[];
  /** Region written into events and used by `client`. Default `us-east-1`. */
  region?: string;
  /** Called when an `onObjectCreated` listener throws or rejects. Default: written to stderr. */
  onListenerError?: (error: unknown, event: S3Event) => void;
}

export type ObjectCreatedListener = (event: S3Event) => void | Promise<void>;

export interface LocalS3 {
  /**
   * `http://127.0.0.1:PORT`, the gate in front of s3rver: give it to `createS3Client({ endpoint })`. Requests must be
   * signed (SigV4, header or presigned URL) with `LOCAL_S3_CREDENTIALS` for the store's region, as on S3.
   */
  endpoint: string;
  /** A client for this store, made by `createS3Client` (checksums `WHEN_REQUIRED`, path style, dummy credentials). */
  client: S3Client;
  region: string;
  /** Where the objects are stored on disk. */
  directory: string;
  /**
   * Subscribes to object-created notifications (PutObject, POST, CopyObject, CompleteMultipartUpload), one `S3Event`
   * with one record per object. Delivered asynchronously after the write, as S3 does: a listener cannot fail or
   * delay the upload.
   */
  onObjectCreated(listener: ObjectCreatedListener): void;
  stop(): Promise<void>;
}

/** What `objectCreatedRecord` needs; everything else gets S3's defaults. */
export interface ObjectCreatedInput {
  bucket: string;
  /** The object key as stored (decoded); it is URL-encoded in the record, as S3 does. */
  key: string;
  size: number;
  eTag: string;
  eventName?: `ObjectCreated:${'Put' | 'Post' | 'Copy' | 'CompleteMultipartUpload'}`;
  region?: string;
  eventTime?: Date;
  sequencer?: string;
  sourceIPAddress?: string;
  versionId?: string;
}

let sequence = 0;

/** A hex sequencer that increases with every record in this process, as S3's does per key. */
function nextSequencer(): string {
  sequence += 1;
  return `${Date.now().toString(16).toUpperCase().padStart(12, '0')}${sequence.toString(16).toUpperCase().padStart(6, '0')}`;
}

const hex = (bytes: number) => randomBytes(bytes).toString('hex').toUpperCase();

/** One S3 ObjectCreated notification record, as S3 sends it to Lambda. */
export function objectCreatedRecord(input: ObjectCreatedInput): S3EventRecord {
  const object: S3EventRecord['s3']['object'] = {
    key: encodeS3EventKey(input.key),
    size: input.size,
    eTag: input.eTag,
    sequencer: input.sequencer ?? nextSequencer(),
  };
  if (input.versionId !== undefined) object.versionId = input.versionId;
  return {
    eventVersion: '2.1',
    eventSource: 'aws:s3',
    awsRegion: input.region ?? 'us-east-1',
    eventTime: (input.eventTime ?? new Date()).toISOString(),
    eventName: input.eventName ?? 'ObjectCreated:Put',
    userIdentity: { principalId: `AWS:${hex(10)}` },
    requestParameters: { sourceIPAddress: input.sourceIPAddress ?? '127.0.0.1' },
    responseElements: { 'x-amz-request-id': hex(8), 'x-amz-id-2': randomBytes(48).toString('base64') },
    s3: {
      s3SchemaVersion: '1.0',
      configurationId: 'local-object-created',
      bucket: { name: input.bucket, ownerIdentity: { principalId: hex(7) }, arn: `arn:aws:s3:::${input.bucket}` },
      object,
    },
  };
}

/** The part of s3rver 3.7.1 used here (it ships no types). It is a Koa app, hence an EventEmitter. */
interface S3rverInstance extends EventEmitter {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
  httpServer?: Server;
  store: { existsObject(bucket: string, key: string): Promise<boolean> };
}
type S3rverConstructor = new (options: {
  address: string;
  port: number;
  directory: string;
  silent: boolean;
  configureBuckets: { name: string }[];
}) => S3rverInstance;

/** The record s3rver emits on `'event'` (its own S3Event model): key raw, size and eTag present for creations. */
interface S3rverRecord {
  eventName: string;
  eventTime: string;
  requestParameters?: { sourceIPAddress?: string };
  s3: { bucket: { name: string }; object: { key: string; size?: number; eTag?: string } };
}

const requireCjs = createRequire(import.meta.url);

async function closeS3rver(server: S3rverInstance): Promise<void> {
  const closing = server.close();
  server.httpServer?.closeIdleConnections();
  await closing;
}

export async function startLocalS3(options: LocalS3Options): Promise<LocalS3> {
  const S3rver = requireCjs('s3rver') as S3rverConstructor;
  const ownsDirectory = options.directory === undefined;
  const directory = options.directory ?? (await mkdtemp(join(tmpdir(), 'mineral-risk-s3-')));
  const region = options.region ?? 'us-east-1';
  const onListenerError =
    options.onListenerError ??
    ((error: unknown) => process.stderr.write(`local S3: object-created listener failed: ${String(error)}\n`));

  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    directory,
    silent: true,
    configureBuckets: options.buckets.map((name) => ({ name })),
  });

  let gate: S3Gate;
  try {
    const address = await server.run();
    gate = await startS3Gate({
      upstream: { host: '127.0.0.1', port: address.port },
      host: '127.0.0.1',
      port: options.port ?? 0,
      credentials: LOCAL_S3_CREDENTIALS,
      region,
      objectExists: (bucket, key) => server.store.existsObject(bucket, key),
    }).catch(async (error: unknown) => {
      await closeS3rver(server);
      throw error;
    });
  } catch (error) {
    if (ownsDirectory) await rm(directory, { recursive: true, force: true });
    throw error;
  }
  const endpoint = `http://127.0.0.1:${gate.port}`;
  const client = createS3Client({ endpoint, region });

  const listeners: ObjectCreatedListener[] = [];
  const deliver = (event: S3Event) => {
    for (const listener of listeners) {
      try {
        Promise.resolve(listener(event)).catch((error: unknown) => onListenerError(error, event));
      } catch (error) {
        onListenerError(error, event);
      }
    }
  };

  // s3rver emits synchronously inside the request, before the response: a throwing listener would fail the upload.
  // S3 notifies after the write, independently of it, so hand the event over on the next turn of the event loop.
  server.on('event', (raw: { Records: S3rverRecord[] }) => {
    const records = raw.Records.filter((r) => r.eventName.startsWith('ObjectCreated:')).map((r) =>
      objectCreatedRecord({
        bucket: r.s3.bucket.name,
        key: r.s3.object.key,
        size: r.s3.object.size ?? 0,
        eTag: r.s3.object.eTag ?? '',
        eventName: r.eventName as ObjectCreatedInput['eventName'],
        region,
        eventTime: new Date(r.eventTime),
        sourceIPAddress: r.requestParameters?.sourceIPAddress ?? '127.0.0.1',
      }),
    );
    if (records.length > 0 && listeners.length > 0) setImmediate(deliver, { Records: records });
  });

  let stopped = false;
  return {
    endpoint,
    client,
    region,
    directory,
    onObjectCreated(listener) {
      listeners.push(listener);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      client.destroy();
      await gate.close();
      await closeS3rver(server);
      if (ownsDirectory) await rm(directory, { recursive: true, force: true });
    },
  };
}
