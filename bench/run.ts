/**
 * `npm run bench`: runs every benchmark (or those named: `npm run bench -- cli`, `npm run bench -- pipeline api init`),
 * prints their reports, merges their figures into bench/results.json and rewrites their sections of docs/benchmarks.md.
 * To add a benchmark, implement `Benchmark` (bench/types.ts) and list it in BENCHMARKS.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { apiBench } from './api.ts';
import { cliVsParse } from './cli-vs-parse.ts';
import { initBench } from './init.ts';
import { notifyBench } from './notify.ts';
import { pipelineBench } from './pipeline.ts';
import { policyBench } from './policy.ts';
import { portfolioBench } from './portfolio.ts';
import { portfolioFirstReadBench } from './portfolio-first-read.ts';
import { portfolioRecountBench } from './portfolio-recount.ts';
import { mergeResults, writeDocsSection } from './results-file.ts';
import { rmiBench } from './rmi.ts';
import { scenarioBench } from './scenario.ts';
import { storeBench } from './store.ts';
import type { BenchContext, Benchmark, Metric } from './types.ts';
import { uploadsBench } from './uploads.ts';

const BENCHMARKS: readonly Benchmark[] = [
  cliVsParse,
  pipelineBench,
  uploadsBench,
  policyBench,
  scenarioBench,
  apiBench,
  initBench,
  notifyBench,
  portfolioBench,
  portfolioFirstReadBench,
  portfolioRecountBench,
  storeBench,
  rmiBench,
];

const root = fileURLToPath(new URL('..', import.meta.url));
const resultsPath = join(root, 'bench', 'results.json');
const docsPath = join(root, 'docs', 'benchmarks.md');

async function main(names: string[]): Promise<number> {
  const unknown = names.filter((n) => !BENCHMARKS.some((b) => b.id === n));
  if (unknown.length > 0) {
    process.stderr.write(
      `bench: unknown benchmark(s) ${unknown.join(', ')}; known: ${BENCHMARKS.map((b) => b.id).join(', ')}\n`,
    );
    return 2;
  }
  const selected = names.length > 0 ? BENCHMARKS.filter((b) => names.includes(b.id)) : BENCHMARKS;
  const tmpDir = await mkdtemp(join(tmpdir(), 'mineral-risk-bench-'));
  const ctx: BenchContext = {
    root,
    tmpDir,
    machine: {
      nproc: availableParallelism(),
      cpuModel: cpus()[0]?.model.trim() ?? 'unknown CPU',
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
      totalMemMb: totalmem() / 2 ** 20,
    },
    date: new Date().toISOString().slice(0, 10),
    log: (line) => process.stderr.write(`${line}\n`),
    loadAverage: () => loadavg()[0] ?? 0,
  };
  const recorded: Metric[] = [];
  try {
    for (const b of selected) {
      const result = await b.run(ctx);
      process.stdout.write(`\n${result.report}\n`);
      if (result.doNotRecord) {
        process.stdout.write(`  (not recorded: ${result.doNotRecord})\n`);
        continue;
      }
      recorded.push(...result.metrics);
      await writeDocsSection(docsPath, b.id, result.docs);
    }
    if (recorded.length > 0) {
      await mergeResults(resultsPath, recorded);
      process.stdout.write(`\nwrote ${recorded.length} figure(s) to bench/results.json and docs/benchmarks.md\n`);
    }
  } finally {
    if (process.env.BENCH_KEEP === '1') process.stderr.write(`bench: kept ${tmpDir}\n`);
    else await rm(tmpDir, { recursive: true, force: true });
  }
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
