/**
 * Benchmark `api`: the local HTTP API (infra/local/http-server.ts over the local runtime: JWT verification as the
 * authorizer does it, the payload 2.0 event, the real API handler, dynalite) under autocannon, on 127.0.0.1 only:
 * `POST /v1/score` (one supplier, five lines) and `GET /v1/suppliers/{id}` (a stored supplier). The GET route against
 * its own floor, a bare GetItem loop through the same DynamoDB client and emulator in the same server process (the
 * one read the route makes, nothing around it); both routes against `GET /health` through the same stack, as context.
 * Every measurement gets a fresh server process, warmed up before it is measured; the four alternate (rotating
 * order) for BENCH_RUNS rounds; medians are reported.
 *
 * Env: BENCH_RUNS (default 3), BENCH_API_SECONDS (default 10), BENCH_API_CONNECTIONS (default 10),
 * BENCH_API_WARMUP_SECONDS (default 2), BENCH_NODE_FLAGS (node flags for the server, e.g. --cpu-prof).
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { childNodeFlags, envInt, fmtInt, loadNote, median, met, ok, round2 } from './common.ts';
import type { BenchContext, Benchmark, BenchmarkResult, Metric } from './types.ts';

const TARGET_RATIO = 0.5;
const CHILD = fileURLToPath(new URL('./api.child.ts', import.meta.url));

type RouteName = 'health' | 'score' | 'get' | 'getitem';
const ROUTE_ORDER: readonly RouteName[] = ['health', 'score', 'get', 'getitem'];

interface Ready {
  url: string;
  token: string;
  supplierId: string;
  scoreBody: string;
}

interface GetItemRun {
  requests: number;
  seconds: number;
  p50: number;
  p99: number;
}

interface Done {
  functionErrors: number;
}

interface Measurement {
  route: RouteName;
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  functionErrors: number;
  serverCpuMs: number;
  seconds: number;
}

/** A fresh server process: resolves when it is ready; `stop()` ends it and resolves with its own figures. */
async function startServer(root: string): Promise<{
  ready: Ready;
  cpuMs: () => Promise<number>;
  getItem: (seconds: number, concurrency: number) => Promise<GetItemRun>;
  stop: () => Promise<Done>;
}> {
  const child = spawn(process.execPath, [...childNodeFlags(), '--import', 'tsx', CHILD], {
    cwd: root,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const lines = createInterface({ input: child.stdout });
  const queue: string[] = [];
  let waiting: ((line: string | null) => void) | undefined;
  lines.on('line', (line) => {
    if (waiting) {
      const w = waiting;
      waiting = undefined;
      w(line);
    } else queue.push(line);
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  const nextJson = async <T>(): Promise<T> => {
    for (;;) {
      const line =
        queue.shift() ??
        (await Promise.race([
          new Promise<string | null>((resolve) => {
            waiting = resolve;
          }),
          exited.then(() => null),
        ]));
      if (line === null) throw new Error(`api server exited early: ${stderr.trim()}`);
      if (line.startsWith('{')) return JSON.parse(line) as T;
    }
  };
  const ready = await nextJson<Ready>();
  return {
    ready,
    cpuMs: async () => {
      child.stdin.write('mark\n');
      return (await nextJson<{ cpuMs: number }>()).cpuMs;
    },
    getItem: async (seconds, concurrency) => {
      child.stdin.write(`getitem ${seconds} ${concurrency}\n`);
      return nextJson<GetItemRun>();
    },
    stop: async () => {
      child.stdin.end('stop\n');
      const done = await nextJson<Done>();
      await exited;
      return done;
    },
  };
}

function options(route: RouteName, ready: Ready, seconds: number, connections: number): autocannon.Options {
  const auth = { authorization: `Bearer ${ready.token}` };
  const base = { connections, duration: seconds, pipelining: 1 };
  switch (route) {
    case 'health':
      return { ...base, url: `${ready.url}/health` };
    case 'score':
      return {
        ...base,
        url: `${ready.url}/v1/score`,
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: ready.scoreBody,
      };
    case 'get':
    case 'getitem':
      return { ...base, url: `${ready.url}/v1/suppliers/${encodeURIComponent(ready.supplierId)}`, headers: auth };
  }
}

async function measure(root: string, route: RouteName, seconds: number, connections: number, warmup: number) {
  const server = await startServer(root);
  if (route === 'getitem') {
    // The floor: the same concurrency as autocannon's connections, the same warm-up, in the same server process.
    await server.getItem(warmup, connections);
    const cpuBefore = await server.cpuMs();
    const r = await server.getItem(seconds, connections);
    const serverCpuMs = (await server.cpuMs()) - cpuBefore;
    const done = await server.stop();
    return {
      route,
      rps: r.requests / r.seconds,
      p50: r.p50,
      p99: r.p99,
      requests: r.requests,
      errors: 0,
      timeouts: 0,
      non2xx: 0,
      functionErrors: done.functionErrors,
      serverCpuMs,
      seconds: r.seconds,
    } satisfies Measurement;
  }
  let result: autocannon.Result | undefined;
  let failure: unknown;
  let serverCpuMs = 0;
  try {
    await autocannon(options(route, server.ready, warmup, connections));
    const cpuBefore = await server.cpuMs();
    result = await autocannon(options(route, server.ready, seconds, connections));
    serverCpuMs = (await server.cpuMs()) - cpuBefore;
  } catch (err) {
    failure = err;
  }
  const done = await server.stop();
  if (!result) throw failure;
  return {
    route,
    rps: result.requests.total / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    functionErrors: done.functionErrors,
    serverCpuMs,
    seconds: result.duration,
  } satisfies Measurement;
}

const ROUTE_LABEL: Record<RouteName, string> = {
  health: 'GET /health',
  score: 'POST /v1/score (1 supplier, 5 lines)',
  get: 'GET /v1/suppliers/{id}',
  getitem: "GetItem loop (the GET route's floor)",
};

export const apiBench: Benchmark = {
  id: 'api',
  title: 'Local HTTP API under load vs its floors',
  async run(ctx: BenchContext): Promise<BenchmarkResult> {
    const runs = envInt('BENCH_RUNS', 3);
    const seconds = envInt('BENCH_API_SECONDS', 10);
    const connections = envInt('BENCH_API_CONNECTIONS', 10);
    const warmup = envInt('BENCH_API_WARMUP_SECONDS', 2);

    const loadBefore = ctx.loadAverage();
    const all: Measurement[] = [];
    for (let i = 0; i < runs; i++) {
      const order = ROUTE_ORDER.map((_, k) => ROUTE_ORDER[(k + i) % ROUTE_ORDER.length] as RouteName);
      for (const route of order) {
        const m = await measure(ctx.root, route, seconds, connections, warmup);
        all.push(m);
        ctx.log(
          `api: round ${i + 1}/${runs} ${route.padEnd(6)} ${fmtInt(m.rps)} req/s, p50 ${m.p50} ms, p99 ${m.p99} ms, errors ${m.errors + m.non2xx}`,
        );
      }
    }
    const loadAfter = ctx.loadAverage();
    const load = loadNote(ctx, loadBefore, loadAfter);

    const of = (route: RouteName) => all.filter((m) => m.route === route);
    const summary = Object.fromEntries(
      ROUTE_ORDER.map((route) => {
        const ms = of(route);
        return [
          route,
          {
            rps: median(ms.map((m) => m.rps)),
            p50: median(ms.map((m) => m.p50)),
            p99: median(ms.map((m) => m.p99)),
            cpuPerReqMs: median(ms.map((m) => m.serverCpuMs / m.requests)),
            requests: ms.reduce((n, m) => n + m.requests, 0),
            errors: ms.reduce((n, m) => n + m.errors + m.non2xx + m.functionErrors, 0),
          },
        ];
      }),
    ) as Record<
      RouteName,
      { rps: number; p50: number; p99: number; cpuPerReqMs: number; requests: number; errors: number }
    >;
    const { health, score, get, getitem } = summary;
    const scoreRatio = score.rps / health.rps;
    const getRatio = get.rps / health.rps;
    const getFloorRatio = get.rps / getitem.rps;
    const errors = health.errors + score.errors + get.errors;

    const metrics: Metric[] = [
      { name: 'api.score_rps_ratio_to_health', value: round2(scoreRatio), unit: 'x' },
      { name: 'api.get_rps_ratio_to_getitem', value: round2(getFloorRatio), unit: 'x' },
      { name: 'api.get_rps_ratio_to_health', value: round2(getRatio), unit: 'x' },
      { name: 'api.score_p99_ms', value: score.p99, unit: 'ms' },
      { name: 'api.errors', value: errors, unit: 'requests' },
      { name: 'api.health_rps', value: Math.round(health.rps), unit: 'req/s' },
      { name: 'api.score_rps', value: Math.round(score.rps), unit: 'req/s' },
      { name: 'api.get_rps', value: Math.round(get.rps), unit: 'req/s' },
      { name: 'api.get_p99_ms', value: get.p99, unit: 'ms' },
      { name: 'api.getitem_rps', value: Math.round(getitem.rps), unit: 'req/s' },
    ];

    const row = (r: RouteName) => {
      const s = summary[r];
      return `  ${ROUTE_LABEL[r].padEnd(38)} ${fmtInt(s.rps).padStart(7)} req/s  p50 ${String(s.p50).padStart(3)} ms  p99 ${String(s.p99).padStart(3)} ms  ${s.cpuPerReqMs.toFixed(2)} ms CPU/req  errors ${s.errors}`;
    };
    const report = [
      `api — ${this.title}`,
      `  autocannon ${connections} connections, ${seconds} s per measurement after ${warmup} s warm-up, fresh server per measurement, ${runs} rounds in rotating order; 127.0.0.1`,
      ...all.map(
        (m, i) =>
          `  ${String(i + 1).padStart(2)} ${m.route.padEnd(6)} ${fmtInt(m.rps).padStart(7)} req/s  p50 ${m.p50} ms  p99 ${m.p99} ms  server CPU ${((100 * m.serverCpuMs) / (m.seconds * 1000)).toFixed(0)}%  errors ${m.errors} timeouts ${m.timeouts} non-2xx ${m.non2xx} function errors ${m.functionErrors}`,
      ),
      'medians:',
      ...ROUTE_ORDER.map(row),
      load.report,
      '',
      `  api.score_rps_ratio_to_health  ${scoreRatio.toFixed(2)}x   target ≥ ${TARGET_RATIO}x   ${ok(scoreRatio >= TARGET_RATIO)}`,
      `  api.get_rps_ratio_to_getitem   ${getFloorRatio.toFixed(2)}x   target ≥ ${TARGET_RATIO}x   ${ok(getFloorRatio >= TARGET_RATIO)}`,
      `  api.get_rps_ratio_to_health    ${getRatio.toFixed(2)}x   (context)`,
      `  api.score_p99_ms               ${score.p99} ms`,
      `  api.errors                     ${errors}   target 0   ${ok(errors === 0)}`,
    ].join('\n');

    const docRow = (r: RouteName, figure: string, target: string) => {
      const s = summary[r];
      return `| ${ROUTE_LABEL[r]} | ${fmtInt(s.rps)} req/s; p50 ${s.p50} ms, p99 ${s.p99} ms; ${s.cpuPerReqMs.toFixed(2)} ms server CPU per request | ${figure} | ${target} |`;
    };
    const docs = [
      `## ${this.title}`,
      '',
      load.docs,
      '',
      '| Route | Median of runs | Ratio to its floor | Target |',
      '| --- | --- | --- | --- |',
      docRow('health', 'floor of POST /v1/score', ''),
      docRow(
        'score',
        `${scoreRatio.toFixed(2)}× \`api.score_rps_ratio_to_health\``,
        `≥ ${TARGET_RATIO}× ${met(scoreRatio >= TARGET_RATIO)}`,
      ),
      docRow('getitem', 'floor of GET /v1/suppliers/{id}', ''),
      docRow(
        'get',
        `${getFloorRatio.toFixed(2)}× the GetItem loop \`api.get_rps_ratio_to_getitem\` (${getRatio.toFixed(2)}× /health \`api.get_rps_ratio_to_health\`, context)`,
        `≥ ${TARGET_RATIO}× ${met(getFloorRatio >= TARGET_RATIO)}`,
      ),
      `| Errors, timeouts, non-2xx and function errors over all ${fmtInt(health.requests + score.requests + get.requests)} requests \`api.errors\` | ${errors} | | 0 ${met(errors === 0)} |`,
      '',
      `Method: each measurement starts a fresh server process (\`bench/api.child.ts\`: \`startLocalRuntime()\` and \`startApiServer()\` on 127.0.0.1, trusting a signing key generated in the process; one supplier stored with \`PUT /v1/suppliers/{id}?sync=true\`, and each route checked to answer 200 with the right body), warms it up with ${warmup} s of the same load, then autocannon 9 (in the benchmark process) sends ${seconds} s of requests over ${connections} connections, no pipelining. Requests/s is completed requests over the measured duration; p50/p99 are autocannon's latency percentiles. The GET route's floor runs in the same server process: ${connections} concurrent loops of a bare \`GetItem\` of the stored supplier's item through the runtime's own DynamoDB client and dynalite (the one read the route makes; no HTTP, token or decoding), after the same warm-up. The four are measured ${runs} times each, in rotating order, and the medians are reported; \`api.score_p99_ms\` is the median p99 of \`POST /v1/score\`. The scoring request is one supplier with five exposure lines written as exports write them (\`Nd\`, \`China\`, \`DR Congo\`, shares as \`0.6\`, \`40%\`, \`70\`), as of 2025-12-01 for a US buyer; authenticated routes carry an RS256 bearer token (risk/read risk/write) that the server verifies on every request, as the HTTP API's JWT authorizer would. Server and load generator share the ${ctx.machine.nproc} CPUs.`,
    ].join('\n');
    return { metrics, report, docs };
  },
};
