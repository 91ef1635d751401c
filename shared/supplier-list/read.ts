import { type CsvError, parse } from 'csv-parse';
import type { SupplierInput } from '../model/types.ts';
import { SupplierListAssembler } from './assemble.ts';
import { SupplierListFormatError } from './errors.ts';
import { COLUMNS, type HeaderMap, mapHeader } from './header.ts';
import { isRejection, type Rejection, validateRow } from './row.ts';

export interface SupplierList {
  /** Data rows read (header and blank lines not counted). rows = accepted + rejected.length, always. */
  rows: number;
  accepted: number;
  rejected: Rejection[];
  /** Suppliers with at least one accepted row, first-seen order, with their data rows. */
  suppliers: { supplier: SupplierInput; rows: number[] }[];
  delimiter: string;
  /** Header cells that match no column of the contract (ignored). */
  ignoredColumns: string[];
}

export interface ReadOptions {
  /** Called with the bytes consumed so far, at most every 64 KiB. */
  onProgress?: (bytes: number) => void;
  /** Called with each rejection as it happens (streaming consumers); it is also kept in `rejected`. */
  onReject?: (r: Rejection) => void;
}

const DELIMITERS = [',', ';', '\t', '|'];

/** A record the CSV parser skipped, passed down the stream in its place. */
interface Skipped {
  malformed: string;
}

/** A record longer than this is a runaway quote, not a supplier row. */
const MAX_RECORD_BYTES = 64 * 1024;

/** Choose the delimiter that splits the header into the most cells naming contract columns. */
export function detectDelimiter(headerLine: string): string {
  const known = new Set(COLUMNS.map((c) => c.replace(/_/g, '')));
  let best = ',';
  let bestScore = -1;
  for (const d of DELIMITERS) {
    const cells = headerLine.split(d);
    const score = cells.filter((c) => known.has(c.toLowerCase().replace(/[^a-z0-9]/g, ''))).length;
    if (score > bestScore) {
      best = d;
      bestScore = score;
    }
  }
  return best;
}

/**
 * Decode UTF-8 strictly (with or without BOM), refusing binary content: a NUL byte or an invalid UTF-8 sequence
 * makes the whole input a format error, since no row of such a file can be trusted.
 */
async function* decodeUtf8(
  source: AsyncIterable<Uint8Array | string>,
  onBytes: (n: number) => void,
): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let offset = 0;
  for await (const chunk of source) {
    if (typeof chunk === 'string') {
      offset += chunk.length;
      onBytes(offset);
      yield chunk;
      continue;
    }
    const nul = chunk.indexOf(0);
    if (nul >= 0)
      throw new SupplierListFormatError(`not a text CSV file: binary content (NUL byte) at byte ${offset + nul}`);
    let text: string;
    try {
      text = decoder.decode(chunk, { stream: true });
    } catch {
      throw new SupplierListFormatError(
        `not a UTF-8 text file: invalid UTF-8 near byte ${offset}; save it as CSV UTF-8`,
      );
    }
    offset += chunk.length;
    onBytes(offset);
    if (text) yield text;
  }
  try {
    const tail = decoder.decode();
    if (tail) yield tail;
  } catch {
    throw new SupplierListFormatError('not a UTF-8 text file: the file ends inside a multi-byte character');
  }
}

/**
 * Read a supplier list (the CSV contract) from a stream of bytes, validating each row and grouping rows into
 * suppliers. Rejections carry 1-based data-row numbers; blank lines are skipped and not counted.
 * Throws SupplierListFormatError only for whole-file problems (empty, binary, header unusable).
 */
