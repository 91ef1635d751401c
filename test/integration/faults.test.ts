/**
 * Faults the pipeline must survive, against dynalite and the local queue with the real handlers: a poison message,
 * DynamoDB throttling and unprocessed items, a crash after part of a chunk was written, and all of them at once in a
 * 10,000-row upload with invalid rows. DynamoDB faults are injected with SDK middleware (test/helpers/faults.ts),
 * the only mocks here; the queue's redelivery and DLQ are the local queue's own.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ScoredSupplier } from '../../shared/model/types.ts';
import { type ScoreMessage, scoreMessageSchema } from '../../shared/queue/message.ts';
import { QUEUE_SETTINGS } from '../../shared/queue/settings.ts';
import type { BatchRecord } from '../../shared/store/batch-port.ts';
import {
  type CrashControl,
  injectCrash,
  injectPoison,
  injectThrottling,
  injectUnprocessedItems,
  type PoisonStats,
  type ThrottleStats,
  type UnprocessedStats,
} from '../helpers/faults.ts';
import {
  allRejections,
  type CliJson,
  cliScore,
  type DeliveryLog,
  generateSupplierCsv,
  type Pipeline,
  rowsOf,
  scoreMessage,
  scoreRecord,
  startPipeline,
  storedOfBatch,
  supplierInput,
  tableFigures,
} from '../helpers/pipeline.ts';
import { lambdaContext, sqsEvent } from '../helpers/sqs-events.ts';
import { storedResult } from '../helpers/stored.ts';
import { type TempDir, tempDir } from '../helpers/temp.ts';

const SAMPLE = 'events/suppliers/sample.csv';
const WITH_ERRORS = 'events/suppliers/sample-with-errors.csv';
const MAX_RECEIVES = QUEUE_SETTINGS.maxReceiveCount;

const running: Pipeline[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((p) => p.stop()));
});

async function pipeline(faults?: (client: DynamoDBClient, deliveries: DeliveryLog) => void): Promise<Pipeline> {
  const p = await startPipeline(faults ? { faults } : {});
  running.push(p);
  return p;
}

let dir: TempDir;
beforeAll(() => {
  dir = tempDir();
});
afterAll(() => dir.remove());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const byId = <T extends { supplierId: string }>(list: readonly T[]) =>
  [...list].sort((a, b) => a.supplierId.localeCompare(b.supplierId));
const parse = (body: string): ScoreMessage => scoreMessageSchema.parse(JSON.parse(body));

/** rows = stored + rejected + dead-lettered (+ superseded), and the table holds exactly what the record says. */
async function expectBatchAgreesWithTable(p: Pipeline, tenant: string, batch: BatchRecord) {
  expect(batch.rows).toBe(
    batch.rowsStored + (batch.rejected ?? Number.NaN) + batch.rowsDeadLettered + batch.rowsSuperseded,
  );
  expect(batch.accepted).toBe(batch.rowsStored + batch.rowsDeadLettered + batch.rowsSuperseded);
  const table = await tableFigures(p, tenant, batch.batchId);
  expect({ suppliers: table.suppliers, rows: table.rows }).toEqual({
    suppliers: batch.suppliersStored,
    rows: batch.rowsStored,
  });
  expect((await allRejections(p, tenant, batch.batchId)).length).toBe(batch.rejected);
  expect(p.writes.writtenTwice()).toEqual([]);
  return table;
}

