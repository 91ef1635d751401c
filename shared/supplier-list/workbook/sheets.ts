/**
 * The chosen sheets of a workbook as grids of cell text, read by the spreadsheet library (read-excel-file) from the
 * checked package (workbook-package.ts). The library reads cell values and the values formulas had when the file was
 * last saved; it never evaluates a formula nor runs a macro.
 */
import readXlsxFile from 'read-excel-file/node';
import { WorkbookFormatError } from './errors.ts';
import { packageWorkbook } from './workbook-package.ts';

/** One sheet: cell text by 1-based row and column letter(s); '' for an empty cell. */
export interface Grid {
  readonly sheet: string;
  /** Last row with a value. */
  readonly rows: number;
  text(column: string, row: number): string;
}

export interface WorkbookSheets {
  sheetNames: string[];
  sheets: Map<string, Grid>;
  hasMacros: boolean;
}

/** 'A' → 0, 'AD' → 29. */
export function columnIndex(column: string): number {
  let n = 0;
  for (const ch of column) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n - 1;
}

function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? '' : v.toISOString().slice(0, 10);
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  return String(v);
}

class ArrayGrid implements Grid {
  readonly rows: number;
  constructor(
    readonly sheet: string,
    private readonly data: readonly (readonly unknown[])[],
  ) {
    this.rows = data.length;
  }
  text(column: string, row: number): string {
    return cellText(this.data[row - 1]?.[columnIndex(column)]);
  }
}

/** Read the `wanted` sheets that exist; the container is checked first (WorkbookTooLargeError past the limits). */
export async function readSheets(bytes: Uint8Array, wanted: readonly string[]): Promise<WorkbookSheets> {
  const pkg = packageWorkbook(bytes, wanted);
  const sheets = new Map<string, Grid>();
  if (pkg.sheets.length > 0) {
    let read: { sheet: string; data: unknown[][] }[];
    try {
      // The package holds only the chosen sheets; numbers stay as written (a CID, a version 6.10).
      const options = { parseNumber: (s: string) => s };
      read = (await readXlsxFile(Buffer.from(pkg.zip.buffer, pkg.zip.byteOffset, pkg.zip.byteLength), options)) as {
        sheet: string;
        data: unknown[][];
      }[];
    } catch (err) {
      throw new WorkbookFormatError(`the workbook cannot be read: ${(err as Error).message}`);
    }
    for (const s of read) sheets.set(s.sheet, new ArrayGrid(s.sheet, s.data));
  }
  return { sheetNames: pkg.sheetNames, sheets, hasMacros: pkg.hasMacros };
}
