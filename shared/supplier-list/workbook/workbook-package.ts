/**
 * From a checked zip, the smaller package the spreadsheet library reads: only the workbook parts the reader needs
 * (workbook, relationships, shared strings, styles and the chosen sheets), each expanded once with its size capped,
 * each sheet's extent checked against the row/column caps, and stored uncompressed. Everything else in the file
 * (other sheets, images, a VBA project) is never expanded.
 */
import { WorkbookFormatError, WorkbookTooLargeError } from './errors.ts';
import { MAX_SHEET_COLUMNS, MAX_SHEET_ROWS } from './limits.ts';
import { expandEntry, hasZipMagic, readCentralDirectory, type ZipEntry } from './zip-container.ts';

const WORKBOOK = 'xl/workbook.xml';
const WORKBOOK_RELS = 'xl/_rels/workbook.xml.rels';
const CONTENT_TYPES = '[Content_Types].xml';

export interface WorkbookPackage {
  /** Sheet names of the workbook, in tab order. */
  sheetNames: string[];
  /** The reduced package (a stored zip) holding the chosen sheets that exist. */
  zip: Uint8Array;
  /** The chosen sheets present in the package. */
  sheets: string[];
  /** The workbook carries a VBA project (an .xlsm): never run, noted. */
  hasMacros: boolean;
}

const decoder = new TextDecoder();

const unescapeXml = (s: string) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');

function attribute(tag: string, name: string): string | undefined {
  const m = new RegExp(`\\s${name}="([^"]*)"`).exec(tag);
  return m ? unescapeXml(m[1] as string) : undefined;
}

/** The part a workbook relationship target names (relative to xl/, or absolute from the root). */
const partOf = (target: string) => (target.startsWith('/') ? target.slice(1) : `xl/${target}`);

/**
 * True for bytes that are a zip holding an Excel workbook ([Content_Types].xml and xl/workbook.xml), and for a zip
 * the container guard refuses (too large, a bomb, broken): reading it then fails with the guard's clear reason, not
 * as a binary CSV.
 */
export function isWorkbookContainer(bytes: Uint8Array): boolean {
  if (!hasZipMagic(bytes)) return false;
  try {
    const names = new Set(readCentralDirectory(bytes).map((e) => e.name));
    return names.has(CONTENT_TYPES) && names.has(WORKBOOK);
  } catch (err) {
    return err instanceof WorkbookFormatError;
  }
}

/** Highest row and column a sheet's XML addresses, and its row and cell elements, without building anything. */
function checkSheetExtent(sheet: string, xml: string): void {
  let maxRow = 0;
  let maxColumn = 0;
  let rows = 0;
  let cells = 0;
  const tag = /<(?:\w+:)?(row|c)\b([^>]*)>/g;
  for (let m = tag.exec(xml); m; m = tag.exec(xml)) {
    const ref = / r="([A-Z]*)(\d+)"/.exec(m[2] as string);
    if (m[1] === 'row') {
      rows++;
      if (ref) maxRow = Math.max(maxRow, Number(ref[2]));
    } else {
      cells++;
      if (ref?.[1]) {
        let n = 0;
        for (const ch of ref[1]) n = n * 26 + (ch.charCodeAt(0) - 64);
        maxColumn = Math.max(maxColumn, n);
      }
    }
    if (Math.max(maxRow, rows) > MAX_SHEET_ROWS)
      throw new WorkbookTooLargeError(`the sheet has rows past row ${MAX_SHEET_ROWS}, the most the reader reads`, {
        sheet,
      });
    if (maxColumn > MAX_SHEET_COLUMNS || cells > MAX_SHEET_ROWS * MAX_SHEET_COLUMNS)
      throw new WorkbookTooLargeError(
        `the sheet has cells past column ${MAX_SHEET_COLUMNS}, the most the reader reads`,
        {
          sheet,
        },
      );
  }
}

