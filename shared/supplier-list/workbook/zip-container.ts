/**
 * Reads a zip's central directory and expands chosen parts with their sizes checked, before any spreadsheet code sees
 * the bytes: the defence against zip bombs and odd containers (encrypted parts, zip64, unusual compression, lying
 * headers). Pure: bytes in, parts out.
 */
import { inflateRawSync } from 'node:zlib';
import { WorkbookFormatError, WorkbookTooLargeError } from './errors.ts';
import {
  MAX_COMPRESSION_RATIO,
  MAX_ENTRY_BYTES,
  MAX_TOTAL_BYTES,
  MAX_WORKBOOK_BYTES,
  MAX_ZIP_ENTRIES,
  RATIO_FLOOR_BYTES,
} from './limits.ts';

export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  crc32: number;
  localOffset: number;
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const STORED = 0;
const DEFLATED = 8;

const mib = (n: number) => `${Math.round((n / 1024 / 1024) * 10) / 10} MiB`;

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** True when the bytes start like a zip (local header or an empty archive's end record). */
export function hasZipMagic(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && (bytes[2] === 3 || bytes[2] === 5);
}

/** What a zip is checked against: a workbook's limits, or (the CLI's zip of workbooks) an archive's. */
export interface ZipLimits {
  /** What the zip is, in messages ('workbook'). */
  noun: string;
  fileBytes: number;
  entries: number;
  entryBytes: number;
  totalBytes: number;
}

export const WORKBOOK_ZIP_LIMITS: ZipLimits = {
  noun: 'workbook',
  fileBytes: MAX_WORKBOOK_BYTES,
  entries: MAX_ZIP_ENTRIES,
  entryBytes: MAX_ENTRY_BYTES,
  totalBytes: MAX_TOTAL_BYTES,
};

/**
 * The archive's parts from its central directory, refused with WorkbookTooLargeError when the file, the number of
 * parts, a part's declared size, the declared total or a compression ratio exceeds the limits, and with
 * WorkbookFormatError when a part is encrypted, zip64, compressed other than stored/deflate, named outside the
 * archive or twice, or the directory is broken.
 */
export function readCentralDirectory(bytes: Uint8Array, limits: ZipLimits = WORKBOOK_ZIP_LIMITS): ZipEntry[] {
  if (bytes.length > limits.fileBytes)
    throw new WorkbookTooLargeError(
      `the ${limits.noun} is ${mib(bytes.length)}, more than the ${mib(limits.fileBytes)} a ${limits.noun} may be`,
    );
  const dv = view(bytes);
  let eocd = -1;
  // The end record is 22 bytes plus a comment of up to 65,535.
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 65_535); i--)
    if (dv.getUint32(i, true) === EOCD) {
      eocd = i;
      break;
    }
  if (eocd < 0) throw new WorkbookFormatError('not a readable zip container: no end of central directory');
  const count = dv.getUint16(eocd + 10, true);
  const cdSize = dv.getUint32(eocd + 12, true);
  const cdOffset = dv.getUint32(eocd + 16, true);
  if (count === 0xffff || cdOffset === 0xffffffff || cdSize === 0xffffffff)
    throw new WorkbookFormatError('zip64 containers are not read: a workbook never needs one');
  if (count > limits.entries)
    throw new WorkbookTooLargeError(`the ${limits.noun} has ${count} parts, more than the ${limits.entries} allowed`);
  if (cdOffset + cdSize > eocd)
    throw new WorkbookFormatError('not a readable zip container: central directory out of bounds');

  const entries: ZipEntry[] = [];
  const names = new Set<string>();
  let total = 0;
  let p = cdOffset;
  for (let i = 0; i < count; i++) {
    if (p + 46 > eocd || dv.getUint32(p, true) !== CENTRAL)
      throw new WorkbookFormatError('not a readable zip container: broken central directory');
    const flags = dv.getUint16(p + 8, true);
    const method = dv.getUint16(p + 10, true);
    const crc32 = dv.getUint32(p + 16, true);
    const compressedSize = dv.getUint32(p + 20, true);
    const size = dv.getUint32(p + 24, true);
    const nameLength = dv.getUint16(p + 28, true);
    const extraLength = dv.getUint16(p + 30, true);
    const commentLength = dv.getUint16(p + 32, true);
    const localOffset = dv.getUint32(p + 42, true);
    const name = new TextDecoder().decode(bytes.subarray(p + 46, p + 46 + nameLength));
    p += 46 + nameLength + extraLength + commentLength;

    if (flags & 0x41)
      throw new WorkbookFormatError(`part '${name}' is encrypted: save the workbook without a password`);
    if (method !== STORED && method !== DEFLATED)
      throw new WorkbookFormatError(
        `part '${name}' uses compression method ${method}: only stored and deflate are read`,
      );
    if (size === 0xffffffff || compressedSize === 0xffffffff || localOffset === 0xffffffff)
      throw new WorkbookFormatError('zip64 containers are not read: a workbook never needs one');
    if (name.startsWith('/') || name.includes('\\') || name.split('/').includes('..'))
      throw new WorkbookFormatError(`part name '${name}' points outside the archive`);
    if (names.has(name)) throw new WorkbookFormatError(`part '${name}' appears twice in the archive`);
    names.add(name);
    if (size > limits.entryBytes)
      throw new WorkbookTooLargeError(
        `part '${name}' expands to ${mib(size)}, more than the ${mib(limits.entryBytes)} one part may (a zip bomb?)`,
      );
    if (size >= RATIO_FLOOR_BYTES && size > compressedSize * MAX_COMPRESSION_RATIO)
      throw new WorkbookTooLargeError(
        `part '${name}' expands ${Math.round(size / Math.max(1, compressedSize))} times, more than the ${MAX_COMPRESSION_RATIO} allowed (a zip bomb?)`,
      );
    total += size;
    if (total > limits.totalBytes)
      throw new WorkbookTooLargeError(
        `the ${limits.noun}'s parts expand to more than ${mib(limits.totalBytes)} together (a zip bomb?)`,
      );
    if (method === STORED && compressedSize !== size)
      throw new WorkbookFormatError(`part '${name}' is stored with two different sizes`);
    entries.push({ name, method, compressedSize, size, crc32, localOffset });
  }
  return entries;
}

