import type { Band, ScoredSupplier } from '../model/types.ts';
import { countryName } from '../reference/countries.ts';
import { type Rejection, type RunHeader, type RunSummary, rejectedAt } from './summary.ts';

/** What the table keeps per supplier: small, so a million-row file's table fits in memory. */
export interface TableRow {
  supplierId: string;
  supplierName: string | null;
  score: number;
  band: Band;
  worst: string;
  driver: string;
}

/** Many suppliers share a worst line and a top driver: keep one copy of each text (bounded). */
const interned = new Map<string, string>();
function intern(text: string): string {
  const hit = interned.get(text);
  if (hit !== undefined) return hit;
  if (interned.size >= 200_000) interned.clear();
  interned.set(text, text);
  return text;
}

export function tableRow(s: ScoredSupplier): TableRow {
  const w = s.worst;
  const origin = w ? (w.originCountry === 'WORLD' ? 'unknown (world mix)' : countryName(w.originCountry)) : '';
  return {
    supplierId: s.supplierId,
    supplierName: s.supplierName,
    score: s.score,
    band: s.band,
    worst: w
      ? intern(
          `${w.mineral} / ${origin}${w.processingCountry && w.processingCountry !== w.originCountry ? ` → ${countryName(w.processingCountry)}` : ''}`,
        )
      : '',
    // Driver texts are already shared by the scorer (one string per stage and share).
    driver: s.drivers[0]?.text ?? '',
  };
}

const padTo = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s.padEnd(n));

/** Highest score first; ties by supplier id, so the order is deterministic. */
export function sortRows(rows: TableRow[]): TableRow[] {
  // Code-unit order for ties: deterministic and far cheaper than localeCompare on half a million rows.
  return rows.sort(
    (a, b) => b.score - a.score || (a.supplierId < b.supplierId ? -1 : a.supplierId > b.supplierId ? 1 : 0),
  );
}

export function* renderTable(
  rows: readonly TableRow[],
  header: RunHeader,
  summary: RunSummary,
  rejected: readonly Rejection[],
): Generator<string> {
  yield `mineral-risk — as of ${header.asOf}, buyer ${header.buyerCountry}, model ${header.modelVersion}, data ${header.dataVersion}\n\n`;
  yield `${padTo('SUPPLIER', 12)} ${padTo('NAME', 28)} ${'SCORE'.padStart(5)} ${padTo('BAND', 8)} ${padTo('WORST MINERAL / ORIGIN', 32)} TOP DRIVER\n`;
  for (const r of rows) {
    yield `${padTo(r.supplierId, 12)} ${padTo(r.supplierName ?? '', 28)} ${r.score.toFixed(1).padStart(5)} ${padTo(r.band, 8)} ${padTo(r.worst, 32)} ${padTo(r.driver, 110)}\n`;
  }
  const bands = { critical: 0, high: 0, medium: 0, low: 0 };
  for (const r of rows) bands[r.band]++;
  yield `\n${summary.rows} rows: ${summary.scored} scored, ${summary.rejected} rejected; ${summary.suppliers} suppliers (${bands.critical} critical, ${bands.high} high, ${bands.medium} medium, ${bands.low} low)\n`;
  if (rejected.length > 0) {
    yield '\nRejected rows:\n';
    for (const r of rejected) yield `  ${rejectedAt(r)}: ${r.message}\n`;
  }
}
