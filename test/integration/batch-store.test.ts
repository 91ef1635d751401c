/**
 * The DynamoDB batch repository against dynalite applies exactly what the pure life cycle decides: for any sequence
 * of ingest totals, chunk deliveries, dead-letterings, redrives, stalls and file failures, the record it stores is
 * the one `applyBatchEvent` computes (the in-memory fake), timestamps aside.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalDynamo, startLocalDynamo } from '../../infra/local/dynamo.ts';
import type { BatchEvent } from '../../shared/pipeline/batch-lifecycle.ts';
import type { BatchRecord, BatchStore } from '../../shared/store/batch-port.ts';
import { DynamoDbBatches } from '../../shared/store/batches.ts';
import type { PutScoredResult } from '../../shared/store/supplier-port.ts';
import { FakeBatches } from '../helpers/fake-store.ts';

let dynamo: LocalDynamo;
let batches: DynamoDbBatches;

beforeAll(async () => {
  dynamo = await startLocalDynamo({ tableName: `batches-${Math.random().toString(36).slice(2)}` });
  batches = new DynamoDbBatches(dynamo.client, dynamo.tableName);
});

afterAll(async () => {
  await dynamo?.stop();
});

const result: fc.Arbitrary<PutScoredResult> = fc
  .record({ stored: fc.nat(4), superseded: fc.nat(2) })
  .map(({ stored, superseded }) => ({ stored, superseded, rowsStored: stored * 2, rowsSuperseded: superseded }));

/** Events of a batch of `chunks` chunks (chunk numbers may run past them: both stores must agree there too). */
const event = (chunks: number): fc.Arbitrary<BatchEvent> =>
  fc.oneof(
    { weight: 6, arbitrary: fc.record({ kind: fc.constant('chunk-scored' as const), chunk: fc.nat(chunks), result }) },
    {
      weight: 3,
      arbitrary: fc.record({
        kind: fc.constant('chunk-dead-lettered' as const),
        chunk: fc.nat(chunks),
        dead: fc.record({ rows: fc.nat(6), partial: result }),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('queued' as const),
        totals: fc.record({
          rows: fc.constant(chunks * 4),
          accepted: fc.constant(chunks * 4),
          rejected: fc.constant(0),
          suppliers: fc.constant(chunks * 2),
          chunks: fc.constant(chunks),
          rowsNotQueued: fc.constantFrom(0, 0, 2),
          suppliersNotQueued: fc.constant(0),
          failure: fc.constantFrom(null, 'chunk 3 was not queued'),
        }),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({ kind: fc.constant('stalled' as const), reason: fc.constant('ingest stopped') }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('failed' as const), reason: fc.constant('unreadable') }) },
  );

async function apply(store: BatchStore, batchId: string, e: BatchEvent): Promise<void> {
  const t = 'acme';
  if (e.kind === 'queued') await store.recordBatchQueued(t, batchId, e.totals);
  else if (e.kind === 'chunk-scored') await store.recordChunkScored(t, batchId, e.chunk, e.result);
  else if (e.kind === 'chunk-dead-lettered') await store.recordChunkDeadLettered(t, batchId, e.chunk, e.dead);
  else if (e.kind === 'stalled') await store.failStalledBatch(t, batchId, e.reason);
  else await store.markBatchFailed(t, batchId, e.reason);
}

/** The record without its timestamps (each store has its own clock), but with whether it completed. */
const comparable = (r: BatchRecord | null) => {
  if (!r) return null;
  const { createdAt: _c, updatedAt: _u, completedAt, ...rest } = r;
  return { ...rest, completed: completedAt !== null };
};

let runs = 0;

describe('the DynamoDB batch repository', () => {
  it('stores, event after event, the record the pure life cycle computes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc
          .integer({ min: 0, max: 3 })
          .chain((chunks) => fc.array(event(chunks), { maxLength: 12 }).map((events) => ({ chunks, events }))),
        async ({ events }) => {
          const batchId = `b-${++runs}`;
          const fake = new FakeBatches();
          const created = { tenant: 'acme', batchId, source: null, asOf: null, buyerCountry: 'US', inputVersion: 1 };
          await batches.createBatch(created);
          await fake.createBatch(created);
          for (const e of events) {
            await apply(batches, batchId, e);
            await apply(fake, batchId, e);
            expect(comparable(await batches.getBatch('acme', batchId))).toEqual(
              comparable(await fake.getBatch('acme', batchId)),
            );
          }
        },
      ),
      { numRuns: 40 },
    );
  }, 120_000);
});