const CRC_TABLE = Uint32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(data: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = (CRC_TABLE[(c ^ (data[i] as number)) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/**
 * A sheet's XML with only what the reader uses, its values: formulas are dropped (only the values they had when the
 * file was saved are read), and so are empty cells (a template's 2,500 styled, formula-only rows), so the library
 * parses a small part of the text. A formula cell saved without a value (a writer that does not calculate) becomes
 * empty instead of failing the whole sheet.
 */
const valuesOnly = (xml: string) =>
  xml
    .replace(/<(?:\w+:)?f\b[^>]*?(?:\/>|>[^<]*<\/(?:\w+:)?f>)/g, '')
    .replace(
      /<((?:\w+:)?c)\b([^>]*?)\st="str"([^>]*?)>\s*(?:<(?:\w+:)?v\s*\/>|<(?:\w+:)?v>\s*<\/(?:\w+:)?v>)?\s*<\/(?:\w+:)?c>/g,
      '',
    )
    .replace(/<(?:\w+:)?c\b[^>]*\/>/g, '');

/** A stored (uncompressed) zip of the given parts. */
function storedZip(parts: { name: string; data: Uint8Array; crc32: number }[]): Uint8Array {
  const encoder = new TextEncoder();
  const names = parts.map((p) => encoder.encode(p.name));
  const localSize = parts.reduce((n, p, i) => n + 30 + (names[i] as Uint8Array).length + p.data.length, 0);
  const centralSize = names.reduce((n, b) => n + 46 + b.length, 0);
  const out = new Uint8Array(localSize + centralSize + 22);
  const dv = new DataView(out.buffer);
  let at = 0;
  const offsets: number[] = [];
  parts.forEach((p, i) => {
    const name = names[i] as Uint8Array;
    offsets.push(at);
    dv.setUint32(at, 0x04034b50, true);
    dv.setUint16(at + 4, 20, true);
    dv.setUint32(at + 14, p.crc32, true);
    dv.setUint32(at + 18, p.data.length, true);
    dv.setUint32(at + 22, p.data.length, true);
    dv.setUint16(at + 26, name.length, true);
    out.set(name, at + 30);
    out.set(p.data, at + 30 + name.length);
    at += 30 + name.length + p.data.length;
  });
  const central = at;
  parts.forEach((p, i) => {
    const name = names[i] as Uint8Array;
    dv.setUint32(at, 0x02014b50, true);
    dv.setUint16(at + 4, 20, true);
    dv.setUint16(at + 6, 20, true);
    dv.setUint32(at + 16, p.crc32, true);
    dv.setUint32(at + 20, p.data.length, true);
    dv.setUint32(at + 24, p.data.length, true);
    dv.setUint16(at + 28, name.length, true);
    dv.setUint32(at + 42, offsets[i] as number, true);
    out.set(name, at + 46);
    at += 46 + name.length;
  });
  dv.setUint32(at, 0x06054b50, true);
  dv.setUint16(at + 8, parts.length, true);
  dv.setUint16(at + 10, parts.length, true);
  dv.setUint32(at + 12, at - central, true);
  dv.setUint32(at + 16, central, true);
  return out;
}

/**
 * Check the container and build the package of the `wanted` sheets (those that exist). Throws WorkbookTooLargeError
 * for a container past the limits, WorkbookFormatError for a zip that is not an Excel workbook.
 */
export function packageWorkbook(bytes: Uint8Array, wanted: readonly string[]): WorkbookPackage {
  const entries = readCentralDirectory(bytes);
  const byName = new Map<string, ZipEntry>(entries.map((e) => [e.name, e]));
  const workbookEntry = byName.get(WORKBOOK);
  const relsEntry = byName.get(WORKBOOK_RELS);
  if (!byName.has(CONTENT_TYPES) || !workbookEntry || !relsEntry)
    throw new WorkbookFormatError('not an Excel workbook (.xlsx): the zip has no xl/workbook.xml');
  const workbookXml = expandEntry(bytes, workbookEntry);
  const relsXml = expandEntry(bytes, relsEntry);
  const workbook = decoder.decode(workbookXml);
  const rels = decoder.decode(relsXml);

  const targets = new Map<string, { type: string; part: string }>();
  for (const m of rels.matchAll(/<(?:\w+:)?Relationship\b[^>]*>/g)) {
    const id = attribute(m[0], 'Id');
    const type = attribute(m[0], 'Type') ?? '';
    const target = attribute(m[0], 'Target');
    if (id && target) targets.set(id, { type, part: partOf(target) });
  }
  const sheetParts = new Map<string, string>();
  const sheetNames: string[] = [];
  for (const m of workbook.matchAll(/<(?:\w+:)?sheet\b[^>]*>/g)) {
    const name = attribute(m[0], 'name');
    const rid = attribute(m[0], 'r:id');
    if (!name) continue;
    sheetNames.push(name);
    const part = rid ? targets.get(rid)?.part : undefined;
    if (part) sheetParts.set(name, part);
  }

  const parts: { name: string; data: Uint8Array; crc32: number }[] = [
    { name: WORKBOOK_RELS, data: relsXml, crc32: relsEntry.crc32 },
  ];
  for (const t of targets.values())
    if (/\/(sharedStrings|styles)$/.test(t.type)) {
      const e = byName.get(t.part);
      if (e) parts.push({ name: e.name, data: expandEntry(bytes, e), crc32: e.crc32 });
    }
  const sheets: string[] = [];
  for (const sheet of wanted) {
    const part = sheetParts.get(sheet);
    const e = part ? byName.get(part) : undefined;
    if (!e) continue;
    const xml = decoder.decode(expandEntry(bytes, e));
    checkSheetExtent(sheet, xml);
    const data = new TextEncoder().encode(valuesOnly(xml));
    parts.push({ name: e.name, data, crc32: crc32(data) });
    sheets.push(sheet);
  }
  // The package's workbook lists only its sheets, so the library reads exactly those, in full.
  const listed = new TextEncoder().encode(
    workbook.replace(/<(?:\w+:)?sheet\b[^>]*>/g, (tag) => (sheets.includes(attribute(tag, 'name') ?? '') ? tag : '')),
  );
  parts.unshift({ name: WORKBOOK, data: listed, crc32: crc32(listed) });
  return {
    sheetNames,
    zip: storedZip(parts),
    sheets,
    hasMacros: entries.some((e) => /(^|\/)vbaProject\.bin$/i.test(e.name)),
  };
}
