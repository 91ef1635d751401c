/**
 * What the CLI was given, read: one supplier-list file (CSV, JSON or an RMI workbook), a folder of them, or a zip
 * archive of workbooks. Each file is read on its own; in a folder or an archive a file that cannot be read is
 * reported with its reason and the others are still scored. A single file that cannot be read is a usage error.
 */
import { open, readdir, readFile, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { SupplierListFormatError } from '../../shared/supplier-list/errors.ts';
import { inputFormat, isZip } from './input-format.ts';
import type { InputOutcome, Inputs, ReadInput } from './input-outcome.ts';
import { readCsvFile, readJsonList, readWorkbookList } from './read-input.ts';
import { ARCHIVE_ZIP_LIMITS, workbookEntries } from './zip-entries.ts';

export type { InputOutcome, Inputs, ReadInput };

/** A usage error or an unreadable input: the CLI prints its message on one line and exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface ReadOptions {
  /** The supplier a single workbook's lines belong to. */
  supplierId?: string;
  /** A progress bar on stderr for a large CSV. */
  progress: boolean;
}

const WORKBOOK_EXTENSIONS = new Set(['.xlsx', '.xlsm']);
/** A folder's files taken as inputs, by extension (their content still decides how they are read). */
const FOLDER_EXTENSIONS = new Set(['.csv', '.json', ...WORKBOOK_EXTENSIONS]);

const errnoMessage = (err: unknown) => (err as NodeJS.ErrnoException).code ?? (err as Error).message;

const xlsMessage = 'an Excel 97–2003 workbook (.xls): open it in Excel and save it as .xlsx';

/** A whole-file problem of one of the readers, as a message; anything else is not the file's fault: rethrown. */
function fileProblem(err: unknown): string {
  // The workbook reader's WorkbookFormatError is one too.
  if (err instanceof SupplierListFormatError) return err.message;
  throw err;
}

async function head(file: string): Promise<Uint8Array> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(256);
    const { bytesRead } = await fh.read(buf, 0, 256, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** Reads the whole of a zip file, refusing one above `maxBytes` before reading it. */
async function readZipFile(file: string, size: number, maxBytes: number): Promise<Buffer> {
  if (size > maxBytes)
    throw new UsageError(
      `${file}: ${(size / 2 ** 20).toFixed(1)} MiB, more than the ${Math.round(maxBytes / 2 ** 20)} MiB a zip may be here: split it`,
    );
  return readFile(file);
}

/** Reads one file of the file system, by its content. Throws the readers' errors for whole-file problems. */
async function readOne(
  file: string,
  size: number,
  options: ReadOptions,
): Promise<ReadInput | { zip: Buffer } | { xls: true }> {
  const first = await head(file);
  const whole = isZip(first) ? await readZipFile(file, size, ARCHIVE_ZIP_LIMITS.fileBytes) : undefined;
  const format = inputFormat(file, first, whole);
  const name = basename(file);
  // Named a workbook but not one: a damaged or mislabelled file, not a CSV to read.
  if (WORKBOOK_EXTENSIONS.has(extname(file).toLowerCase()) && (format === 'csv' || format === 'json'))
    throw new SupplierListFormatError('not an Excel workbook: the file is not an .xlsx (zip) container');
  switch (format) {
    case 'xls':
      return { xls: true };
    case 'zip':
      return { zip: whole as Buffer };
    case 'xlsx':
      return { name, format, list: await readWorkbookList(whole as Buffer, options.supplierId) };
    case 'json':
      return { name, format, list: readJsonList(await readFile(file)) };
    default:
      return { name, format, list: await readCsvFile(file, size, options.progress) };
  }
}

/** The workbooks of a zip archive, each read on its own. */
async function archiveOutcomes(zip: Uint8Array): Promise<Pick<Inputs, 'outcomes' | 'skipped'>> {
  const outcomes: InputOutcome[] = [];
  const skipped: string[] = [];
  for (const entry of workbookEntries(zip)) {
    if (!('bytes' in entry)) {
      if (entry.skipped) skipped.push(entry.name);
      else outcomes.push({ name: entry.name, format: 'xlsx', error: entry.error });
      continue;
    }
    try {
      outcomes.push({ name: entry.name, format: 'xlsx', list: await readWorkbookList(entry.bytes) });
    } catch (err) {
      outcomes.push({ name: entry.name, format: 'xlsx', error: fileProblem(err) });
    }
  }
  return { outcomes, skipped };
}

async function folderOutcomes(dir: string): Promise<Pick<Inputs, 'outcomes' | 'skipped'>> {
  const names = (await readdir(dir, { withFileTypes: true }))
    .filter((d) => d.isFile() && !d.name.startsWith('.'))
    .map((d) => d.name)
    .sort();
  const outcomes: InputOutcome[] = [];
  const skipped: string[] = [];
  for (const name of names) {
    if (!FOLDER_EXTENSIONS.has(extname(name).toLowerCase())) {
      skipped.push(name);
      continue;
    }
    const file = join(dir, name);
    try {
      const read = await readOne(file, (await stat(file)).size, { progress: false });
      if ('list' in read) outcomes.push(read);
      else if ('xls' in read) outcomes.push({ name, format: 'xls', error: xlsMessage });
      else outcomes.push({ name, format: 'zip', error: 'a zip archive, not a workbook: give the archive itself' });
    } catch (err) {
      outcomes.push({ name, format: 'csv', error: fileProblem(err) });
    }
  }
  return { outcomes, skipped };
}

/** Reads what the CLI was given. A usage error when it cannot be read at all, or holds nothing to score. */
export async function readInputs(path: string, options: ReadOptions): Promise<Inputs> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(path);
  } catch (err) {
    throw new UsageError(`cannot read ${path}: ${errnoMessage(err)}`);
  }
  if (info.isDirectory()) {
    if (options.supplierId !== undefined)
      throw new UsageError('--supplier-id names the supplier of one workbook: not with a folder');
    const read = await folderOutcomes(path);
    if (read.outcomes.length === 0) throw new UsageError(`${path}: no .csv, .json or .xlsx file in the folder`);
    return { ...read, many: true };
  }
  if (!info.isFile()) throw new UsageError(`cannot read ${path}: not a file`);
  let read: Awaited<ReturnType<typeof readOne>>;
  try {
    read = await readOne(path, info.size, options);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    if (err instanceof SupplierListFormatError) throw new UsageError(`${path}: ${err.message}`);
    if ((err as NodeJS.ErrnoException).code) throw new UsageError(`cannot read ${path}: ${errnoMessage(err)}`);
    throw err;
  }
  if ('xls' in read) throw new UsageError(`${path}: ${xlsMessage}`);
  if ('list' in read) {
    if (options.supplierId !== undefined && read.format !== 'xlsx')
      throw new UsageError('--supplier-id names the supplier of a workbook: not with a CSV or JSON list');
    return { outcomes: [read], many: false, skipped: [] };
  }
  if (options.supplierId !== undefined)
    throw new UsageError('--supplier-id names the supplier of one workbook: not with an archive');
  let archive: Awaited<ReturnType<typeof archiveOutcomes>>;
  try {
    archive = await archiveOutcomes(read.zip);
  } catch (err) {
    if (err instanceof SupplierListFormatError) throw new UsageError(`${path}: ${err.message}`);
    throw err;
  }
  if (archive.outcomes.length === 0) throw new UsageError(`${path}: no .xlsx workbook in the archive`);
  return { ...archive, many: true };
}
