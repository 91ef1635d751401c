/**
 * What a file given to the CLI is, told by its bytes (its name only breaks a tie): a supplier-list CSV, the same rows
 * as a JSON array, an RMI workbook (.xlsx), or a zip archive of workbooks. An .xlsx is itself a zip: it is the one
 * whose directory holds a workbook part (xl/workbook.xml). The directory is read by the reader's zip guard under the
 * archive's limits, so a workbook too large for the reader is still told to be one (and refused by the reader,
 * saying why), and a large archive is not taken for a workbook.
 */
import { extname } from 'node:path';
import { readCentralDirectory } from '../../shared/supplier-list/workbook/zip-container.ts';
import { ARCHIVE_ZIP_LIMITS } from './zip-entries.ts';

export type InputFormat = 'csv' | 'json' | 'xlsx' | 'zip' | 'xls';

const ZIP = [0x50, 0x4b, 0x03, 0x04];
const EMPTY_ZIP = [0x50, 0x4b, 0x05, 0x06];
/** The OLE2 compound file of Excel 97–2003 (.xls). */
const OLE2 = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

const startsWith = (bytes: Uint8Array, magic: readonly number[]) =>
  bytes.length >= magic.length && magic.every((b, i) => bytes[i] === b);

/** Whether the file is a zip (a workbook, or an archive of them): the whole file is needed to tell which. */
export const isZip = (head: Uint8Array): boolean => startsWith(head, ZIP) || startsWith(head, EMPTY_ZIP);

/** A zip the guard refuses even as an archive is read as one, and refused, saying why. */
function holdsWorkbookPart(zip: Uint8Array): boolean {
  try {
    return readCentralDirectory(zip, ARCHIVE_ZIP_LIMITS).some((e) => e.name === 'xl/workbook.xml');
  } catch {
    return false;
  }
}

/**
 * The format of a file from its first bytes (`head`, at least 8), and for a zip from all of them (`whole`). A text
 * file is a JSON array when it says so (`.json`, or a `[` first), else a CSV: the CSV reader then says what is wrong.
 */
export function inputFormat(name: string, head: Uint8Array, whole?: Uint8Array): InputFormat {
  if (startsWith(head, OLE2)) return 'xls';
  if (isZip(head)) {
    if (!whole) throw new TypeError('a zip file is told apart by its whole bytes');
    return holdsWorkbookPart(whole) ? 'xlsx' : 'zip';
  }
  const text = Buffer.from(head)
    .toString('latin1')
    .replace(/^\uFEFF|^\xEF\xBB\xBF/, '');
  return extname(name).toLowerCase() === '.json' || /^\s*\[/.test(text) ? 'json' : 'csv';
}
