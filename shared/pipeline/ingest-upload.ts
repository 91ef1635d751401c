import { parseCountry, parseIsoDate } from '../model/normalise.ts';
import { chunkMessages } from '../queue/message.ts';
import type { ScoreQueue } from '../queue/port.ts';
import { sendMessages } from '../queue/send-messages.ts';
import type { BatchRecord, SupplierStore } from '../store/port.ts';
import { SupplierListFormatError } from '../supplier-list/errors.ts';
import { readSupplierListJson } from '../supplier-list/json.ts';
import { readSupplierList, type SupplierList } from '../supplier-list/read.ts';
import { parseUploadKey, UPLOAD_METADATA } from '../uploads/key.ts';
import { type UploadLimits, uploadLimitBytes } from '../uploads/limits.ts';
import type { UploadReader } from '../uploads/port.ts';

export interface IngestDeps {
  uploads: UploadReader;
  store: SupplierStore;
  queue: ScoreQueue;
  now: () => Date;
  /** Largest file one ingest accepts, by format; default `UPLOAD_LIMITS`. */
  limits?: UploadLimits;
}

const mib = (bytes: number) => `${Math.round((bytes / 2 ** 20) * 10) / 10} MiB`;

export interface IngestResult {
  tenant: string;
  batchId: string;
  /** `skipped`: the batch was already completed (a redelivered S3 event). `rejected_file`: the file is unreadable. */
  outcome: 'queued' | 'skipped' | 'rejected_file';
  batch: BatchRecord | null;
  messages: number;
}

async function readAll(stream: AsyncIterable<Uint8Array>): Promise<string> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(Buffer.from(chunk));
  return Buffer.concat(parts).toString('utf8');
}

/**
 * Ingest one uploaded supplier list: stream and validate it with the core, record per-row rejections on the batch,
 * and queue its suppliers in size-bounded chunks. Re-running it for the same object is safe: the batch keeps its
 * version, rejections are keyed by row, and chunks are counted once by the score function.
 */
export async function ingestUpload(deps: IngestDeps, source: { bucket: string; key: string }): Promise<IngestResult> {
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
  if (!created && batch.completedAt !== null) return { tenant, batchId, outcome: 'skipped', batch, messages: 0 };
  if (asOf && !asOf.ok) return failFile(deps, tenant, batchId, `metadata ${UPLOAD_METADATA.asOf}: ${asOf.message}`);
  if (!buyer.ok) return failFile(deps, tenant, batchId, `metadata ${UPLOAD_METADATA.buyerCountry}: ${buyer.message}`);

  const limit = uploadLimitBytes(format, deps.limits);
  if (object.size > limit) {
    object.discard();
    return failFile(
      deps,
      tenant,
      batchId,
      `the file is ${mib(object.size)}; one ${format.toUpperCase()} upload may be at most ${mib(limit)}: split it into several uploads`,
    );
  }

  let list: SupplierList;
  try {
    list = format === 'json' ? readSupplierListJson(await readAll(object.body)) : await readSupplierList(object.body);
  } catch (err) {
    if (err instanceof SupplierListFormatError) return failFile(deps, tenant, batchId, err.message);
    throw err;
  }
  await deps.store.putRejections(tenant, batchId, list.rejected);

  let chunks = 0;
  const bodies = (function* () {
    for (const m of chunkMessages(
      { v: 1, kind: 'upsert', tenant, batchId, asOf: batch.asOf, buyerCountry: batch.buyerCountry },
      (function* () {
        for (const { supplier } of list.suppliers) yield { inputVersion: batch.inputVersion, input: supplier };
      })(),
    )) {
      chunks++;
      yield m.body;
    }
  })();
  const messages = await sendMessages(deps.queue, bodies);
  const queued = await deps.store.recordBatchQueued(tenant, batchId, {
    rows: list.rows,
    accepted: list.accepted,
    rejected: list.rejected.length,
    suppliers: list.suppliers.length,
    chunks,
  });
  return { tenant, batchId, outcome: 'queued', batch: queued, messages };
}

async function failFile(deps: IngestDeps, tenant: string, batchId: string, reason: string): Promise<IngestResult> {
  await deps.store.markBatchFailed(tenant, batchId, reason);
  return { tenant, batchId, outcome: 'rejected_file', batch: await deps.store.getBatch(tenant, batchId), messages: 0 };
}
