/**
 * The supplier store on DynamoDB (AWS or dynalite): one repository per item type, composed behind SupplierStore for
 * the handlers, the API and the local runtime, which take the whole store. Each repository is usable alone.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { BatchStore } from './batch-port.ts';
import { DynamoDbBatches } from './batches.ts';
import type { SupplierStore } from './port.ts';
import type { RejectionStore } from './rejection-port.ts';
import { DynamoDbRejections } from './rejections.ts';
import { DynamoDbRescoreIndex } from './rescore-index.ts';
import type { RescoreIndex } from './rescore-index-port.ts';
import type { SupplierReads, SupplierWrites } from './supplier-port.ts';
import { DynamoDbSupplierReads } from './supplier-reads.ts';
import { DynamoDbSupplierWrites } from './supplier-writes.ts';

type Args<T, K extends keyof T> = T[K] extends (...args: infer A) => unknown ? A : never;

export class DynamoDbSupplierStore implements SupplierStore {
  readonly writes: SupplierWrites;
  readonly reads: SupplierReads;
  readonly batches: BatchStore;
  readonly rejections: RejectionStore;
  readonly rescoreIndex: RescoreIndex;

  constructor(client: DynamoDBClient, tableName: string) {
    this.writes = new DynamoDbSupplierWrites(client, tableName);
    this.reads = new DynamoDbSupplierReads(client, tableName);
    this.batches = new DynamoDbBatches(client, tableName);
    this.rejections = new DynamoDbRejections(client, tableName);
    this.rescoreIndex = new DynamoDbRescoreIndex(client, tableName);
  }

  putScored(...a: Args<SupplierWrites, 'putScored'>) {
    return this.writes.putScored(...a);
  }
  deleteSupplier(...a: Args<SupplierWrites, 'deleteSupplier'>) {
    return this.writes.deleteSupplier(...a);
  }
  recordUngrouped(...a: Args<SupplierWrites, 'recordUngrouped'>) {
    return this.writes.recordUngrouped(...a);
  }
  getSupplier(...a: Args<SupplierReads, 'getSupplier'>) {
    return this.reads.getSupplier(...a);
  }
  listSuppliers(...a: Args<SupplierReads, 'listSuppliers'>) {
    return this.reads.listSuppliers(...a);
  }
  createBatch(...a: Args<BatchStore, 'createBatch'>) {
    return this.batches.createBatch(...a);
  }
  getBatch(...a: Args<BatchStore, 'getBatch'>) {
    return this.batches.getBatch(...a);
  }
  claimBatchUpload(...a: Args<BatchStore, 'claimBatchUpload'>) {
    return this.batches.claimBatchUpload(...a);
  }
  recordBatchQueued(...a: Args<BatchStore, 'recordBatchQueued'>) {
    return this.batches.recordBatchQueued(...a);
  }
  recordChunkScored(...a: Args<BatchStore, 'recordChunkScored'>) {
    return this.batches.recordChunkScored(...a);
  }
  recordChunkDeadLettered(...a: Args<BatchStore, 'recordChunkDeadLettered'>) {
    return this.batches.recordChunkDeadLettered(...a);
  }
  markBatchFailed(...a: Args<BatchStore, 'markBatchFailed'>) {
    return this.batches.markBatchFailed(...a);
  }
  failStalledBatch(...a: Args<BatchStore, 'failStalledBatch'>) {
    return this.batches.failStalledBatch(...a);
  }
  putRejections(...a: Args<RejectionStore, 'putRejections'>) {
    return this.rejections.putRejections(...a);
  }
  listRejections(...a: Args<RejectionStore, 'listRejections'>) {
    return this.rejections.listRejections(...a);
  }
  scoredWithOtherVersions(...a: Args<RescoreIndex, 'scoredWithOtherVersions'>) {
    return this.rescoreIndex.scoredWithOtherVersions(...a);
  }
}
