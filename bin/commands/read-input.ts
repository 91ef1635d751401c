/**
 * Reads one input of the CLI into a supplier list: a CSV streamed from disk (with a progress bar for a large one),
 * a JSON array of rows, or an RMI workbook read whole. Whole-file problems throw the readers' named errors.
 */
import { createReadStream } from 'node:fs';
import cliProgress from 'cli-progress';
import { SupplierListFormatError } from '../../shared/supplier-list/errors.ts';
import { readSupplierListJson } from '../../shared/supplier-list/json.ts';
import { readSupplierList, type SupplierList } from '../../shared/supplier-list/read.ts';
import { readWorkbook, type WorkbookList } from '../../shared/supplier-list/workbook/read-workbook.ts';

const PROGRESS_MIN_BYTES = 4 * 1024 * 1024;

/** Like the CSV reader: binary content or invalid UTF-8 is a format error, never silently replaced. */
function decodeUtf8Strict(bytes: Uint8Array): string {
  if (bytes.includes(0)) throw new SupplierListFormatError('not a text file: binary content (NUL byte)');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new SupplierListFormatError('not a UTF-8 text file: invalid UTF-8; save it as UTF-8');
  }
}

export const readJsonList = (bytes: Uint8Array): SupplierList => readSupplierListJson(decodeUtf8Strict(bytes));

/** A CSV file streamed from disk; a progress bar on stderr for a large one when `showProgress`. */
export async function readCsvFile(file: string, size: number, showProgress: boolean): Promise<SupplierList> {
  const bar =
    showProgress && size >= PROGRESS_MIN_BYTES
      ? new cliProgress.SingleBar(
          {
            stream: process.stderr,
            format: 'reading {bar} {percentage}% | {value}/{total} MB | eta {eta}s',
            hideCursor: true,
          },
          cliProgress.Presets.shades_classic,
        )
      : null;
  bar?.start(Math.ceil(size / 1e6), 0);
  try {
    return await readSupplierList(createReadStream(file, { highWaterMark: 256 * 1024 }), {
      onProgress: (bytes) => bar?.update(Math.floor(bytes / 1e6)),
    });
  } finally {
    bar?.update(Math.ceil(size / 1e6));
    bar?.stop();
  }
}

/** A workbook's lines, for `supplierId` when given (else the company its Declaration names). */
export const readWorkbookList = (bytes: Uint8Array, supplierId?: string): Promise<WorkbookList> =>
  readWorkbook(bytes, supplierId === undefined ? {} : { supplierId });
