/**
 * The S3 adapter of the upload reader port, the S3 client factory every S3 caller in this project uses (AWS and the
 * local s3rver store alike), and the object-key codec of S3 event notifications.
 */
import { Readable } from 'node:stream';
import { GetObjectCommand, type GetObjectCommandOutput, S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { UploadNotFoundError, type UploadObject, type UploadReader } from './port.ts';

export interface S3ClientOptions {
  /** A non-AWS endpoint such as the local s3rver store (`http://127.0.0.1:PORT`); omit for AWS. */
  endpoint?: string;
  /** Defaults to `AWS_REGION`, else `us-east-1`. */
  region?: string;
}

/** The credentials s3rver accepts (it verifies SigV4 signatures against this fixed key pair). */
export const LOCAL_S3_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

/**
 * Builds an S3 client. Checksums are computed and validated only when an operation requires them: with the SDK's
 * default (`WHEN_SUPPORTED`) a streamed PutObject is sent `aws-chunked` with a trailing CRC32 checksum, and s3rver
 * 3.7.1 stores that framing inside the object, silently. AWS S3 accepts either, so the setting is applied everywhere
 * and the local store behaves like the real one. With an endpoint, path-style addressing and dummy credentials.
 */
export function createS3Client(options: S3ClientOptions = {}): S3Client {
  const config: S3ClientConfig = {
    region: options.region ?? process.env.AWS_REGION ?? 'us-east-1',
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  };
  if (options.endpoint !== undefined) {
    config.endpoint = options.endpoint;
    config.forcePathStyle = true;
    config.credentials = { ...LOCAL_S3_CREDENTIALS };
  }
  return new S3Client(config);
}

export class S3UploadReader implements UploadReader {
  constructor(private readonly client: S3Client) {}

  async open(bucket: string, key: string): Promise<UploadObject> {
    let output: GetObjectCommandOutput;
    try {
      output = await this.client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    } catch (error) {
      if (error instanceof Error && error.name === 'NoSuchKey') {
        throw new UploadNotFoundError(`No upload s3://${bucket}/${key}`, { cause: error });
      }
      throw error;
    }
    const body = output.Body;
    if (!(body instanceof Readable)) {
      // In Node the SDK returns an http.IncomingMessage; anything else means a browser/edge runtime.
      throw new TypeError(`GetObject s3://${bucket}/${key} returned a body that is not a Node.js Readable stream`);
    }
    if (output.ContentLength === undefined || output.ETag === undefined) {
      body.destroy();
      throw new TypeError(`GetObject s3://${bucket}/${key} returned no Content-Length or no ETag`);
    }
    const object: UploadObject = {
      body,
      discard: () => body.destroy(),
      size: output.ContentLength,
      eTag: output.ETag,
      metadata: { ...(output.Metadata ?? {}) },
    };
    if (output.ContentType !== undefined) object.contentType = output.ContentType;
    return object;
  }
}

/**
 * Encodes an object key as S3 writes it into event notifications: `application/x-www-form-urlencoded` (space → `+`,
 * UTF-8 bytes percent-encoded) except that `/` stays as it is. `red flower.jpg` → `red+flower.jpg`.
 */
export function encodeS3EventKey(key: string): string {
  return encodeURIComponent(key)
    .replace(/[!'()~]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+')
    .replace(/%2F/g, '/');
}

/** Decodes the object key of an S3 event notification back to the key GetObject needs. */
export function decodeS3EventKey(encoded: string): string {
  return decodeURIComponent(encoded.replace(/\+/g, ' '));
}
