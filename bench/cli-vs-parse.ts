/**
 * Benchmark `cli`: the CLI's code path end to end (read, validate, group, score, render the table) on a generated
 * 1,000,000-row supplier list, against the floor measured in the same run: parsing the same file with the same CSV
 * parser and options, and doing nothing else. Floor and CLI alternate in fresh processes; medians are reported.
 *
 * Env: BENCH_ROWS (default 1000000), BENCH_RUNS (default 3), BENCH_AS_OF (default 2025-12-01),
 * BENCH_NODE_FLAGS (extra node flags for the children, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"),
 * BENCH_WRITE=1 to record figures of a run on another row count than the default.
 */
import { spawn } from 'node:child_process';
import { open, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_SEED, GENERATOR_VERSION, generateSupplierList } from './generate.ts';
import type { BenchContext, Benchmark, BenchmarkResult, Metric } from './types.ts';

export const DEFAULT_ROWS = 1_000_000;
const TARGET_RATIO = 2.0;
const TARGET_RSS_MB = 1024;
const CHILD = fileURLToPath(new URL('./cli-vs-parse.child.ts', import.meta.url));

interface ChildResult {
  mode: 'floor' | 'cli';
  /** In-process time of the work, from before its imports. */
  ms: number;
  /** Whole child process, Node and tsx start-up included. */
  wallMs: number;
  /** CPU time (user + system) over the same span as `ms`, GC threads included: less sensitive to a busy machine. */
  cpuMs: number;
  maxRssMb: number;
  records: number;
}

function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw.replace(/[_,]/g, ''));
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer (got '${raw}')`);
  return n;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

function runChild(root: string, args: string[]): Promise<ChildResult> {
  const flags = (process.env.BENCH_NODE_FLAGS ?? '').split(/\s+/).filter(Boolean);
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [...flags, '--import', 'tsx', CHILD, ...args], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const wallMs = performance.now() - t0;
      const line = stdout.trim().split('\n').pop() ?? '';
      if (code !== 0 || !line.startsWith('{'))
        return reject(new Error(`child ${args[0]} exited ${code}: ${stderr.trim() || stdout.trim()}`));
      resolve({ ...(JSON.parse(line) as Omit<ChildResult, 'wallMs'>), wallMs });
    });
  });
}

const SUMMARY = /^(\d+) rows: (\d+) scored, (\d+) rejected; (\d+) suppliers/m;

/** The table's summary line: `N rows: S scored, R rejected; K suppliers (…)`, found near the end of the report. */
async function readSummary(
  path: string,
): Promise<{ rows: number; scored: number; rejected: number; suppliers: number }> {
  const { size } = await stat(path);
  const tail = Math.min(size, 4 << 20);
  const fh = await open(path, 'r');
  let text: string;
  try {
    const buf = Buffer.alloc(tail);
    await fh.read(buf, 0, tail, size - tail);
    text = buf.toString('utf8');
  } finally {
    await fh.close();
  }
  let m = SUMMARY.exec(text);
  if (!m) m = SUMMARY.exec(await readFile(path, 'utf8'));
  if (!m) throw new Error(`${path}: no summary line in the CLI's report`);
  const [rows, scored, rejected, suppliers] = m.slice(1).map(Number) as [number, number, number, number];
  return { rows, scored, rejected, suppliers };
}

const fmtInt = (n: number) => Math.round(n).toLocaleString('en-US');
const fmtS = (ms: number) => (ms / 1000).toFixed(2);