describe('a poison message', () => {
  it('among good ones: the good ones are stored once, the poison goes to the DLQ after maxReceiveCount receives', async () => {
    const p = await pipeline();
    const good = Array.from({ length: 29 }, (_, i) =>
      JSON.stringify(
        scoreMessage({
          batchId: null,
          chunk: null,
          suppliers: [
            { inputVersion: 1000, input: supplierInput(`G-${i}-a`, [['cobalt', 'CD', 'CN']]) },
            { inputVersion: 1000, input: supplierInput(`G-${i}-b`, [['gallium', 'CN', 'CN']]) },
          ],
        }),
      ),
    );
    const poison = '{"v":1,"kind":"upsert","tenant":"t-1"'; // truncated JSON: it can never succeed
    const bodies = [...good.slice(0, 14), poison, ...good.slice(14)];
    // Three SendMessageBatch calls: the first invocations overlap, as on AWS.
    for (let i = 0; i < bodies.length; i += 10)
      await p.queue.sendBatch(bodies.slice(i, i + 10).map((body, j) => ({ id: `m${i + j}`, body })));
    await p.queue.drain({ timeoutMs: 20_000 });

    expect(p.queue.dlq.map((m) => m.body)).toEqual([poison]);
    const dead = p.queue.dlq[0];
    expect(dead?.attributes.ApproximateReceiveCount).toBe(String(MAX_RECEIVES));
    expect(p.deliveries.receives(dead?.messageId ?? '')).toBe(MAX_RECEIVES);
    const goodDeliveries = p.deliveries.all.filter((d) => d.messageId !== dead?.messageId);
    expect(goodDeliveries).toHaveLength(good.length);
    expect(goodDeliveries.every((d) => d.receiveCount === 1)).toBe(true);
    expect(p.writes.supplierPuts.size).toBe(good.length * 2);
    expect(p.writes.writtenTwice()).toEqual([]);
    expect(p.queue.stats()).toMatchObject({ deleted: good.length, deadLettered: 1 });
    expect(p.queue.stats().peakConcurrency).toBeGreaterThan(1);
  });

  it('a poison chunk of a real batch is counted as dead-lettered and the batch closes completed_with_errors', async () => {
    const file = dir.file('poison.csv', generateSupplierCsv(300, { seed: 11, invalidEvery: 50 }));
    const cli = await cliScore(file, { asOf: '2026-03-01' });
    // The last supplier: its chunk, the last, is the smallest, so its redeliveries cost least.
    const victim = cli.results.at(-1)?.supplierId ?? '';
    let poison: PoisonStats | undefined;
    const p = await pipeline((client) => {
      poison = injectPoison(client, { supplierIds: [victim] });
    });
    await p.upload(file, { tenant: 'acme', batchId: 'b-1', asOf: '2026-03-01' });
    const batch = await p.waitForBatch('acme', 'b-1', { timeoutMs: 30_000 });
    await p.queue.drain({ timeoutMs: 10_000 });

    expect(batch.chunks).toBeGreaterThan(2);
    expect(batch.status).toBe('completed_with_errors');
    expect(batch).toMatchObject({ chunksDeadLettered: 1, chunksDone: (batch.chunks ?? 0) - 1 });
    expect(p.queue.dlq).toHaveLength(1);
    const deadMessage = parse(p.queue.dlq[0]?.body ?? '');
    expect(deadMessage).toMatchObject({ batchId: 'b-1', tenant: 'acme' });
    expect(deadMessage.suppliers.map((s) => s.input.supplierId)).toContain(victim);
    expect(p.queue.dlq[0]?.attributes.ApproximateReceiveCount).toBe(String(MAX_RECEIVES));
    expect(poison?.refused).toBe(MAX_RECEIVES);

    // Only the victim's rows are lost; its chunk's other suppliers were written and are counted as stored.
    const victimInput = deadMessage.suppliers.find((s) => s.input.supplierId === victim)?.input;
    expect(batch.rowsDeadLettered).toBe(victimInput?.exposures.length);
    expect(batch.rowsDeadLettered).toBeLessThan(rowsOf(deadMessage));
    const table = await expectBatchAgreesWithTable(p, 'acme', batch);
    expect(table.supplierIds).toEqual(
      cli.results
        .map((r) => r.supplierId)
        .filter((id) => id !== victim)
        .sort(),
    );
    expect(batch).toMatchObject({ rows: cli.summary.rows, rejected: cli.summary.rejected });

    // Redriven from the DLQ once the cause is fixed, the chunk is counted once, as scored.
    poison?.cure();
    await p.queue.send(p.queue.dlq[0]?.body ?? '');
    await p.queue.drain({ timeoutMs: 10_000 });
    const redriven = await p.store.getBatch('acme', 'b-1');
    if (!redriven) throw new Error('no batch');
    expect(redriven).toMatchObject({
      status: 'completed',
      chunksDone: batch.chunks,
      chunksDeadLettered: 0,
      rowsDeadLettered: 0,
      rowsStored: cli.summary.scored,
      suppliersStored: cli.results.length,
      rowsSuperseded: 0,
      suppliersSuperseded: 0,
    });
    expect((await expectBatchAgreesWithTable(p, 'acme', redriven)).supplierIds).toEqual(
      cli.results.map((r) => r.supplierId).sort(),
    );
  });
});

