/**
 * Benchmark `uploads`: what hard uploads cost, each against a floor measured in the same run.
 *
 * - A 5 MB JSON upload whose objects each carry a key of their own (the shape that used to parse in quadratic time):
 *   its read against the same rows as CSV (floor), the read of half the file (a linear reader takes about half the
 *   time: the doubling ratio is ~2, a quadratic one ~4), and the whole local pipeline on it.
 * - A 50,000-row CSV upload with 10% bad rows against the same 50,000 rows without mistakes, through the local
 *   pipeline: time and peak memory.
 *
 * Each measurement is a fresh process (`bench/uploads.child.ts`); sides alternate; medians are reported.
 * Env: BENCH_RUNS (reads, default 3), BENCH_UPLOAD_RUNS (pipeline runs, default 2), BENCH_AS_OF (default 2025-12-01).
 */
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { envInt, fmtInt, loadNote, median, met, ok, round2, runTsChild } from './common.ts';
import { DEFAULT_SEED, GENERATOR_VERSION, generateSupplierList, prng } from './generate.ts';
import type { BenchContext, Benchmark, BenchmarkResult, Metric } from './types.ts';

const CHILD = fileURLToPath(new URL('./uploads.child.ts', import.meta.url));
const JSON_BYTES = 5_000_000;
const BAD_ROWS = 50_000;
const BAD_RATE = 0.1;
const TARGET_DOUBLING = 2.5;
const TARGET_JSON_TO_CSV = 3.0;
const TARGET_BAD_TO_CLEAN = 1.2;

interface ReadRun {
  ms: number;
  cpuMs: number;
  maxRssMb: number;
  rows: number;
  accepted: number;
  rejected: number;
}
interface UploadRun extends ReadRun {
  status: string;
  suppliers: number;
  rowsStored: number;
  rowsSuperseded: number;
  rowsDeadLettered: number;
  rowsNotQueued: number;
}

const csvCell = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
const csvText = (rows: readonly string[][]) => `${rows.map((r) => r.map(csvCell).join(',')).join('\n')}\n`;
const fmtS = (ms: number) => (ms / 1000).toFixed(2);

/** Ways an analyst's row goes wrong: each a rejection with a row number (column index, bad value). */
const MISTAKES: readonly [number, string][] = [
  [0, ''],
  [5, 'unobtainium'],
  [6, 'Narnia'],
  [8, 'about half'],
  [10, '-5'],
];

async function files(ctx: BenchContext) {
  const source = join(ctx.tmpDir, 'uploads-source.csv');
  await generateSupplierList(source, BAD_ROWS, DEFAULT_SEED);
  const [header, ...rows] = parse(await readFile(source)) as string[][];
  if (!header) throw new Error('generated file has no header');

  // JSON objects, each with a key of its own, until the array reaches 5 MB; the same rows as CSV for the floor.
  const objects: string[] = [];
  let bytes = 2;
  for (const [i, row] of rows.entries()) {
    const o: Record<string, string> = Object.fromEntries(header.map((h, j) => [h, row[j] ?? '']));
    o[`note_${i}`] = 'x';
    const s = JSON.stringify(o);
    if (bytes + s.length + 1 > JSON_BYTES) break;
    objects.push(s);
    bytes += s.length + 1;
  }
  const n = objects.length;
  const json = join(ctx.tmpDir, 'uploads-5mb.json');
  const jsonHalf = join(ctx.tmpDir, 'uploads-half.json');
  const jsonCsv = join(ctx.tmpDir, 'uploads-5mb-rows.csv');
  await writeFile(json, `[${objects.join(',')}]`);
  await writeFile(jsonHalf, `[${objects.slice(0, n >> 1).join(',')}]`);
  await writeFile(jsonCsv, csvText([header, ...rows.slice(0, n)]));

  // 10% of the 50,000 rows made wrong, seeded; the clean file is the same rows as generated.
  const r = prng(DEFAULT_SEED + 1);
  let made = 0;
  const badRows = rows.map((row) => {
    if (r() >= BAD_RATE) return row;
    made++;
    const [col, value] = MISTAKES[Math.floor(r() * MISTAKES.length)] as [number, string];
    return row.with(col, value);
  });
  const clean = join(ctx.tmpDir, 'uploads-50k-clean.csv');
  const bad = join(ctx.tmpDir, 'uploads-50k-bad.csv');
  await writeFile(clean, csvText([header, ...rows]));
  await writeFile(bad, csvText([header, ...badRows]));
  return { json, jsonHalf, jsonCsv, jsonRows: n, clean, bad, badMade: made };
}

