import { isUtf8 } from 'node:buffer';
import { type CsvError, parse } from 'csv-parse';
import type { SupplierInput } from '../model/types.ts';
import { SupplierListAssembler } from './assemble.ts';
import { SupplierListFormatError } from './errors.ts';
import { COLUMNS, type HeaderMap, mapHeader } from './header.ts';
import { isRejection, type Rejection, validateRow } from './row.ts';

export interface SupplierList {
  /** Data rows read (header and blank lines not counted). rows = accepted + rejectedCount, always. */
  rows: number;
  accepted: number;
  /** Rows rejected, all of them (`rejected` may hold only the first `keepRejections`). */
  rejectedCount: number;
  /** The rejections, in row order: all of them, or the first `keepRejections`. Values cut to MAX_REJECTED_VALUE. */
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
  /** Keep at most this many rejections in `rejected` (all are counted); default all. Bounds a bad file's memory. */
  keepRejections?: number;
  /** Fail the file (SupplierListFormatError) past this many data rows; default no limit. Bounds memory and work. */
  maxRows?: number;
  /** Stop reading once it aborts: the read rejects with the signal's reason, unchanged. */
  signal?: AbortSignal;
}

/** A rejected cell's value is kept up to this many characters (a 60 KB cell is not worth storing 10,000 times). */
export const MAX_REJECTED_VALUE = 200;

const cut = (value: string) =>
  value.length <= MAX_REJECTED_VALUE ? value : `${value.slice(0, MAX_REJECTED_VALUE)}… (${value.length} characters)`;

const DELIMITERS = [',', ';', '\t', '|'];

/** A record the CSV parser skipped, passed down the stream in its place. */
interface Skipped {
  malformed: string;
}

/** A record longer than this is a runaway quote, not a supplier row. */
const MAX_RECORD_BYTES = 64 * 1024;

/** csv-parse options of the reader (the delimiter is detected per file); the benchmark's floor uses the same. */
export const CSV_PARSE_OPTIONS = {
  bom: true,
  encoding: 'utf8',
  relax_column_count: true,
  relax_quotes: true,
  skip_empty_lines: true,
  skip_records_with_error: true,
  max_record_size: MAX_RECORD_BYTES,
} as const;

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

/** Length of an incomplete UTF-8 sequence at the end of `bytes` (0–3), to carry into the next chunk. */
function incompleteTail(bytes: Uint8Array): number {
  for (let back = 1; back <= Math.min(3, bytes.length); back++) {
    const b = bytes[bytes.length - back] as number;
    if ((b & 0xc0) === 0x80) continue; // continuation byte: keep looking for the lead byte
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > back ? back : 0;
  }
  return 0;
}

/**
 * Pass the bytes through unchanged (csv-parse decodes them itself, once), refusing binary content: a NUL byte or an
 * invalid UTF-8 sequence makes the whole input a format error, since no row of such a file can be trusted.
 * Chunks are split only at character boundaries.
 */
