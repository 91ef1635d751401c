/**
 * Benchmark `rmi`: 1,000 generated RMI workbooks (CMRT, EMRT and AMRT of several versions, two declaration
 * languages) read and mapped to supplier lines by the reader (`readWorkbook`, the path of the CLI, the API's ingest
 * and the pipeline alike), against the floor measured in the same run: the same files opened and the same sheets read
 * with the same spreadsheet library, and nothing else. Floor and reader alternate in fresh processes
 * (`bench/rmi.child.ts`); medians are reported, with the reader's peak memory (RSS high-water mark).
 *
 * Env: BENCH_WORKBOOKS (default 1000), BENCH_RUNS (default 1: one run of each side over 1,000 workbooks already takes
 * several minutes, and each is the sum of 1,000 reads, so it is steadier than one read), BENCH_WRITE=1 to record a
 * run on another count.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { envInt, fmtInt, loadNote, median, met, ok, round2, runTsChild } from './common.ts';
import { generateWorkbooks, RMI_GENERATOR_VERSION, RMI_SEED } from './rmi-generate.ts';
import type { BenchContext, Benchmark, BenchmarkResult, Metric } from './types.ts';

const CHILD = fileURLToPath(new URL('./rmi.child.ts', import.meta.url));
export const DEFAULT_WORKBOOKS = 1_000;
/**
 * Reading is the library's work; mapping a few dozen lines per workbook adds little, and the reader hands the library
 * a smaller package (the chosen sheets, values only) than the floor's whole file.
 */
const TARGET_RATIO = 1.5;
const TARGET_RSS_MB = 512;

export interface RmiChildResult {
  mode: 'floor' | 'reader';
  ms: number;
  cpuMs: number;
  maxRssMb: number;
  workbooks: number;
  /** Floor: rows read from the sheets. Reader: exposure lines read (accepted + rejected). */
  rows: number;
  /** Reader only: lines accepted, rejections, suppliers. */
  accepted: number;
  rejected: number;
  suppliers: number;
}

const fmtS = (ms: number) => (ms / 1000).toFixed(2);