export const uploadsBench: Benchmark = {
  id: 'uploads',
  title: 'Hard uploads: a 5 MB JSON array, and 50,000 rows with 10% bad',
  async run(ctx: BenchContext): Promise<BenchmarkResult> {
    const runs = envInt('BENCH_RUNS', 3);
    const uploadRuns = envInt('BENCH_UPLOAD_RUNS', 2);
    const asOf = process.env.BENCH_AS_OF ?? '2025-12-01';
    const f = await files(ctx);
    const size = async (p: string) => (await stat(p)).size / 1e6;
    ctx.log(
      `uploads: JSON ${fmtInt(f.jsonRows)} rows (${(await size(f.json)).toFixed(1)} MB); 50k with ${f.badMade} bad`,
    );

    const loadBefore = ctx.loadAverage();
    const read = { json: [] as ReadRun[], half: [] as ReadRun[], csv: [] as ReadRun[] };
    for (let i = 0; i < runs; i++) {
      read.csv.push(await runTsChild<ReadRun>(ctx.root, CHILD, ['read', f.jsonCsv]));
      read.json.push(await runTsChild<ReadRun>(ctx.root, CHILD, ['read', f.json]));
      read.half.push(await runTsChild<ReadRun>(ctx.root, CHILD, ['read', f.jsonHalf]));
    }
    const up = { json: [] as UploadRun[], clean: [] as UploadRun[], bad: [] as UploadRun[] };
    for (let i = 0; i < uploadRuns; i++) {
      up.json.push(await runTsChild<UploadRun>(ctx.root, CHILD, ['upload', f.json, asOf]));
      up.clean.push(await runTsChild<UploadRun>(ctx.root, CHILD, ['upload', f.clean, asOf]));
      up.bad.push(await runTsChild<UploadRun>(ctx.root, CHILD, ['upload', f.bad, asOf]));
      ctx.log(`uploads: run ${i + 1}/${uploadRuns} done`);
    }
    const load = loadNote(ctx, loadBefore, ctx.loadAverage());

    const med = (xs: readonly { ms: number }[]) => median(xs.map((x) => x.ms));
    const rss = (xs: readonly { maxRssMb: number }[]) => median(xs.map((x) => x.maxRssMb));
    const doubling = med(read.json) / med(read.half);
    const jsonToCsv = med(read.json) / med(read.csv);
    const badToClean = med(up.bad) / med(up.clean);
    const bad = up.bad.at(-1) as UploadRun;
    const settled = bad.rowsStored + bad.rowsSuperseded + bad.rejected + bad.rowsDeadLettered + bad.rowsNotQueued;
    if (settled !== bad.rows) throw new Error(`bad upload: ${bad.rows} rows but ${settled} accounted for`);
    if (bad.rows !== BAD_ROWS) throw new Error(`bad upload counted ${bad.rows} rows, expected ${BAD_ROWS}`);

    const metrics: Metric[] = [
      { name: 'uploads.json_5mb_read_ms', value: Math.round(med(read.json)), unit: 'ms' },
      { name: 'uploads.json_read_doubling_ratio', value: round2(doubling), unit: 'x' },
      { name: 'uploads.json_read_ratio_to_csv', value: round2(jsonToCsv), unit: 'x' },
      { name: 'uploads.json_5mb_upload_s', value: round2(med(up.json) / 1000), unit: 's' },
      { name: 'uploads.json_5mb_peak_rss_mb', value: Math.round(rss(up.json)), unit: 'MB' },
      { name: 'uploads.bad10_50k_upload_s', value: round2(med(up.bad) / 1000), unit: 's' },
      { name: 'uploads.bad10_50k_peak_rss_mb', value: Math.round(rss(up.bad)), unit: 'MB' },
      { name: 'uploads.bad10_ratio_to_clean', value: round2(badToClean), unit: 'x' },
    ];
    const rows = [
      [
        `JSON read, ${fmtInt(f.jsonRows)} rows (5 MB, a key of its own per object)`,
        `${fmtS(med(read.json))} s, ${rss(read.json).toFixed(0)} MB peak RSS \`uploads.json_5mb_read_ms\``,
        '',
      ],
      ['Same rows as CSV (floor)', `${fmtS(med(read.csv))} s, ${rss(read.csv).toFixed(0)} MB`, ''],
      [
        'JSON / CSV read `uploads.json_read_ratio_to_csv`',
        `${jsonToCsv.toFixed(2)}×`,
        `≤ ${TARGET_JSON_TO_CSV}× ${met(jsonToCsv <= TARGET_JSON_TO_CSV)}`,
      ],
      [
        'JSON 5 MB / half of it `uploads.json_read_doubling_ratio`',
        `${doubling.toFixed(2)}× (${fmtS(med(read.half))} s for half; linear ≈ 2, quadratic ≈ 4)`,
        `≤ ${TARGET_DOUBLING}× ${met(doubling <= TARGET_DOUBLING)}`,
      ],
      [
        'JSON 5 MB through the local pipeline `uploads.json_5mb_upload_s`',
        `${fmtS(med(up.json))} s, ${rss(up.json).toFixed(0)} MB peak RSS (${up.json[0]?.status})`,
        '',
      ],
      [
        `50,000 rows, ${f.badMade.toLocaleString('en-US')} made bad (10%) \`uploads.bad10_50k_upload_s\``,
        `${fmtS(med(up.bad))} s, ${rss(up.bad).toFixed(0)} MB peak RSS; rows ${fmtInt(bad.rows)} = stored ${fmtInt(bad.rowsStored)} + superseded ${fmtInt(bad.rowsSuperseded)} + rejected ${fmtInt(bad.rejected)} + dead-lettered ${fmtInt(bad.rowsDeadLettered)} + not queued ${fmtInt(bad.rowsNotQueued)} (${bad.status})`,
        '',
      ],
      ['Same 50,000 rows, none bad (floor)', `${fmtS(med(up.clean))} s, ${rss(up.clean).toFixed(0)} MB peak RSS`, ''],
      [
        'Bad / clean `uploads.bad10_ratio_to_clean`',
        `${badToClean.toFixed(2)}×`,
        `≤ ${TARGET_BAD_TO_CLEAN}× ${met(badToClean <= TARGET_BAD_TO_CLEAN)}`,
      ],
    ];
    const report = [
      `uploads — ${this.title}`,
      ...rows.map(([a, b]) => `  ${a}: ${b}`),
      load.report,
      `  json read doubling ${doubling.toFixed(2)}x ${ok(doubling <= TARGET_DOUBLING)}; json/csv ${jsonToCsv.toFixed(2)}x ${ok(jsonToCsv <= TARGET_JSON_TO_CSV)}; bad/clean ${badToClean.toFixed(2)}x ${ok(badToClean <= TARGET_BAD_TO_CLEAN)}`,
    ].join('\n');
    const docs = [
      `## ${this.title}`,
      '',
      load.docs,
      '',
      '| Figure | Value | Target |',
      '| --- | --- | --- |',
      ...rows.map(([a, b, c]) => `| ${a} | ${b} | ${c} |`),
      '',
      `Method: rows from \`bench/generate.ts\` (generator v${GENERATOR_VERSION}, seed ${DEFAULT_SEED}). The JSON file holds the first rows as objects with the contract's column names plus a key of its own (\`note_<i>\`), as many as fit in 5,000,000 bytes; the floor is the same rows as CSV. Reads run in fresh processes (\`bench/uploads.child.ts read\`: JSON as ingest reads it, text then \`readSupplierListJson\`; CSV streamed through \`readSupplierList\`; ingest's row and rejection limits), ${runs} times each, alternating; medians. Uploads run the local pipeline in a fresh process each (\`startLocalRuntime({ timeScale: 1 })\`, \`runtime.upload()\`, \`waitForBatch\`; the clock from the upload to completion), ${uploadRuns} times each, alternating; medians. The bad file is the clean 50,000 rows with 10% (seeded) given one mistake each: no supplier id, an unknown mineral, an unknown country, a share in words, negative inventory days; the counts shown add up to the rows.`,
    ].join('\n');
    return { metrics, report, docs };
  },
};
