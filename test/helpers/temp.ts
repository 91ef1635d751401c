/** Temporary files for tests: one directory per test file, removed afterwards. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TempDir {
  path: string;
  /** Write a file (text as UTF-8, or raw bytes) and return its absolute path. */
  file(name: string, content: string | Uint8Array): string;
  remove(): void;
}

export function tempDir(prefix = 'mineral-risk-test-'): TempDir {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return {
    path,
    file(name, content) {
      const p = join(path, name);
      writeFileSync(p, content);
      return p;
    },
    remove() {
      rmSync(path, { recursive: true, force: true });
    },
  };
}
