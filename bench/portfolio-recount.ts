/**
 * Benchmark `portfolio-recount`: how many suppliers one turn of the daily portfolio recount scans a second (what
 * sizes RECOUNT.itemsPerTurn: above it the recount fans out), the recount in one invocation, and the same recount
 * fanned out over segments through the real run store, checked equal (bench/portfolio-recount.child.ts).
 *
 * Env: BENCH_RECOUNT_SUPPLIERS (default 100,000), BENCH_RECOUNT_SEGMENTS (default 8).
 */
import { fileURLToPath } from 'node:url';
import { RECOUNT } from '../shared/portfolio/recount-run.ts';
import { RECOUNT_FUNCTION_TIMEOUT_SECONDS } from '../shared/queue/settings.ts';
import { envInt, fmtInt, loadNote, met, ok, round2, runTsChild } from './common.ts';
import type { BenchContext, Benchmark, BenchmarkResult, Metric } from './types.ts';

const CHILD = fileURLToPath(new URL('./portfolio-recount.child.ts', import.meta.url));

interface Run {
  suppliers: number;
  loadSeconds: number;
  turn: { seconds: number; suppliers: number; itemsPerSecond: number };
  inProcess: { seconds: number; tenants: number; suppliers: number };
  fannedOut: { segments: number; seconds: number; equal: boolean; outcomes: string[] };
}

export const portfolioRecountBench: Benchmark = {
  id: 'portfolio-recount',
  title: 'Portfolio recount: one turn’s rate, and the fan-out',
  async run(ctx: BenchContext): Promise<BenchmarkResult> {
    const size = envInt('BENCH_RECOUNT_SUPPLIERS', 100_000);
    const segments = envInt('BENCH_RECOUNT_SEGMENTS', 8);
    const loadBefore = ctx.loadAverage();
    ctx.log(`portfolio-recount: ${fmtInt(size)} suppliers, fanned out over ${segments} segments`);
    const r = await runTsChild<Run>(ctx.root, CHILD, [String(size), String(segments)]);
    const load = loadNote(ctx, loadBefore, ctx.loadAverage());
    const rate = r.turn.itemsPerSecond;
    // What one turn covers with half its time kept as margin: the fan-out threshold must stay below it.
    const covered = (rate * RECOUNT_FUNCTION_TIMEOUT_SECONDS) / 2;
    const thresholdOk = RECOUNT.itemsPerTurn <= covered;
    const metrics: Metric[] = [
      { name: 'portfolio-recount.suppliers', value: r.suppliers, unit: 'suppliers' },
      { name: 'portfolio-recount.turn_items_per_s', value: Math.round(rate), unit: 'items/s' },
      { name: 'portfolio-recount.turn_covers_items', value: Math.round(covered), unit: 'items' },
      { name: 'portfolio-recount.in_process_s', value: round2(r.inProcess.seconds), unit: 's' },
      { name: 'portfolio-recount.fanned_out_s', value: round2(r.fannedOut.seconds), unit: 's' },
      { name: 'portfolio-recount.fanned_out_equal', value: r.fannedOut.equal ? 1 : 0, unit: 'bool' },
    ];
    const report = [
      `portfolio-recount — ${this.title}`,
      `  ${fmtInt(r.suppliers)} stored suppliers over 10 tenants (loaded in ${r.loadSeconds.toFixed(0)} s)`,
      `  one turn, one segment alone: ${r.turn.seconds.toFixed(1)} s, ${fmtInt(rate)} items/s → half of ${RECOUNT_FUNCTION_TIMEOUT_SECONDS} s covers ${fmtInt(covered)} items`,
      `  in one invocation (${r.inProcess.tenants} tenants): ${r.inProcess.seconds.toFixed(1)} s`,
      `  fanned out over ${r.fannedOut.segments} segments (one redelivered): ${r.fannedOut.seconds.toFixed(1)} s, equal to one invocation: ${r.fannedOut.equal}`,
      load.report,
      '',
      `  RECOUNT.itemsPerTurn ${fmtInt(RECOUNT.itemsPerTurn)} ≤ what a turn covers   ${ok(thresholdOk)}`,
      `  fanned-out recount equals the one in one invocation   ${ok(r.fannedOut.equal)}`,
    ].join('\n');
    const docs = [
      `## ${this.title}`,
      '',
      load.docs,
      '',
      `${fmtInt(r.suppliers)} stored suppliers over 10 tenants in an in-memory dynalite (the store's own compact items).`,
      '',
      '| Figure | Value | Target |',
      '| --- | --- | --- |',
      `| One turn's scan, one segment alone \`portfolio-recount.turn_items_per_s\` | ${fmtInt(rate)} items/s (${r.turn.seconds.toFixed(1)} s) | |`,
      `| What one turn covers, half of its ${RECOUNT_FUNCTION_TIMEOUT_SECONDS} s kept as margin \`portfolio-recount.turn_covers_items\` | ${fmtInt(covered)} items | ≥ \`RECOUNT.itemsPerTurn\` ${fmtInt(RECOUNT.itemsPerTurn)} ${met(thresholdOk)} |`,
      `| Recount in one invocation (4 parallel segments) \`portfolio-recount.in_process_s\` | ${r.inProcess.seconds.toFixed(1)} s | |`,
      `| Fanned out over ${r.fannedOut.segments} segments, run store on dynalite, one message redelivered \`portfolio-recount.fanned_out_s\` | ${r.fannedOut.seconds.toFixed(1)} s | |`,
      `| Fanned-out aggregates equal to one invocation's \`portfolio-recount.fanned_out_equal\` | ${r.fannedOut.equal ? 'yes' : 'no'} | yes ${met(r.fannedOut.equal)} |`,
      '',
      "Method: `bench/portfolio-recount.child.ts` in a fresh process. One turn's rate is `recountSegment` over the real scan adapter, the whole table as one segment (what a fanned-out turn does over its share), with the emulator on the same CPU. The fan-out is `startRecount` told the table is large enough for the segments asked, its queue delivered by hand, each message through `processRecountSegment` and the DynamoDB run store; the tenants' aggregates it writes are compared with those of the recount in one invocation. Dynalite keeps no `ItemCount`, so the local runtime always recounts in one invocation.",
    ].join('\n');
    return { metrics, report, docs };
  },
};
