/**
 * The workbooks of a zip archive, one at a time, through the reader's own zip guard (shared/supplier-list/workbook/
 * zip-container.ts): the archive's directory is checked against the archive limits (entries, sizes, compression
 * ratios, encryption, names outside the archive) before anything is expanded, and each workbook is expanded alone,
 * its size capped at what its header declares.
 */
import { SupplierListFormatError } from '../../shared/supplier-list/errors.ts';
import { MAX_WORKBOOK_BYTES } from '../../shared/supplier-list/workbook/limits.ts';
import {
  expandEntry,
  readCentralDirectory,
  type ZipLimits,
} from '../../shared/supplier-list/workbook/zip-container.ts';

/**
 * A zip of workbooks is read whole: the CLI runs on the analyst's machine, not in a function, so the bound is the
 * machine's memory (1,000 filled templates are about 1.6 GB). Its entries are expanded one at a time, each at most
 * what a workbook may be; the total bounds the work a zip bomb of many entries could ask for.
 */
export const ARCHIVE_ZIP_LIMITS: ZipLimits = {
  noun: 'archive',
  fileBytes: 2 * 2 ** 30 - 1,
  entries: 10_000,
  entryBytes: MAX_WORKBOOK_BYTES,
  totalBytes: 16 * 2 ** 30,
};

export type ArchiveEntry =
  | { name: string; bytes: Uint8Array }
  | { name: string; skipped: true }
  | { name: string; skipped: false; error: string };

const isWorkbookName = (name: string) => /\.xls[xm]$/i.test(name);
/** Folders, and what archivers add beside the files (macOS resource forks, hidden files). */
const isClutter = (name: string) =>
  name.endsWith('/') || name.startsWith('__MACOSX/') || name.split('/').some((part) => part.startsWith('.'));

/** Throws the reader's named error when the archive itself is refused; a workbook that cannot be expanded is an entry with its error. */
export function* workbookEntries(zip: Uint8Array): Generator<ArchiveEntry> {
  const entries = readCentralDirectory(zip, ARCHIVE_ZIP_LIMITS);
  for (const entry of entries) {
    if (isClutter(entry.name)) continue;
    if (!isWorkbookName(entry.name)) {
      yield { name: entry.name, skipped: true };
      continue;
    }
    try {
      yield { name: entry.name, bytes: expandEntry(zip, entry) };
    } catch (err) {
      if (!(err instanceof SupplierListFormatError)) throw err;
      yield { name: entry.name, skipped: false, error: err.message };
    }
  }
}
