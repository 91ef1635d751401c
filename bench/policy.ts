/**
 * Benchmark `policy`: an operator's revision rescoring what it moves, against a scan floor measured in the same run.
 *
 * About 100,000 stored suppliers (generated list, three tenants, US and German buyers); the revision "China extends
 * its suspension of Ann. 46 clause 2 to 2027-11-27"; the clock from the revision to the last segment of its run.
 * Floor: a parallel scan of the same table (same segments, page size and concurrency) that does nothing else. Also
 * DynamoDB write requests per changed and per unchanged supplier, and 0 missed against a fresh scoring of all.
 *
 * Env: BENCH_POLICY_ROWS (default 200000 rows ≈ 100,000 suppliers), BENCH_AS_OF (default 2026-12-03).
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { envInt, fmtInt, loadNote, met, ok, round2, runTsChild } from './common.ts';
import { DEFAULT_SEED, GENERATOR_VERSION, generateSupplierList } from './generate.ts';
import type { BenchContext, Benchmark, BenchmarkResult, Metric } from './types.ts';

const CHILD = fileURLToPath(new URL('./policy.child.ts', import.meta.url));
export const DEFAULT_POLICY_ROWS = 200_000;
const TARGET_RATIO = 3.0;
const TARGET_CHANGED = 1.2;

interface Run {
  ms: number;
  cpuMs: number;
  floorMs: number;
  suppliers: number;
  scanned: number;
  moved: number;
  missed: number;
  runWrites: number;
  /** Change records the run wrote (issue 10): one per supplier whose score, band or worst line moved. */
  /** The run's change records, as the change feed lists them. */
  runChangeRecords: number;
  /** Of the run's writes: single change records beside their suppliers, and change groups' parts. */
  runSingleRecords: number;
  runGroupWrites: number;
  /** Portfolio aggregate deltas written (one per page and tenant with a moved supplier): not supplier writes. */
  runAggregateWrites: number;
  maxRssMb: number;
  counts: {
    examined: number;
    rescored: number;
    changed: number;
    unchanged: number;
    nextChangeOnly: number;
    failed: number;
  };
}