/**
 * One part's bytes, expanded with the output capped at its declared size: a part whose header lies about its size
 * fails here instead of filling memory.
 */
export function expandEntry(bytes: Uint8Array, entry: ZipEntry): Uint8Array {
  const dv = view(bytes);
  const at = entry.localOffset;
  if (at + 30 > bytes.length || dv.getUint32(at, true) !== LOCAL)
    throw new WorkbookFormatError(`part '${entry.name}' has no local header where the directory says`);
  const start = at + 30 + dv.getUint16(at + 26, true) + dv.getUint16(at + 28, true);
  const end = start + entry.compressedSize;
  if (end > bytes.length) throw new WorkbookFormatError(`part '${entry.name}' runs past the end of the file`);
  const raw = bytes.subarray(start, end);
  if (entry.method === STORED) return raw;
  let out: Uint8Array;
  try {
    // One byte of room above the declared size tells a lying header from an exact one.
    out = inflateRawSync(raw, { maxOutputLength: Math.max(1, entry.size + 1) });
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ERR_BUFFER_TOO_LARGE' || /Cannot create a Buffer larger/.test(String(err)))
      throw new WorkbookTooLargeError(
        `part '${entry.name}' expands past the ${entry.size} bytes its header declares (a zip bomb?)`,
      );
    throw new WorkbookFormatError(`part '${entry.name}' is not valid deflate data`);
  }
  if (out.length !== entry.size)
    throw new WorkbookFormatError(
      `part '${entry.name}' expands to ${out.length} bytes, not the ${entry.size} its header declares`,
    );
  return out;
}
