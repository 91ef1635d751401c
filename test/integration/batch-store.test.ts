/**
 * The DynamoDB batch repository against dynalite applies exactly what the pure life cycle decides: for any sequence
 * of ingest totals, chunk deliveries, dead-letterings, redrives, stalls and file failures, the record it stores is
 * the one `applyBatchEvent` computes (the in-memory fake), timestamps aside.
 */

import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { itemBytes as sizeOfItem } from '../../bench/item-size.ts';
import { type LocalDynamo, startLocalDynamo } from '../../infra/local/dynamo.ts';
import { dynamoDbClient } from '../../shared/aws-clients.ts';
import type { BatchEvent } from '../../shared/pipeline/batch-lifecycle.ts';
import { batchKey } from '../../shared/store/batch-items.ts';
import type { BatchRecord, BatchStore } from '../../shared/store/batch-port.ts';
import { DynamoDbBatches } from '../../shared/store/batches.ts';
import type { PutScoredResult } from '../../shared/store/supplier-port.ts';
import { FakeBatches } from '../helpers/fake-store.ts';

let dynamo: LocalDynamo;
let batches: DynamoDbBatches;
/** The same repository folding its chunk marks after every second one: folds meet every other event. */
let folding: DynamoDbBatches;

beforeAll(async () => {
  dynamo = await startLocalDynamo({ tableName: `batches-${Math.random().toString(36).slice(2)}` });
  batches = new DynamoDbBatches(dynamo.client, dynamo.tableName);
  folding = new DynamoDbBatches(dynamo.client, dynamo.tableName, 2);
});

afterAll(async () => {
  await dynamo?.stop();
});

/** A batch of tenant acme as an upload creates it. */
const newBatch = (batchId: string) => ({
  tenant: 'acme',
  batchId,
  source: null,
  asOf: null,
  buyerCountry: 'US',
  inputVersion: 1,
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
  for (const [name, store, maxChunks] of [
    ['', () => batches, 3],
    [', folding its marks after every second one', () => folding, 8],
  ] as const)
    it(`stores, event after event, the record the pure life cycle computes${name}`, async () => {
      await fc.assert(
        fc.asyncProperty(
          fc
            .integer({ min: 0, max: maxChunks })
            .chain((chunks) => fc.array(event(chunks), { maxLength: 12 }).map((events) => ({ chunks, events }))),
          async ({ events }) => {
            const batchId = `b-${++runs}`;
            const fake = new FakeBatches();
            const created = newBatch(batchId);
            await store().createBatch(created);
            await fake.createBatch(created);
            for (const e of events) {
              await apply(store(), batchId, e);
              await apply(fake, batchId, e);
              expect(comparable(await store().getBatch('acme', batchId))).toEqual(
                comparable(await fake.getBatch('acme', batchId)),
              );
            }
          },
        ),
        { numRuns: 40 },
      );
    }, 120_000);

  it('1,000 chunks (a 140,000-row upload): the item stays under 1 KB, each chunk counted once', async () => {
    const batchId = 'many-chunks';
    // Unfolded, their marks alone would be ~7 KB: 7 write units a count by the end (~100 KB at a million rows).
    const chunks = 1_000;
    await batches.createBatch(newBatch(batchId));
    const one = { stored: 70, superseded: 0, rowsStored: 140, rowsSuperseded: 0 };
    let largest = 0;
    // Ten at a time, out of order within each wave, one in ten delivered twice at once.
    for (let wave = 0; wave < chunks; wave += 10) {
      const ids = Array.from({ length: Math.min(10, chunks - wave) }, (_, i) => wave + ((i * 7) % 10));
      await Promise.all([...ids, ids[0] as number].map((c) => batches.recordChunkScored('acme', batchId, c, one)));
      if (wave % 100 === 0) largest = Math.max(largest, await itemBytes(batchId));
    }
    largest = Math.max(largest, await itemBytes(batchId));
    const r = await batches.recordBatchQueued('acme', batchId, {
      rows: chunks * 140,
      accepted: chunks * 140,
      rejected: 0,
      suppliers: chunks * 70,
      chunks,
      rowsNotQueued: 0,
      suppliersNotQueued: 0,
      failure: null,
    });
    expect(r).toMatchObject({ status: 'completed', chunksDone: chunks, suppliersStored: chunks * 70 });
    expect(largest).toBeLessThan(1024);
  }, 300_000);
});

describe('a batch whose last chunk was counted but which was not closed', () => {
  it('is closed by the next read, once', async () => {
    // MOCK (a fault no local service produces): the invocation is cut off (its timeout reached) after the write that
    // counts its chunk as dead-lettered and before the one that closes the batch. Same table, a second client.
    const cutClient = dynamoDbClient(dynamo.endpoint);
    cutClient.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as { UpdateExpression?: string };
        if (context.commandName === 'UpdateItemCommand' && input.UpdateExpression?.includes('completedAt'))
          throw new Error('invocation cut off');
        return next(args);
      },
      { step: 'initialize', name: 'cut-off-before-close' },
    );
    const cut = new DynamoDbBatches(cutClient, dynamo.tableName);
    const batchId = 'cut-off';
    await batches.createBatch(newBatch(batchId));
    await batches.recordBatchQueued('acme', batchId, {
      rows: 4,
      accepted: 4,
      rejected: 0,
      suppliers: 2,
      chunks: 1,
      rowsNotQueued: 0,
      suppliersNotQueued: 0,
      failure: null,
    });
    const dead = { rows: 4, partial: { stored: 0, superseded: 0, rowsStored: 0, rowsSuperseded: 0 } };
    await expect(cut.recordChunkDeadLettered('acme', batchId, 0, dead)).rejects.toThrow('invocation cut off');
    cutClient.destroy();
    const raw = await dynamo.client.send(
      new GetItemCommand({
        TableName: dynamo.tableName,
        Key: marshall(batchKey('acme', batchId)),
        ConsistentRead: true,
      }),
    );
    expect(raw.Item?.status?.S).toBe('scoring');
    expect(raw.Item?.completedAt).toBeUndefined();

    const read = await batches.getBatch('acme', batchId);
    expect(read).toMatchObject({ status: 'completed_with_errors', chunksDeadLettered: 1, rowsDeadLettered: 4 });
    expect(read?.completedAt).not.toBeNull();
    expect(await batches.getBatch('acme', batchId)).toEqual(read);
  });
});

/** The batch item's size as DynamoDB bills it. */
async function itemBytes(batchId: string): Promise<number> {
  const r = await dynamo.client.send(
    new GetItemCommand({ TableName: dynamo.tableName, Key: marshall(batchKey('acme', batchId)), ConsistentRead: true }),
  );
  return sizeOfItem(r.Item ?? {});
}
