/**
 * The score function near its timeout, against dynalite and the local queue with a short function timeout: a record
 * whose writes hang fails alone before the invocation times out, and on its last receive its chunk is counted as
 * dead-lettered, so the batch closes instead of staying open forever.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { createScoreHandler } from '../../functions/score/handler.ts';
import { startLocalDynamo } from '../../infra/local/dynamo.ts';
import { LocalQueue } from '../../infra/local/queue.ts';
import { quietLocalTelemetry } from '../../infra/local/runtime.ts';
import type { ScoreMessage } from '../../shared/queue/message.ts';
import { QUEUE_SETTINGS } from '../../shared/queue/settings.ts';
import { referenceData } from '../../shared/reference/index.ts';
import { DynamoDbSupplierStore } from '../../shared/store/dynamodb-supplier-store.ts';
import { delayCalls, holdCalls, supplierWrite } from '../helpers/faults.ts';
import { FAST, scoreMessage, supplierInput } from '../helpers/pipeline.ts';

quietLocalTelemetry();

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

const tenant = 't-1';

/**
 * A batch of one chunk holding `suppliers` on dynalite, a local queue with a short function timeout (1 s unless
 * given) driving the real score function, and `fault` applied to the store's client (faults.ts); runs the chunk's
 * deliveries to the end.
 */
async function runChunk(
  name: string,
  suppliers: ScoreMessage['suppliers'],
  fault: (client: DynamoDBClient) => void,
  functionTimeoutSeconds = 1,
): Promise<{ store: DynamoDbSupplierStore; queue: LocalQueue; reports: { reason?: string | undefined }[] }> {
  const dynamo = await startLocalDynamo({ tableName: name });
  stops.push(() => dynamo.stop());
  const store = new DynamoDbSupplierStore(dynamo.client, dynamo.tableName);
  const rows = suppliers.reduce((n, s) => n + s.input.exposures.length, 0);
  await store.createBatch({
    tenant,
    batchId: 'b-1',
    source: null,
    asOf: '2026-03-01',
    buyerCountry: 'US',
    inputVersion: 1,
  });
  await store.recordBatchQueued(tenant, 'b-1', {
    rows,
    accepted: rows,
    rejected: 0,
    suppliers: suppliers.length,
    chunks: 1,
    rowsNotQueued: 0,
    suppliersNotQueued: 0,
    failure: null,
  });
  fault(dynamo.client);
  const reports: { reason?: string | undefined }[] = [];
  const queue = new LocalQueue({
    name,
    settings: QUEUE_SETTINGS,
    timeScale: FAST,
    // 1 s leaves the handler 200 ms to record the dead-lettered chunk: 0.2 s (40 ms) was too tight on a busy machine.
    functionTimeoutSeconds,
    onInvocation: (r) => reports.push({ reason: r.reason }),
  });
  stops.push(() => queue.stop());
  queue.attach(createScoreHandler({ store, ref: referenceData(), today: () => '2026-03-01' }));
  await queue.send(JSON.stringify(scoreMessage({ tenant, batchId: 'b-1', chunk: 0, suppliers })));
  await queue.drain({ timeoutMs: 90_000 });
  return { store, queue, reports };
}

describe('a chunk whose writes hang on every delivery', () => {
  it('fails alone before the timeout, and its last receive closes the batch with the chunk dead-lettered', async () => {
    const { store, queue, reports } = await runChunk(
      'deadline',
      [
        { inputVersion: 1, input: supplierInput('S-1', [['cobalt', 'CD', 'CN']]) },
        { inputVersion: 1, input: supplierInput('S-2', [['gallium', 'CN', null]]) },
      ],
      (client) => {
        // MOCK (faults.ts): supplier writes that never answer, as in a stalled network; nothing local produces one.
        const hold = holdCalls(client, { when: (command, input) => supplierWrite(command, input) !== undefined });
        stops.push(async () => hold.release());
      },
    );

    // Every receive returned its failure before the timeout: no invocation timed out.
    expect(reports).toHaveLength(QUEUE_SETTINGS.maxReceiveCount);
    expect(reports.every((r) => r.reason !== 'timeout')).toBe(true);
    expect(queue.stats()).toMatchObject({ deadLettered: 1 });
    // Its only chunk accounted for as dead-lettered, the batch is closed, with errors: by the last receive, or by this
    // read if that receive reached its timeout between counting the chunk and closing the batch (batches.ts).
    const batch = await store.getBatch(tenant, 'b-1');
    expect(batch).toMatchObject({
      status: 'completed_with_errors',
      chunksDone: 0,
      chunksDeadLettered: 1,
      rowsDeadLettered: 2,
    });
    expect(batch?.completedAt).not.toBeNull();
  }, 30_000);

  it('slow writes: the last receive counts what it did write as stored and only the rest as dead-lettered', async () => {
    const total = 600;
    const suppliers = Array.from({ length: total }, (_, i) => ({
      inputVersion: 1,
      input: supplierInput(`S-${String(i).padStart(4, '0')}`, [['cobalt', 'CD', 'CN']]),
    }));
    // MOCK (faults.ts): every supplier write (and its change record) and read takes 100 ms more, as over a slow
    // network, so a delivery of 600 suppliers (38 rounds of 16: 3.8 s) cannot finish in the 3 s the function has,
    // while each delivery still has seconds to write some even on a busy machine (1 s was too tight for that).
    const { store, reports } = await runChunk(
      'deadline-slow',
      suppliers,
      (client) =>
        delayCalls(client, {
          when: (c, input) => c === 'PutItemCommand' || c === 'GetItemCommand' || supplierWrite(c, input) !== undefined,
          ms: 100,
        }),
      3,
    );

    expect(reports).toHaveLength(QUEUE_SETTINGS.maxReceiveCount);
    expect(reports.every((r) => r.reason !== 'timeout')).toBe(true);
    const batch = await store.getBatch(tenant, 'b-1');
    let inTable = 0;
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof store.listSuppliers>> = await store.listSuppliers(tenant, {
        limit: 1000,
        ...(cursor ? { cursor } : {}),
      });
      inTable += page.items.length;
      cursor = page.cursor;
    } while (cursor);
    expect(batch).toMatchObject({ status: 'completed_with_errors', chunksDeadLettered: 1 });
    // The last delivery's writes are counted (not lost with the deadline); the suppliers it never reached are not.
    expect(batch?.suppliersStored).toBeGreaterThan(0);
    expect(batch?.suppliersStored).toBeLessThan(total);
    expect((batch?.rowsStored ?? 0) + (batch?.rowsDeadLettered ?? 0)).toBe(total);
    expect(inTable).toBeGreaterThanOrEqual(batch?.suppliersStored ?? 0);
  }, 120_000);
});
