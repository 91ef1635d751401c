/**
 * Builders for supplier-list test input: a row of the CSV contract with sensible defaults, rendering rows to CSV
 * (delimiter, line ending, BOM, quoting), and reading content through the real streaming reader in chunks.
 */
import { COLUMNS, type Column } from '../../shared/supplier-list/header.ts';
import { type ReadOptions, readSupplierList, type SupplierList } from '../../shared/supplier-list/read.ts';

export type CsvRow = Record<Column, string>;

/** The columns of a sourcing table (one mineral per row): every column but the purchase-ledger ones. */
export const SOURCING_COLUMNS: readonly Column[] = COLUMNS.filter((c) => c !== 'hs_code' && c !== 'product_category');

/** A valid row: SUP-0001 sourcing cobalt from DR Congo, processed in China. Override any column. */
export function supplierRow(overrides: Partial<CsvRow> = {}): CsvRow {
  return {
    supplier_id: 'SUP-0001',
    supplier_name: 'Acme Components Ltd',
    supplier_country: 'DE',
    annual_spend_usd: '1000000',
    tier: '1',
    mineral: 'cobalt',
    origin_country: 'CD',
    processing_country: 'CN',
    share: '',
    alternative_sources: '1',
    inventory_days: '30',
    processor: '',
    hs_code: '',
    product_category: '',
    ...overrides,
  };
}

export interface CsvOptions {
  delimiter?: string;
  eol?: '\n' | '\r\n' | '\r';
  bom?: boolean;
  /** Header cells; defaults to the contract's columns in contract order. */
  header?: readonly string[];
  /** Columns to write, in order (defaults to the sourcing-table columns, SOURCING_COLUMNS). */
  columns?: readonly Column[];
}

/** Quote a cell when it holds the delimiter, a quote or a line break (RFC 4180). */
export function csvField(value: string, delimiter = ','): string {
  return value.includes(delimiter) || /["\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function csvLine(cells: readonly string[], delimiter = ','): string {
  return cells.map((c) => csvField(c, delimiter)).join(delimiter);
}

/** Render rows as a supplier-list CSV file (header first, a line ending after every record). */
export function toCsv(rows: readonly Partial<CsvRow>[], options: CsvOptions = {}): string {
  const d = options.delimiter ?? ',';
  const eol = options.eol ?? '\n';
  const columns = options.columns ?? SOURCING_COLUMNS;
  const header = options.header ?? columns;
  const lines = [
    csvLine(header, d),
    ...rows.map((r) =>
      csvLine(
        columns.map((c) => r[c] ?? ''),
        d,
      ),
    ),
  ];
  return `${options.bom ? '\uFEFF' : ''}${lines.map((l) => `${l}${eol}`).join('')}`;
}

/** Yield the bytes in chunks of the given sizes (cycled), so chunk boundaries fall where a test wants them. */
export async function* chunked(
  bytes: Uint8Array,
  sizes: readonly number[] = [bytes.length || 1],
): AsyncGenerator<Uint8Array> {
  let i = 0;
  let k = 0;
  while (i < bytes.length) {
    const size = Math.max(1, sizes[k % sizes.length] ?? 1);
    yield bytes.subarray(i, i + size);
    i += size;
    k++;
  }
}

/** Read a supplier list from text or bytes through the streaming reader. */
export function readCsv(
  content: string | Uint8Array,
  options: ReadOptions & { chunkSizes?: readonly number[] } = {},
): Promise<SupplierList> {
  const bytes = typeof content === 'string' ? new TextEncoder().encode(content) : content;
  const { chunkSizes, ...readOptions } = options;
  return readSupplierList(chunked(bytes, chunkSizes), readOptions);
}

/** The data rows a list accepted: every row number in some supplier's `rows`. */
export function acceptedRows(list: SupplierList): number[] {
  return list.suppliers.flatMap((s) => s.rows).sort((a, b) => a - b);
}
