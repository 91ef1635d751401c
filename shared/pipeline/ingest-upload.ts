import { parseCountry, parseIsoDate } from '../model/normalise.ts';
import { chunkMessages } from '../queue/message.ts';
import type { ScoreQueue } from '../queue/port.ts';
import { QueueUnavailableError, sendMessages } from '../queue/send-messages.ts';
import type { BatchRecord, BatchStore } from '../store/batch-port.ts';
import type { RejectionStore } from '../store/rejection-port.ts';
import type { SupplierReads } from '../store/supplier-port.ts';
import { SupplierListFormatError } from '../supplier-list/errors.ts';
import { readSupplierListJson } from '../supplier-list/json.ts';
import { readSupplierList, type SupplierList } from '../supplier-list/read.ts';
import { readWorkbook } from '../supplier-list/workbook/read-workbook.ts';
import { decodeMetadataText, parseUploadKey, UPLOAD_METADATA } from '../uploads/key.ts';
import { UPLOAD_LIMITS, type UploadLimits, uploadLimitBytes } from '../uploads/limits.ts';
import type { UploadReader } from '../uploads/port.ts';
import { IngestDeadlineError, ingestDeadline } from './ingest-deadline.ts';
import { mergeWithStored } from './merge-stored-workbook.ts';

export interface IngestDeps {
  uploads: UploadReader;
  /** The batch record and its rejected rows; the stored supplier a workbook merges into. */
  store: BatchStore & RejectionStore & Pick<SupplierReads, 'getSupplier'>;
  queue: ScoreQueue;
  now: () => Date;
  /** Limits of one upload (size by format, rows, stored rejections); default `UPLOAD_LIMITS`. */
  limits?: Partial<UploadLimits>;
}

const mib = (bytes: number) => `${Math.round((bytes / 2 ** 20) * 10) / 10} MiB`;

export interface IngestResult {
  tenant: string;
  batchId: string;
  /**
   * `skipped`: the batch was already completed (a redelivered S3 event), or belongs to another object (a second PUT
   * to its key). `rejected_file`: the file is unreadable or over a limit, or ingest ran out of time.
   */
  outcome: 'queued' | 'skipped' | 'rejected_file';
  batch: BatchRecord | null;
  messages: number;
}

/**
 * The whole object in memory: a JSON array is parsed whole, and a workbook (a zip) is read from its central directory
 * at the end. Bounded by the format's size limit, checked on the object's size before reading.
 */
async function readAll(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(Buffer.from(chunk));
  return Buffer.concat(parts);
}

/** The whole object as text; bytes that are not UTF-8 fail the file instead of becoming U+FFFD. */
async function readUtf8(stream: AsyncIterable<Uint8Array>): Promise<string> {
  const bytes = await readAll(stream);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new SupplierListFormatError('not a UTF-8 text file: save it as UTF-8 (JSON is always UTF-8)');
  }
}

/**
 * Ingest one uploaded supplier list (a CSV, a JSON array of rows, or an RMI workbook whose Smelter List lines are one
 * supplier's): stream and validate it with the core, record per-row rejections on the batch,
 * and queue its suppliers in size-bounded chunks. Re-running it for the same object is safe: the batch keeps its
 * version, rejections are keyed by row, and chunks are counted once by the score function.
 *
 * Every way it can stop ends the batch with its reason: an unreadable or oversized file and running out of time fail
 * it; suppliers the queue refuses or cannot take are counted (`rowsNotQueued`) and the batch completes with errors
 * once what was queued is scored.
 */
