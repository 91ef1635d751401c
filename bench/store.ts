/**
 * Benchmark `store`: what DynamoDB bills for storing scores, in write units: the table's as DynamoDB itself reports
 * them (`ReturnConsumedCapacity: 'TOTAL'`; dynalite computes them as DynamoDB does, but for the table only) and the
 * indexes' from the index entries each phase added, moved or removed (store.child.ts), per supplier first
 * scored through the real pipeline and per supplier a rescore examines and leaves unchanged; and the size of a stored
 * supplier item. No floor: these are counts, not times.
 *
 * Env: BENCH_STORE_ROWS (default 20000 rows ≈ 10,000 suppliers per upload, two uploads), BENCH_AS_OF (2026-12-03).
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { envInt, fmtInt, met, ok, round2, runTsChild } from './common.ts';
import { DEFAULT_SEED, GENERATOR_VERSION, generateSupplierList } from './generate.ts';
import type { BenchContext, Benchmark, BenchmarkResult, Metric } from './types.ts';

const CHILD = fileURLToPath(new URL('./store.child.ts', import.meta.url));
export const DEFAULT_STORE_ROWS = 20_000;
/** Issue 12's targets: write units per supplier first scored, and per supplier a rescore leaves unchanged. */
const TARGET_FIRST = 2.2;
const TARGET_UNCHANGED = 0;
const TARGET_ITEM_BYTES = 1024;
/** On-demand prices, us-east-1 (2026): $0.625 per million write request units, $0.125 per million read units. */
const USD_PER_MILLION_WRU = 0.625;
const USD_PER_MILLION_RRU = 0.125;
/** Issue 12: a million suppliers rescored, a tenth of them moved, at most $0.20. */
const TARGET_USD_RESCORE = 0.2;
const MOVED_SHARE = 0.1;
/**
 * What the run costs besides DynamoDB's writes and scan, on paper (docs/operations.md, "Cost of a rescore run"):
 * Lambda ≈ $0.013 and the segments' progress items < $0.01 per million suppliers. Estimates, not measured here.
 */
const OTHER_RESCORE_USD = 0.02;

type Kinds = Record<'supplier' | 'change' | 'batch' | 'aggregate' | 'other', number>;
interface Run {
  suppliers: number;
  /** Chunks of the two uploads, and the larger batch record's size once all were counted. */
  chunks: number;
  batchBytesMax: number;
  first: Kinds;
  firstIndexes: Record<string, number>;
  firstTotal: number;
  itemBytes: { p50: number; p90: number; max: number };
  itemBytesAfterRescore: { mean: number; p90: number; overOneKb: number };
  scanBytesPerSupplier: number;
  rescore: {
    examined: number;
    changed: number;
    unchanged: number;
    /** Units on unchanged suppliers other than next-change-date-only updates. */
    unchangedUnits: number;
    dateOnlyUnits: number;
    dateOnly: number;
    changedUnits: number;
    /** Of changedUnits: the rescore pages' change groups. */
    groupUnits: number;
    bookkeepingUnits: number;
    indexes: Record<string, number>;
  };
}

const per = (n: number, d: number) => (d === 0 ? 0 : n / d);
const sum = (units: Record<string, number>) => Object.values(units).reduce((a, b) => a + b, 0);
const indexList = (units: Record<string, number>, d: number) =>
  Object.entries(units)
    .map(([name, n]) => `\`${name}\` ${per(n, d).toFixed(2)}`)
    .join(', ') || 'none';

