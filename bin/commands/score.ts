import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { extname } from 'node:path';
import cliProgress from 'cli-progress';
import { parseCountry, parseIsoDate } from '../../shared/model/normalise.ts';
import { createScorer, MODEL_VERSION } from '../../shared/model/score.ts';
import type { EndUse, ScoredSupplier } from '../../shared/model/types.ts';
import { referenceData } from '../../shared/reference/index.ts';
import { csvHeader, csvRow } from '../../shared/report/csv.ts';
import { JsonResultWriter } from '../../shared/report/json.ts';
import type { RunHeader, RunSummary } from '../../shared/report/summary.ts';
import { renderTable, sortRows, type TableRow, tableRow } from '../../shared/report/table.ts';
import { SupplierListFormatError } from '../../shared/supplier-list/errors.ts';
import { readSupplierListJson } from '../../shared/supplier-list/json.ts';
import { readSupplierList, type SupplierList } from '../../shared/supplier-list/read.ts';
import { Output } from './output.ts';

export type Format = 'table' | 'json' | 'csv';

export interface ScoreOptions {
  asOf?: string;
  buyerCountry?: string;
  endUse?: string;
  format?: string;
  out?: string;
  strict?: boolean;
  progress?: boolean;
}

/** A usage error or an unreadable input: the CLI prints its message on one line and exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

const PROGRESS_MIN_BYTES = 4 * 1024 * 1024;

export function todayUtc(): string {
  return new Date().toISOString().slice(0, 10);
}

async function readInput(file: string, showProgress: boolean): Promise<SupplierList> {
  let size: number;
  try {
    const s = await stat(file);
    if (!s.isFile()) throw new UsageError(`cannot read ${file}: not a file`);
    size = s.size;
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const head = await readHead(file);
  const looksJson = extname(file).toLowerCase() === '.json' || /^\s*\[/.test(head);
  try {
    if (looksJson) return readSupplierListJson(decodeUtf8Strict(await readFile(file)));
    const bar =
      showProgress && size >= PROGRESS_MIN_BYTES
        ? new cliProgress.SingleBar(
            {
              stream: process.stderr,
              format: 'reading {bar} {percentage}% | {value}/{total} MB | eta {eta}s',
              hideCursor: true,
            },
            cliProgress.Presets.shades_classic,
          )
        : null;
    bar?.start(Math.ceil(size / 1e6), 0);
    try {
      return await readSupplierList(createReadStream(file, { highWaterMark: 256 * 1024 }), {
        onProgress: (bytes) => bar?.update(Math.floor(bytes / 1e6)),
      });
    } finally {
      bar?.update(Math.ceil(size / 1e6));
      bar?.stop();
    }
  } catch (err) {
    if (err instanceof SupplierListFormatError) throw new UsageError(`${file}: ${err.message}`);
    throw err;
  }
}

/** Like the CSV reader: binary content or invalid UTF-8 is a format error, never silently replaced. */
function decodeUtf8Strict(bytes: Uint8Array): string {
  if (bytes.includes(0)) throw new SupplierListFormatError('not a text file: binary content (NUL byte)');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new SupplierListFormatError('not a UTF-8 text file: invalid UTF-8; save it as UTF-8');
  }
}

async function readHead(file: string): Promise<string> {
  const stream = createReadStream(file, { start: 0, end: 255 });
  let head = '';
  for await (const chunk of stream) head += (chunk as Buffer).toString('latin1');
  return head.replace(/^\uFEFF|^\xEF\xBB\xBF/, '');
}

export function resolveOptions(options: ScoreOptions): {
  asOf: string;
  buyerCountry: string;
  endUse: EndUse;
  format: Format;
} {
  const asOf = options.asOf ?? todayUtc();
  const date = parseIsoDate(asOf);
  if (!date.ok) throw new UsageError(`--as-of: ${date.message}`);
  const buyer = parseCountry(options.buyerCountry ?? 'US');
  if (!buyer.ok) throw new UsageError(`--buyer-country: ${buyer.message}`);
  const format = (options.format ?? 'table') as Format;
  if (!['table', 'json', 'csv'].includes(format))
    throw new UsageError(`--format must be table, json or csv (got '${options.format}')`);
  const endUse = (options.endUse ?? 'civil') as EndUse;
  if (endUse !== 'civil' && endUse !== 'military')
    throw new UsageError(`--end-use must be civil or military (got '${options.endUse}')`);
  return { asOf: date.value, buyerCountry: buyer.value, endUse, format };
}

/** Score a supplier-list file and write the report. Returns the exit code (0, or 1 under --strict with rejections). */
export async function scoreFile(file: string, options: ScoreOptions): Promise<number> {
  const { asOf, buyerCountry, endUse, format } = resolveOptions(options);
  // commander's --no-progress sets progress=false and otherwise true: the bar still needs a terminal on stderr.
  const list = await readInput(file, options.progress !== false && process.stderr.isTTY === true);
  const ref = referenceData();
  const scorer = createScorer(ref, { asOf, buyerCountry, endUse });
  const header: RunHeader = { asOf, buyerCountry, modelVersion: MODEL_VERSION, dataVersion: ref.dataVersion };
  const summary: RunSummary = {
    rows: list.rows,
    suppliers: list.suppliers.length,
    scored: list.accepted,
    rejected: list.rejected.length,
  };
  let out: Output;
  try {
    out = await Output.open(options.out);
  } catch (err) {
    throw new UsageError(
      `cannot write ${options.out}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
  const each = async (emit: (s: ScoredSupplier) => void) => {
    for (const { supplier } of list.suppliers) {
      emit(scorer.score(supplier));
      const flushing = out.maybeFlush();
      if (flushing) await flushing;
    }
  };
  if (format === 'json') {
    const json = new JsonResultWriter(out.write);
    json.begin(header);
    await each((s) => json.result(s));
    json.end(list.rejected, summary);
  } else if (format === 'csv') {
    out.write(csvHeader());
    await each((s) => out.write(csvRow(s)));
  } else {
    const rows: TableRow[] = [];
    await each((s) => rows.push(tableRow(s)));
    for (const chunk of renderTable(sortRows(rows), header, summary, list.rejected)) {
      out.write(chunk);
      const flushing = out.maybeFlush();
      if (flushing) await flushing;
    }
  }
  await out.close();
  if (format !== 'table') {
    process.stderr.write(
      `${summary.rows} rows: ${summary.scored} scored, ${summary.rejected} rejected; ${summary.suppliers} suppliers\n`,
    );
    for (const r of list.rejected.slice(0, 20)) process.stderr.write(`  row ${r.row}, ${r.field}: ${r.message}\n`);
    if (list.rejected.length > 20) process.stderr.write(`  … and ${list.rejected.length - 20} more (see the output)\n`);
  }
  if (list.ignoredColumns.length > 0)
    process.stderr.write(`note: ignored unknown column(s): ${list.ignoredColumns.join(', ')}\n`);
  return options.strict && list.rejected.length > 0 ? 1 : 0;
}
