/** What reading one input of the CLI came to: its supplier list, or why the whole file could not be read. */
import type { SupplierList } from '../../shared/supplier-list/read.ts';
import type { WorkbookList } from '../../shared/supplier-list/workbook/read-workbook.ts';
import type { InputFormat } from './input-format.ts';

export interface ReadInput {
  /** The file's name (in a folder or an archive, its name there). */
  name: string;
  format: 'csv' | 'json' | 'xlsx';
  list: SupplierList | WorkbookList;
}

export interface UnreadableInput {
  name: string;
  format: InputFormat;
  /** Why the whole file could not be read. */
  error: string;
}

export type InputOutcome = ReadInput | UnreadableInput;

export const isRead = (o: InputOutcome): o is ReadInput => 'list' in o;

export interface Inputs {
  /** In name order (a folder), or archive order (a zip). */
  outcomes: InputOutcome[];
  /** A folder or an archive: many inputs, one summary. */
  many: boolean;
  /** Files of a folder or entries of an archive that are not supplier lists or workbooks, by name. */
  skipped: string[];
}
