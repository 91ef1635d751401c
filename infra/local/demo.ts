/**
 * npm run demo -- [FILE] [--as-of DATE] [--buyer-country CC] [--format table|json] [--data-dir DIR]
 *
 * Starts the local runtime, uploads FILE as tenant `demo`, shows progress, waits for the batch to complete, then
 * prints the batch summary and the suppliers read back from the store, in the CLI's table or JSON shape.
 */
import { Command } from 'commander';
import { resolveOptions, UsageError } from '../../bin/commands/score.ts';
import { MODEL_VERSION } from '../../shared/model/score.ts';
import { recomputeScore } from '../../shared/model/stored-score.ts';
import type { ScoredSupplier } from '../../shared/model/types.ts';
import { referenceData } from '../../shared/reference/index.ts';
import { JsonResultWriter } from '../../shared/report/json.ts';
import type { Rejection, RunSummary } from '../../shared/report/summary.ts';
import { renderTable, sortRows, tableRow } from '../../shared/report/table.ts';
import type { BatchRecord } from '../../shared/store/batch-port.ts';
import { resumedLine } from './resumed.ts';
import { startLocalRuntime } from './runtime.ts';

const TENANT = 'demo';

async function main(argv: string[]): Promise<number> {
  const program = new Command()
    .name('demo')
    .argument('[file]', 'supplier list to upload', 'events/suppliers/sample.csv')
    .option('--as-of <date>', 'score as of this date (default today, UTC)')
    .option('--buyer-country <cc>', 'buyer country', 'US')
    .option('--format <format>', 'table or json', 'table')
    .option('--data-dir <dir>', 'keep DynamoDB data, uploads and queued messages here between runs')
    .exitOverride();
  program.parse(argv);
  const file = program.args[0] ?? 'events/suppliers/sample.csv';
  const o = program.opts<{ asOf?: string; buyerCountry: string; format: string; dataDir?: string }>();
  const { asOf, buyerCountry, format } = resolveOptions({
    asOf: o.asOf,
    buyerCountry: o.buyerCountry,
    format: o.format,
  });
  if (format === 'csv') throw new UsageError('--format must be table or json');

  const runtime = await startLocalRuntime(o.dataDir ? { dataDir: o.dataDir } : {});
  try {
    const batchId = `demo-${Date.now()}`;
    const started = Date.now();
    process.stderr.write(`local runtime up: dynalite ${runtime.dynamo.endpoint}, s3rver ${runtime.s3.endpoint}\n`);
    if (o.dataDir) process.stderr.write(`data in ${o.dataDir}: ${resumedLine(runtime.resumed)}\n`);
    const key = await runtime.upload(file, { tenant: TENANT, batchId, asOf, buyerCountry });
    process.stderr.write(`uploading ${file}: stored as ${key}\n`);
    const batch = await runtime.waitForBatch(TENANT, batchId, { onProgress: (b) => progress(b) });
    process.stderr.write(`\n`);
    if (batch.status === 'failed') {
      process.stderr.write(`demo: the upload was rejected: ${batch.failure}\n`);
      return 2;
    }
    const results = await readBack(runtime, batchId);
    const rejected = await readRejections(runtime, batchId);
    const summary: RunSummary = {
      rows: batch.rows ?? 0,
      suppliers: results.length,
      scored: batch.rowsStored,
      rejected: batch.rejected ?? 0,
    };
    const header = { asOf, buyerCountry, modelVersion: MODEL_VERSION, dataVersion: referenceData().dataVersion };
    const write = (s: string) => process.stdout.write(s);
    if (format === 'json') {
      const json = new JsonResultWriter(write);
      json.begin(header);
      for (const r of results) json.result(r);
      json.end(rejected, summary);
    } else {
      for (const chunk of renderTable(sortRows(results.map(tableRow)), header, summary, rejected)) write(chunk);
    }
    const q = runtime.queue.stats();
    process.stderr.write(
      `batch ${batchId}: ${batch.status} in ${((Date.now() - started) / 1000).toFixed(1)} s — rows ${batch.rows}, ` +
        `rejected ${batch.rejected}, suppliers stored ${batch.suppliersStored}/${batch.suppliers}, chunks ${batch.chunksDone}/${batch.chunks}; ` +
        `queue: ${q.sent} sent, ${q.received} delivered, ${q.deadLettered} dead-lettered\n`,
    );
    return 0;
  } finally {
    await runtime.stop();
  }
}

function progress(b: BatchRecord): void {
  if (!process.stderr.isTTY) return;
  const total = b.suppliers === null ? '?' : String(b.suppliers);
  process.stderr.write(
    `\r${b.status}: ${b.suppliersStored}/${total} suppliers stored, ${b.chunksDone}/${b.chunks ?? '?'} chunks   `,
  );
}

async function readBack(
  runtime: Awaited<ReturnType<typeof startLocalRuntime>>,
  batchId: string,
): Promise<ScoredSupplier[]> {
  const out: ScoredSupplier[] = [];
  const ref = await runtime.policy.current.get();
  let cursor: string | null | undefined;
  do {
    const page = await runtime.store.listSuppliers(TENANT, { limit: 500, ...(cursor ? { cursor } : {}) });
    for (const s of page.items) if (s.batchId === batchId) out.push(recomputeScore(ref, s.input, s.summary).result);
    cursor = page.cursor;
  } while (cursor);
  return out;
}

async function readRejections(
  runtime: Awaited<ReturnType<typeof startLocalRuntime>>,
  batchId: string,
): Promise<Rejection[]> {
  const out: Rejection[] = [];
  let after: number | null = 0;
  while (after !== null) {
    const page = await runtime.store.listRejections(TENANT, batchId, { limit: 500, after });
    out.push(...page.items);
    after = page.next;
  }
  return out;
}

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    if (err instanceof UsageError) {
      process.stderr.write(`demo: ${err.message}\n`);
      process.exitCode = 2;
      return;
    }
    if ((err as { code?: string }).code?.startsWith('commander.')) {
      process.exitCode = 2;
      return;
    }
    process.stderr.write(`demo: ${(err as Error).stack ?? err}\n`);
    process.exitCode = 1;
  },
);
