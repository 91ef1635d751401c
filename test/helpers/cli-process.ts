/** The CLI as a user runs it: `node --import tsx bin/mineral-risk.ts …` in the repository root, one child per call. */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI with `args`; `timeoutMs` bounds the child (default 20 s). */
export function runCli(args: readonly string[], timeoutMs = 20_000): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'bin/mineral-risk.ts', ...args],
      { cwd: ROOT, timeout: timeoutMs, maxBuffer: 32 << 20, env: { ...process.env, NO_COLOR: '1' } },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