export const policyBench: Benchmark = {
  id: 'policy',
  title: 'Policy revision to rescored suppliers vs a scan floor',
  async run(ctx: BenchContext): Promise<BenchmarkResult> {
    const rows = envInt('BENCH_POLICY_ROWS', DEFAULT_POLICY_ROWS);
    const asOf = process.env.BENCH_AS_OF ?? '2026-12-03';
    const file = join(ctx.tmpDir, `policy-suppliers-${rows}.csv`);
    const gen = await generateSupplierList(file, rows, DEFAULT_SEED);
    ctx.log(`policy: ${fmtInt(gen.rows)} rows, ${fmtInt(gen.suppliers)} suppliers`);
    const before = ctx.loadAverage();
    const r = await runTsChild<Run>(ctx.root, CHILD, [file, asOf]);
    const load = loadNote(ctx, before, ctx.loadAverage());
    const c = r.counts;
    const ratio = r.ms / r.floorMs;
    const perChanged = c.changed === 0 ? 0 : (r.runWrites - c.nextChangeOnly) / c.changed;
    const unchanged = r.suppliers - c.changed;
    const perUnchanged = unchanged === 0 ? 0 : c.nextChangeOnly / unchanged;
    const recordsPerChanged = c.changed === 0 ? 0 : r.runChangeRecords / c.changed;
    const metrics: Metric[] = [
      { name: 'policy.ratio_to_scan_floor', value: round2(ratio), unit: 'x' },
      { name: 'policy.seconds_to_last_score', value: round2(r.ms / 1000), unit: 's' },
      { name: 'policy.writes_per_changed_supplier', value: round2(perChanged), unit: 'requests' },
      { name: 'policy.writes_per_unchanged_supplier', value: Math.round(perUnchanged * 1000) / 1000, unit: 'requests' },
      { name: 'policy.missed', value: r.missed, unit: 'suppliers' },
      { name: 'policy.change_records_per_changed_supplier', value: round2(recordsPerChanged), unit: 'records' },
    ];
    const table: [string, string, string][] = [
      ['Stored suppliers', `${fmtInt(r.suppliers)} (3 tenants; ${fmtInt(gen.rows)} generated rows)`, ''],
      ['Moved by the revision', `${fmtInt(r.moved)} (${((100 * r.moved) / r.suppliers).toFixed(1)}%)`, ''],
      ['Scan floor (same segments, pages, concurrency)', `${(r.floorMs / 1000).toFixed(1)} s`, ''],
      [
        'Revision to last affected score stored `policy.seconds_to_last_score`',
        `${(r.ms / 1000).toFixed(1)} s (CPU ${(r.cpuMs / 1000).toFixed(1)} s)`,
        '',
      ],
      [
        'Run / floor `policy.ratio_to_scan_floor`',
        `${ratio.toFixed(2)}×`,
        `≤ ${TARGET_RATIO}× ${met(ratio <= TARGET_RATIO)}`,
      ],
      [
        'Write requests per changed supplier `policy.writes_per_changed_supplier`',
        `${perChanged.toFixed(2)} (${fmtInt(c.changed)} changed)`,
        `≤ ${TARGET_CHANGED} ${met(perChanged <= TARGET_CHANGED)}`,
      ],
      [
        'Write requests per unchanged supplier `policy.writes_per_unchanged_supplier`',
        `${perUnchanged.toFixed(3)} (${fmtInt(c.nextChangeOnly)} next-change-date update(s))`,
        `0 ${met(perUnchanged === 0)}`,
      ],
      [
        'Change records per changed supplier `policy.change_records_per_changed_supplier`',
        `${recordsPerChanged.toFixed(2)} (${fmtInt(r.runChangeRecords)} records in the feed: ${fmtInt(r.runGroupWrites)} change group writes, ${fmtInt(r.runSingleRecords)} records beside their suppliers)`,
        `≤ 1 ${met(recordsPerChanged <= 1)}`,
      ],
      [
        'Portfolio aggregate delta writes (apart from the above)',
        `${fmtInt(r.runAggregateWrites)} (one per page and tenant with a moved supplier)`,
        '',
      ],
      ['Missed (stored ≠ fresh scoring) `policy.missed`', `${r.missed}`, `0 ${met(r.missed === 0)}`],
      ['Run counts', `examined ${fmtInt(c.examined)}, rescored ${fmtInt(c.rescored)}, failed ${c.failed}`, ''],
    ];
    const report = [
      `policy — ${this.title}`,
      ...table.map(([a, b]) => `  ${a}: ${b}`),
      load.report,
      `  ratio ${ratio.toFixed(2)}x ${ok(ratio <= TARGET_RATIO)}; per changed ${perChanged.toFixed(2)} ${ok(perChanged <= TARGET_CHANGED)}; missed ${r.missed} ${ok(r.missed === 0)}`,
    ].join('\n');
    const docs = [
      `## ${this.title}`,
      '',
      load.docs,
      '',
      '| Figure | Value | Target |',
      '| --- | --- | --- |',
      ...table.map(([a, b, t]) => `| ${a} | ${b} | ${t} |`),
      '',
      `Method: \`bench/policy.child.ts\` in a fresh process: the local runtime (dynalite in memory, the in-process rescore queue with the shared settings driving the real worker), the generated list (generator v${GENERATOR_VERSION}, seed ${DEFAULT_SEED}) stored as scored as of ${asOf} over three tenants (two suppliers in five for a US buyer, the rest German: the suspension reaches US buyers only, so about a tenth of the suppliers move), then the revision recorded and its run started as the admin route does (the writers publish their change events to the notify queue, which is not consumed during the run: the notifier is another function in AWS); the clock stops when the run's last segment is recorded. The floor scans the same table with the same ${'`'}RESCORE_RUN${'`'} segments and page size at the rescore queue's concurrency, reading every page and doing nothing else. Writes are counted by SDK middleware on supplier items, and apart on change records (a page's moved suppliers' records go in one change group per page and tenant); the run's records are counted as the change feed lists them (one per visible change). One run (the setup stores 100,000 suppliers).`,
    ].join('\n');
    const doNotRecord =
      rows !== DEFAULT_POLICY_ROWS && process.env.BENCH_WRITE !== '1'
        ? `BENCH_POLICY_ROWS=${rows} is not the benchmark's ${fmtInt(DEFAULT_POLICY_ROWS)} rows`
        : undefined;
    return doNotRecord ? { metrics, report, docs, doNotRecord } : { metrics, report, docs };
  },
};
