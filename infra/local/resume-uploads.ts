/**
 * S3 delivers an ObjectCreated event at least once, and Lambda retries an ingest that failed. The local store hands
 * the event to ingest in-process, so a process killed between storing an upload and finishing its ingest loses the
 * event, and the batch would stay `ingesting` until the API fails it as stalled. At start, with a data directory,
 * every stored upload whose batch ingest never finished gets its event again. Ingest is idempotent per object (the
 * batch keeps its version, chunks count once), so one redelivery too many costs time, never a duplicate.
 */
import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import type { S3Event } from 'aws-lambda';
import type { BatchRecord, BatchStore } from '../../shared/store/batch-port.ts';
import { InvalidUploadKeyError, parseUploadKey } from '../../shared/uploads/key.ts';
import { objectCreatedRecord } from './s3.ts';

/** S3 quotes ETags in responses and not in events; compare them bare. */
const bare = (eTag: string) => eTag.replace(/"/g, '');

/**
 * Whether the upload's event must be delivered again: its batch does not exist (ingest never ran: the API creates
 * it first, `runtime.upload` leaves it to ingest), or is still `ingesting` and not claimed by another object (ingest
 * never got to it, or died on the way).
 */
export function needsIngest(batch: BatchRecord | null, eTag: string): boolean {
  if (batch === null) return true;
  if (batch.status !== 'ingesting') return false;
  return batch.uploadETag === null || bare(batch.uploadETag) === bare(eTag);
}

/** One ObjectCreated event per stored upload that needs ingest, as S3 would deliver it again. */
export async function uploadsToResume(
  deps: { s3: S3Client; region: string; store: BatchStore },
  bucket: string,
): Promise<S3Event[]> {
  const events: S3Event[] = [];
  let token: string | undefined;
  do {
    const page = await deps.s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: 'uploads/', ...(token ? { ContinuationToken: token } : {}) }),
    );
    for (const object of page.Contents ?? []) {
      if (object.Key === undefined || object.ETag === undefined) continue;
      let batch: BatchRecord | null;
      try {
        const { tenant, batchId } = parseUploadKey(object.Key);
        batch = await deps.store.getBatch(tenant, batchId);
      } catch (err) {
        if (err instanceof InvalidUploadKeyError) continue; // not an upload: ingest would refuse it too
        throw err;
      }
      if (!needsIngest(batch, object.ETag)) continue;
      const record = objectCreatedRecord({
        bucket,
        key: object.Key,
        size: object.Size ?? 0,
        eTag: bare(object.ETag),
        region: deps.region,
        ...(object.LastModified ? { eventTime: object.LastModified } : {}),
      });
      events.push({ Records: [record] });
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return events;
}
