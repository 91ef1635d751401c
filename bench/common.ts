/** Helpers shared by the pipeline, api and init benchmarks: env parsing, medians, JSON-line child processes. */
import { type ChildProcess, spawn } from 'node:child_process';
import type { BenchContext } from './types.ts';

export function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw.replace(/[_,]/g, ''));
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer (got '${raw}')`);
  return n;
}

export function envNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number (got '${raw}')`);
  return n;
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** Extra node flags for the children (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"). */
export const childNodeFlags = () => (process.env.BENCH_NODE_FLAGS ?? '').split(/\s+/).filter(Boolean);

/**
 * Runs `node [flags] --import tsx SCRIPT ARGS` in the repository root and resolves with the last stdout line, parsed
 * as JSON (the child's result), plus the whole process's wall time.
 */
export function runTsChild<T>(root: string, script: string, args: string[]): Promise<T & { wallMs: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [...childNodeFlags(), '--import', 'tsx', script, ...args], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    collect(child, (code, stdout, stderr) => {
      const wallMs = performance.now() - t0;
      const line = stdout.trim().split('\n').pop() ?? '';
      if (code !== 0 || !line.startsWith('{'))
        return reject(new Error(`${script} ${args[0] ?? ''} exited ${code}: ${stderr.trim() || stdout.trim()}`));
      resolve({ ...(JSON.parse(line) as T), wallMs });
    }).catch(reject);
  });
}

export function collect(
  child: ChildProcess,
  done: (code: number | null, stdout: string, stderr: string) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      done(code, stdout, stderr);
      resolve();
    });
  });
}

/** Load before and after, and whether it was above the CPU count (timings inflated by other work). */
export function loadNote(ctx: BenchContext, before: number, after: number) {
  const busy = Math.max(before, after) > ctx.machine.nproc;
  return {
    busy,
    report: `  load average ${before.toFixed(1)} before, ${after.toFixed(1)} after, on ${ctx.machine.nproc} CPUs${busy ? ': THE MACHINE WAS BUSY, times are inflated and noisy' : ''}`,
    docs: `Measured ${ctx.date} on ${ctx.machine.nproc} CPUs (\`nproc\`; ${ctx.machine.cpuModel}), ${Math.round(ctx.machine.totalMemMb / 1024)} GB RAM, Node ${ctx.machine.node}, ${ctx.machine.platform}; 1-minute load average ${before.toFixed(1)} before and ${after.toFixed(1)} after${busy ? ' (**busy machine: times inflated**)' : ''}.`,
  };
}

export const fmtInt = (n: number) => Math.round(n).toLocaleString('en-US');
export const round2 = (n: number) => Math.round(n * 100) / 100;
export const met = (pass: boolean) => (pass ? '(met)' : '(**not met**)');
export const ok = (pass: boolean) => (pass ? 'ok' : 'MISSED');
