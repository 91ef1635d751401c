/**
 * Ingest on the local services (s3rver, dynalite, the local queue) when the upload or the queue misbehaves: every
 * way it stops ends the batch with its reason and counts that add up, and a second object never joins a batch.
 * Faults no local service produces (a queue that refuses or is down) come from a wrapper of the real queue, and say so.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it } from 'vitest';
import { LOCAL_BUCKET, type LocalRuntime, startLocalRuntime } from '../../infra/local/runtime.ts';
import { type IngestDeps, ingestUpload } from '../../shared/pipeline/ingest-upload.ts';
import type { ScoreQueue } from '../../shared/queue/port.ts';
import type { BatchRecord } from '../../shared/store/batch-port.ts';
import { uploadKey } from '../../shared/uploads/key.ts';
import { createS3Client, S3UploadReader } from '../../shared/uploads/s3-upload-reader.ts';
import { generateSupplierCsv } from '../helpers/pipeline.ts';

const running: LocalRuntime[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((r) => r.stop()));
});

async function runtime(): Promise<LocalRuntime> {
  const r = await startLocalRuntime({ timeScale: 0.0005, autoIngest: false, today: () => '2026-11-10' });
  running.push(r);
  return r;
}

async function put(r: LocalRuntime, batchId: string, body: string | Buffer, format: 'csv' | 'json' = 'csv') {
  const key = uploadKey('acme', batchId, format);
  await r.s3.client.send(
    new PutObjectCommand({ Bucket: LOCAL_BUCKET, Key: key, Body: body, Metadata: { 'as-of': '2026-03-01' } }),
  );
  return { bucket: LOCAL_BUCKET, key };
}

const deps = (r: LocalRuntime, queue: ScoreQueue = r.queue): IngestDeps => ({
  uploads: new S3UploadReader(createS3Client({ endpoint: r.s3.endpoint, region: r.s3.region })),
  store: r.store,
  queue,
  now: () => new Date(),
});

/** rows = scored + superseded + rejected + dead-lettered + not queued, once the batch has closed. */
function expectCountsAddUp(b: BatchRecord | null) {
  expect(b?.rows).not.toBeNull();
  expect(b?.rows).toBe(
    (b?.rowsStored ?? 0) +
      (b?.rowsSuperseded ?? 0) +
      (b?.rejected ?? 0) +
      (b?.rowsDeadLettered ?? 0) +
      (b?.rowsNotQueued ?? 0),
  );
}

/** Fault injection the local queue cannot produce: it is down from the `downAfter`-th call on. */
function downAfter(queue: ScoreQueue, calls: number): ScoreQueue {
  let n = 0;
  return {
    sendBatch: async (entries) => {
      if (++n > calls) throw new Error('injected: the queue is unavailable');
      return queue.sendBatch(entries);
    },
  };
}

describe('a queue that fails during ingest', () => {
  it('an outage after some chunks: the batch completes with errors, says why, and every row is counted', async () => {
    const r = await runtime();
    const source = await put(r, 'b-out', generateSupplierCsv(3_000, { seed: 3, invalidEvery: 20 }));
    const result = await ingestUpload(deps(r, downAfter(r.queue, 2)), source);
    expect(result.outcome).toBe('queued');
    await r.queue.drain({ timeoutMs: 60_000 });
    const b = await r.store.getBatch('acme', 'b-out');
    expect(b?.status).toBe('completed_with_errors');
    expect(b?.failure).toMatch(/not queued: the score queue was unavailable/);
    expect(b?.rowsNotQueued).toBeGreaterThan(0);
    expect(b?.chunks).toBe(20);
    expect(b?.chunksDone).toBe(20);
    expect((b?.suppliersStored ?? 0) + (b?.suppliersNotQueued ?? 0)).toBe(b?.suppliers);
    expectCountsAddUp(b);
  }, 120_000);

  it('a chunk the queue refuses: the others are queued and scored, the batch says which part was lost', async () => {
    const r = await runtime();
    const source = await put(r, 'b-ref', generateSupplierCsv(2_000, { seed: 4 }));
    let call = 0;
    // Fault injection: the queue refuses (sender fault) the third entry of its first call, chunk 2.
    const refusing: ScoreQueue = {
      sendBatch: async (entries) => {
        if (++call !== 1) return r.queue.sendBatch(entries);
        const refused = entries[2];
        const sent = await r.queue.sendBatch(entries.filter((e) => e !== refused));
        return {
          failed: [
            ...sent.failed,
            { id: refused?.id ?? '', code: 'InvalidMessageContents', message: 'injected', senderFault: true },
          ],
        };
      },
    };
    await ingestUpload(deps(r, refusing), source);
    await r.queue.drain({ timeoutMs: 60_000 });
    const b = await r.store.getBatch('acme', 'b-ref');
    expect(b?.status).toBe('completed_with_errors');
    expect(b?.failure).toMatch(/^\d+ accepted row\(s\) of \d+ supplier\(s\) not queued: chunk 2 /);
    expect(b?.rowsNotQueued).toBeGreaterThan(0);
    expectCountsAddUp(b);
  }, 120_000);
});

