/**
 * Benchmark `pipeline`: a generated 100,000-row upload through the local pipeline (upload to s3rver → ingest → the
 * in-process queue → score → DynamoDB on dynalite) against the storage floor measured in the same run: the very
 * supplier items the pipeline stored, read back, written straight into a fresh dynalite with the same table
 * definition by BatchWriteItem, 25 per call, at the pipeline's put concurrency. Pipeline and floor alternate in fresh
 * processes; medians are reported. DynamoDB write requests are counted on the runtime's own client.
 *
 * Env: BENCH_ROWS (default 100000), BENCH_RUNS (default 3), BENCH_AS_OF (default 2025-12-01),
 * BENCH_TIME_SCALE (the runtime's queue time scale, default 1: real batching window),
 * BENCH_FLOOR_CONCURRENCY (default PUT_CONCURRENCY × maxConcurrency = 160), BENCH_NODE_FLAGS,
 * BENCH_WRITE=1 to record figures of a run on another row count than the default.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { QUEUE_SETTINGS } from '../shared/queue/settings.ts';
import { PUT_CONCURRENCY } from '../shared/store/supplier-writes.ts';
import { envInt, envNumber, fmtInt, loadNote, median, met, ok, round2, runTsChild } from './common.ts';
import { DEFAULT_SEED, GENERATOR_VERSION, generateSupplierList } from './generate.ts';
import type { BenchContext, Benchmark, BenchmarkResult, Metric } from './types.ts';

export const DEFAULT_ROWS = 100_000;
const TARGET_RATIO = 2.0;
const TARGET_WRITES = 1.2;
const CHILD = fileURLToPath(new URL('./pipeline.child.ts', import.meta.url));

interface RunResult {
  mode: 'pipeline' | 'floor';
  ms: number;
  cpuMs: number;
  maxRssMb: number;
  requests: Record<string, number>;
  writes: number;
  suppliers: number;
  wallMs: number;
}

interface PipelineRun extends RunResult {
  itemBytes: number;
  batch: {
    rows: number;
    accepted: number;
    rejected: number;
    suppliers: number;
    chunks: number;
    suppliersStored: number;
    chunksDeadLettered: number;
  };
}

const fmtS = (ms: number) => (ms / 1000).toFixed(1);
const WRITE_COMMANDS = ['PutItemCommand', 'UpdateItemCommand', 'BatchWriteItemCommand', 'DeleteItemCommand'];
/** `PutItem 49,858, UpdateItem 801, …` of the write requests (or of the others). */
const requestList = (r: Record<string, number>, writes = true) =>
  Object.entries(r)
    .filter(([k]) => WRITE_COMMANDS.includes(k) === writes)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k.replace(/Command$/, '')} ${fmtInt(v)}`)
    .join(', ');

export const pipelineBench: Benchmark = {
  id: 'pipeline',
  title: 'Local pipeline upload vs storage floor',
  async run(ctx: BenchContext): Promise<BenchmarkResult> {
    const rows = envInt('BENCH_ROWS', DEFAULT_ROWS);
    const runs = envInt('BENCH_RUNS', 3);
    const asOf = process.env.BENCH_AS_OF ?? '2025-12-01';
    const timeScale = envNumber('BENCH_TIME_SCALE', 1);
    const putConc = PUT_CONCURRENCY;
    const defaultConcurrency = putConc * QUEUE_SETTINGS.maxConcurrency;
    const concurrency = envInt('BENCH_FLOOR_CONCURRENCY', defaultConcurrency);
    const file = join(ctx.tmpDir, `pipeline-suppliers-${rows}.csv`);
    const gen = await generateSupplierList(file, rows, DEFAULT_SEED);
    ctx.log(
      `pipeline: ${fmtInt(gen.rows)} rows, ${fmtInt(gen.suppliers)} suppliers, ${(gen.bytes / 1e6).toFixed(1)} MB; floor concurrency ${concurrency}`,
    );

    const loadBefore = ctx.loadAverage();
    const pipes: PipelineRun[] = [];
    const floors: RunResult[] = [];
    for (let i = 1; i <= runs; i++) {
      const items = join(ctx.tmpDir, `pipeline-items-${i}.ndjson`);
      const p = await runTsChild<PipelineRun>(ctx.root, CHILD, ['pipeline', file, items, asOf, String(timeScale)]);
      if (p.batch.rows !== rows) throw new Error(`the pipeline's batch counted ${p.batch.rows} rows, expected ${rows}`);
      if (p.suppliers !== p.batch.suppliers)
        throw new Error(`the table holds ${p.suppliers} suppliers, the batch accepted ${p.batch.suppliers}`);
      pipes.push(p);
      ctx.log(
        `pipeline: run ${i}/${runs} pipeline ${fmtS(p.ms)} s (CPU ${fmtS(p.cpuMs)} s), ${fmtInt(p.writes)} write requests`,
      );
      const f = await runTsChild<RunResult>(ctx.root, CHILD, ['floor', items, String(concurrency)]);
      if (f.suppliers !== p.suppliers) throw new Error(`the floor wrote ${f.suppliers} items, expected ${p.suppliers}`);
      floors.push(f);
      ctx.log(`pipeline: run ${i}/${runs} floor    ${fmtS(f.ms)} s (CPU ${fmtS(f.cpuMs)} s)`);
    }
    const loadAfter = ctx.loadAverage();
    const load = loadNote(ctx, loadBefore, loadAfter);

    const last = pipes.at(-1) as PipelineRun;
    const suppliers = last.suppliers;
    const pipeMs = median(pipes.map((r) => r.ms));
    const floorMs = median(floors.map((r) => r.ms));
    const ratio = pipeMs / floorMs;
    const cpuRatio = median(pipes.map((r) => r.cpuMs)) / median(floors.map((r) => r.cpuMs));
    const writesPerSupplier = median(pipes.map((r) => r.writes / r.suppliers));
    const suppliersPerS = suppliers / (pipeMs / 1000);
    const floorPerS = suppliers / (floorMs / 1000);
    const b = last.batch;

    const metrics: Metric[] = [
      { name: 'pipeline.ratio_to_storage_floor', value: round2(ratio), unit: 'x' },
      { name: 'pipeline.writes_per_supplier', value: Math.round(writesPerSupplier * 1000) / 1000, unit: 'requests' },
      { name: 'pipeline.suppliers_per_s', value: Math.round(suppliersPerS), unit: 'suppliers/s' },
    ];

    const table = [
      '  run  pipeline s  CPU s   MB   writes   floor s  CPU s   MB   floor writes',
      ...pipes.map((p, i) => {
        const f = floors[i] as RunResult;
        return `  ${String(i + 1).padStart(3)}  ${fmtS(p.ms).padStart(10)}  ${fmtS(p.cpuMs).padStart(5)}  ${p.maxRssMb.toFixed(0).padStart(4)}  ${fmtInt(p.writes).padStart(7)}   ${fmtS(f.ms).padStart(7)}  ${fmtS(f.cpuMs).padStart(5)}  ${f.maxRssMb.toFixed(0).padStart(4)}  ${fmtInt(f.writes).padStart(6)}`;
      }),
    ];
    const report = [
      `pipeline — ${this.title}`,
      `  input: ${fmtInt(rows)} rows, ${fmtInt(gen.suppliers)} suppliers, ${(gen.bytes / 1e6).toFixed(1)} MB (generator v${GENERATOR_VERSION}, seed ${DEFAULT_SEED}); batch: ${fmtInt(b.accepted)} rows accepted, ${fmtInt(b.rejected)} rejected, ${fmtInt(b.suppliers)} suppliers in ${fmtInt(b.chunks)} chunks`,
      `  stored: ${fmtInt(suppliers)} supplier items, ${(last.itemBytes / suppliers / 1024).toFixed(1)} KiB each as DynamoDB JSON; queue time scale ${timeScale}`,
      `  floor: BatchWriteItem × 25 items, ${concurrency} calls in flight (PUT_CONCURRENCY ${putConc} × maxConcurrency ${QUEUE_SETTINGS.maxConcurrency})`,
      ...table,
      `  pipeline write requests (last run): ${requestList(last.requests)}; other requests: ${requestList(last.requests, false) || 'none'}`,
      `  median: pipeline ${fmtS(pipeMs)} s, floor ${fmtS(floorMs)} s (${fmtInt(floorPerS)} items/s); CPU-time ratio ${cpuRatio.toFixed(2)}x`,
      load.report,
      '',
      `  pipeline.suppliers_per_s           ${fmtInt(suppliersPerS)} suppliers/s`,
      `  pipeline.ratio_to_storage_floor    ${ratio.toFixed(2)}x   target ≤ ${TARGET_RATIO.toFixed(1)}x   ${ok(ratio <= TARGET_RATIO)}`,
      `  pipeline.writes_per_supplier       ${writesPerSupplier.toFixed(3)}   target ≤ ${TARGET_WRITES}   ${ok(writesPerSupplier <= TARGET_WRITES)}`,
    ].join('\n');

    const docs = [
      `## ${this.title}`,
      '',
      load.docs,
      '',
      '| Figure | Value | Target |',
      '| --- | --- | --- |',
      `| Input | ${fmtInt(rows)} rows, ${fmtInt(gen.suppliers)} suppliers, ${(gen.bytes / 1e6).toFixed(1)} MB (${fmtInt(b.rejected)} rows rejected), ${fmtInt(b.chunks)} queue messages | |`,
      `| Storage floor, median of ${runs} | ${fmtS(floorMs)} s (${fmtInt(floorPerS)} items/s) | |`,
      `| Pipeline, upload to batch completed, median of ${runs} | ${fmtS(pipeMs)} s | |`,
      `| Throughput \`pipeline.suppliers_per_s\` | ${fmtInt(suppliersPerS)} suppliers/s | |`,
      `| Pipeline / floor \`pipeline.ratio_to_storage_floor\` | ${ratio.toFixed(2)}× (CPU time: ${cpuRatio.toFixed(2)}×) | ≤ ${TARGET_RATIO.toFixed(1)}× ${met(ratio <= TARGET_RATIO)} |`,
      `| DynamoDB write requests per supplier \`pipeline.writes_per_supplier\` | ${writesPerSupplier.toFixed(3)} (${requestList(last.requests)}; reads not counted: ${requestList(last.requests, false) || 'none'}) | ≤ ${TARGET_WRITES} ${met(writesPerSupplier <= TARGET_WRITES)} |`,
      '',
      `Method: \`bench/generate.ts\` writes the seeded list (generator v${GENERATOR_VERSION}); each pipeline run is a fresh process that starts the local runtime (\`startLocalRuntime({ timeScale: ${timeScale} })\`: dynalite in memory, s3rver, the in-process queue with the shared queue settings, the real ingest and score handlers), uploads the file as \`runtime.upload()\` does and waits for \`waitForBatch\`; the clock runs from the upload to the batch's completion (runtime start-up excluded). Then it scans the ${fmtInt(suppliers)} supplier items the pipeline stored (${(last.itemBytes / suppliers / 1024).toFixed(1)} KiB each) and the floor, in another fresh process, writes exactly those items into a fresh dynalite with the same table definition (\`tableDefinition\`, GSIs included) with \`BatchWriteItem\`, 25 items per call, ${concurrency} calls in flight: the store's \`PUT_CONCURRENCY\` (${putConc}) × the queue's \`maxConcurrency\` (${QUEUE_SETTINGS.maxConcurrency}), through the same SDK client configuration (\`dynamoDbClient()\`, whose HTTP agent allows 50 sockets, so both sides are on 50 connections at most). Pipeline and floor alternate ${runs} times; times are medians.`,
      'Write requests are counted by an SDK middleware on the runtime’s DynamoDB client (`startLocalRuntime({ onDynamoClient })`, at the deserialize step so SDK retries count too): PutItem, UpdateItem, BatchWriteItem and DeleteItem requests divided by the suppliers stored; the batch record’s bookkeeping (create, queued, one counter update per chunk, completion) and the rejections’ BatchWriteItem are included.',
    ].join('\n');

    const doNotRecord =
      rows !== DEFAULT_ROWS && process.env.BENCH_WRITE !== '1'
        ? `BENCH_ROWS=${rows} is not the benchmark's ${fmtInt(DEFAULT_ROWS)} rows (set BENCH_WRITE=1 to record it anyway)`
        : undefined;
    return doNotRecord ? { metrics, report, docs, doNotRecord } : { metrics, report, docs };
  },
};
