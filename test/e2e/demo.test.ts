/**
 * The README's first command (after `npm ci`): `npm run demo` runs the whole pipeline on the embedded default and
 * prints every sample supplier; its output stays clean (no runtime warnings on stderr, only its own progress lines).
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('npm run demo', () => {
  it('stores and prints the 50 sample suppliers, with no warning on stderr', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'infra/local/demo.ts'], {
      encoding: 'utf8',
      timeout: 120_000,
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/123 rows: 123 scored, 0 rejected; 50 suppliers/);
    const stderr = r.stderr.split('\n').filter((l) => l.trim() !== '');
    expect(stderr.filter((l) => /warning|\(node:\d+\)|error/i.test(l))).toEqual([]);
    expect(stderr.every((l) => /^(local runtime up|uploading|batch |\s*$)/.test(l))).toBe(true);
  }, 150_000);
});