async function* validatedUtf8(
  source: AsyncIterable<Uint8Array | string>,
  onBytes: (n: number) => void,
): AsyncGenerator<Buffer> {
  let offset = 0;
  let carry: Buffer | null = null;
  for await (const chunk of source) {
    const raw =
      typeof chunk === 'string'
        ? Buffer.from(chunk, 'utf8')
        : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const bytes: Buffer = carry ? Buffer.concat([carry, raw]) : raw;
    const nul = bytes.indexOf(0);
    if (nul >= 0)
      throw new SupplierListFormatError(`not a text CSV file: binary content (NUL byte) at byte ${offset + nul}`);
    const tail = incompleteTail(bytes);
    const whole = tail > 0 ? bytes.subarray(0, bytes.length - tail) : bytes;
    carry = tail > 0 ? Buffer.from(bytes.subarray(bytes.length - tail)) : null;
    if (!isUtf8(whole))
      throw new SupplierListFormatError(
        `not a UTF-8 text file: invalid UTF-8 near byte ${offset}; save it as CSV UTF-8`,
      );
    offset += whole.length;
    onBytes(offset);
    if (whole.length > 0) yield whole;
  }
  if (carry) throw new SupplierListFormatError('not a UTF-8 text file: the file ends inside a multi-byte character');
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
  const bytes = validatedUtf8(source, onBytes);

  // Peek until the first line break to choose the delimiter, then replay what was read.
  let head = '';
  const firstChunks: Buffer[] = [];
  for (;;) {
    const next = await bytes.next();
    if (next.done) break;
    firstChunks.push(next.value);
    head += next.value.toString('utf8');
    if (/[\r\n]/.test(head.replace(/^\uFEFF?[\r\n\s]+/, ''))) break;
  }
  head = head.replace(/^\uFEFF/, '');
  if (head.trim() === '')
    throw new SupplierListFormatError('the file is empty: expected a header row and supplier rows');
  const headerLine = head.replace(/^[\r\n]+/, '').split(/\r?\n|\r/)[0] ?? '';
  const delimiter = detectDelimiter(headerLine);

  async function* replay(): AsyncGenerator<Buffer> {
    yield* firstChunks;
    yield* bytes;
  }

  const collector = new SupplierListCollector(options.onReject, options);

  // A record the parser skips is reported through the stream itself, so it keeps its place among the records
  // (on_skip runs while earlier records may still wait in the stream's buffer, unread).
  const parser = parse({
    ...CSV_PARSE_OPTIONS,
    delimiter,
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
  // Records are handled synchronously as they come ('data'), without a promise per record.
  const done = new Promise<void>((resolve, reject) => {
    parser.on('data', (record: string[] | Skipped) => {
      try {
        if (Array.isArray(record)) collector.record(record);
        else collector.malformed(record.malformed);
      } catch (err) {
        parser.destroy(err as Error);
      }
    });
    parser.once('end', resolve);
    parser.once('error', reject);
    parser.once('close', () => {
      if (!parser.readableEnded) reject(parser.errored ?? new SupplierListFormatError('the CSV reader stopped early'));
    });
  });
  // Stop feeding when the parser is gone (an error) instead of waiting for a 'drain' that never comes.
  const drained = () =>
    new Promise<void>((resolve) => {
      const finish = () => {
        parser.off('drain', finish);
        parser.off('close', finish);
        resolve();
      };
      parser.once('drain', finish);
      parser.once('close', finish);
    });
  const feed = (async () => {
    try {
      for await (const chunk of replay()) {
        options.signal?.throwIfAborted();
        if (parser.destroyed) return;
        if (!parser.write(chunk)) await drained();
      }
      if (!parser.destroyed) parser.end();
    } catch (err) {
      parser.destroy(err as Error);
    }
  })();

  try {
    await done;
  } catch (err) {
    if (err instanceof SupplierListFormatError) throw err;
    if (options.signal?.aborted && err === options.signal.reason) throw err;
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
  private rejectedCount = 0;
  private readonly rejected: Rejection[] = [];
  private readonly assembler = new SupplierListAssembler();
  private readonly onReject: ((r: Rejection) => void) | undefined;
  private readonly keep: number;
  private readonly maxRows: number;

  constructor(onReject?: (r: Rejection) => void, limits: Pick<ReadOptions, 'keepRejections' | 'maxRows'> = {}) {
    this.onReject = onReject;
    this.keep = limits.keepRejections ?? Number.POSITIVE_INFINITY;
    this.maxRows = limits.maxRows ?? Number.POSITIVE_INFINITY;
  }

  private reject(r: Rejection): void {
    const kept = r.value.length > MAX_REJECTED_VALUE ? { ...r, value: cut(r.value) } : r;
    this.rejectedCount++;
    if (this.rejected.length < this.keep) this.rejected.push(kept);
    this.onReject?.(kept);
  }

  private countRow(): void {
    this.rows++;
    if (this.rows > this.maxRows)
      throw new SupplierListFormatError(
        `the file has more than ${this.maxRows.toLocaleString('en-US')} rows, the most one upload may have: split it into several uploads`,
      );
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
    this.countRow();
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
    this.countRow();
    this.reject({ row: this.rows, field: '(row)', value: '', message });
  }

  finish(delimiter: string): SupplierList {
    if (!this.header) throw new SupplierListFormatError('the file has no header row');
    return {
      rows: this.rows,
      accepted: this.assembler.accepted,
      rejectedCount: this.rejectedCount,
      rejected: this.rejected,
      suppliers: [...this.assembler.suppliersWithRows()],
      delimiter,
      ignoredColumns: this.header.ignored,
    };
  }
}
