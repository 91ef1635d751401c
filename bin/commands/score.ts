import { parseCountry, parseIsoDate } from '../../shared/model/normalise.ts';
import { createScorer, MODEL_VERSION } from '../../shared/model/score.ts';
import type { EndUse, ScoredSupplier } from '../../shared/model/types.ts';
import { referenceData } from '../../shared/reference/index.ts';
import { csvHeader, csvRow } from '../../shared/report/csv.ts';
import { JsonResultWriter } from '../../shared/report/json.ts';
import { type RunHeader, rejectedAt } from '../../shared/report/summary.ts';
import { renderTable, sortRows, type TableRow, tableRow } from '../../shared/report/table.ts';
import { combine } from './combine.ts';
import { filesSummary } from './files-summary.ts';
import { isRead } from './input-outcome.ts';
import { readInputs, UsageError } from './inputs.ts';
import { Output } from './output.ts';

export { UsageError };

export type Format = 'table' | 'json' | 'csv';

export interface ScoreOptions {
  asOf?: string;
  buyerCountry?: string;
  endUse?: string;
  format?: string;
  out?: string;
  strict?: boolean;
  progress?: boolean;
  /** The supplier a single workbook's lines belong to (default: the company its Declaration names). */
  supplierId?: string;
}

export function todayUtc(): string {
  return new Date().toISOString().slice(0, 10);
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

/**
 * Score a supplier list (CSV or JSON), an RMI workbook, a folder of them or a zip archive of workbooks, and write
 * the report. Returns the exit code: 0; 1 under --strict with rejections; 2 when a file of a folder or archive could
 * not be read (the others are still scored and reported).
 */
export async function scoreFile(file: string, options: ScoreOptions): Promise<number> {
  const { asOf, buyerCountry, endUse, format } = resolveOptions(options);
  // commander's --no-progress sets progress=false and otherwise true: the bar still needs a terminal on stderr.
  const inputs = await readInputs(file, {
    progress: options.progress !== false && process.stderr.isTTY === true,
    ...(options.supplierId === undefined ? {} : { supplierId: options.supplierId }),
  });
  const run = combine(inputs.outcomes, inputs.many);
  // A CSV or JSON list alone reports as it always has; workbooks and many files add the summary of each file.
  const perFile = inputs.many || inputs.outcomes.some((o) => isRead(o) && o.format === 'xlsx');
  const ref = referenceData();
  const scorer = createScorer(ref, { asOf, buyerCountry, endUse });
  const header: RunHeader = { asOf, buyerCountry, modelVersion: MODEL_VERSION, dataVersion: ref.dataVersion };
  const { summary } = run;
  let out: Output;
  try {
    out = await Output.open(options.out);
  } catch (err) {
    throw new UsageError(
      `cannot write ${options.out}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
  const each = async (emit: (s: ScoredSupplier) => void) => {
    for (const supplier of run.suppliers) {
      emit(scorer.score(supplier));
      const flushing = out.maybeFlush();
      if (flushing) await flushing;
    }
  };
  if (format === 'json') {
    const json = new JsonResultWriter(out.write);
    json.begin(header);
    await each((s) => json.result(s));
    json.end(run.rejected, summary);
  } else if (format === 'csv') {
    out.write(csvHeader());
    await each((s) => out.write(csvRow(s)));
  } else {
    const rows: TableRow[] = [];
    await each((s) => rows.push(tableRow(s)));
    // With many files, the summary of each file lists its rejections: not twice.
    for (const chunk of renderTable(sortRows(rows), header, summary, perFile ? [] : run.rejected)) {
      out.write(chunk);
      const flushing = out.maybeFlush();
      if (flushing) await flushing;
    }
    if (perFile) for (const line of filesSummary(inputs.outcomes, run, inputs.skipped)) out.write(line);
  }
  await out.close();
  if (format !== 'table') {
    if (perFile) for (const line of filesSummary(inputs.outcomes, run, inputs.skipped)) process.stderr.write(line);
    else {
      process.stderr.write(
        `${summary.rows} rows: ${summary.scored} scored, ${summary.rejected} rejected; ${summary.suppliers} suppliers\n`,
      );
      for (const r of run.rejected.slice(0, 20)) process.stderr.write(`  ${rejectedAt(r)}: ${r.message}\n`);
      if (run.rejected.length > 20) process.stderr.write(`  … and ${run.rejected.length - 20} more (see the output)\n`);
    }
  }
  const ignored = [...new Set(inputs.outcomes.flatMap((o) => (isRead(o) ? o.list.ignoredColumns : [])))];
  if (ignored.length > 0) process.stderr.write(`note: ignored unknown column(s): ${ignored.join(', ')}\n`);
  if (inputs.outcomes.some((o) => !isRead(o))) return 2;
  return options.strict && summary.rejected > 0 ? 1 : 0;
}