export const storeBench: Benchmark = {
  id: 'store',
  title: 'Write units per supplier, from DynamoDB consumed capacity',
  async run(ctx: BenchContext): Promise<BenchmarkResult> {
    const rows = envInt('BENCH_STORE_ROWS', DEFAULT_STORE_ROWS);
    const asOf = process.env.BENCH_AS_OF ?? '2026-12-03';
    const file = join(ctx.tmpDir, `store-suppliers-${rows}.csv`);
    const gen = await generateSupplierList(file, rows, DEFAULT_SEED);
    ctx.log(`store: ${fmtInt(gen.rows)} rows, ${fmtInt(gen.suppliers)} suppliers, uploaded twice`);
    const r = await runTsChild<Run>(ctx.root, CHILD, [file, asOf]);
    const k = r.first;
    const firstPer = per(r.firstTotal, r.suppliers);
    const rs = r.rescore;
    const examinedUnchanged = rs.examined - rs.changed;
    const unchangedPer = per(rs.unchangedUnits, examinedUnchanged);
    const changedPer = per(rs.changedUnits, rs.changed);
    const usdFirst = firstPer * USD_PER_MILLION_WRU;
    // A million examined, a tenth moved: the moved suppliers' writes, and a scan of the table (eventually consistent:
    // half a read unit per 4 KB read). The run's own bookkeeping and Lambda are in docs/operations.md.
    const usdRescoreWrites = MOVED_SHARE * changedPer * USD_PER_MILLION_WRU;
    const usdRescoreScan = (r.scanBytesPerSupplier / 4096 / 2) * USD_PER_MILLION_RRU;
    const usdRescore = usdRescoreWrites + usdRescoreScan;
    const metrics: Metric[] = [
      { name: 'store.wru_per_supplier_first', value: round2(firstPer), unit: 'WRU' },
      { name: 'store.wru_per_rescore_unchanged', value: round2(unchangedPer), unit: 'WRU' },
      { name: 'store.wru_per_rescore_changed', value: round2(changedPer), unit: 'WRU' },
      { name: 'store.supplier_item_bytes_p50', value: r.itemBytes.p50, unit: 'bytes' },
      { name: 'store.batch_record_bytes', value: r.batchBytesMax, unit: 'bytes' },
      { name: 'store.usd_per_million_first_scored', value: round2(usdFirst), unit: 'USD' },
      { name: 'store.usd_per_million_rescored_10pct_moved', value: Math.round(usdRescore * 1000) / 1000, unit: 'USD' },
    ];
    const table: [string, string, string][] = [
      ['Suppliers first scored (two uploads, US and German buyer)', fmtInt(r.suppliers), ''],
      [
        'Write units per supplier first scored `store.wru_per_supplier_first`',
        `${firstPer.toFixed(2)} (supplier items ${per(k.supplier, r.suppliers).toFixed(2)}, change records (one group per chunk) ${per(k.change, r.suppliers).toFixed(2)}, batch records ${per(k.batch, r.suppliers).toFixed(2)}, portfolio aggregates ${per(k.aggregate ?? 0, r.suppliers).toFixed(2)}, other ${per(k.other, r.suppliers).toFixed(2)}; indexes: ${indexList(r.firstIndexes, r.suppliers)})`,
        `≤ ${TARGET_FIRST} ${met(firstPer <= TARGET_FIRST)}`,
      ],
      [
        'Write units per supplier a rescore examines and leaves unchanged `store.wru_per_rescore_unchanged`',
        `${unchangedPer.toFixed(2)} (${fmtInt(examinedUnchanged)} unchanged of ${fmtInt(rs.examined)} examined; besides, ${fmtInt(rs.dateOnly)} whose next change date alone moved took ${rs.dateOnlyUnits} units, the cheap update the issue allows)`,
        `${TARGET_UNCHANGED} ${met(unchangedPer <= TARGET_UNCHANGED)}`,
      ],
      [
        'Write units per supplier the rescore moved `store.wru_per_rescore_changed`',
        `${changedPer.toFixed(2)} (${fmtInt(rs.changed)} moved: supplier items ${per(rs.changedUnits - rs.groupUnits - sum(rs.indexes), rs.changed).toFixed(2)} (after the run: mean ${fmtInt(r.itemBytesAfterRescore.mean)} B, ${(r.itemBytesAfterRescore.overOneKb * 100).toFixed(1)}% over 1 KB), change groups ${per(rs.groupUnits, rs.changed).toFixed(2)}, indexes ${indexList(rs.indexes, rs.changed)}; run bookkeeping ${rs.bookkeepingUnits.toFixed(1)} units in all)`,
        '',
      ],
      [
        'A million suppliers rescored, 10% moved: writes and the scan `store.usd_per_million_rescored_10pct_moved`',
        `$${usdRescore.toFixed(3)} (writes 100,000 × ${changedPer.toFixed(2)} WRU = $${usdRescoreWrites.toFixed(3)}; scan ${fmtInt(r.scanBytesPerSupplier)} B a supplier, items and change records, = $${usdRescoreScan.toFixed(3)}; Lambda and the run's progress items ≈ $${OTHER_RESCORE_USD} more on paper, docs/operations.md)`,
        `≤ $${TARGET_USD_RESCORE.toFixed(2)} ${met(usdRescore + OTHER_RESCORE_USD <= TARGET_USD_RESCORE)}`,
      ],
      [
        'Batch record once every chunk is counted `store.batch_record_bytes`',
        `${fmtInt(r.batchBytesMax)} B after ${fmtInt(Math.round(r.chunks / 2))} chunks, ${per(k.batch, r.chunks).toFixed(2)} write units per chunk (its marks are folded 32 at a time into ranges, so it stays this size however many chunks an upload has: ${per(k.batch, r.suppliers).toFixed(2)} per supplier at a million rows too)`,
        `≤ ${fmtInt(TARGET_ITEM_BYTES)} B ${met(r.batchBytesMax <= TARGET_ITEM_BYTES)}`,
      ],
      [
        'Stored supplier item `store.supplier_item_bytes_p50`',
        `p50 ${fmtInt(r.itemBytes.p50)} B, p90 ${fmtInt(r.itemBytes.p90)} B, max ${fmtInt(r.itemBytes.max)} B`,
        `≤ ${fmtInt(TARGET_ITEM_BYTES)} B ${met(r.itemBytes.p50 <= TARGET_ITEM_BYTES)}`,
      ],
      [
        'First scoring, DynamoDB writes per million suppliers `store.usd_per_million_first_scored`',
        `$${usdFirst.toFixed(2)} at $${USD_PER_MILLION_WRU} per million write units (on demand)`,
        '',
      ],
    ];
    const report = [
      `store — ${this.title}`,
      ...table.map(([a, b]) => `  ${a}: ${b}`),
      `  first ${firstPer.toFixed(2)} ${ok(firstPer <= TARGET_FIRST)}; unchanged ${unchangedPer.toFixed(2)} ${ok(unchangedPer <= TARGET_UNCHANGED)}`,
    ].join('\n');
    const docs = [
      `## ${this.title}`,
      '',
      `Measured ${ctx.date} (counts, not times: the machine's load does not change them).`,
      '',
      '| Figure | Value | Target |',
      '| --- | --- | --- |',
      ...table.map(([a, b, t]) => `| ${a} | ${b} | ${t} |`),
      '',
      `Method: \`bench/store.child.ts\` in a fresh process: the local runtime with SDK middleware that adds \`ReturnConsumedCapacity: 'TOTAL'\` to every write request and sums the units dynalite answers, by item kind (supplier item, change record, batch record, portfolio aggregate, other). Dynalite answers the table's units only, so the index writes are counted from the items: a scan of the supplier items and change records (change groups included) before and after each phase, each index entry that appeared (one write of its size: keys only, or the whole item for \`changes\`), went (one) or moved (two), and an unmoved \`changes\` entry whose item changed (one). The generated list (generator v${GENERATOR_VERSION}, seed ${DEFAULT_SEED}, ${fmtInt(gen.rows)} rows) uploaded twice through the real pipeline as of ${asOf}, for a US and for a German buyer; then the policy bench's revision (China extends its suspension of Ann. 46 clause 2 to 2027-11-27, which reaches US buyers only) and its run: the units spent on each supplier's items during the run, summed over the suppliers whose score did not move, divided by the unchanged suppliers the run examined. Item sizes by DynamoDB's rules (bench/item-size.ts) over every stored supplier item. Price: on-demand write request units, us-east-1.`,
    ].join('\n');
    const doNotRecord =
      rows !== DEFAULT_STORE_ROWS && process.env.BENCH_WRITE !== '1'
        ? `BENCH_STORE_ROWS=${rows} is not the benchmark's ${fmtInt(DEFAULT_STORE_ROWS)} rows`
        : undefined;
    return doNotRecord ? { metrics, report, docs, doNotRecord } : { metrics, report, docs };
  },
};