describe('DynamoDB throttling and unprocessed items', () => {
  it('are retried with backoff until everything is stored exactly once', async () => {
    let throttle: ThrottleStats | undefined;
    let unprocessed: UnprocessedStats | undefined;
    const p = await pipeline((client) => {
      throttle = injectThrottling(client, { fraction: 0.25, seed: 5 });
      unprocessed = injectUnprocessedItems(client, { fraction: 1, times: 3, seed: 6 });
    });
    const [cliSample, cliErrors] = await Promise.all([
      cliScore(SAMPLE, { asOf: '2026-03-01' }),
      cliScore(WITH_ERRORS, { asOf: '2026-03-01' }),
    ]);
    await p.upload(SAMPLE, { tenant: 'acme', batchId: 'sample', asOf: '2026-03-01' });
    await p.upload(WITH_ERRORS, { tenant: 'acme', batchId: 'errors', asOf: '2026-03-01' });
    const batches = await Promise.all([
      p.waitForBatch('acme', 'sample', { timeoutMs: 30_000 }),
      p.waitForBatch('acme', 'errors', { timeoutMs: 30_000 }),
    ]);

    for (const [batch, cli] of [
      [batches[0], cliSample],
      [batches[1], cliErrors],
    ] as const) {
      expect(batch.status).toBe('completed');
      await expectBatchAgreesWithTable(p, 'acme', batch);
      expect(batch).toMatchObject({ rows: cli.summary.rows, rowsStored: cli.summary.scored, rowsDeadLettered: 0 });
      expect(await allRejections(p, 'acme', batch.batchId)).toEqual(cli.rejected);
      expect(byId((await storedOfBatch(p, 'acme', batch.batchId)).map((s) => storedResult(s)))).toEqual(
        byId(cli.results),
      );
    }
    // Every throttled call was retried by the SDK (a retry each), none surfaced to the handler. A real failure of an
    // attempt (a connection dropped under the suite's load) is retried as well, and counted apart. Read with no call
    // in flight: a write the batch no longer waits for (its close, done meanwhile by a read) may still be backing off.
    const [retries, injected, failures] = await p.writes.whenIdle(
      () => [p.writes.retries, throttle?.injected ?? 0, [...p.writes.serviceFailures]] as const,
    );
    expect(injected).toBeGreaterThan(5);
    expect(retries, failures.join('; ')).toBe(injected + failures.length);
    expect(p.deliveries.all.every((d) => d.receiveCount === 1)).toBe(true);
    // Each BatchWriteItem that left items unprocessed was followed by one resend of them.
    expect(unprocessed?.calls).toBe(3);
    expect(p.writes.batchWrites).toBe(1 + 3);
    expect(p.queue.stats().deadLettered).toBe(0);
  });
});

describe('a crash after part of a chunk was written', () => {
  it('then redelivery: every supplier is stored once and the chunk is counted once', async () => {
    let crash: CrashControl | undefined;
    const ids = Array.from({ length: 12 }, (_, i) => `C-${i}`);
    const p = await pipeline((client) => {
      crash = injectCrash(client, { after: 5, when: (id) => ids.includes(id) });
    });
    const message = scoreMessage({
      tenant: 'acme',
      batchId: 'b-1',
      chunk: 0,
      suppliers: ids.map((id, i) => ({
        inputVersion: 1000,
        input: supplierInput(
          id,
          i % 2
            ? [['cobalt', 'CD', 'CN']]
            : [
                ['neodymium', 'CN', 'CN'],
                ['dysprosium', 'MM', 'CN'],
              ],
        ),
      })),
    });
    const rows = rowsOf(message);
    await p.store.createBatch({
      tenant: 'acme',
      batchId: 'b-1',
      source: null,
      asOf: message.asOf,
      buyerCountry: 'US',
      inputVersion: 1000,
    });
    await p.store.recordBatchQueued('acme', 'b-1', {
      rows,
      accepted: rows,
      rejected: 0,
      suppliers: 12,
      chunks: 1,
      rowsNotQueued: 0,
      suppliersNotQueued: 0,
      failure: null,
    });
    const messageId = 'c0ffee00-0000-4000-8000-000000000001';

    // Every record of the invocation failed: Powertools fails the whole invocation, and the queue keeps the message.
    await expect(p.handlers.score(sqsEvent(scoreRecord(message, { messageId })), lambdaContext())).rejects.toThrow(
      /All records failed/,
    );
    expect(crash?.crashed).toBe(true);
    expect(crash?.writtenBeforeCrash).toBe(5);
    // The crashed invocation has returned: it leaves no writes running behind it.
    const attempts = p.writes.supplierPutAttempts;
    await sleep(100);
    expect(p.writes.supplierPutAttempts).toBe(attempts);
    expect((await tableFigures(p, 'acme', 'b-1')).suppliers).toBe(5);
    expect(await p.store.getBatch('acme', 'b-1')).toMatchObject({
      chunksDone: 0,
      suppliersStored: 0,
      status: 'scoring',
    });

    crash?.disarm();
    const second = await p.handlers.score(
      sqsEvent(scoreRecord(message, { messageId, receiveCount: 2 })),
      lambdaContext(),
    );
    expect(second.batchItemFailures).toEqual([]);
    const batch = await p.store.getBatch('acme', 'b-1');
    expect(batch).toMatchObject({
      status: 'completed',
      chunksDone: 1,
      suppliersStored: 12,
      rowsStored: rows,
      suppliersSuperseded: 0,
      rowsSuperseded: 0,
    });
    if (!batch) throw new Error('no batch');
    await expectBatchAgreesWithTable(p, 'acme', batch);
    expect(p.writes.supplierPuts.size).toBe(12);

    // A third delivery (a late duplicate) changes nothing.
    await p.handlers.score(sqsEvent(scoreRecord(message, { messageId, receiveCount: 3 })), lambdaContext());
    expect(await p.store.getBatch('acme', 'b-1')).toEqual(batch);
  });
});

