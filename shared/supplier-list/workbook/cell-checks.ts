/**
 * What a workbook rejection names (sheet, cell) and the checks every cell the reader uses goes through: a formula's
 * error saved as a value (a paste over a formula, a broken reference) and text cut at Excel's 255 characters.
 */
import { TRUNCATED_CELL_LENGTH } from './limits.ts';

export interface Place {
  sheet: string;
  cell: string;
}

/** A rejection of a workbook row: the Rejection of the CSV contract with its sheet and cell; `row` is the sheet's. */
export interface CellRejection extends Place {
  row: number;
  field: string;
  value: string;
  message: string;
}

const FORMULA_ERROR =
  /^#(N\/A|REF!|VALUE!|DIV\/0!|NAME\?|NUM!|NULL!|SPILL!|CALC!|GETTING_DATA|FIELD!|BLOCKED!|UNKNOWN!)$/i;

/** The problem with a cell the reader uses, if any. */
export function cellProblem(value: string): string | null {
  if (FORMULA_ERROR.test(value.trim()))
    return `the cell holds ${value.trim()}, a formula's error saved as a value (pasted over or broken): re-enter it`;
  if (value.length >= TRUNCATED_CELL_LENGTH)
    return `the cell holds ${value.length} characters, where Excel cuts text at ${TRUNCATED_CELL_LENGTH}: it was probably cut; shorten it`;
  return null;
}
