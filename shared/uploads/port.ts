import { MineralRiskError } from '../errors.ts';

/**
 * The upload reader port: how the ingest function reads an uploaded supplier list. The body is a byte stream so a
 * large file is never held in memory whole. Adapters: `S3UploadReader` (AWS S3 and the local s3rver store).
 */
export interface UploadObject {
  /** The object's bytes, streamed. Iterate it once. */
  body: AsyncIterable<Uint8Array>;
  /** Lets go of the body unread (its connection is released). */
  discard(): void;
  /** Size in bytes (Content-Length). */
  size: number;
  /** The object's ETag as S3 returns it (quoted); names this version of the object. */
  eTag: string;
  /** User metadata (`x-amz-meta-*` without the prefix), keys lower-cased as S3 returns them. */
  metadata: Record<string, string>;
  contentType?: string;
}

export interface UploadReader {
  /** Opens an object for streaming. Rejects with `UploadNotFoundError` when the bucket has no such key. */
  open(bucket: string, key: string): Promise<UploadObject>;
}

export class UploadNotFoundError extends MineralRiskError {
  override readonly name = 'UploadNotFoundError';
  readonly retryable = false;
}

/** How the API stores an inline upload, or hands out a presigned URL for a large one. */
export interface UploadWriter {
  put(
    bucket: string,
    key: string,
    body: string | Uint8Array,
    options: { contentType: string; metadata: Record<string, string> },
  ): Promise<void>;
  /** A URL the client PUTs the file to directly; the metadata headers are part of the signature. */
  presignPut(
    bucket: string,
    key: string,
    options: { contentType: string; metadata: Record<string, string>; expiresInSeconds: number },
  ): Promise<{ url: string; headers: Record<string, string> }>;
}
