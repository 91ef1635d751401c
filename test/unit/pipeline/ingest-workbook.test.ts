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
import { buildWorkbook, templateLookup } from '../../helpers/rmi-fixtures.ts';
import { workbookWithMistakes } from '../../helpers/rmi-workbooks.ts';

const NOW = new Date('2026-11-10T08:00:00Z');

let workbook: Uint8Array;
let expected: WorkbookList;
/** An EMRT 2.1 of the same company as `workbook` (a CMRT): two cobalt smelters and one lithium. */
let emrt: Uint8Array;

beforeAll(async () => {
  workbook = await workbookWithMistakes();
  expected = await readWorkbook(workbook);
  const lookup = await templateLookup('EMRT');
  const one = (metal: string) => lookup.filter((r) => r.metal === metal).map((r) => ({ metal, cid: r.cid }));
  emrt = await buildWorkbook({
    template: 'EMRT',
    language: 'English',
    company: 'Fulcrum Solder Co',
    smelters: [...one('Cobalt').slice(0, 1), ...one('Lithium').slice(0, 1)],
  });
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

  /** Ingest an upload and score what it queued, as the score function would. */
  async function ingestAndScore(
    s: ReturnType<typeof setup>,
    batchId: string,
    body: Uint8Array | string,
    format: 'xlsx' | 'csv',
  ) {
    const before = s.queue.sent.length;
    // Each upload a second later than the one before: a later input version, as real uploads are.
    const now = () => new Date(NOW.getTime() + before * 1000);
    const r = await ingestUpload({ ...s.deps, now }, s.uploads.put(uploadKey('acme', batchId, format), body));
    for (const m of s.queued().slice(before))
      await scoreChunk({ store: s.store, ref: referenceData(), today: () => '2026-11-10' }, m);
    return r;
  }
  const minerals = (input: { exposures: { mineral: string }[] } | undefined) =>
    [...new Set(input?.exposures.map((e) => e.mineral))].sort();

  it("merges a workbook into the stored supplier: a CMRT then an EMRT of one company store both templates' lines", async () => {
    const s = setup();
    await ingestAndScore(s, 'b-cmrt', workbook, 'xlsx');
    const cmrtLines = (await s.store.getSupplier('acme', 'Fulcrum Solder Co'))?.input.exposures ?? [];
    expect(minerals({ exposures: cmrtLines })).toEqual(['tin']);

    const r = await ingestAndScore(s, 'b-emrt', emrt, 'xlsx');
    const alone = await readWorkbook(emrt);
    // The stored tin lines are queued again with the EMRT's, and counted as the batch's accepted rows.
    expect(r.batch).toMatchObject({
      rows: alone.rows + cmrtLines.length,
      accepted: alone.accepted + cmrtLines.length,
      rejected: alone.rejectedCount,
      suppliers: 1,
    });
    const stored = await s.store.getSupplier('acme', 'Fulcrum Solder Co');
    expect(minerals(stored?.input)).toEqual(['cobalt', 'lithium', 'tin']);
    expect(stored?.input.exposures).toEqual([...cmrtLines, ...(alone.suppliers[0]?.supplier.exposures ?? [])]);
    expect(await s.batches.getBatch('acme', 'b-emrt')).toMatchObject({
      status: 'completed',
      rowsStored: alone.accepted + cmrtLines.length,
    });

    // The same CMRT again changes nothing but the version: it speaks for tin, tantalum and tungsten only.
    await ingestAndScore(s, 'b-cmrt-2', workbook, 'xlsx');
    expect(minerals((await s.store.getSupplier('acme', 'Fulcrum Solder Co'))?.input)).toEqual([
      'cobalt',
      'lithium',
      'tin',
    ]);
  });

  it('keeps what a workbook does not carry (spend, tier, other minerals) from a supplier stored by a CSV', async () => {
    const s = setup();
    const csv = [
      'supplier_id,supplier_name,mineral,origin_country,annual_spend_usd,tier,inventory_days',
      'Fulcrum Solder Co,Fulcrum,tin,BO,2500000,2,45',
      'Fulcrum Solder Co,Fulcrum,nickel,ID,2500000,2,45',
    ].join('\n');
    await ingestAndScore(s, 'b-csv', `${csv}\n`, 'csv');
    await ingestAndScore(s, 'b-cmrt', workbook, 'xlsx');
    const stored = (await s.store.getSupplier('acme', 'Fulcrum Solder Co'))?.input;
    expect(stored).toMatchObject({ annualSpendUsd: 2500000, tier: 2, inventoryDays: 45 });
    // The CSV's tin line (origin Bolivia) is the CMRT's to replace; its nickel line is not.
    expect(stored?.exposures.filter((e) => e.mineral === 'nickel')).toHaveLength(1);
    expect(stored?.exposures.some((e) => e.mineral === 'tin' && e.originCountry === 'BO')).toBe(false);
    expect(minerals(stored)).toEqual(['nickel', 'tin']);
  });
});
