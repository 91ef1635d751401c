/**
 * Ingesting an RMI workbook upload through in-memory fakes of its ports: the workbook's supplier is queued like a
 * CSV's, its rejections are kept with their sheet and cell, the batch's counts are the reader's, and a file that is
 * not a workbook, is over the workbook limit or carries an unreadable supplier id fails its batch.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ingestUpload } from '../../../shared/pipeline/ingest-upload.ts';
import { scoreChunk } from '../../../shared/pipeline/score-chunk.ts';
import { scoreMessageSchema } from '../../../shared/queue/message.ts';
import { referenceData } from '../../../shared/reference/index.ts';
import { readWorkbook, type WorkbookList } from '../../../shared/supplier-list/workbook/read-workbook.ts';
import { encodeMetadataText, UPLOAD_METADATA, uploadKey } from '../../../shared/uploads/key.ts';
import { fakeQueue } from '../../helpers/fake-ports.ts';
import { fakeSupplierStore } from '../../helpers/fake-store.ts';
import { FakeUploads } from '../../helpers/fake-uploads.ts';
import { workbookWithMistakes } from '../../helpers/rmi-workbooks.ts';

const NOW = new Date('2026-11-10T08:00:00Z');

let workbook: Uint8Array;
let expected: WorkbookList;

beforeAll(async () => {
  workbook = await workbookWithMistakes();
  expected = await readWorkbook(workbook);
}, 60_000);

function setup() {
  const fakes = fakeSupplierStore();
  const uploads = new FakeUploads();
  const queue = fakeQueue();
  const deps = { uploads, store: fakes.store, queue, now: () => NOW };
  const queued = () => queue.sent.map((e) => scoreMessageSchema.parse(JSON.parse(e.body)));
  return { ...fakes, uploads, queue, deps, queued };
}

describe('ingesting a workbook', () => {
  it("queues the Declaration's company with the workbook's lines, keeps its rejections at their cells, and completes", async () => {
    const s = setup();
    const r = await ingestUpload(s.deps, s.uploads.put(uploadKey('acme', 'b-1', 'xlsx'), workbook));
    expect(r.outcome).toBe('queued');
    const inputs = s.queued().flatMap((m) => m.suppliers.map((x) => x.input));
    expect(inputs).toEqual(expected.suppliers.map((x) => x.supplier));
    expect(inputs.map((i) => i.supplierId)).toEqual(['Fulcrum Solder Co']);
    expect(r.batch).toMatchObject({
      status: 'scoring',
      rows: expected.rows,
      accepted: expected.accepted,
      rejected: expected.rejectedCount,
      suppliers: 1,
    });
    const stored = await s.rejections.listRejections('acme', 'b-1');
    expect(stored.items).toEqual(expected.rejected);
    expect(stored.items.map((x) => `${x.sheet}!${x.cell}`)).toEqual(['Smelter List!A8', 'Smelter List!E9']);

    for (const m of s.queued())
      await scoreChunk({ store: s.store, ref: referenceData(), today: () => '2026-11-10' }, m);
    expect(await s.batches.getBatch('acme', 'b-1')).toMatchObject({ status: 'completed', suppliersStored: 1 });
  });

  it('names the supplier from the upload’s supplier-id (any text, percent-encoded) instead of the company', async () => {
    const s = setup();
    const metadata = { [UPLOAD_METADATA.supplierId]: encodeMetadataText('Fournisseur Électro 北方') };
    await ingestUpload(s.deps, s.uploads.put(uploadKey('acme', 'b-1', 'xlsx'), workbook, { metadata }));
    expect(s.queued().flatMap((m) => m.suppliers.map((x) => x.input.supplierId))).toEqual(['Fournisseur Électro 北方']);
  });

  it('fails the batch of bytes that are no workbook, of one over the workbook limit (unread), and of a bad supplier id', async () => {
    const s = setup();
    const text = await ingestUpload(s.deps, s.uploads.put(uploadKey('acme', 'b-text', 'xlsx'), 'supplier_id\nS-1\n'));
    expect(text.batch).toMatchObject({ status: 'failed' });
    expect(text.batch?.failure).toMatch(/zip|workbook/i);

    const big = await ingestUpload(
      { ...s.deps, limits: { xlsxBytes: workbook.length - 1 } },
      s.uploads.put(uploadKey('acme', 'b-big', 'xlsx'), workbook),
    );
    expect(big.batch?.failure).toMatch(/one XLSX upload may be at most .* split it/);

    const odd = await ingestUpload(
      s.deps,
      s.uploads.put(uploadKey('acme', 'b-odd', 'xlsx'), workbook, {
        metadata: { [UPLOAD_METADATA.supplierId]: '%E0%A4%A' },
      }),
    );
    expect(odd.batch?.failure).toMatch(new RegExp(`^metadata ${UPLOAD_METADATA.supplierId}:`));
    expect(s.queue.sent).toHaveLength(0);
    expect(s.uploads.discarded).toBe(3);
  });
});
