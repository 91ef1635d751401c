import { randomBytes } from 'node:crypto';
import { problem } from '../../../shared/http/problem.ts';
import { bodyBytes, bodyText, contentType, json, queryParams } from '../../../shared/http/request.ts';
import { batchCreateQuery, batchCreateRequest, paginationQuery } from '../../../shared/http/schemas.ts';
import type { BatchRecord } from '../../../shared/store/batch-port.ts';
import { looksLikeWorkbook } from '../../../shared/supplier-list/workbook/read-workbook.ts';
import { encodeMetadataText, UPLOAD_METADATA, type UploadFormat, uploadKey } from '../../../shared/uploads/key.ts';
import { uploadLimitBytes } from '../../../shared/uploads/limits.ts';
import { isWorkbookMediaType, UPLOAD_MEDIA_TYPES, WORKBOOK_MEDIA_TYPE } from '../../../shared/uploads/media-types.ts';
import { scoringContext } from '../context.ts';
import type { ApiDeps, ApiRequest } from '../deps.ts';

const PRESIGNED_TTL_SECONDS = 15 * 60;
const MAX_ROW = 9_999_999_999;

const newBatchId = () => `b${Date.now().toString(36)}${randomBytes(6).toString('hex')}`;

/**
 * An upload not read by then has stalled: the presigned URL lives 15 minutes, and ingest runs at most 15 minutes
 * per attempt with two retries. Past it the batch is failed, saying so, instead of showing `ingesting` forever.
 */
export const BATCH_STALL_MINUTES = 90;

function batchView(b: BatchRecord) {
  const settled = b.rowsStored + b.rowsSuperseded + (b.rejected ?? 0) + b.rowsDeadLettered + b.rowsNotQueued;
  return {
    batchId: b.batchId,
    status: b.status,
    asOf: b.asOf,
    buyerCountry: b.buyerCountry,
    counts: {
      rows: b.rows,
      accepted: b.accepted,
      rejected: b.rejected,
      suppliers: b.suppliers,
      suppliersScored: b.suppliersStored,
      rowsScored: b.rowsStored,
      suppliersSuperseded: b.suppliersSuperseded,
      rowsSuperseded: b.rowsSuperseded,
      rowsDeadLettered: b.rowsDeadLettered,
      rowsNotQueued: b.rowsNotQueued,
      suppliersNotQueued: b.suppliersNotQueued,
      rowsPending: b.rows === null ? null : b.rows - settled,
    },
    failure: b.failure,
    createdAt: b.createdAt,
    completedAt: b.completedAt,
    links: { self: `/v1/batches/${b.batchId}`, errors: `/v1/batches/${b.batchId}/errors` },
  };
}

/** What POST /v1/batches was given: a file to store now, or a request for a presigned URL to upload one to. */
interface BatchUpload {
  format: UploadFormat;
  /** The file itself (inline); null for a presigned upload. */
  body: string | Uint8Array | null;
  asOf?: string | undefined;
  buyerCountry?: string | undefined;
  /** A workbook's supplier (else the company its Declaration names). */
  supplierId?: string | undefined;
}

/** A JSON body: an array of rows (inline), or `{ "upload": "presigned", … }`. */
function jsonUpload(text: string): BatchUpload {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw problem(400, `body is not valid JSON: ${(err as Error).message}`);
  }
  if (Array.isArray(parsed)) {
    // Rows are objects; anything else is a malformed request, answered now rather than by a failed batch later.
    const notObjects = parsed.flatMap((row, i) =>
      row !== null && typeof row === 'object' && !Array.isArray(row) ? [] : [i],
    );
    if (notObjects.length > 0)
      throw problem(
        400,
        `${notObjects.length} element(s) of the array are not objects: each row is an object with the supplier-list fields`,
        notObjects.slice(0, 20).map((i) => ({ path: `[${i}]`, message: 'expected an object' })),
      );
    return { format: 'json', body: text };
  }
  const r = batchCreateRequest.safeParse(parsed);
  if (!r.success)
    throw problem(
      400,
      'expected a JSON array of rows, or { "upload": "presigned" } (with format csv, json, or xlsx and its supplierId)',
    );
  return { ...r.data, body: null };
}

function uploadOf(req: ApiRequest): BatchUpload {
  const type = contentType(req.event);
  if (isWorkbookMediaType(type)) {
    // API Gateway hands a body of a non-text media type over base64-encoded: the bytes are the workbook's.
    const bytes = bodyBytes(req.event);
    if (bytes.length === 0) throw problem(400, 'the upload is empty');
    if (!looksLikeWorkbook(bytes))
      throw problem(400, `the body is not an Excel workbook (.xlsx), though its content type says ${type}`);
    return { format: 'xlsx', body: bytes };
  }
  const upload: BatchUpload =
    type === 'text/csv'
      ? { format: 'csv', body: bodyText(req.event) }
      : type === 'application/json'
        ? jsonUpload(bodyText(req.event))
        : unsupported(type);
  if (typeof upload.body === 'string' && upload.body.trim() === '') throw problem(400, 'the upload is empty');
  return upload;
}

