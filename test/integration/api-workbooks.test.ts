/**
 * RMI workbooks through POST /v1/batches on the local runtime (dynalite, the local S3 with signature checks, the local
 * queue, the real ingest and score functions): inline as API Gateway hands a binary body over (base64), and through a
 * presigned PUT; one workbook, one batch; its rejections listed with their sheet and cell; the refusals.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readWorkbook, WORKBOOK_MEDIA_TYPE } from '../../shared/supplier-list/workbook/read-workbook.ts';
import { encodeMetadataText, UPLOAD_METADATA } from '../../shared/uploads/key.ts';
import { INLINE_UPLOAD_BYTES, UPLOAD_LIMITS } from '../../shared/uploads/limits.ts';
import { type ApiFixture, type ApiResponse, claimsFor, startApi } from '../helpers/api-events.ts';
import { workbookWithMistakes } from '../helpers/rmi-workbooks.ts';

let api: ApiFixture;
let workbook: Uint8Array;
const claims = claimsFor('acme', 'risk/read risk/write');

beforeAll(async () => {
  [api, workbook] = await Promise.all([startApi(), workbookWithMistakes()]);
}, 60_000);

afterAll(async () => {
  await api?.stop();
});

/** POST /v1/batches with the workbook's bytes, base64-encoded as API Gateway delivers a body of a non-text type. */
const postWorkbook = (bytes: Uint8Array, query: Record<string, string> = {}, contentType = WORKBOOK_MEDIA_TYPE) =>
  api.call({
    method: 'POST',
    path: '/v1/batches',
    query,
    body: Buffer.from(bytes).toString('base64'),
    isBase64Encoded: true,
    contentType,
    claims,
  });

async function errorsOf(batchId: string) {
  const items: unknown[] = [];
  let cursor: string | undefined;
  do {
    const r: ApiResponse = await api.call({
      method: 'GET',
      path: `/v1/batches/${batchId}/errors`,
      query: { limit: '1', ...(cursor ? { cursor } : {}) },
      claims,
    });
    expect(r.status).toBe(200);
    items.push(...r.json.items);
    cursor = r.json.cursor ?? undefined;
  } while (cursor);
  return items;
}

describe('a workbook sent inline', () => {
  it('is one batch: the Declaration’s company scored, its rejections listed at their sheet and cell', async () => {
    const expected = await readWorkbook(workbook);
    const r = await postWorkbook(workbook, { asOf: '2026-03-01' });
    expect(r.status).toBe(202);
    expect(r.headers.location).toBe(`/v1/batches/${r.json.batchId}`);
    const batch = await api.runtime.waitForBatch('acme', r.json.batchId, { timeoutMs: 20_000 });
    expect(batch).toMatchObject({
      status: 'completed',
      source: { key: `uploads/acme/${r.json.batchId}.xlsx` },
      rows: expected.rows,
      accepted: expected.accepted,
      rejected: expected.rejectedCount,
      suppliers: 1,
      suppliersStored: 1,
    });
    expect(await errorsOf(r.json.batchId)).toEqual(expected.rejected);
    const stored = await api.runtime.store.getSupplier('acme', 'Fulcrum Solder Co');
    expect(stored?.input).toEqual(expected.suppliers[0]?.supplier);
    expect(stored?.summary.asOf).toBe('2026-03-01');
  });

  it('?supplierId= names the supplier its lines belong to', async () => {
    const r = await postWorkbook(workbook, { supplierId: 'SUP-Ω-7' });
    expect(r.status).toBe(202);
    await api.runtime.waitForBatch('acme', r.json.batchId, { timeoutMs: 20_000 });
    expect((await api.runtime.store.getSupplier('acme', 'SUP-Ω-7'))?.input.supplierName).toBe('Fulcrum Solder Co');
  });

  it('refuses bytes that are no workbook, an empty body, another media type, and a body over the inline limit', async () => {
    const notWorkbook = await postWorkbook(Buffer.from('supplier_id,mineral,origin_country\nS-1,cobalt,CD\n'));
    expect(notWorkbook.status).toBe(400);
    expect(notWorkbook.json.detail).toMatch(/not an Excel workbook/);
    expect((await postWorkbook(new Uint8Array(0))).status).toBe(400);
    const big = await postWorkbook(new Uint8Array(INLINE_UPLOAD_BYTES + 1));
    expect(big.status).toBe(413);
    const other = await api.call({
      method: 'POST',
      path: '/v1/batches',
      body: 'x',
      contentType: 'application/zip',
      claims,
    });
    expect(other.status).toBe(415);
    expect(other.json.detail).toContain(WORKBOOK_MEDIA_TYPE);
  });

  it('a CSV names its suppliers in its rows: a supplierId given with one is not used', async () => {
    const r = await api.call({
      method: 'POST',
      path: '/v1/batches',
      query: { supplierId: 'NOT-USED' },
      body: 'supplier_id,mineral,origin_country\nCSV-1,cobalt,CD\n',
      contentType: 'text/csv',
      claims,
    });
    expect(r.status).toBe(202);
    expect(await api.runtime.waitForBatch('acme', r.json.batchId, { timeoutMs: 20_000 })).toMatchObject({
      source: { key: `uploads/acme/${r.json.batchId}.csv` },
      suppliersStored: 1,
    });
    expect(await api.runtime.store.getSupplier('acme', 'CSV-1')).toBeDefined();
    expect(await api.runtime.store.getSupplier('acme', 'NOT-USED')).toBeNull();
  });
});

describe('a workbook through a presigned upload', () => {
  it('is signed for the spreadsheet type and the supplier id; the PUT’s workbook becomes one batch', async () => {
    const r = await api.call({
      method: 'POST',
      path: '/v1/batches',
      body: { upload: 'presigned', format: 'xlsx', supplierId: 'Zoë Metals', asOf: '2026-03-01' },
      claims,
    });
    expect(r.status).toBe(202);
    const upload = r.json.upload;
    expect(upload.maxBytes).toBe(UPLOAD_LIMITS.xlsxBytes);
    expect(upload.headers['content-type']).toBe(WORKBOOK_MEDIA_TYPE);
    expect(upload.headers[`x-amz-meta-${UPLOAD_METADATA.supplierId}`]).toBe(encodeMetadataText('Zoë Metals'));
    const put = await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: workbook });
    expect(put.status).toBe(200);
    const batch = await api.runtime.waitForBatch('acme', r.json.batchId, { timeoutMs: 20_000 });
    expect(batch).toMatchObject({ status: 'completed', suppliersStored: 1, asOf: '2026-03-01' });
    expect((await api.runtime.store.getSupplier('acme', 'Zoë Metals'))?.input.supplierName).toBe('Fulcrum Solder Co');
  });

  it('a supplierId with another format is refused', async () => {
    const r = await api.call({
      method: 'POST',
      path: '/v1/batches',
      body: { upload: 'presigned', format: 'csv', supplierId: 'S-1' },
      claims,
    });
    expect(r.status).toBe(400);
    expect(r.json.detail).toMatch(/format csv, json, or xlsx and its supplierId/);
  });
});
