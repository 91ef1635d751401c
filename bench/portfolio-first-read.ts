/**
 * Benchmark `portfolio-first-read`: the first read of a tenant's portfolio aggregates (what GET
 * /v1/portfolio/exposure does on a cache miss) right after a large upload, before and after the score worker folds
 * deltas as the batch is counted and reads take a bounded number of them (issue 12). The upload is simulated on the
 * real adapter and dynalite (bench/portfolio-first-read.child.ts): its deltas logged as the score worker logs them,
 * one per chunk of 70, on a clock running at the pipeline's rate. Timed in wall clock; deltas counted as read.
 *
 * Env: BENCH_FIRST_READ_SUPPLIERS (default 100,000), BENCH_FIRST_READ_RATE (suppliers/s the upload is scored at;
 * default 627, `pipeline.suppliers_per_s` measured locally), BENCH_RUNS (default 3).
 */
import { fileURLToPath } from 'node:url';
import { PORTFOLIO_LOG } from '../shared/model/portfolio-fold.ts';
import { envInt, fmtInt, loadNote, met, ok, runTsChild } from './common.ts';
import type { BenchContext, Benchmark, BenchmarkResult, Metric } from './types.ts';

const CHILD = fileURLToPath(new URL('./portfolio-first-read.child.ts', import.meta.url));
const FULL_SIZE = 100_000;
/** The most pending deltas one read takes (every shard at its bound). */
const READ_BOUND = PORTFOLIO_LOG.deltaShards * PORTFOLIO_LOG.readMaxPerShard;

interface Run {
  suppliers: number;
  chunks: number;
  rate: number;
  uploadSeconds: number;
  before: { ms: number; deltas: number };
  after: { ms: number; deltas: number; complete: boolean; folds: number; foldMs: number };
  bounded: { ms: number; deltas: number; complete: boolean; readsToComplete: number };
}

