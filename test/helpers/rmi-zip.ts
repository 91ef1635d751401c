/**
 * Zips written byte by byte for the workbook container guard's tests: bombs (deflate data of 1 GiB of zeros built
 * without holding the zeros), headers that lie about sizes, encrypted or unusual parts.
 */
import { constants, crc32, deflateRawSync } from 'node:zlib';
import { unzipSync } from 'fflate';
import { readCentralDirectory } from '../../shared/supplier-list/workbook/zip-container.ts';

/** A zip entry written as given: `data` is stored, or already deflated (method 8) with any declared size. */
export interface RawZipEntry {
  name: string;
  data: Uint8Array;
  method?: 0 | 8;
  /** The uncompressed size the headers declare; default data's length. */
  declaredSize?: number;
  /** General-purpose flags (bit 0: encrypted). */
  flags?: number;
  /** CRC-32 of the uncompressed data (default 0: the reader does not check it; Excel does). */
  crc32?: number;
}

/** A zip of raw entries, headers exactly as told (for the container guard's tests: bombs, lies, odd parts). */
export function craftZip(entries: RawZipEntry[]): Uint8Array {
  const enc = new TextEncoder();
  const chunks: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = enc.encode(e.name);
    const size = e.declaredSize ?? e.data.length;
    const local = new Uint8Array(30 + name.length);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, 0x04034b50, true);
    lv.setUint16(4, 20, true);
    lv.setUint16(6, e.flags ?? 0, true);
    lv.setUint16(8, e.method ?? 0, true);
    lv.setUint32(14, e.crc32 ?? 0, true);
    lv.setUint32(18, e.data.length, true);
    lv.setUint32(22, size, true);
    lv.setUint16(26, name.length, true);
    local.set(name, 30);
    const dir = new Uint8Array(46 + name.length);
    const dv = new DataView(dir.buffer);
    dv.setUint32(0, 0x02014b50, true);
    dv.setUint16(4, 20, true);
    dv.setUint16(6, 20, true);
    dv.setUint16(8, e.flags ?? 0, true);
    dv.setUint16(10, e.method ?? 0, true);
    dv.setUint32(16, e.crc32 ?? 0, true);
    dv.setUint32(20, e.data.length, true);
    dv.setUint32(24, size, true);
    dv.setUint16(28, name.length, true);
    dv.setUint32(42, offset, true);
    dir.set(name, 46);
    chunks.push(local, e.data);
    central.push(dir);
    offset += local.length + e.data.length;
  }
  const cdSize = central.reduce((n, c) => n + c.length, 0);
  const end = new Uint8Array(22);
  const ev = new DataView(end.buffer);
  ev.setUint32(0, 0x06054b50, true);
  ev.setUint16(8, entries.length, true);
  ev.setUint16(10, entries.length, true);
  ev.setUint32(12, cdSize, true);
  ev.setUint32(16, offset, true);
  const all = [...chunks, ...central, end];
  const out = new Uint8Array(all.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of all) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** Raw deflate data expanding to `mib` MiB of zeros (~1 KB per MiB), built without ever holding the zeros. */
export function zerosBomb(mib: number): Uint8Array {
  const chunk = deflateRawSync(Buffer.alloc(1 << 20), { level: 9, finishFlush: constants.Z_FULL_FLUSH });
  const out = new Uint8Array(chunk.length * mib + 2);
  for (let i = 0; i < mib; i++) out.set(chunk, i * chunk.length);
  out.set([0x03, 0x00], chunk.length * mib); // an empty final block
  return out;
}

/** The parts of a workbook, to rebuild it with craftZip (stored) after changing one. */
export function workbookParts(bytes: Uint8Array): Record<string, Uint8Array> {
  return unzipSync(bytes);
}

/** The entries of a zip as they are stored (compressed data, method, CRC, size), to copy unchanged parts. */
export function storedEntries(bytes: Uint8Array): Map<string, RawZipEntry> {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Map<string, RawZipEntry>();
  for (const e of readCentralDirectory(bytes)) {
    const start = e.localOffset + 30 + dv.getUint16(e.localOffset + 26, true) + dv.getUint16(e.localOffset + 28, true);
    out.set(e.name, {
      name: e.name,
      data: bytes.subarray(start, start + e.compressedSize),
      method: e.method as 0 | 8,
      declaredSize: e.size,
      crc32: e.crc32,
    });
  }
  return out;
}

/** A part deflated as Excel stores it, with its CRC. */
export function deflatedEntry(name: string, data: Uint8Array): RawZipEntry {
  return { name, data: deflateRawSync(data, { level: 1 }), method: 8, declaredSize: data.length, crc32: crc32(data) };
}