describe('a 10,000-row upload with faults injected', () => {
  it('rows = stored + rejected + dead-lettered, the batch record agrees with the table, nothing stored twice', async () => {
    const ROWS = 10_000;
    const CRASH_CHUNK = 3;
    const file = dir.file(
      'big.csv',
      generateSupplierCsv(ROWS, { seed: 42, invalidEvery: 40, rowsPerSupplier: [2, 6] }),
    );
    const cli: CliJson = await cliScore(file, { asOf: '2026-03-01' });
    // Poison one supplier of the last (smallest) chunk: of the last ten, the one with most minerals (one row each).
    const victim = cli.results
      .slice(-10)
      .reduce(
        (a, b) => (b.minerals.length > a.minerals.length ? b : a),
        cli.results.at(-1) as ScoredSupplier,
      ).supplierId;
    let throttle: ThrottleStats | undefined;
    let unprocessed: UnprocessedStats | undefined;
    let crash: CrashControl | undefined;
    let poison: PoisonStats | undefined;
    const started = Date.now();
    const p = await pipeline((client, deliveries) => {
      throttle = injectThrottling(client, { fraction: 0.02, seed: 8 });
      unprocessed = injectUnprocessedItems(client, { fraction: 0.3, seed: 9 });
      // The process that first receives chunk 3 dies after 7 writes: every message of that invocation (up to
      // batchSize) fails partway and is redelivered; the redeliveries run in fresh invocations, unharmed.
      crash = injectCrash(client, {
        after: 7,
        when: (id) => {
          const first = deliveries.all.find((d) => d.batchId === 'big' && d.chunk === CRASH_CHUNK);
          return first !== undefined && deliveries.holding(id)?.invocation === first.invocation;
        },
      });
      poison = injectPoison(client, { supplierIds: [victim] });
    });
    await p.upload(file, { tenant: 'acme', batchId: 'big', asOf: '2026-03-01' });
    const batch = await p.waitForBatch('acme', 'big', { timeoutMs: 50_000 });
    await p.queue.drain({ timeoutMs: 10_000 });
    const seconds = (Date.now() - started) / 1000;

    // The faults happened.
    expect(cli.summary.rows).toBe(ROWS);
    expect(cli.summary.rejected).toBeGreaterThan(100);
    expect(throttle?.injected).toBeGreaterThan(0);
    expect(p.writes.retries).toBeGreaterThanOrEqual(throttle?.injected ?? Number.NaN);
    expect(unprocessed?.calls).toBeGreaterThan(0);
    expect(crash).toMatchObject({ crashed: true, writtenBeforeCrash: 7 });
    expect(poison?.refused).toBe(MAX_RECEIVES);
    expect(p.queue.dlq).toHaveLength(1);
    const deadMessage = parse(p.queue.dlq[0]?.body ?? '');
    const crashedIn = p.deliveries.all.find((d) => d.chunk === CRASH_CHUNK)?.invocation;
    const crashedChunks = p.deliveries.all.filter((d) => d.invocation === crashedIn).map((d) => d.chunk);
    expect(crashedChunks).toContain(CRASH_CHUNK);
    expect(crashedChunks).not.toContain(deadMessage.chunk);
    // Each message of the crashed invocation came back once, and was then done.
    for (const chunk of crashedChunks)
      expect(p.deliveries.all.filter((d) => d.chunk === chunk).map((d) => d.receiveCount)).toEqual([1, 2]);
    expect(p.queue.dlq[0]?.attributes.ApproximateReceiveCount).toBe(String(MAX_RECEIVES));

    // The batch accounts for every row, agrees with the CLI and with the table; nothing was stored twice.
    expect(batch.status).toBe('completed_with_errors');
    expect(batch).toMatchObject({
      rows: cli.summary.rows,
      accepted: cli.summary.scored,
      rejected: cli.summary.rejected,
      suppliers: cli.summary.suppliers,
      chunksDeadLettered: 1,
      rowsSuperseded: 0,
    });
    const table = await expectBatchAgreesWithTable(p, 'acme', batch);
    const victimRows = deadMessage.suppliers.find((s) => s.input.supplierId === victim)?.input.exposures.length;
    expect(batch.rowsDeadLettered).toBe(victimRows);
    expect(table.supplierIds).toEqual(
      cli.results
        .map((r) => r.supplierId)
        .filter((id) => id !== victim)
        .sort(),
    );
    expect(await allRejections(p, 'acme', 'big')).toEqual(cli.rejected);
    const stored = await storedOfBatch(p, 'acme', 'big');
    expect(byId(stored.map((s) => storedResult(s)))).toEqual(byId(cli.results.filter((r) => r.supplierId !== victim)));

    const figures = {
      rows: batch.rows,
      accepted: batch.accepted,
      rejected: batch.rejected,
      rowsStored: batch.rowsStored,
      rowsDeadLettered: batch.rowsDeadLettered,
      rowsSuperseded: batch.rowsSuperseded,
      suppliers: batch.suppliers,
      suppliersStored: batch.suppliersStored,
      chunks: batch.chunks,
      chunksDone: batch.chunksDone,
      chunksDeadLettered: batch.chunksDeadLettered,
      status: batch.status,
      table: { suppliers: table.suppliers, rows: table.rows },
      suppliersWrittenTwice: p.writes.writtenTwice().length,
      faults: {
        throttlesInjected: throttle?.injected,
        sdkRetries: p.writes.retries,
        unprocessedBatchWrites: unprocessed?.calls,
        unprocessedItems: unprocessed?.items,
        crashAfterWrites: crash?.writtenBeforeCrash,
        crashedChunks,
        poisonChunk: deadMessage.chunk,
        poisonReceives: Number(p.queue.dlq[0]?.attributes.ApproximateReceiveCount),
      },
      queue: p.queue.stats(),
      seconds: Number(seconds.toFixed(1)),
    };
    console.log(
      `FAULT FIGURES (10,000-row upload): rows ${figures.rows} = stored ${figures.rowsStored} + rejected ${figures.rejected} + dead-lettered ${figures.rowsDeadLettered} + superseded ${figures.rowsSuperseded}; ` +
        `suppliers stored ${figures.suppliersStored}/${figures.suppliers} (table ${table.suppliers} items, ${table.rows} rows); ` +
        `chunks ${figures.chunksDone} done + ${figures.chunksDeadLettered} dead-lettered of ${figures.chunks}; written twice ${figures.suppliersWrittenTwice}; ` +
        `faults: ${figures.faults.throttlesInjected} throttles (${figures.faults.sdkRetries} SDK retries), ${figures.faults.unprocessedBatchWrites} BatchWriteItem calls with ${figures.faults.unprocessedItems} unprocessed items, ` +
        `crash after ${figures.faults.crashAfterWrites} writes in the invocation holding chunks ${crashedChunks.join(',')}, poison chunk ${figures.faults.poisonChunk} received ${figures.faults.poisonReceives}×; ${figures.seconds} s`,
    );
    mkdirSync('.tmp', { recursive: true });
    writeFileSync('.tmp/fault-figures.json', `${JSON.stringify(figures, null, 2)}\n`);
  });
});
