import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { MineralRiskError } from '../errors.ts';
import type { UploadWriter } from './port.ts';

/** The presigner signed other headers than the ones the client is told to send: S3 would refuse the PUT. */
export class PresignedHeadersError extends MineralRiskError {
  override readonly name = 'PresignedHeadersError';
  readonly retryable = false;
}

/** Uploads on S3 (or the local store): inline puts, and presigned PUT URLs for files above the inline limit. */
export class S3UploadWriter implements UploadWriter {
  constructor(private readonly client: S3Client) {}

  async put(
    bucket: string,
    key: string,
    body: string | Uint8Array,
    options: { contentType: string; metadata: Record<string, string> },
  ): Promise<void> {
    await this.client.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: body,
        ContentType: options.contentType,
        Metadata: options.metadata,
      }),
    );
  }

  /**
   * A presigned PUT whose signature covers every header the client is told to send (`headers`, plus `host`), each
   * with its exact value: the content type, the metadata, and `If-None-Match: *`, so S3 refuses a second PUT to the
   * key (412). S3 refuses any `x-amz-*` header that is not signed (403 HeadersNotSigned), and the presigner moves
   * every `x-amz-*` header into the query string unless told not to: the metadata headers are kept as headers.
   */
  async presignPut(
    bucket: string,
    key: string,
    options: { contentType: string; metadata: Record<string, string>; expiresInSeconds: number },
  ): Promise<{ url: string; headers: Record<string, string> }> {
    const command = new PutObjectCommand({
      Bucket: bucket,
      Key: key,
      ContentType: options.contentType,
      Metadata: options.metadata,
      IfNoneMatch: '*',
    });
    const metadataHeaders = Object.entries(options.metadata).map(([k, v]) => [`x-amz-meta-${k.toLowerCase()}`, v]);
    const headers: Record<string, string> = {
      'content-type': options.contentType,
      'if-none-match': '*',
      ...Object.fromEntries(metadataHeaders),
    };
    const url = await getSignedUrl(this.client, command, {
      expiresIn: options.expiresInSeconds,
      // The S3 presigner leaves content-type unsigned by default; signed, the client cannot store another type.
      signableHeaders: new Set(['content-type']),
      unhoistableHeaders: new Set(metadataHeaders.map(([name]) => name as string)),
    });
    assertSignsExactly(url, headers);
    return { url, headers };
  }
}

/** The URL's X-Amz-SignedHeaders must be exactly `headers` and host: a header the SDK adds or drops fails here. */
function assertSignsExactly(url: string, headers: Record<string, string>): void {
  const signed = (new URL(url).searchParams.get('X-Amz-SignedHeaders') ?? '').split(';').sort();
  const expected = [...Object.keys(headers), 'host'].sort();
  if (signed.join(';') !== expected.join(';'))
    throw new PresignedHeadersError(
      `the presigned PUT signs '${signed.join(';')}' but the client would send '${expected.join(';')}'`,
    );
}
