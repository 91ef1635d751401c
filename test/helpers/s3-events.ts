/**
 * S3 ObjectCreated events for tests, in the shape S3 delivers them to Lambda (object keys URL-encoded). Built by the
 * same code the local S3 store uses for its notifications, so a handler test and the local runtime agree.
 */
import type { S3Event } from 'aws-lambda';
import { type ObjectCreatedInput, objectCreatedRecord } from '../../infra/local/s3.ts';

export type { ObjectCreatedInput };

/** An event with one record per object. Keys are given decoded (`uploads/my list.csv`). */
export function s3ObjectCreatedEvent(...objects: ObjectCreatedInput[]): S3Event {
  return { Records: objects.map((object) => objectCreatedRecord(object)) };
}

/** Defaults for an uploaded supplier list: bucket `uploads`, a 1 KiB object, an MD5-shaped eTag. */
export function uploadCreatedEvent(overrides: Partial<ObjectCreatedInput> = {}): S3Event {
  return s3ObjectCreatedEvent({
    bucket: 'uploads',
    key: 'tenant-a/batch-0001/suppliers.csv',
    size: 1024,
    eTag: 'd41d8cd98f00b204e9800998ecf8427e',
    ...overrides,
  });
}