function unsupported(type: string): never {
  throw problem(415, `expected text/csv, application/json or ${WORKBOOK_MEDIA_TYPE}, got '${type || 'none'}'`);
}

/**
 * Bulk upload: one file, one batch. `text/csv`, a JSON array of rows or an RMI workbook (.xlsx, the spreadsheet media
 * type) up to the inline limit is stored as the upload itself; a JSON `{ "upload": "presigned" }` returns a presigned
 * PUT URL for a larger file. Either way ingest runs on the stored object, exactly as for any upload; the batch record
 * exists from this response on.
 */
export async function createBatch(req: ApiRequest, deps: ApiDeps) {
  const query = queryParams(req.event, batchCreateQuery);
  const upload = uploadOf(req);
  // A CSV or JSON list names its suppliers in its rows: a supplierId is a workbook's (documented as unused otherwise).
  const supplier = upload.format === 'xlsx' ? (upload.supplierId ?? query.supplierId) : undefined;
  const ctx = scoringContext(deps, upload.asOf ?? query.asOf, upload.buyerCountry ?? query.buyerCountry);
  const asOf = upload.asOf ?? query.asOf ?? null;
  const batchId = newBatchId();
  const key = uploadKey(req.tenant, batchId, upload.format);
  const { batch } = await deps.store.createBatch({
    tenant: req.tenant,
    batchId,
    source: { bucket: deps.uploadBucket, key },
    asOf,
    buyerCountry: ctx.buyerCountry,
    inputVersion: deps.now().getTime(),
  });
  const metadata: Record<string, string> = { [UPLOAD_METADATA.buyerCountry]: ctx.buyerCountry };
  if (asOf) metadata[UPLOAD_METADATA.asOf] = asOf;
  if (supplier !== undefined) metadata[UPLOAD_METADATA.supplierId] = encodeMetadataText(supplier);
  const mediaType = UPLOAD_MEDIA_TYPES[upload.format];
  if (upload.body === null) {
    const { url, headers } = await deps.uploads.presignPut(deps.uploadBucket, key, {
      contentType: mediaType,
      metadata,
      expiresInSeconds: PRESIGNED_TTL_SECONDS,
    });
    const expiresAt = new Date(deps.now().getTime() + PRESIGNED_TTL_SECONDS * 1000).toISOString();
    return json(
      202,
      {
        ...batchView(batch),
        upload: { method: 'PUT', url, headers, expiresAt, maxBytes: uploadLimitBytes(upload.format) },
      },
      { location: `/v1/batches/${batchId}` },
    );
  }
  await deps.uploads.put(deps.uploadBucket, key, upload.body, { contentType: mediaType, metadata });
  return json(202, batchView(batch), { location: `/v1/batches/${batchId}` });
}

export async function getBatch(req: ApiRequest, deps: ApiDeps) {
  let b = await deps.store.getBatch(req.tenant, req.params.batchId as string);
  if (!b) throw problem(404, `no batch '${req.params.batchId}'`);
  const age = deps.now().getTime() - Date.parse(b.createdAt);
  if (b.status === 'ingesting' && age > BATCH_STALL_MINUTES * 60_000)
    b =
      (await deps.store.failStalledBatch(
        b.tenant,
        b.batchId,
        `no upload was read within ${BATCH_STALL_MINUTES} minutes: the presigned URL was not used, or ingest could not finish; upload the file again as a new batch`,
      )) ?? b;
  return json(200, batchView(b));
}

export async function listBatchErrors(req: ApiRequest, deps: ApiDeps) {
  const q = queryParams(req.event, paginationQuery);
  const b = await deps.store.getBatch(req.tenant, req.params.batchId as string);
  if (!b) throw problem(404, `no batch '${req.params.batchId}'`);
  const after = q.cursor === undefined ? 0 : Number(q.cursor);
  // Rows are numbered in 10 digits in the keys: a cursor beyond them is none this API gave out.
  if (!Number.isInteger(after) || after < 0 || after >= MAX_ROW)
    throw problem(400, 'invalid cursor', [{ path: 'query.cursor', message: 'not a cursor from this API' }]);
  const page = await deps.store.listRejections(req.tenant, b.batchId, { limit: q.limit, after });
  return json(200, { items: page.items, cursor: page.next === null ? null : String(page.next) });
}
