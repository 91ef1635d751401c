/**
 * Ingesting an upload through in-memory fakes of its ports (the uploaded object, the batch and rejection stores, the
 * score queue), then scoring what it queued: rejected rows are kept by row, every accepted supplier is queued once,
 * the batch records its totals and completes when its chunks are scored; a redelivered or foreign object is skipped,
 * a file over its limit or with bad metadata fails its batch, and rows the queue refuses complete it with errors.
 */
import { describe, expect, it } from 'vitest';
import { ingestUpload } from '../../../shared/pipeline/ingest-upload.ts';
import { scoreChunk } from '../../../shared/pipeline/score-chunk.ts';
import { scoreMessageSchema } from '../../../shared/queue/message.ts';
import { referenceData } from '../../../shared/reference/index.ts';
import { UPLOAD_METADATA, uploadKey } from '../../../shared/uploads/key.ts';
import { fakeQueue } from '../../helpers/fake-ports.ts';
import { fakeSupplierStore } from '../../helpers/fake-store.ts';
import { FakeUploads } from '../../helpers/fake-uploads.ts';
import { supplierRow, toCsv } from '../../helpers/supplier-csv.ts';

const NOW = new Date('2026-11-10T08:00:00Z');

function setup(queue = fakeQueue()) {
  const fakes = fakeSupplierStore();
  const uploads = new FakeUploads();
  const deps = { uploads, store: fakes.store, queue, now: () => NOW };
  /** Scores every message ingest queued, as the score function would. */
  const scoreQueued = async () => {
    for (const e of queue.sent) {
      await scoreChunk(
        { store: fakes.store, ref: referenceData(), today: () => '2026-11-10' },
        scoreMessageSchema.parse(JSON.parse(e.body)),
      );
    }
  };
  return { ...fakes, uploads, deps, queue, scoreQueued };
}

/** `n` suppliers of two lines each, then two bad rows (an unknown mineral, an unknown country). */
function list(n: number) {
  const rows = Array.from({ length: n }, (_, i) => {
    const supplier_id = `S-${String(i).padStart(5, '0')}`;
    return [
      supplierRow({ supplier_id, mineral: 'cobalt', share: '0.5' }),
      supplierRow({ supplier_id, mineral: 'gallium', origin_country: 'CN', share: '0.5' }),
    ];
  }).flat();
  return toCsv([
    ...rows,
    supplierRow({ supplier_id: 'BAD-1', mineral: 'unobtainium' }),
    supplierRow({ supplier_id: 'BAD-2', origin_country: 'XX' }),
  ]);
}

describe('ingesting an upload', () => {
  it('keeps rejected rows by row, queues every accepted supplier once, and the batch completes once they are scored', async () => {
    const s = setup();
    const source = s.uploads.put(uploadKey('acme', 'b-1'), list(3000), {
      metadata: { [UPLOAD_METADATA.buyerCountry]: 'DE' },
    });
    const r = await ingestUpload(s.deps, source);
    expect(r.outcome).toBe('queued');
    expect(r.messages).toBe(s.queue.sent.length);
    expect(s.queue.sent.length).toBeGreaterThan(1);
    const queued = s.queue.sent.map((e) => scoreMessageSchema.parse(JSON.parse(e.body)));
    const ids = queued.flatMap((m) => m.suppliers.map((x) => x.input.supplierId));
    expect(new Set(ids).size).toBe(3000);
    expect(ids).toHaveLength(3000);
    expect(queued.map((m) => m.chunk)).toEqual(queued.map((_, i) => i));
    expect(
      queued.every((m) => m.buyerCountry === 'DE' && m.suppliers.every((x) => x.inputVersion === NOW.getTime())),
    ).toBe(true);
    expect(r.batch).toMatchObject({
      status: 'scoring',
      rows: 6002,
      accepted: 6000,
      rejected: 2,
      suppliers: 3000,
      chunks: queued.length,
    });
    const rejected = await s.rejections.listRejections('acme', 'b-1');
    expect(rejected.items.map((x) => x.row)).toEqual([6001, 6002]);

    await s.scoreQueued();
    expect(await s.batches.getBatch('acme', 'b-1')).toMatchObject({
      status: 'completed',
      chunksDone: queued.length,
      suppliersStored: 3000,
      rowsStored: 6000,
    });
  });

  it('skips a redelivered event of a completed batch, and another object PUT to its key', async () => {
    const s = setup();
    const source = s.uploads.put(uploadKey('acme', 'b-1'), list(3));
    await ingestUpload(s.deps, source);
    await s.scoreQueued();
    const sent = s.queue.sent.length;
    expect((await ingestUpload(s.deps, source)).outcome).toBe('skipped');
    s.uploads.put(source.key, list(5), { eTag: '"e-2"' });
    expect((await ingestUpload(s.deps, source)).outcome).toBe('skipped');
    expect(s.queue.sent).toHaveLength(sent);
    expect(await s.batches.getBatch('acme', 'b-1')).toMatchObject({ status: 'completed', suppliers: 3 });
  });

  it('fails the batch of a file over its limit, or with metadata it cannot read, and queues nothing', async () => {
    const s = setup();
    const big = s.uploads.put(uploadKey('acme', 'b-big'), list(50));
    const r = await ingestUpload({ ...s.deps, limits: { csvBytes: 1000 } }, big);
    expect(r.outcome).toBe('rejected_file');
    expect(r.batch).toMatchObject({ status: 'failed', completedAt: null });
    expect(r.batch?.failure).toMatch(/split it into several uploads/);
    const odd = s.uploads.put(uploadKey('acme', 'b-odd'), list(2), {
      metadata: { [UPLOAD_METADATA.asOf]: '2026-13-40' },
    });
    expect((await ingestUpload(s.deps, odd)).batch?.failure).toMatch(new RegExp(`^metadata ${UPLOAD_METADATA.asOf}:`));
    expect(s.queue.sent).toHaveLength(0);
    expect(s.uploads.discarded).toBe(2);
  });

  it('counts the rows of a chunk the queue refuses, and the batch completes with errors saying so', async () => {
    const s = setup(fakeQueue({ refuse: (body) => body.includes('"chunk":1,') }));
    const r = await ingestUpload(s.deps, s.uploads.put(uploadKey('acme', 'b-1'), list(3000)));
    const lost = r.batch?.rowsNotQueued ?? 0;
    expect(lost).toBeGreaterThan(0);
    expect(r.batch?.failure).toMatch(/not queued: chunk 1/);
    await s.scoreQueued();
    const batch = await s.batches.getBatch('acme', 'b-1');
    expect(batch).toMatchObject({ status: 'completed_with_errors', chunks: s.queue.sent.length });
    expect((batch?.rowsStored ?? 0) + lost).toBe(6000);
  });
});
