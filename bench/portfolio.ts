/**
 * Benchmark `portfolio`: GET /v1/portfolio/exposure read from the aggregates with BENCH_PORTFOLIO_SUPPLIERS stored
 * suppliers of one tenant (default 1,000,000), against GET /v1/suppliers/{id} on the same server, under autocannon;
 * and the write units the aggregates add per supplier (dynalite's ConsumedCapacity). One server process
 * (bench/portfolio.child.ts) loads the suppliers once (items and aggregates straight through the adapters), then the
 * two routes alternate for BENCH_RUNS rounds; medians are reported.
 *
 * Env: BENCH_PORTFOLIO_SUPPLIERS, BENCH_RUNS (default 3), BENCH_API_SECONDS (default 10), BENCH_API_CONNECTIONS
 * (default 10), BENCH_API_WARMUP_SECONDS (default 2).
 */
import { spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { childNodeFlags, envInt, fmtInt, loadNote, median, met, ok, round2 } from './common.ts';
import type { BenchContext, Benchmark, BenchmarkResult, Metric } from './types.ts';

const TARGET_RATIO = 0.5;
const TARGET_P99_MS = 200;
/** Aggregate write units per supplier on an upload (a score message's chunk): one small delta item per chunk. */
const TARGET_CHUNK_WRU = 0.1;
const FULL_SIZE = 1_000_000;
const CHILD = fileURLToPath(new URL('./portfolio.child.ts', import.meta.url));

type RouteName = 'exposure' | 'get';
const ROUTES: readonly RouteName[] = ['exposure', 'get'];
const LABEL: Record<RouteName, string> = {
  exposure: 'GET /v1/portfolio/exposure?groupBy=mineral,country',
  get: 'GET /v1/suppliers/{id}',
};

interface WriteUnits {
  aggregates: number;
  supplier: number;
}
interface Ready {
  url: string;
  token: string;
  supplierId: string;
  loaded: number;
  loadSeconds: number;
  /** Median of 5 reads of the aggregates straight from the adapter (what a cache miss costs). */
  uncachedReadMs: number;
  /** Deltas of the load folded into the snapshot before serving. */
  folded: number;
  wcu: { chunk: WriteUnits; single: WriteUnits; rewrite: WriteUnits; chunkSize: number };
}

async function startServer(root: string, suppliers: number, dataDir: string) {
  const child = spawn(process.execPath, [...childNodeFlags(), '--import', 'tsx', CHILD, String(suppliers), dataDir], {
    cwd: root,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  let ready: Ready | undefined;
  for await (const line of lines) {
    if (!line.startsWith('{')) continue;
    ready = JSON.parse(line) as Ready;
    break;
  }
  if (!ready) throw new Error(`portfolio server exited early (${await exited})`);
  return {
    ready,
    stop: async () => {
      child.stdin.end('stop\n');
      await exited;
    },
  };
}

async function measure(ready: Ready, route: RouteName, seconds: number, connections: number) {
  const path =
    route === 'exposure'
      ? '/v1/portfolio/exposure?groupBy=mineral,country'
      : `/v1/suppliers/${encodeURIComponent(ready.supplierId)}`;
  const r = await autocannon({
    url: `${ready.url}${path}`,
    headers: { authorization: `Bearer ${ready.token}` },
    connections,
    duration: seconds,
    pipelining: 1,
  });
  return {
    route,
    rps: r.requests.total / r.duration,
    p50: r.latency.p50,
    p99: r.latency.p99,
    requests: r.requests.total,
    errors: r.errors + r.timeouts + r.non2xx,
  };
}

export const portfolioBench: Benchmark = {
  id: 'portfolio',
  title: 'Portfolio exposure from the aggregates at scale',
  async run(ctx: BenchContext): Promise<BenchmarkResult> {
    const size = envInt('BENCH_PORTFOLIO_SUPPLIERS', FULL_SIZE);
    const runs = envInt('BENCH_RUNS', 3);
    const seconds = envInt('BENCH_API_SECONDS', 10);
    const connections = envInt('BENCH_API_CONNECTIONS', 10);
    const warmup = envInt('BENCH_API_WARMUP_SECONDS', 2);
    const dataDir = join(ctx.tmpDir, 'portfolio-data');
    await mkdir(dataDir, { recursive: true });

    const loadBefore = ctx.loadAverage();
    ctx.log(`portfolio: loading ${fmtInt(size)} suppliers`);
    const server = await startServer(ctx.root, size, dataDir);
    const { ready } = server;
    ctx.log(`portfolio: loaded ${fmtInt(ready.loaded)} in ${ready.loadSeconds.toFixed(0)} s`);
    const all: Awaited<ReturnType<typeof measure>>[] = [];
    try {
      for (const route of ROUTES) await measure(ready, route, warmup, connections);
      for (let i = 0; i < runs; i++)
        for (const route of i % 2 === 0 ? ROUTES : [...ROUTES].reverse()) {
          const m = await measure(ready, route, seconds, connections);
          all.push(m);
          ctx.log(
            `portfolio: round ${i + 1}/${runs} ${route.padEnd(8)} ${fmtInt(m.rps)} req/s, p50 ${m.p50} ms, p99 ${m.p99} ms, errors ${m.errors}`,
          );
        }
    } finally {
      await server.stop();
    }
    const load = loadNote(ctx, loadBefore, ctx.loadAverage());
    const of = (route: RouteName) => {
      const ms = all.filter((m) => m.route === route);
      return {
        rps: median(ms.map((m) => m.rps)),
        p50: median(ms.map((m) => m.p50)),
        p99: median(ms.map((m) => m.p99)),
        requests: ms.reduce((n, m) => n + m.requests, 0),
        errors: ms.reduce((n, m) => n + m.errors, 0),
      };
    };
    const exposure = of('exposure');
    const get = of('get');
    const ratio = exposure.rps / get.rps;
    const errors = exposure.errors + get.errors;
    const { wcu } = ready;

    const metrics: Metric[] = [
      { name: 'portfolio.suppliers', value: ready.loaded, unit: 'suppliers' },
      { name: 'portfolio.exposure_rps_ratio_to_get', value: round2(ratio), unit: 'x' },
      { name: 'portfolio.exposure_p50_ms', value: exposure.p50, unit: 'ms' },
      { name: 'portfolio.exposure_p99_ms', value: exposure.p99, unit: 'ms' },
      { name: 'portfolio.uncached_read_ms', value: ready.uncachedReadMs, unit: 'ms' },
      { name: 'portfolio.exposure_rps', value: Math.round(exposure.rps), unit: 'req/s' },
      { name: 'portfolio.get_rps', value: Math.round(get.rps), unit: 'req/s' },
      { name: 'portfolio.get_p99_ms', value: get.p99, unit: 'ms' },
      { name: 'portfolio.errors', value: errors, unit: 'requests' },
      {
        name: 'portfolio.load_suppliers_per_s',
        value: Math.round(ready.loaded / ready.loadSeconds),
        unit: 'suppliers/s',
      },
      { name: 'portfolio.aggregate_wru_per_supplier_chunk', value: round2(wcu.chunk.aggregates), unit: 'WRU' },
      { name: 'portfolio.aggregate_wru_per_supplier_single', value: round2(wcu.single.aggregates), unit: 'WRU' },
      { name: 'portfolio.aggregate_wru_per_supplier_rewrite', value: round2(wcu.rewrite.aggregates), unit: 'WRU' },
    ];
    const scale =
      ready.loaded < FULL_SIZE
        ? `${fmtInt(ready.loaded)} suppliers, not the ${fmtInt(FULL_SIZE)} of the target (BENCH_PORTFOLIO_SUPPLIERS)`
        : `${fmtInt(ready.loaded)} suppliers`;
    const report = [
      `portfolio — ${this.title}`,
      `  ${scale} of one tenant, loaded in ${ready.loadSeconds.toFixed(0)} s; autocannon ${connections} connections, ${seconds} s per measurement, ${runs} rounds`,
      ...ROUTES.map((r) => {
        const s = of(r);
        return `  ${LABEL[r].padEnd(52)} ${fmtInt(s.rps).padStart(6)} req/s  p50 ${s.p50} ms  p99 ${s.p99} ms  errors ${s.errors}`;
      }),
      load.report,
      '',
      `  portfolio.exposure_rps_ratio_to_get  ${ratio.toFixed(2)}x   target ≥ ${TARGET_RATIO}x   ${ok(ratio >= TARGET_RATIO)}`,
      `  portfolio.exposure_p99_ms            ${exposure.p99} ms   target < ${TARGET_P99_MS} ms   ${ok(exposure.p99 < TARGET_P99_MS)}`,
      `  aggregates read without the API's cache: ${ready.uncachedReadMs} ms (median of 5)`,
      `  portfolio.aggregate_wru_per_supplier_chunk  ${wcu.chunk.aggregates.toFixed(2)}   target ≤ ${TARGET_CHUNK_WRU}   ${ok(wcu.chunk.aggregates <= TARGET_CHUNK_WRU)}`,
      `  aggregate write units per supplier: ${wcu.chunk.aggregates.toFixed(2)} in a chunk of ${wcu.chunkSize}, ${wcu.single.aggregates} alone, ${wcu.rewrite.aggregates} for a new version alone (supplier item and change record: ${wcu.chunk.supplier.toFixed(2)}, ${wcu.single.supplier}, ${wcu.rewrite.supplier})`,
    ].join('\n');
    const row = (r: RouteName) => {
      const s = of(r);
      return `| ${LABEL[r]} | ${fmtInt(s.rps)} req/s; p50 ${s.p50} ms, p99 ${s.p99} ms |`;
    };
    const docs = [
      `## ${this.title}`,
      '',
      load.docs,
      '',
      `${scale} of one tenant (${ready.loadSeconds.toFixed(0)} s to load: ${fmtInt(ready.loaded / ready.loadSeconds)} suppliers/s).`,
      '',
      '| Route | Median of runs |',
      '| --- | --- |',
      row('exposure'),
      row('get'),
      '',
      '| Figure | Value | Target |',
      '| --- | --- | --- |',
      `| Exposure throughput over the supplier GET's \`portfolio.exposure_rps_ratio_to_get\` | ${ratio.toFixed(2)}× | ≥ ${TARGET_RATIO}× ${met(ratio >= TARGET_RATIO)} |`,
      `| Exposure p99 \`portfolio.exposure_p99_ms\` | ${exposure.p99} ms | < ${TARGET_P99_MS} ms ${met(exposure.p99 < TARGET_P99_MS)} |`,
      `| Errors over ${fmtInt(exposure.requests + get.requests)} requests \`portfolio.errors\` | ${errors} | 0 ${met(errors === 0)} |`,
      `| One read of the aggregates without the API's one-second cache (median of 5) \`portfolio.uncached_read_ms\` | ${ready.uncachedReadMs} ms | |`,
      `| Aggregate write units per supplier, a chunk of ${wcu.chunkSize} \`portfolio.aggregate_wru_per_supplier_chunk\` | ${wcu.chunk.aggregates.toFixed(2)} (supplier item and change record: ${wcu.chunk.supplier.toFixed(2)}) | ≤ ${TARGET_CHUNK_WRU} ${met(wcu.chunk.aggregates <= TARGET_CHUNK_WRU)} |`,
      `| Aggregate write units, one supplier alone (an API PUT) \`portfolio.aggregate_wru_per_supplier_single\` | ${wcu.single.aggregates} (supplier item and change record: ${wcu.single.supplier}) | |`,
      `| Aggregate write units, a new version of one supplier alone \`portfolio.aggregate_wru_per_supplier_rewrite\` | ${wcu.rewrite.aggregates} (supplier item and change record: ${wcu.rewrite.supplier}) | |`,
      '',
      `Method: one server process (\`bench/portfolio.child.ts\`: \`startLocalRuntime()\` on a data directory, dynalite on disk, and \`startApiServer()\` on 127.0.0.1) first writes a chunk of ${wcu.chunkSize} generated suppliers, then one supplier, then a new version of it, through the real write path (the store followed by the aggregates) with \`ReturnConsumedCapacity: TOTAL\` on every write, and sums the units by item. It then stores the suppliers (1–4 lines over 12 minerals and 15 countries, a tenth of origins undeclared) as fast as it can: the store's own items by BatchWriteItem, the aggregates as the adapter's deltas, one per 20,000 suppliers, folded into the snapshot once settled (${ready.folded} deltas), so reads are the snapshot plus the deltas above its watermarks, as after a schedule's or a read's fold. autocannon 9 then alternates the two routes (${runs} rounds of ${seconds} s after a ${warmup} s warm-up of each) over ${connections} connections; medians are reported. Server and load generator share the ${ctx.machine.nproc} CPUs.`,
    ].join('\n');
    return {
      metrics,
      report,
      docs,
      ...(ready.loaded < 1000 ? { doNotRecord: `only ${ready.loaded} suppliers` } : {}),
    };
  },
};