describe('an upload that cannot finish', () => {
  it('ingest near its timeout stops and fails the batch saying so, instead of leaving it ingesting', async () => {
    const r = await runtime();
    const source = await put(r, 'b-late', generateSupplierCsv(20_000, { seed: 5 }));
    const result = await ingestUpload(deps(r), source, { remainingMs: () => 0 });
    expect(result.outcome).toBe('rejected_file');
    const b = await r.store.getBatch('acme', 'b-late');
    expect(b?.status).toBe('failed');
    expect(b?.failure).toMatch(/ran out of time.*split it/);
  });

  it('a JSON upload that is not UTF-8 fails its batch; nothing is stored with replacement characters', async () => {
    const r = await runtime();
    const latin1 = Buffer.from(
      '[{"supplier_id":"S-1","supplier_name":"Société","mineral":"Dy","origin_country":"CN"}]',
      'latin1',
    );
    const result = await ingestUpload(deps(r), await put(r, 'b-l1', latin1, 'json'));
    expect(result.outcome).toBe('rejected_file');
    expect(result.batch?.failure).toMatch(/not a UTF-8 text file/);
    expect(await r.store.getSupplier('acme', 'S-1')).toBeNull();
  });

  it('a CSV upload over the row limit fails at once with how to split it', async () => {
    const r = await runtime();
    const source = await put(r, 'b-rows', generateSupplierCsv(500, { seed: 6 }));
    const result = await ingestUpload({ ...deps(r), limits: { rows: 499 } }, source);
    expect(result.outcome).toBe('rejected_file');
    expect(result.batch?.failure).toMatch(/more than 499 rows.*split/);
  });
});

describe('one upload per batch', () => {
  it('a second object PUT to the key of a batch (a reused URL) is ignored, during scoring and after', async () => {
    const r = await runtime();
    const first = generateSupplierCsv(1_000, { seed: 8 });
    const source = await put(r, 'b-once', first);
    await ingestUpload(deps(r), source);
    // The client PUTs another file with the same URL while the first is scoring, and again once it has completed.
    await put(r, 'b-once', generateSupplierCsv(3_000, { seed: 9 }));
    expect((await ingestUpload(deps(r), source)).outcome).toBe('skipped');
    await r.queue.drain({ timeoutMs: 60_000 });
    await put(r, 'b-once', generateSupplierCsv(2_000, { seed: 10 }));
    expect((await ingestUpload(deps(r), source)).outcome).toBe('skipped');
    await r.queue.drain({ timeoutMs: 60_000 });
    const b = await r.store.getBatch('acme', 'b-once');
    expect(b?.status).toBe('completed');
    expect(b?.rows).toBe(1_000);
    expect(b?.rowsStored).toBe(1_000);
    expect(b?.chunksDone).toBe(b?.chunks);
    expectCountsAddUp(b);
  }, 120_000);

  it('the same object redelivered is ingested once: counts unchanged', async () => {
    const r = await runtime();
    const source = await put(r, 'b-again', generateSupplierCsv(300, { seed: 11 }));
    await ingestUpload(deps(r), source);
    await ingestUpload(deps(r), source);
    await r.queue.drain({ timeoutMs: 60_000 });
    const b = await r.store.getBatch('acme', 'b-again');
    expect(b).toMatchObject({ status: 'completed', rows: 300, rowsStored: 300 });
  }, 60_000);
});
