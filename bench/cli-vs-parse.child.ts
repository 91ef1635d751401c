/**
 * One measured run, in its own process so peak RSS is this run's alone:
 *
 *   node --import tsx bench/cli-vs-parse.child.ts floor FILE
 *   node --import tsx bench/cli-vs-parse.child.ts cli FILE OUT [AS_OF]
 *
 * Prints one JSON line on stdout: { mode, ms, cpuMs, maxRssMb, records }. The clock starts before the mode's modules are
 * imported (csv-parse for the floor; the CLI's command module, its reference data and the model for the CLI), so
 * both include their own loading; Node and tsx start-up, common to both, is outside it.
 * Add --cpu-prof / --heap-prof to the node flags to profile one run.
 */
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';

/** The floor: the same file, the same parser with the reader's own options (imported, not copied), records counted. */
async function floor(file: string): Promise<number> {
  const { parse } = await import('csv-parse');
  const { CSV_PARSE_OPTIONS } = await import('../shared/supplier-list/read.ts');
  let records = 0;
  let skipped = 0;
  const parser = parse({ ...CSV_PARSE_OPTIONS, delimiter: ',', on_skip: () => void skipped++ });
  parser.on('data', () => {
    records++;
  });
  await pipeline(createReadStream(file, { highWaterMark: 256 * 1024 }), parser);
  return records + skipped - 1; // data rows: header not counted
}

async function cli(file: string, out: string, asOf: string): Promise<number> {
  const { scoreFile } = await import('../bin/commands/score.ts');
  const code = await scoreFile(file, { format: 'table', out, progress: false, asOf, buyerCountry: 'US' });
  if (code !== 0) throw new Error(`scoreFile exited ${code}`);
  return -1; // rows are read back from the report's summary line by the parent
}

const [mode, file, out, asOf] = process.argv.slice(2);
if (!file || (mode !== 'floor' && mode !== 'cli') || (mode === 'cli' && !out)) {
  process.stderr.write('usage: cli-vs-parse.child.ts floor FILE | cli FILE OUT [AS_OF]\n');
  process.exit(2);
}
const t0 = performance.now();
const cpu0 = process.cpuUsage();
const records = mode === 'floor' ? await floor(file) : await cli(file, out as string, asOf ?? '2025-12-01');
const ms = performance.now() - t0;
// CPU time of the process over the same span (GC helper threads included), in µs; maxRSS is in kilobytes (KiB).
const cpu = process.cpuUsage(cpu0);
const cpuMs = (cpu.user + cpu.system) / 1000;
const maxRssMb = process.resourceUsage().maxRSS / 1024;
process.stdout.write(`${JSON.stringify({ mode, ms, cpuMs, maxRssMb, records })}\n`);
