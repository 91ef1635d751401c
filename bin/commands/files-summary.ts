/**
 * The one summary of a run over workbooks or many files: per file what it is (a workbook's template, version,
 * language and company, or CSV/JSON), its lines scored and rejected, each rejection at its place (`Smelter
 * List!E17` in a workbook, `row 7, mineral` in a CSV), the files that could not be read and why; then the totals.
 */
import { rejectedAt } from '../../shared/report/summary.ts';
import type { CombinedRun } from './combine.ts';
import { type InputOutcome, isRead, type ReadInput } from './input-outcome.ts';

/** Rejections listed per file; the output (JSON, or the table's report) holds them all. */
const LISTED_PER_FILE = 10;

/** What a file is and what came of its rows: a workbook's template, version, language, company and supplier. */
function describe(o: ReadInput): string {
  const l = o.list;
  const counts = `${l.accepted} scored, ${l.rejectedCount} rejected`;
  if (!('workbook' in l)) return `${o.format.toUpperCase()}, ${l.rows} rows: ${counts}`;
  const w = l.workbook;
  const notes = [
    ...w.metals
      .filter((m) => !m.scored)
      .map((m) => `${m.metal} counted, not scored (${m.smelters} row(s): ${m.notScored})`),
    ...(w.declaredNo.length > 0 ? [`no exposure to ${w.declaredNo.join(', ')} (question 1 answered No)`] : []),
  ];
  const company = w.company === null ? 'no company named' : `"${w.company}"`;
  return `${w.template} ${w.version} (${w.language ?? 'language not set'}), ${company} → supplier ${w.supplierId}: ${w.counts.smelterRows} Smelter List row(s), ${l.rows} line(s): ${counts}${notes.length > 0 ? `; ${notes.join('; ')}` : ''}`;
}

export function* filesSummary(
  outcomes: readonly InputOutcome[],
  run: CombinedRun,
  skipped: readonly string[],
): Generator<string> {
  const unreadable = outcomes.filter((o) => !isRead(o)).length;
  yield `\n${outcomes.length} file(s)${unreadable > 0 ? `, ${unreadable} unreadable` : ''}:\n`;
  for (const o of outcomes) {
    if (!isRead(o)) {
      yield `  ${o.name} — unreadable: ${o.error}\n`;
      continue;
    }
    const l = o.list;
    yield `  ${o.name} — ${describe(o)}\n`;
    for (const r of l.rejected.slice(0, LISTED_PER_FILE)) yield `    ${rejectedAt(r)}: ${r.message}\n`;
    if (l.rejectedCount > LISTED_PER_FILE)
      yield `    … and ${l.rejectedCount - LISTED_PER_FILE} more (see the output)\n`;
  }
  if (skipped.length > 0) yield `  skipped (not .csv, .json or .xlsx): ${skipped.join(', ')}\n`;
  for (const r of run.replaced) {
    const last = r.files.at(-1);
    yield r.merged
      ? `  note: supplier ${r.supplierId} is in ${r.files.join(', ')}: ${last} merged with ${r.files.slice(0, -1).join(', ')} (a workbook replaces only its template's minerals), as uploads of them merge into a stored supplier\n`
      : `  note: supplier ${r.supplierId} is in ${r.files.join(', ')}: the last one's lines are scored, as a later upload replaces a stored supplier\n`;
  }
  const s = run.summary;
  yield `totals: ${outcomes.length - unreadable} file(s) read, ${s.rows} lines: ${s.scored} scored, ${s.rejected} rejected; ${s.suppliers} suppliers\n`;
}
