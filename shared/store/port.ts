/**
 * The supplier store: every port of the item types the supplier pipeline keeps in the table, composed. Use cases
 * depend on the ports they use (supplier-port.ts, batch-port.ts, rejection-port.ts, rescore-index-port.ts);
 * DynamoDbSupplierStore implements them all. The item types' own names are re-exported here for callers that take
 * the whole store.
 */
import type { BatchStore } from './batch-port.ts';
import type { RejectionStore } from './rejection-port.ts';
import type { RescoreIndex } from './rescore-index-port.ts';
import type { SupplierReads, SupplierWrites } from './supplier-port.ts';

export interface SupplierStore extends SupplierWrites, SupplierReads, BatchStore, RejectionStore, RescoreIndex {}

export type { BatchRecord, BatchStatus, BatchStore, BatchTotals, NewBatch } from './batch-port.ts';
export { InvalidCursorError } from './errors.ts';
export type { RejectionStore } from './rejection-port.ts';
export type { RescoreIndex } from './rescore-index-port.ts';
export {
  type DeleteOutcome,
  emptyPutScoredResult,
  type ListSuppliersOptions,
  PartialWriteError,
  type PutScoredResult,
  type ScoredWrite,
  type StoredSupplier,
  type SupplierReads,
  type SupplierWrites,
  type WriteMode,
  type WriteOptions,
} from './supplier-port.ts';
