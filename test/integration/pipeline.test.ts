/**
 * The pipeline end to end on the local runtime (dynalite, local S3, local queue, the real handlers): an upload is
 * ingested, queued, scored and stored; what the store holds equals the CLI's reading of the same file. Also the
 * rescore path, and the score function's answers to the same message twice and to versions out of order.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { LOCAL_BUCKET } from '../../infra/local/runtime.ts';
import { createScorer } from '../../shared/model/score.ts';
import { referenceData } from '../../shared/reference/index.ts';
import type { BatchRecord } from '../../shared/store/batch-port.ts';
import type { StoredSupplier } from '../../shared/store/supplier-port.ts';
import { uploadKey } from '../../shared/uploads/key.ts';
import { type HoldControl, holdCalls } from '../helpers/faults.ts';
import {
  allRejections,
  cliScore,
  type Pipeline,
  rowsOf,
  scoreMessage,
  scoreRecord,
  startPipeline,
  storedOfBatch,
  supplierInput,
  tableFigures,
} from '../helpers/pipeline.ts';
import { s3ObjectCreatedEvent } from '../helpers/s3-events.ts';
import { lambdaContext, sqsEvent } from '../helpers/sqs-events.ts';
import { storedResult } from '../helpers/stored.ts';
import { context } from '../helpers/supplier-input.ts';
import { tempDir } from '../helpers/temp.ts';

const SAMPLE = 'events/suppliers/sample.csv';
const WITH_ERRORS = 'events/suppliers/sample-with-errors.csv';
const LEDGER = 'events/suppliers/purchase-ledger.csv';

const running: Pipeline[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((p) => p.stop()));
});

async function pipeline(options: Parameters<typeof startPipeline>[0] = {}): Promise<Pipeline> {
  const p = await startPipeline(options);
  running.push(p);
  return p;
}

const byId = <T extends { supplierId: string }>(list: readonly T[]) =>
  [...list].sort((a, b) => a.supplierId.localeCompare(b.supplierId));

describe('upload → ingest → queue → score → store', () => {
  for (const [file, asOf, buyerCountry] of [
    [SAMPLE, '2026-03-01', 'US'],
    [WITH_ERRORS, '2025-12-01', 'DE'],
    // A purchase ledger: rows expand into several lines, and the batch still counts rows.
    [LEDGER, '2026-12-03', 'US'],
  ] as const) {
    it(`${file}: the batch completes, its counts agree with the CLI and the table, the scores equal the CLI's`, async () => {
      const [p, cli] = await Promise.all([pipeline(), cliScore(file, { asOf, buyerCountry })]);
      await p.upload(file, { tenant: 'acme', batchId: 'b-1', asOf, buyerCountry });
      const batch = await p.waitForBatch('acme', 'b-1', { timeoutMs: 20_000 });

      expect(batch.status).toBe('completed');
      expect(cli.summary.rows).toBe(cli.summary.scored + cli.summary.rejected);
      expect({
        rows: batch.rows,
        accepted: batch.accepted,
        rejected: batch.rejected,
        suppliers: batch.suppliers,
        suppliersStored: batch.suppliersStored,
        rowsStored: batch.rowsStored,
      }).toEqual({
        rows: cli.summary.rows,
        accepted: cli.summary.scored,
        rejected: cli.summary.rejected,
        suppliers: cli.summary.suppliers,
        suppliersStored: cli.results.length,
        rowsStored: cli.summary.scored,
      });
      expect(batch).toMatchObject({ suppliersSuperseded: 0, rowsSuperseded: 0, chunksDeadLettered: 0 });
      expect(batch.chunksDone).toBe(batch.chunks);

      const table = await tableFigures(p, 'acme', 'b-1');
      expect(table.suppliers).toBe(batch.suppliersStored);
      expect(table.rows).toBe(batch.rowsStored);
      expect(table.supplierIds).toEqual(cli.results.map((r) => r.supplierId).sort());

      // Rejections: same rows, fields, values and messages as the CLI's.
      expect(await allRejections(p, 'acme', 'b-1')).toEqual(cli.rejected);
      if (file === WITH_ERRORS) expect(cli.rejected.map((r) => r.row)).toHaveLength(13);

      // Scores read back from the store equal the CLI's exactly.
      const stored = await storedOfBatch(p, 'acme', 'b-1');
      expect(byId(stored.map((s) => storedResult(s)))).toEqual(byId(cli.results));
      expect(p.writes.writtenTwice()).toEqual([]);
      expect(p.queue.stats().deadLettered).toBe(0);
    });
  }
});

describe('an upload that cannot be read', () => {
  it('above the size limit fails its batch at once with the limit and what to do, and queues nothing', async () => {
    const p = await pipeline({ uploadLimits: { csvBytes: 2_000, jsonBytes: 2_000 } });
    await p.upload(SAMPLE, { tenant: 'acme', batchId: 'big' });
    const batch = await p.waitForBatch('acme', 'big', { timeoutMs: 10_000 });
    expect(batch.status).toBe('failed');
    expect(batch.failure).toMatch(
      /^the file is [\d.]+ MiB; one CSV upload may be at most [\d.]+ MiB: split it into several uploads$/,
    );
    expect(p.queue.stats().sent).toBe(0);
    expect(p.deliveries.all).toEqual([]);
  });

  it('that is not a supplier list fails its batch with the reason', async () => {
    const p = await pipeline();
    const dir = tempDir();
    const garbage = dir.file('garbage.csv', Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a]));
    await p.upload(garbage, { tenant: 'acme', batchId: 'garbage' });
    const batch = await p.waitForBatch('acme', 'garbage', { timeoutMs: 10_000 });
    expect(batch).toMatchObject({ status: 'failed', rows: null }); // no row was read
    expect(batch.failure).toMatch(/UTF-8|not a CSV|binary/i);
    dir.remove();
  });
});

describe('the same upload event delivered twice', () => {
  it('leaves the batch completed when the second ingest finishes after the batch did', async () => {
    let hold: HoldControl | undefined;
    const p = await pipeline({
      faults: (client) => {
        // The second ingest's "all queued" update (recordBatchQueued) is held until the batch has completed.
        hold = holdCalls(client, {
          when: (command, input) => command === 'UpdateItemCommand' && String(input.UpdateExpression).includes('#rows'),
          skip: 1,
        });
      },
    });
    await p.upload(WITH_ERRORS, { tenant: 'acme', batchId: 'b-1', asOf: '2026-03-01' });
    // S3 delivers the object-created event again (at least once delivery): the ingest function runs a second time.
    const again = p.handlers.ingest(
      s3ObjectCreatedEvent({ bucket: LOCAL_BUCKET, key: uploadKey('acme', 'b-1'), size: 1, eTag: 'e' }),
      lambdaContext({ functionName: 'ingest' }),
    );
    const batch = await p.waitForBatch('acme', 'b-1', { timeoutMs: 20_000 });
    expect(batch.status).toBe('completed');
    expect(hold?.held).toBe(1);
    hold?.release();
    const [second] = await again;
    // The second run did not skip (the batch was not complete yet when it started)…
    expect(second?.outcome).toBe('queued');
    await p.queue.drain({ timeoutMs: 10_000 });
    // …and its late update changed no count and left the batch completed.
    const after = await p.store.getBatch('acme', 'b-1');
    expect(after).toMatchObject({
      status: 'completed',
      completedAt: batch.completedAt,
      rows: batch.rows,
      chunksDone: batch.chunks,
      suppliersStored: batch.suppliersStored,
      rowsStored: batch.rowsStored,
    });
    expect(p.writes.writtenTwice()).toEqual([]);
  });
});

describe('the score function, one message at a time', () => {
  const tenant = 't-1';
  const suppliers = [
    supplierInput('S-1', [['cobalt', 'CD', 'CN']]),
    supplierInput('S-2', [
      ['neodymium', 'CN', 'CN'],
      ['dysprosium', 'MM', 'CN'],
    ]),
    supplierInput('S-3', [
      ['lithium', 'AU', 'CN'],
      ['lithium', 'CL', 'CL'],
    ]),
  ];

  async function openBatch(p: Pipeline, batchId: string, inputVersion: number, chunks: number, rows: number) {
    await p.store.createBatch({ tenant, batchId, source: null, asOf: '2026-03-01', buyerCountry: 'US', inputVersion });
    await p.store.recordBatchQueued(tenant, batchId, {
      rows,
      accepted: rows,
      rejected: 0,
      suppliers: 3,
      chunks,
      rowsNotQueued: 0,
      suppliersNotQueued: 0,
      failure: null,
    });
  }

  const readAll = (p: Pipeline, ids: string[]) => Promise.all(ids.map((id) => p.store.getSupplier(tenant, id)));

  for (const how of ['one after the other', 'concurrently'] as const) {
    it(`the same message delivered twice (${how}) is stored once and counted once`, async () => {
      const p = await pipeline();
      const message = scoreMessage({
        tenant,
        batchId: 'b-1',
        chunk: 0,
        asOf: '2026-03-01',
        suppliers: suppliers.map((input) => ({ inputVersion: 1000, input })),
      });
      // Two chunks, so the batch stays open and its counters show what one delivery added.
      await openBatch(p, 'b-1', 1000, 2, rowsOf(message) + 4);
      const event = sqsEvent(scoreRecord(message));
      const ids = suppliers.map((s) => s.supplierId);

      let after: BatchRecord | null;
      let items: (StoredSupplier | null)[];
      if (how === 'one after the other') {
        const first = await p.handlers.score(event, lambdaContext());
        expect(first.batchItemFailures).toEqual([]);
        after = await p.store.getBatch(tenant, 'b-1');
        items = await readAll(p, ids);
        const second = await p.handlers.score(event, lambdaContext());
        expect(second.batchItemFailures).toEqual([]);
        // The second delivery changed nothing: not the batch record (counters, updatedAt), not the items.
        expect(await p.store.getBatch(tenant, 'b-1')).toEqual(after);
        expect(await readAll(p, ids)).toEqual(items);
      } else {
        const results = await Promise.all([
          p.handlers.score(event, lambdaContext()),
          p.handlers.score(event, lambdaContext()),
        ]);
        for (const r of results) expect(r.batchItemFailures).toEqual([]);
        after = await p.store.getBatch(tenant, 'b-1');
        items = await readAll(p, ids);
      }

      expect(after).toMatchObject({
        chunksDone: 1,
        suppliersStored: 3,
        suppliersSuperseded: 0,
        rowsStored: rowsOf(message),
        rowsSuperseded: 0,
        status: 'scoring',
      });
      expect(items.map((s) => s?.inputVersion)).toEqual([1000, 1000, 1000]);
      expect([...p.writes.supplierPuts.values()]).toEqual([1, 1, 1]);
      expect(p.writes.conditionFailures).toBe(3);
    });
  }

  it('the same rescore message delivered twice is stored once', async () => {
    const p = await pipeline();
    const input = supplierInput('S-1', [['holmium', 'CN', 'CN']]);
    await p.handlers.score(
      sqsEvent(
        scoreRecord(scoreMessage({ tenant, batchId: null, chunk: null, suppliers: [{ inputVersion: 1000, input }] })),
      ),
      lambdaContext(),
    );
    const event = sqsEvent(
      scoreRecord(
        scoreMessage({
          kind: 'rescore',
          tenant,
          batchId: null,
          chunk: null,
          asOf: '2026-11-11',
          suppliers: [{ inputVersion: 1000, input }],
        }),
      ),
    );
    expect((await p.handlers.score(event, lambdaContext())).batchItemFailures).toEqual([]);
    const rescored = await p.store.getSupplier(tenant, 'S-1');
    expect(rescored?.summary.asOf).toBe('2026-11-11');
    expect((await p.handlers.score(event, lambdaContext())).batchItemFailures).toEqual([]);
    expect(await p.store.getSupplier(tenant, 'S-1')).toEqual(rescored);
    // One write for the upsert, one for the rescore.
    expect([...p.writes.supplierPuts.values()]).toEqual([2]);
  });

  it('an older version arriving after a newer one is not stored, and is counted as superseded', async () => {
    const p = await pipeline();
    const newer = supplierInput('S-1', [['cobalt', 'CD', 'CN']]);
    const older = supplierInput('S-1', [
      ['cobalt', 'AU', 'AU'],
      ['nickel', 'ID', 'CN'],
    ]);
    const fresh = supplierInput('S-9', [['gallium', 'CN', 'CN']]);
    const newMessage = scoreMessage({ tenant, batchId: 'b-new', suppliers: [{ inputVersion: 2000, input: newer }] });
    const oldMessage = scoreMessage({
      tenant,
      batchId: 'b-old',
      suppliers: [
        { inputVersion: 1000, input: older },
        { inputVersion: 1000, input: fresh },
      ],
    });
    await openBatch(p, 'b-new', 2000, 1, 1);
    await openBatch(p, 'b-old', 1000, 1, 3);

    expect((await p.handlers.score(sqsEvent(scoreRecord(newMessage)), lambdaContext())).batchItemFailures).toEqual([]);
    const stored = await p.store.getSupplier(tenant, 'S-1');
    expect((await p.handlers.score(sqsEvent(scoreRecord(oldMessage)), lambdaContext())).batchItemFailures).toEqual([]);

    expect(await p.store.getSupplier(tenant, 'S-1')).toEqual(stored);
    expect(stored).toMatchObject({ inputVersion: 2000, batchId: 'b-new', input: newer });
    expect(await p.store.getSupplier(tenant, 'S-9')).toMatchObject({ inputVersion: 1000, batchId: 'b-old' });
    const old = await p.store.getBatch(tenant, 'b-old');
    expect(old).toMatchObject({
      status: 'completed',
      suppliersStored: 1,
      rowsStored: 1,
      suppliersSuperseded: 1,
      rowsSuperseded: 2,
    });
    expect(old?.rows).toBe((old?.rowsStored ?? 0) + (old?.rowsSuperseded ?? 0));

    // A rescore computed from the old input (read before the new one landed) is not stored either…
    const rescore = (inputVersion: number, input: typeof newer) =>
      scoreMessage({
        kind: 'rescore',
        tenant,
        batchId: null,
        chunk: null,
        asOf: '2026-12-01',
        suppliers: [{ inputVersion, input }],
      });
    const stale = await p.handlers.score(sqsEvent(scoreRecord(rescore(1000, older))), lambdaContext());
    expect(stale.batchItemFailures).toEqual([]);
    expect(await p.store.getSupplier(tenant, 'S-1')).toEqual(stored);
    // …while one computed from the stored input is.
    await p.handlers.score(sqsEvent(scoreRecord(rescore(2000, newer))), lambdaContext());
    expect(await p.store.getSupplier(tenant, 'S-1')).toMatchObject({
      inputVersion: 2000,
      input: newer,
      summary: { asOf: '2026-12-01' },
    });
  });
});

describe('two different inputs of one supplier with the same version', () => {
  it('(two PUTs in the same millisecond) keeps the first, counts the second superseded, not as a redelivery', async () => {
    const p = await pipeline();
    const tenant = 't-1';
    const first = supplierInput('S-1', [['cobalt', 'CD', 'CN']]);
    const second = supplierInput('S-1', [['cobalt', 'AU', 'AU']]);
    const write = (input: typeof first) =>
      p.store.putScored(tenant, 'upsert', [
        {
          inputVersion: 1_700_000_000_000,
          input,
          result: createScorer(referenceData(), context('2026-03-01', 'US')).score(input),
          nextChangeDate: null,
          batchId: null,
        },
      ]);
    expect(await write(first)).toMatchObject({ stored: 1, superseded: 0 });
    expect(await write(first)).toMatchObject({ stored: 1, superseded: 0 }); // a redelivery: same input, no harm
    expect(await write(second)).toMatchObject({ stored: 0, superseded: 1 });
    expect(await p.store.getSupplier(tenant, 'S-1')).toMatchObject({ inputVersion: 1_700_000_000_000, input: first });
  });
});

describe('a deleted supplier', () => {
  it('is not brought back by a write of an older version still queued, and comes back with a newer one', async () => {
    const p = await pipeline();
    const tenant = 't-1';
    const input = supplierInput('S-1', [['cobalt', 'CD', 'CN']]);
    const result = createScorer(referenceData(), context('2026-03-01', 'US')).score(input);
    const write = (inputVersion: number, mode: 'upsert' | 'rescore' = 'upsert') =>
      p.store.putScored(tenant, mode, [{ inputVersion, input, result, nextChangeDate: '2026-11-11', batchId: null }]);
    expect(await write(1000)).toMatchObject({ stored: 1 });

    expect(await p.store.deleteSupplier(tenant, 'S-1', 2000)).toBe('deleted');
    expect(await p.store.deleteSupplier(tenant, 'S-1', 2001)).toBe('absent'); // already gone: 404
    expect(await p.store.getSupplier(tenant, 'S-1')).toBeNull();

    // A PUT made before the DELETE, delivered after it; a rescore of the old input; a redelivery of the first write.
    expect(await write(1500)).toMatchObject({ stored: 0, superseded: 1 });
    expect(await write(1000, 'rescore')).toMatchObject({ stored: 0, superseded: 1 });
    expect(await write(1000)).toMatchObject({ stored: 0, superseded: 1 });
    expect(await p.store.getSupplier(tenant, 'S-1')).toBeNull();
    expect((await p.store.listSuppliers(tenant)).items).toEqual([]);
    expect((await p.store.scoredWithOtherVersions('0.0.0', 'none')).items).toEqual([]);

    // A PUT made after the DELETE creates it again.
    expect(await write(2500)).toMatchObject({ stored: 1 });
    expect(await p.store.getSupplier(tenant, 'S-1')).toMatchObject({ inputVersion: 2500, input });
    expect((await p.store.listSuppliers(tenant)).items.map((s) => s.supplierId)).toEqual(['S-1']);
  });
});

describe('rescore', () => {
  it('rescores the suppliers whose policy changed (holmium from China on 2026-11-11), and only once', async () => {
    const p = await pipeline({ today: '2026-11-11' });
    const dir = tempDir();
    try {
      const file = dir.file(
        'two.csv',
        [
          'supplier_id,supplier_name,mineral,origin_country,processing_country,share',
          'HO-CN,Lumina Lasers,holmium,CN,CN,100%',
          'CO-AU,Coral Cobalt,cobalt,AU,AU,100%',
          '',
        ].join('\n'),
      );
      await p.upload(file, { tenant: 'acme', batchId: 'b-1', asOf: '2026-11-10', buyerCountry: 'US' });
      expect((await p.waitForBatch('acme', 'b-1', { timeoutMs: 20_000 })).status).toBe('completed');
    } finally {
      dir.remove();
    }
    const holmium = await p.store.getSupplier('acme', 'HO-CN');
    const cobalt = await p.store.getSupplier('acme', 'CO-AU');
    expect(holmium?.summary.asOf).toBe('2026-11-10');
    expect(holmium?.nextChangeDate).toBe('2026-11-11');
    expect(cobalt?.summary.asOf).toBe('2026-11-10');
    const deliveredBefore = p.deliveries.all.length;

    const first = await p.rescore('2026-11-11');
    expect(first).toEqual({
      asOf: '2026-11-11',
      policyRun: null,
      scheduledRun: expect.stringMatching(/^on-demand-2026-11-11-/),
    });
    const run = await p.waitForRun(first.scheduledRun, { timeoutMs: 20_000 });
    // The run writes the rescored supplier itself, through no score message.
    expect(run.counts).toMatchObject({ examined: 2, rescored: 1, changed: 1, failed: 0 });
    expect(p.deliveries.all.length).toBe(deliveredBefore);

    const after = await p.store.getSupplier('acme', 'HO-CN');
    expect(after?.summary.asOf).toBe('2026-11-11');
    expect(after?.summary.score).toBeGreaterThan(holmium?.summary.score ?? Number.POSITIVE_INFINITY);
    // A rescore changes the score, not the input: the supplier still belongs to the upload that set its input.
    expect(after).toMatchObject({ inputVersion: holmium?.inputVersion, input: holmium?.input, batchId: 'b-1' });
    expect(after?.nextChangeDate === null || (after?.nextChangeDate ?? '') > '2026-11-11').toBe(true);
    expect(await p.store.getSupplier('acme', 'CO-AU')).toEqual(cobalt);

    // Once rescored, nothing is due any more: a second run examines both and rescores none.
    const second = await p.waitForRun((await p.rescore('2026-11-11')).scheduledRun, { timeoutMs: 20_000 });
    expect(second.counts).toMatchObject({ examined: 2, rescored: 0, changed: 0 });
    expect(await p.store.getSupplier('acme', 'HO-CN')).toEqual(after);
    expect(p.queue.stats().deadLettered).toBe(0);
  });
});