export async function readSupplierList(
  source: AsyncIterable<Uint8Array | string>,
  options: ReadOptions = {},
): Promise<SupplierList> {
  let lastReported = 0;
  const onBytes = (n: number) => {
    if (options.onProgress && n - lastReported >= 65_536) {
      lastReported = n;
      options.onProgress(n);
    }
  };
  const text = decodeUtf8(source, onBytes);

  // Peek until the first line break to choose the delimiter, then replay what was read.
  let head = '';
  const firstChunks: string[] = [];
  for (;;) {
    const next = await text.next();
    if (next.done) break;
    firstChunks.push(next.value);
    head += next.value;
    if (/[\r\n]/.test(head.replace(/^[\r\n\s]+/, ''))) break;
  }
  if (head.trim() === '')
    throw new SupplierListFormatError('the file is empty: expected a header row and supplier rows');
  const headerLine = head.replace(/^[\r\n]+/, '').split(/\r?\n|\r/)[0] ?? '';
  const delimiter = detectDelimiter(headerLine);

  async function* replay(): AsyncGenerator<string> {
    yield* firstChunks;
    yield* text;
  }

  const collector = new SupplierListCollector(options.onReject);

  // A record the parser skips is reported through the stream itself, so it keeps its place among the records
  // (on_skip runs while earlier records may still wait in the stream's buffer, unread).
  const parser = parse({
    delimiter,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    max_record_size: MAX_RECORD_BYTES,
    on_skip: (err: CsvError | undefined) => {
      // csv-parse cannot resume after an oversized record (it drops the rest of the chunk): fail the whole file.
      if (err?.code === 'CSV_MAX_RECORD_SIZE')
        throw new SupplierListFormatError(
          `a record near line ${err.lines} is longer than ${MAX_RECORD_BYTES / 1024} KiB: is a quote left open?`,
        );
      const skipped: Skipped = {
        malformed: `malformed CSV record near line ${err?.lines ?? '?'}: ${err?.message ?? 'unreadable'}`,
      };
      parser.push(skipped);
    },
  });
  // Stop feeding when the parser is gone (an error, or the reader below stopped early), instead of waiting for a
  // 'drain' that never comes.
  const drained = () =>
    new Promise<void>((resolve) => {
      const done = () => {
        parser.off('drain', done);
        parser.off('close', done);
        resolve();
      };
      parser.once('drain', done);
      parser.once('close', done);
    });
  const feed = (async () => {
    try {
      for await (const chunk of replay()) {
        if (parser.destroyed) return;
        if (!parser.write(chunk)) await drained();
      }
      if (!parser.destroyed) parser.end();
    } catch (err) {
      parser.destroy(err as Error);
    }
  })();

  try {
    for await (const record of parser as AsyncIterable<string[] | Skipped>) {
      if (Array.isArray(record)) collector.record(record);
      else collector.malformed(record.malformed);
    }
  } catch (err) {
    if (err instanceof SupplierListFormatError) throw err;
    const e = err as CsvError;
    throw new SupplierListFormatError(`not a readable CSV file: ${e.message}`);
  } finally {
    parser.destroy();
    await feed;
  }
  return collector.finish(delimiter);
}

/** Feeds records (header first) through row validation and the cross-row assembler, counting everything. */
export class SupplierListCollector {
  private header: HeaderMap | undefined;
  private width = 0;
  private rows = 0;
  private readonly rejected: Rejection[] = [];
  private readonly assembler = new SupplierListAssembler();

  constructor(private readonly onReject?: (r: Rejection) => void) {}

  private reject(r: Rejection): void {
    this.rejected.push(r);
    this.onReject?.(r);
  }

  record(record: readonly string[]): void {
    // A row of empty cells (",,,,") is a blank line in a spreadsheet export: skip it, like an empty line
    // (above the header too).
    if (record.every((c) => c.trim() === '')) return;
    if (!this.header) {
      this.header = mapHeader(record);
      this.width = record.length;
      return;
    }
    this.rows++;
    const result = validateRow(record, this.header, this.rows, this.width);
    if (isRejection(result)) {
      this.reject(result);
      return;
    }
    const crossRow = this.assembler.add(result);
    if (crossRow) this.reject(crossRow);
  }

  /** A record the CSV parser could not read (e.g. a stray quote): still a row, rejected. */
  malformed(message: string): void {
    if (!this.header) throw new SupplierListFormatError(`the header row is not readable CSV: ${message}`);
    this.rows++;
    this.reject({ row: this.rows, field: '(row)', value: '', message });
  }

  finish(delimiter: string): SupplierList {
    if (!this.header) throw new SupplierListFormatError('the file has no header row');
    return {
      rows: this.rows,
      accepted: this.assembler.accepted,
      rejected: this.rejected,
      suppliers: [...this.assembler.suppliersWithRows()],
      delimiter,
      ignoredColumns: this.header.ignored,
    };
  }
}