export const portfolioFirstReadBench: Benchmark = {
  id: 'portfolio-first-read',
  title: 'First portfolio read after a large upload',
  async run(ctx: BenchContext): Promise<BenchmarkResult> {
    const size = envInt('BENCH_FIRST_READ_SUPPLIERS', FULL_SIZE);
    const rate = envInt('BENCH_FIRST_READ_RATE', 627);
    const runs = envInt('BENCH_RUNS', 3);
    const loadBefore = ctx.loadAverage();
    ctx.log(`portfolio-first-read: ${fmtInt(size)} suppliers at ${fmtInt(rate)} suppliers/s, ${runs} runs`);
    const r = await runTsChild<Run>(ctx.root, CHILD, [String(size), String(rate), String(runs)]);
    const load = loadNote(ctx, loadBefore, ctx.loadAverage());
    const faster = r.after.ms < r.before.ms;
    const bounded = r.after.deltas <= READ_BOUND && r.bounded.deltas <= READ_BOUND;
    const metrics: Metric[] = [
      { name: 'portfolio-first-read.suppliers', value: r.suppliers, unit: 'suppliers' },
      { name: 'portfolio-first-read.before_ms', value: Math.round(r.before.ms), unit: 'ms' },
      { name: 'portfolio-first-read.before_deltas', value: r.before.deltas, unit: 'deltas' },
      { name: 'portfolio-first-read.after_ms', value: Math.round(r.after.ms), unit: 'ms' },
      { name: 'portfolio-first-read.after_deltas', value: r.after.deltas, unit: 'deltas' },
      { name: 'portfolio-first-read.worker_folds', value: r.after.folds, unit: 'folds' },
      { name: 'portfolio-first-read.worker_fold_ms', value: Math.round(r.after.foldMs), unit: 'ms' },
      { name: 'portfolio-first-read.bounded_ms', value: Math.round(r.bounded.ms), unit: 'ms' },
      { name: 'portfolio-first-read.bounded_deltas', value: r.bounded.deltas, unit: 'deltas' },
      { name: 'portfolio-first-read.bounded_reads_to_complete', value: r.bounded.readsToComplete, unit: 'reads' },
    ];
    const scale =
      r.suppliers < FULL_SIZE
        ? `${fmtInt(r.suppliers)} suppliers, not the ${fmtInt(FULL_SIZE)} of the measure (BENCH_FIRST_READ_SUPPLIERS)`
        : `${fmtInt(r.suppliers)} suppliers`;
    const upload = `${scale} of one tenant in ${fmtInt(r.chunks)} chunks of 70 (one delta each), logged as an upload scored at ${fmtInt(r.rate)} suppliers/s would log them (${r.uploadSeconds.toFixed(0)} s)`;
    const report = [
      `portfolio-first-read — ${this.title}`,
      `  ${upload}; medians of ${runs} runs`,
      `  before (no worker folds, reads unbounded)   ${fmtInt(r.before.ms).padStart(6)} ms  ${fmtInt(r.before.deltas)} deltas read`,
      `  after (worker folds, reads bounded)         ${fmtInt(r.after.ms).padStart(6)} ms  ${fmtInt(r.after.deltas)} deltas read, complete ${r.after.complete}; ${r.after.folds} worker folds, ${fmtInt(r.after.foldMs)} ms in all`,
      `  bounded only (worker folds lost)            ${fmtInt(r.bounded.ms).padStart(6)} ms  ${fmtInt(r.bounded.deltas)} deltas read, complete ${r.bounded.complete}; ${r.bounded.readsToComplete} reads a second apart to complete`,
      load.report,
      '',
      `  first read faster after than before   ${ok(faster)}`,
      `  a read takes at most ${READ_BOUND} deltas        ${ok(bounded)}`,
    ].join('\n');
    const docs = [
      `## ${this.title}`,
      '',
      load.docs,
      '',
      `${upload}. The first read of the aggregates right after the last chunk (what GET /v1/portfolio/exposure does on a cache miss), wall clock, medians of ${runs} runs:`,
      '',
      '| Way | First read | Deltas it read | Complete |',
      '| --- | --- | --- | --- |',
      `| Before: no worker folds, a read takes every pending delta \`portfolio-first-read.before_ms\` | ${fmtInt(r.before.ms)} ms | ${fmtInt(r.before.deltas)} | yes |`,
      `| After: the score worker folds every ${PORTFOLIO_LOG.foldEveryChunks} chunks counted and at the batch's end (${r.after.folds} folds, ${fmtInt(r.after.foldMs)} ms in the workers), reads bounded \`portfolio-first-read.after_ms\` | ${fmtInt(r.after.ms)} ms | ${fmtInt(r.after.deltas)} | ${r.after.complete ? 'yes' : 'no'} |`,
      `| Bounded reads alone (the worker folds lost) \`portfolio-first-read.bounded_ms\` | ${fmtInt(r.bounded.ms)} ms | ${fmtInt(r.bounded.deltas)} | ${r.bounded.complete ? 'yes' : `no: ${r.bounded.readsToComplete} reads a second apart to complete`} |`,
      '',
      `First read faster after than before: ${met(faster)}. At most ${READ_BOUND} deltas (${PORTFOLIO_LOG.deltaShards} shards × ${PORTFOLIO_LOG.readMaxPerShard}) a read: ${met(bounded)}.`,
      '',
      `Method: \`bench/portfolio-first-read.child.ts\` in a fresh process: the suppliers scored by the core (as of 2026-12-03, a US buyer) and summed into one delta per chunk of 70, logged through the real adapter (\`shared/store/portfolio-aggregates.ts\`) into an in-memory dynalite on a simulated clock, one chunk every 70 / rate seconds. What is left pending at the first read is what the settle window (${PORTFOLIO_LOG.settleMs / 1000} s) holds back from the batch-end fold: the last ${PORTFOLIO_LOG.settleMs / 1000} s of the upload. Every way's answer, read again past the settle window, is checked to be the sum of every chunk.`,
    ].join('\n');
    return { metrics, report, docs };
  },
};
