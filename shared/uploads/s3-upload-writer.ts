import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { UploadWriter } from './port.ts';

/** Uploads on S3 (or s3rver): inline puts, and presigned PUT URLs for files above the inline limit. */
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
    });
    const headers: Record<string, string> = { 'content-type': options.contentType };
    for (const [k, v] of Object.entries(options.metadata)) headers[`x-amz-meta-${k}`] = v;
    const url = await getSignedUrl(this.client, command, {
      expiresIn: options.expiresInSeconds,
      signableHeaders: new Set(Object.keys(headers)),
    });
    return { url, headers };
  }
}