export const cliVsParse: Benchmark = {
  id: 'cli',
  title: 'CLI end to end vs parse-only floor',
  async run(ctx: BenchContext): Promise<BenchmarkResult> {
    const rows = envInt('BENCH_ROWS', DEFAULT_ROWS);
    const runs = envInt('BENCH_RUNS', 3);
    const asOf = process.env.BENCH_AS_OF ?? '2025-12-01';
    const file = join(ctx.tmpDir, `suppliers-${rows}.csv`);
    const out = join(ctx.tmpDir, 'report.txt');

    ctx.log(`cli: generating ${fmtInt(rows)} rows → ${file}`);
    const t0 = performance.now();
    const gen = await generateSupplierList(file, rows, DEFAULT_SEED);
    ctx.log(
      `cli: ${fmtInt(gen.rows)} rows, ${fmtInt(gen.suppliers)} suppliers, ${(gen.bytes / 1e6).toFixed(1)} MB in ${fmtS(performance.now() - t0)} s`,
    );

    const loadBefore = ctx.loadAverage();
    const floors: ChildResult[] = [];
    const clis: ChildResult[] = [];
    let summary: Awaited<ReturnType<typeof readSummary>> | undefined;
    for (let i = 1; i <= runs; i++) {
      const f = await runChild(ctx.root, ['floor', file]);
      if (f.records !== rows) throw new Error(`floor read ${f.records} data rows, expected ${rows}`);
      floors.push(f);
      ctx.log(`cli: run ${i}/${runs} floor ${fmtS(f.ms)} s, ${f.maxRssMb.toFixed(0)} MB`);
      const c = await runChild(ctx.root, ['cli', file, out, asOf]);
      summary = await readSummary(out);
      if (summary.rows !== rows) throw new Error(`the CLI reported ${summary.rows} rows, expected ${rows}`);
      clis.push(c);
      ctx.log(`cli: run ${i}/${runs} cli   ${fmtS(c.ms)} s, ${c.maxRssMb.toFixed(0)} MB`);
    }
    if (!summary) throw new Error('no run');
    const loadAfter = ctx.loadAverage();
    const busy = Math.max(loadBefore, loadAfter) > ctx.machine.nproc;

    const floorMs = median(floors.map((r) => r.ms));
    const cliMs = median(clis.map((r) => r.ms));
    const rowsPerS = rows / (cliMs / 1000);
    const ratio = cliMs / floorMs;
    const rssMb = median(clis.map((r) => r.maxRssMb));
    const maxRssMb = Math.max(...clis.map((r) => r.maxRssMb));
    const floorRssMb = median(floors.map((r) => r.maxRssMb));
    const cpuRatio = median(clis.map((r) => r.cpuMs)) / median(floors.map((r) => r.cpuMs));

    const metrics: Metric[] = [
      { name: 'cli.rows_per_s', value: Math.round(rowsPerS), unit: 'rows/s' },
      { name: 'cli.ratio_to_parse_floor', value: Math.round(ratio * 100) / 100, unit: 'x' },
      { name: 'cli.peak_rss_mb', value: Math.round(rssMb), unit: 'MB' },
    ];

    const ok = (pass: boolean) => (pass ? 'ok' : 'ABOVE TARGET');
    const table = [
      '  run  floor s  floor MB   cli s   cli MB   CPU s floor / cli   whole process s floor / cli',
      ...floors.map((f, i) => {
        const c = clis[i] as ChildResult;
        return `  ${String(i + 1).padStart(3)}  ${fmtS(f.ms).padStart(7)}  ${f.maxRssMb.toFixed(0).padStart(8)}  ${fmtS(c.ms).padStart(6)}  ${c.maxRssMb.toFixed(0).padStart(7)}   ${`${fmtS(f.cpuMs)} / ${fmtS(c.cpuMs)}`.padEnd(17)}   ${fmtS(f.wallMs)} / ${fmtS(c.wallMs)}`;
      }),
    ];
    const report = [
      `cli — ${this.title}`,
      `  input: ${fmtInt(rows)} rows, ${fmtInt(summary.suppliers)} suppliers, ${(gen.bytes / 1e6).toFixed(1)} MB; ${fmtInt(summary.scored)} rows scored, ${fmtInt(summary.rejected)} rejected (generator v${GENERATOR_VERSION}, seed ${DEFAULT_SEED})`,
      `  CLI: scoreFile() --format table --out FILE --as-of ${asOf}, no progress; ${runs} alternating runs each`,
      ...table,
      `  median: floor ${fmtS(floorMs)} s (${floorRssMb.toFixed(0)} MB), CLI ${fmtS(cliMs)} s; CPU-time ratio ${cpuRatio.toFixed(2)}x`,
      `  load average ${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after, on ${ctx.machine.nproc} CPUs${busy ? ': THE MACHINE WAS BUSY, times are inflated and noisy' : ''}`,
      '',
      `  cli.rows_per_s            ${fmtInt(rowsPerS)} rows/s`,
      `  cli.ratio_to_parse_floor  ${ratio.toFixed(2)}x   target ≤ ${TARGET_RATIO.toFixed(1)}x   ${ok(ratio <= TARGET_RATIO)}`,
      `  cli.peak_rss_mb           ${rssMb.toFixed(0)} MB (max ${maxRssMb.toFixed(0)})   target < ${TARGET_RSS_MB} MB   ${ok(rssMb < TARGET_RSS_MB)}`,
    ].join('\n');

    const m = ctx.machine;
    const docs = [
      `## ${this.title}`,
      '',
      `Measured ${ctx.date} on ${m.nproc} CPUs (\`nproc\`; ${m.cpuModel}), ${Math.round(m.totalMemMb / 1024)} GB RAM, Node ${m.node}, ${m.platform}; 1-minute load average ${loadBefore.toFixed(1)} before and ${loadAfter.toFixed(1)} after${busy ? ' (**busy machine: times inflated**)' : ''}.`,
      '',
      '| Figure | Value | Target |',
      '| --- | --- | --- |',
      `| Input | ${fmtInt(rows)} rows, ${fmtInt(summary.suppliers)} suppliers, ${(gen.bytes / 1e6).toFixed(0)} MB (${fmtInt(summary.rejected)} rows rejected) | |`,
      `| Parse-only floor, median of ${runs} | ${fmtS(floorMs)} s (${floorRssMb.toFixed(0)} MB peak RSS) | |`,
      `| CLI end to end, median of ${runs} | ${fmtS(cliMs)} s | |`,
      `| Throughput \`cli.rows_per_s\` | ${fmtInt(rowsPerS)} rows/s | |`,
      `| CLI / floor \`cli.ratio_to_parse_floor\` | ${ratio.toFixed(2)}× (CPU time: ${cpuRatio.toFixed(2)}×) | ≤ ${TARGET_RATIO.toFixed(1)}× ${ratio <= TARGET_RATIO ? '(met)' : '(**not met**)'} |`,
      `| CLI peak RSS \`cli.peak_rss_mb\` | ${rssMb.toFixed(0)} MB | < ${TARGET_RSS_MB} MB ${rssMb < TARGET_RSS_MB ? '(met)' : '(**not met**)'} |`,
      '',
      `Method: \`bench/generate.ts\` writes a seeded, deterministic list (about 2 rows per supplier; country and mineral aliases such as \`China\`, \`DR Congo\`, \`Nd\`; shares as \`60%\`, \`0.4\` or \`60\`; quoted names with commas; about 1 row in 2,000 with a mistake), then the floor (the file streamed from disk through csv-parse with the options of \`shared/supplier-list/read.ts\`, records only counted) and the CLI (\`scoreFile()\` of \`bin/commands/score.ts\`: table format, \`--out\` to a temporary file, as of ${asOf}, no progress bar) run alternately ${runs} times each, each in a fresh \`node --import tsx\` process.`,
      'Times are medians of the in-process clock from before each side imports its modules to the end of its work (Node and tsx start-up excluded from both), and peak memory is the median `process.resourceUsage().maxRSS` of the CLI processes.',
    ].join('\n');

    const doNotRecord =
      rows !== DEFAULT_ROWS && process.env.BENCH_WRITE !== '1'
        ? `BENCH_ROWS=${rows} is not the benchmark's ${fmtInt(DEFAULT_ROWS)} rows (set BENCH_WRITE=1 to record it anyway)`
        : undefined;
    return doNotRecord ? { metrics, report, docs, doNotRecord } : { metrics, report, docs };
  },
};