export async function ingestUpload(
  deps: IngestDeps,
  source: { bucket: string; key: string },
  options: { remainingMs?: () => number } = {},
): Promise<IngestResult> {
  const limits: UploadLimits = { ...UPLOAD_LIMITS, ...deps.limits };
  const { tenant, batchId, format } = parseUploadKey(source.key);
  const object = await deps.uploads.open(source.bucket, source.key);
  const asOfRaw = object.metadata[UPLOAD_METADATA.asOf];
  const buyerRaw = object.metadata[UPLOAD_METADATA.buyerCountry];
  const asOf = asOfRaw ? parseIsoDate(asOfRaw) : null;
  const buyer = parseCountry(buyerRaw ?? 'US');

  const { created, batch } = await deps.store.createBatch({
    tenant,
    batchId,
    source,
    asOf: asOf?.ok ? asOf.value : null,
    buyerCountry: buyer.ok ? buyer.value : 'US',
    inputVersion: deps.now().getTime(),
  });
  if (!(await deps.store.claimBatchUpload(tenant, batchId, object.eTag))) {
    // Another object was uploaded to this batch's key first: its batch is that object's, whatever comes later.
    object.discard();
    return { tenant, batchId, outcome: 'skipped', batch, messages: 0 };
  }
  if (!created && batch.completedAt !== null) {
    object.discard();
    return { tenant, batchId, outcome: 'skipped', batch, messages: 0 };
  }
  const fail = (reason: string) => failFile(deps, tenant, batchId, reason);
  if (asOf && !asOf.ok) {
    object.discard();
    return fail(`metadata ${UPLOAD_METADATA.asOf}: ${asOf.message}`);
  }
  if (!buyer.ok) {
    object.discard();
    return fail(`metadata ${UPLOAD_METADATA.buyerCountry}: ${buyer.message}`);
  }
  const limit = uploadLimitBytes(format, limits);
  if (object.size > limit) {
    object.discard();
    return fail(
      `the file is ${mib(object.size)}; one ${format.toUpperCase()} upload may be at most ${mib(limit)}: split it into several uploads`,
    );
  }

  const deadline = ingestDeadline(options.remainingMs);
  try {
    const read = { keepRejections: limits.storedRejections, maxRows: limits.rows, signal: deadline.signal };
    let list: SupplierList;
    try {
      if (format === 'xlsx') {
        const supplierRaw = object.metadata[UPLOAD_METADATA.supplierId];
        const supplierId = supplierRaw === undefined ? undefined : decodeMetadataText(supplierRaw);
        if (supplierId === null) {
          object.discard();
          return await fail(`metadata ${UPLOAD_METADATA.supplierId}: not a percent-encoded supplier id`);
        }
        const workbook = await readWorkbook(await readAll(object.body), {
          ...(supplierId === undefined ? {} : { supplierId }),
          keepRejections: read.keepRejections,
          signal: read.signal,
        });
        // One supplier's CMRT, EMRT and AMRT add up: each replaces only its template's minerals of the stored supplier.
        list = await mergeWithStored(deps.store, tenant, workbook);
      } else
        list =
          format === 'json'
            ? readSupplierListJson(await readUtf8(object.body), read)
            : await readSupplierList(object.body, read);
    } catch (err) {
      object.discard();
      // A workbook's whole-file problems (WorkbookFormatError) are SupplierListFormatErrors too.
      if (err instanceof SupplierListFormatError) return await fail(err.message);
      throw err;
    }
    await deps.store.putRejections(tenant, batchId, list.rejected);
    return await queueSuppliers(deps, { tenant, batch, list, signal: deadline.signal });
  } catch (err) {
    if (err instanceof IngestDeadlineError) return fail(err.message);
    throw err;
  } finally {
    deadline.clear();
  }
}

/** Queue the list's suppliers in chunks and record the totals: what was queued, and what was not and why. */
async function queueSuppliers(
  deps: IngestDeps,
  x: { tenant: string; batch: BatchRecord; list: SupplierList; signal: AbortSignal },
): Promise<IngestResult> {
  const { tenant, batch, list } = x;
  const { batchId } = batch;
  let chunks = 0;
  let rowsQueued = 0;
  let suppliersQueued = 0;
  let failure: string | null = null;
  const messages = chunkMessages(
    { v: 1, kind: 'upsert', tenant, batchId, asOf: batch.asOf, buyerCountry: batch.buyerCountry },
    (function* () {
      for (const { supplier } of list.suppliers) {
        x.signal.throwIfAborted();
        yield { inputVersion: batch.inputVersion, input: supplier };
      }
    })(),
  );
  let sent = 0;
  try {
    ({ sent } = await sendMessages(deps.queue, messages, {
      groupId: tenant,
      onSent: (m) => {
        chunks++;
        rowsQueued += m.rows;
        suppliersQueued += m.suppliers;
      },
      onRejected: (m, err) => {
        failure ??= `chunk ${m.chunk} (${m.suppliers} supplier(s)) was not queued: ${err.message}`;
      },
    }));
  } catch (err) {
    if (!(err instanceof QueueUnavailableError)) throw err;
    failure = `the score queue was unavailable: ${err.message}; the suppliers not queued can be uploaded again`;
    sent = err.sent;
  }
  const rowsNotQueued = list.accepted - rowsQueued;
  const suppliersNotQueued = list.suppliers.length - suppliersQueued;
  const queued = await deps.store.recordBatchQueued(tenant, batchId, {
    rows: list.rows,
    accepted: list.accepted,
    rejected: list.rejectedCount,
    suppliers: list.suppliers.length,
    chunks,
    rowsNotQueued,
    suppliersNotQueued,
    failure:
      failure === null
        ? null
        : `${rowsNotQueued} accepted row(s) of ${suppliersNotQueued} supplier(s) not queued: ${failure}`,
  });
  return { tenant, batchId, outcome: 'queued', batch: queued, messages: sent };
}

async function failFile(deps: IngestDeps, tenant: string, batchId: string, reason: string): Promise<IngestResult> {
  await deps.store.markBatchFailed(tenant, batchId, reason);
  return { tenant, batchId, outcome: 'rejected_file', batch: await deps.store.getBatch(tenant, batchId), messages: 0 };
}
