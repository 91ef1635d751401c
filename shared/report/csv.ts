import type { ScoredSupplier } from '../model/types.ts';

export const CSV_COLUMNS = [
  'supplier_id',
  'supplier_name',
  'score',
  'band',
  'worst_mineral',
  'worst_origin',
  'worst_processing',
  'top_driver',
  'as_of',
  'buyer_country',
  'model_version',
  'data_version',
] as const;

/**
 * A cell a spreadsheet would run as a formula (starting with = + - @, tab or CR) gets a leading apostrophe
 * (OWASP CSV injection guidance); then it is quoted if it needs to be.
 */
export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return String(value);
  let s = value;
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvHeader(): string {
  return `${CSV_COLUMNS.join(',')}\n`;
}

export function csvRow(s: ScoredSupplier): string {
  return `${[
    s.supplierId,
    s.supplierName,
    s.score,
    s.band,
    s.worst?.mineral,
    s.worst?.originCountry,
    s.worst?.processingCountry,
    s.drivers[0]?.text,
    s.asOf,
    s.buyerCountry,
    s.modelVersion,
    s.dataVersion,
  ]
    .map(csvCell)
    .join(',')}\n`;
}
