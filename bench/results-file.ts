/** bench/results.json (machine-readable figures) and docs/benchmarks.md (the readable record), merged in place. */
import { readFile, writeFile } from 'node:fs/promises';
import type { Metric } from './types.ts';

/**
 * Merge metrics into a JSON array of { name, value, unit }: an entry with the same name is replaced where it stands,
 * new names are appended, others are kept (later benchmarks add theirs to the same file).
 */
export async function mergeResults(path: string, metrics: readonly Metric[]): Promise<Metric[]> {
  let existing: Metric[] = [];
  try {
    const parsed: unknown = JSON.parse(await readFile(path, 'utf8'));
    if (Array.isArray(parsed))
      existing = parsed.filter(
        (m): m is Metric => typeof m?.name === 'string' && typeof m?.value === 'number' && typeof m?.unit === 'string',
      );
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`${path}: ${(err as Error).message}`);
  }
  const fresh = new Map(metrics.map((m) => [m.name, m]));
  const merged = existing.map((m) => fresh.get(m.name) ?? m);
  const seen = new Set(existing.map((m) => m.name));
  for (const m of metrics) if (!seen.has(m.name)) merged.push(m);
  await writeFile(path, `${JSON.stringify(merged, null, 2)}\n`);
  return merged;
}

const DOCS_PREAMBLE = `# Benchmarks

Figures written by \`npm run bench\` (the numbers also go to \`bench/results.json\`). Each section is rewritten by its
benchmark between its markers; text outside the markers is kept. They are measurements on one machine, not timed
tests: compare runs on the same machine and the same generated data.
`;

/**
 * Replace the text between `<!-- id:start -->` and `<!-- id:end -->` in the markdown file, or append the section
 * (creating the file with a short preamble) when it is not there yet.
 */
export async function writeDocsSection(path: string, id: string, markdown: string): Promise<void> {
  let doc: string;
  try {
    doc = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    doc = DOCS_PREAMBLE;
  }
  const start = `<!-- ${id}:start -->`;
  const end = `<!-- ${id}:end -->`;
  const block = `${start}\n${markdown.trim()}\n${end}`;
  const i = doc.indexOf(start);
  const j = i < 0 ? -1 : doc.indexOf(end, i);
  const next =
    i >= 0 && j >= 0 ? doc.slice(0, i) + block + doc.slice(j + end.length) : `${doc.trimEnd()}\n\n${block}\n`;
  await writeFile(path, next);
}
