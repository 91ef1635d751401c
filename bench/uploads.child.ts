/**
 * One measured run of the uploads benchmark, in its own process:
 *
 *   node --import tsx bench/uploads.child.ts read FILE        the reader alone (CSV or JSON by extension)
 *   node --import tsx bench/uploads.child.ts upload FILE AS_OF the local pipeline, upload to batch completed
 *
 * read: reads FILE from disk as ingest does (JSON as UTF-8 text then `readSupplierListJson`, CSV streamed through
 * `readSupplierList`), with ingest's limits; the clock covers the read. upload: starts the local runtime (dynalite,
 * the local S3, the in-process queue, the real handlers), uploads FILE and waits for its batch; the clock runs from
 * the upload to the batch's completion. Both print one JSON line: times, CPU, peak RSS and the counts.
 */
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { quietLocalTelemetry, startLocalRuntime } from '../infra/local/runtime.ts';
import { readSupplierListJson } from '../shared/supplier-list/json.ts';
import { readSupplierList, type SupplierList } from '../shared/supplier-list/read.ts';
import { UPLOAD_LIMITS } from '../shared/uploads/limits.ts';

const usage = () => process.resourceUsage();

async function read(file: string) {
  const limits = { keepRejections: UPLOAD_LIMITS.storedRejections, maxRows: UPLOAD_LIMITS.rows };
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const list: SupplierList = file.endsWith('.json')
    ? readSupplierListJson(await readFile(file, 'utf8'), limits)
    : await readSupplierList(createReadStream(file), limits);
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return {
    mode: 'read',
    ms,
    cpuMs: (cpu.user + cpu.system) / 1000,
    maxRssMb: usage().maxRSS / 1024,
    rows: list.rows,
    accepted: list.accepted,
    rejected: list.rejectedCount,
    suppliers: list.suppliers.length,
  };
}

async function upload(file: string, asOf: string) {
  quietLocalTelemetry();
  const runtime = await startLocalRuntime({ timeScale: 1 });
  try {
    const tenant = 'bench';
    const batchId = `bench-${Date.now()}`;
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    await runtime.upload(file, { tenant, batchId, asOf });
    const b = await runtime.waitForBatch(tenant, batchId, { timeoutMs: 30 * 60_000 });
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    if (b.completedAt === null) throw new Error(`batch ended ${b.status}: ${b.failure ?? ''}`);
    return {
      mode: 'upload',
      ms,
      cpuMs: (cpu.user + cpu.system) / 1000,
      maxRssMb: usage().maxRSS / 1024,
      status: b.status,
      rows: b.rows,
      accepted: b.accepted,
      rejected: b.rejected,
      suppliers: b.suppliers,
      rowsStored: b.rowsStored,
      rowsSuperseded: b.rowsSuperseded,
      rowsDeadLettered: b.rowsDeadLettered,
      rowsNotQueued: b.rowsNotQueued,
    };
  } finally {
    await runtime.stop();
  }
}

const [mode, file, asOf] = process.argv.slice(2);
let result: unknown;
if (mode === 'read' && file) result = await read(file);
else if (mode === 'upload' && file && asOf) result = await upload(file, asOf);
else {
  process.stderr.write('usage: uploads.child.ts read FILE | upload FILE AS_OF\n');
  process.exit(2);
}
process.stdout.write(`${JSON.stringify(result)}\n`);
