/** What every benchmark plugged into bench/run.ts receives and returns. */

/** One figure for bench/results.json. Names are `<benchmark>.<figure>`, e.g. `cli.rows_per_s`. */
export interface Metric {
  name: string;
  value: number;
  unit: string;
}

export interface Machine {
  /** Logical CPUs available (what `nproc` prints). */
  nproc: number;
  cpuModel: string;
  node: string;
  platform: string;
  totalMemMb: number;
}

export interface BenchContext {
  /** Repository root: children run with it as cwd. */
  root: string;
  /** A scratch directory under os.tmpdir(), removed after the run unless BENCH_KEEP=1. */
  tmpDir: string;
  machine: Machine;
  /** ISO date (UTC) of the run. */
  date: string;
  log: (line: string) => void;
  /** 1-minute load average now: above nproc, timings are inflated by other work on the machine. */
  loadAverage: () => number;
}

export interface BenchmarkResult {
  metrics: Metric[];
  /** Readable report for stdout. */
  report: string;
  /** Markdown for this benchmark's section of docs/benchmarks.md (between its markers). */
  docs: string;
  /** Set when the figures must not be recorded (e.g. a quick run on a smaller input): the reason, printed. */
  doNotRecord?: string;
}

export interface Benchmark {
  /** Short id: the metrics prefix and the docs/benchmarks.md section marker (`<!-- id:start -->`). */
  id: string;
  title: string;
  run(ctx: BenchContext): Promise<BenchmarkResult>;
}
