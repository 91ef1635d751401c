import { SupplierListFormatError } from './errors.ts';

/** The CSV contract's columns, in contract order. */
export const COLUMNS = [
  'supplier_id',
  'supplier_name',
  'supplier_country',
  'annual_spend_usd',
  'tier',
  'mineral',
  'origin_country',
  'processing_country',
  'share',
  'alternative_sources',
  'inventory_days',
  'processor',
  'hs_code',
  'product_category',
] as const;

export type Column = (typeof COLUMNS)[number];

/**
 * `origin_country` stays required as a column, though a cell may be blank or `unknown` (the world mining mix): a
 * file whose origin header is misspelt is refused, rather than read as every origin unknown.
 */
export const REQUIRED_COLUMNS: readonly Column[] = ['supplier_id', 'mineral', 'origin_country'];

/** What a row may name its material by: a mineral, or an HS code or product category the mapping expands. */
export const MATERIAL_COLUMNS: readonly Column[] = ['mineral', 'hs_code', 'product_category'];

/**
 * The required columns a header lacks. A purchase ledger (HS codes or categories, no `mineral` column) needs neither
 * `mineral` nor `origin_country`: its origins are unknown unless it says otherwise. A file with a `mineral` column
 * is a sourcing table and needs `origin_country`, as it always did.
 */
export function missingColumns(has: (c: Column) => boolean): string[] {
  const missing: string[] = [];
  if (!has('supplier_id')) missing.push('supplier_id');
  const ledger = !has('mineral') && (has('hs_code') || has('product_category'));
  if (!ledger) for (const c of ['mineral', 'origin_country'] as const) if (!has(c)) missing.push(c);
  return missing;
}

/** `Supplier ID`, `supplier-id`, `supplierId`, `SUPPLIER_ID` → `supplierid`. */
export function headerKey(cell: string): string {
  return cell.toLowerCase().replace(/[^a-z0-9]/g, '');
}

const BY_KEY = new Map<string, Column>(COLUMNS.map((c) => [headerKey(c), c]));

/** The column a header cell (or a JSON key) names, in any spelling the contract accepts; undefined for none. */
export const columnOfHeader = (cell: string): Column | undefined => BY_KEY.get(headerKey(cell.trim()));

export interface HeaderMap {
  /** Column → index in the record, or -1 when the file lacks it. */
  index: Record<Column, number>;
  /** Header cells that match no column: ignored, reported once. */
  ignored: string[];
}

export function mapHeader(cells: readonly string[]): HeaderMap {
  const index = Object.fromEntries(COLUMNS.map((c) => [c, -1])) as Record<Column, number>;
  const ignored: string[] = [];
  cells.forEach((raw, i) => {
    const cell = raw.trim();
    const column = columnOfHeader(cell);
    if (!column) {
      if (cell !== '') ignored.push(cell);
      return;
    }
    if (index[column] !== -1)
      throw new SupplierListFormatError(
        `header names column '${column}' twice (columns ${index[column] + 1} and ${i + 1})`,
      );
    index[column] = i;
  });
  const missing = missingColumns((c) => index[c] !== -1);
  if (missing.length > 0) {
    const seen = cells.length === 1 ? ` (the header has a single column '${cells[0]}': is the delimiter a comma?)` : '';
    throw new SupplierListFormatError(`missing required column(s): ${missing.join(', ')}${seen}`);
  }
  return { index, ignored };
}