export const rmiBench: Benchmark = {
  id: 'rmi',
  title: 'RMI workbooks read and mapped vs an open-and-read floor',
  async run(ctx: BenchContext): Promise<BenchmarkResult> {
    const count = envInt('BENCH_WORKBOOKS', DEFAULT_WORKBOOKS);
    const runs = envInt('BENCH_RUNS', 1);
    const dir = join(ctx.tmpDir, 'rmi-workbooks');
    await mkdir(dir, { recursive: true });
    ctx.log(`rmi: generating ${fmtInt(count)} workbooks → ${dir}`);
    const t0 = performance.now();
    const gen = await generateWorkbooks(dir, count, RMI_SEED);
    ctx.log(
      `rmi: ${fmtInt(gen.workbooks)} workbooks (${gen.distinct} distinct), ${(gen.bytes / 1e6).toFixed(0)} MB, ${fmtInt(gen.smelterRows)} Smelter List rows in ${fmtS(performance.now() - t0)} s`,
    );

    const loadBefore = ctx.loadAverage();
    const floors: RmiChildResult[] = [];
    const readers: RmiChildResult[] = [];
    for (let i = 1; i <= runs; i++) {
      const f = await runTsChild<RmiChildResult>(ctx.root, CHILD, ['floor', dir]);
      if (f.workbooks !== count) throw new Error(`the floor opened ${f.workbooks} workbooks, expected ${count}`);
      floors.push(f);
      ctx.log(`rmi: run ${i}/${runs} floor  ${fmtS(f.ms)} s, ${f.maxRssMb.toFixed(0)} MB`);
      const r = await runTsChild<RmiChildResult>(ctx.root, CHILD, ['reader', dir]);
      if (r.workbooks !== count) throw new Error(`the reader read ${r.workbooks} workbooks, expected ${count}`);
      const first = readers[0];
      if (first && (r.rows !== first.rows || r.rejected !== first.rejected))
        throw new Error(
          `run ${i} read ${r.rows} lines (${r.rejected} rejected), run 1 ${first.rows} (${first.rejected})`,
        );
      readers.push(r);
      ctx.log(`rmi: run ${i}/${runs} reader ${fmtS(r.ms)} s, ${r.maxRssMb.toFixed(0)} MB`);
    }
    const load = loadNote(ctx, loadBefore, ctx.loadAverage());

    const floorMs = median(floors.map((r) => r.ms));
    const readerMs = median(readers.map((r) => r.ms));
    const perS = count / (readerMs / 1000);
    const floorPerS = count / (floorMs / 1000);
    const ratio = readerMs / floorMs;
    const cpuRatio = median(readers.map((r) => r.cpuMs)) / median(floors.map((r) => r.cpuMs));
    const rssMb = median(readers.map((r) => r.maxRssMb));
    const floorRssMb = median(floors.map((r) => r.maxRssMb));
    const last = readers.at(-1) as RmiChildResult;

    const metrics: Metric[] = [
      { name: 'rmi.workbooks_per_s', value: Math.round(perS * 10) / 10, unit: 'workbooks/s' },
      { name: 'rmi.ratio_to_read_floor', value: round2(ratio), unit: 'x' },
      { name: 'rmi.peak_rss_mb', value: Math.round(rssMb), unit: 'MB' },
      { name: 'rmi.floor_peak_rss_mb', value: Math.round(floorRssMb), unit: 'MB' },
    ];
    const table = [
      '  run  floor s  floor MB  reader s  reader MB   CPU s floor / reader',
      ...floors.map((f, i) => {
        const r = readers[i] as RmiChildResult;
        return `  ${String(i + 1).padStart(3)}  ${fmtS(f.ms).padStart(7)}  ${f.maxRssMb.toFixed(0).padStart(8)}  ${fmtS(r.ms).padStart(8)}  ${r.maxRssMb.toFixed(0).padStart(9)}   ${fmtS(f.cpuMs)} / ${fmtS(r.cpuMs)}`;
      }),
    ];
    const input = `${fmtInt(count)} workbooks (${gen.mix}), ${(gen.bytes / 1e6).toFixed(0)} MB, ${fmtInt(gen.smelterRows)} Smelter List rows; ${fmtInt(last.rows)} lines: ${fmtInt(last.accepted)} accepted, ${fmtInt(last.rejected)} rejected`;
    const report = [
      `rmi — ${this.title}`,
      `  input: ${input} (generator v${RMI_GENERATOR_VERSION}, seed ${RMI_SEED})`,
      `  ${runs} alternating runs each, one process per run`,
      ...table,
      `  median: floor ${fmtS(floorMs)} s (${floorPerS.toFixed(1)} workbooks/s, ${floorRssMb.toFixed(0)} MB), reader ${fmtS(readerMs)} s; CPU-time ratio ${cpuRatio.toFixed(2)}x`,
      load.report,
      '',
      `  rmi.workbooks_per_s      ${perS.toFixed(1)} workbooks/s`,
      `  rmi.ratio_to_read_floor  ${ratio.toFixed(2)}x   target ≤ ${TARGET_RATIO.toFixed(1)}x   ${ok(ratio <= TARGET_RATIO)}`,
      `  rmi.peak_rss_mb          ${rssMb.toFixed(0)} MB (floor ${floorRssMb.toFixed(0)} MB)   target < ${TARGET_RSS_MB} MB   ${ok(rssMb < TARGET_RSS_MB)}`,
    ].join('\n');
    const docs = [
      `## ${this.title}`,
      '',
      load.docs,
      '',
      '| Figure | Value | Target |',
      '| --- | --- | --- |',
      `| Input | ${input} | |`,
      `| Open-and-read floor, median of ${runs} | ${fmtS(floorMs)} s, ${floorPerS.toFixed(1)} workbooks/s (${floorRssMb.toFixed(0)} MB peak RSS) | |`,
      `| Read and map, median of ${runs} | ${fmtS(readerMs)} s | |`,
      `| Throughput \`rmi.workbooks_per_s\` | ${perS.toFixed(1)} workbooks/s | |`,
      `| Reader / floor \`rmi.ratio_to_read_floor\` | ${ratio.toFixed(2)}× (CPU time: ${cpuRatio.toFixed(2)}×) | ≤ ${TARGET_RATIO.toFixed(1)}× ${met(ratio <= TARGET_RATIO)} |`,
      `| Reader peak RSS \`rmi.peak_rss_mb\` | ${rssMb.toFixed(0)} MB (floor ${floorRssMb.toFixed(0)} MB) | < ${TARGET_RSS_MB} MB ${met(rssMb < TARGET_RSS_MB)} |`,
      '',
      `Method: \`bench/rmi-generate.ts\` fills copies of the blank RMI templates with the reader's fixtures builder (\`test/helpers/rmi-fixtures.ts\`): seeded, deterministic, a mix of templates, versions and Declaration languages, each with its company, 20–60 smelters (by CID and by look-up name, some not yet identified, some recycled) and a few mistakes; ${gen.distinct} distinct workbooks are built (about a second each) and written ${Math.round(count / gen.distinct)} times each under their own names (reading a copy costs what reading its original does). Then the floor (each file read from disk and opened with the same library, read-excel-file, reading the same sheets the reader reads through the library's \`sheets\` option, rows only counted) and the reader (each file read from disk and \`readWorkbook()\`: the zip guard, a package of the chosen sheets with values only, template and version detection, Declaration, Smelter List, Mine List and Smelter Look-up mapped to supplier lines and rejections) run alternately ${runs} time(s) each, each in a fresh \`node --import tsx\` process over all the workbooks one after the other.`,
      'Times are medians of the in-process clock from before each side imports its modules to the end of its work (Node and tsx start-up excluded from both); peak memory is `process.resourceUsage().maxRSS` of the process, the high-water mark over all the workbooks.',
    ].join('\n');
    const doNotRecord =
      count !== DEFAULT_WORKBOOKS && process.env.BENCH_WRITE !== '1'
        ? `BENCH_WORKBOOKS=${count} is not the benchmark's ${fmtInt(DEFAULT_WORKBOOKS)} (set BENCH_WRITE=1 to record it anyway)`
        : undefined;
    return doNotRecord ? { metrics, report, docs, doNotRecord } : { metrics, report, docs };
  },
};
