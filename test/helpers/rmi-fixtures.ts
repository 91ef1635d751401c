/**
 * Filled RMI workbooks for tests, built in memory from COPIES of the blank templates in test/fixtures/rmi
 * (CMRT 6.5, EMRT 2.1): the parts are unzipped, the cells a supplier fills (Declaration, Smelter List, Mine List) are
 * rewritten in the sheet XML as Excel saves them (typed values replace formulas, formulas keep their cached result),
 * and the parts are zipped again. Other versions rewrite the "Revision x.y" stamps and the Revision tab; other
 * languages set D3 and every translated header cell from the template's own translation sheet (L), as Excel's
 * recalculation would. AMRT workbooks are synthesised from the CMRT layout (no blank AMRT is in the brief).
 */
import { existsSync, readFileSync } from 'node:fs';
import { strFromU8, strToU8, unzipSync } from 'fflate';
import readXlsxFile from 'read-excel-file/node';
import type { Grid } from '../../shared/supplier-list/workbook/sheets.ts';
import { craftZip, deflatedEntry, type RawZipEntry, storedEntries } from './rmi-zip.ts';

export type TemplateName = 'CMRT' | 'EMRT' | 'AMRT';

/** A cell as a supplier leaves it: typed text, a formula's saved error (#N/A…), a formula's saved value, or empty. */
export type CellValue = string | { error: string } | { cached: string } | null;

export interface SmelterSpec {
  cid?: CellValue;
  metal?: CellValue;
  lookup?: CellValue;
  name?: CellValue;
  country?: CellValue;
  mine?: CellValue;
  mineCountry?: CellValue;
  recycled?: CellValue;
  /** Column R, the computed standard smelter name (a formula's cached value). */
  standardName?: CellValue;
  /** Any other column of the row, by letter. */
  cells?: Record<string, CellValue>;
}

export interface MineSpec {
  metal: string;
  smelter: string;
  name?: string;
  country: CellValue;
}

export interface LookupSpec {
  metal: string;
  alias: string;
  standardName: string;
  country: string;
  cid: string;
}

export interface WorkbookSpec {
  template: TemplateName;
  /** Default: the template's own (CMRT 6.5, EMRT 2.1, AMRT 1.3). */
  version?: string;
  /** A language of the template's L sheet ('English', '中文 Chinese', '日本語 Japanese'…); default as saved (Chinese). */
  language?: string;
  company?: string | null;
  /** Question 1 answers by metal ('tin': 'No'), written in the workbook's language. */
  answers?: Record<string, 'Yes' | 'No' | 'Unknown'>;
  /** Smelter List rows from row 5. */
  smelters?: SmelterSpec[];
  /** Mine List rows from row 5 (EMRT). */
  mines?: MineSpec[];
  /** Rows appended to the Smelter Look-up tab. */
  lookup?: LookupSpec[];
  /** AMRT only: the metals of its question 1 (default platinum, silver, zinc, rare earths). */
  amrtMetals?: string[];
  /** false: no "Revision x.y" stamp in the sheet headers (only the Revision tab tells the version). */
  stamp?: boolean;
  /** Any other cell. */
  edits?: { sheet: string; cell: string; value: CellValue }[];
  /** Add a VBA project part (xl/vbaProject.bin), as an .xlsm has. */
  macros?: boolean;
}

/** The blank templates, kept in the repo so the tests run on any clean clone (test/fixtures/rmi/README.md). */
const DIR = new URL('../fixtures/rmi/', import.meta.url);
function templatePath(file: string): string {
  const path = new URL(file, DIR).pathname;
  if (!existsSync(path)) throw new Error(`blank RMI template not found at ${path} (test/fixtures/rmi/)`);
  return path;
}

const FILES: Record<'CMRT' | 'EMRT', string> = { CMRT: 'RMI_CMRT_6.5.xlsx', EMRT: 'RMI_EMRT_2.1.xlsx' };
const OWN_VERSION: Record<TemplateName, string> = { CMRT: '6.5', EMRT: '2.1', AMRT: '1.3' };

interface Template {
  parts: Record<string, Uint8Array>;
  /** The template's parts as stored (compressed), in archive order. */
  stored: Map<string, RawZipEntry>;
  sheetPart: Map<string, string>;
  /** L sheet: [sheet, cell, ...text per language]. */
  translations: { sheet: string; cell: string; texts: (string | null)[] }[];
  languages: string[];
  /** The Revision tab's latest history row. */
  revisionRow: number;
  lookupRows: LookupSpec[];
}

const cache = new Map<'CMRT' | 'EMRT', Promise<Template>>();

async function load(name: 'CMRT' | 'EMRT'): Promise<Template> {
  const bytes = readFileSync(templatePath(FILES[name]));
  const parts = unzipSync(bytes);
  const workbook = strFromU8(parts['xl/workbook.xml'] as Uint8Array);
  const rels = strFromU8(parts['xl/_rels/workbook.xml.rels'] as Uint8Array);
  const targets = new Map<string, string>();
  for (const m of rels.matchAll(/<Relationship\b[^>]*>/g)) {
    const id = /Id="([^"]*)"/.exec(m[0])?.[1];
    const target = /Target="([^"]*)"/.exec(m[0])?.[1];
    if (id && target) targets.set(id, `xl/${target}`);
  }
  const sheetPart = new Map<string, string>();
  for (const m of workbook.matchAll(/<sheet\b[^>]*>/g)) {
    const sheet = /name="([^"]*)"/.exec(m[0])?.[1];
    const rid = /r:id="([^"]*)"/.exec(m[0])?.[1];
    const part = rid ? targets.get(rid) : undefined;
    if (sheet && part) sheetPart.set(sheet, part);
  }
  const read = await readXlsxFile(bytes, { sheets: ['L', 'Revision', 'Smelter Look-up'] } as never);
  const data = (sheet: string) => (read.find((s) => s.sheet === sheet)?.data ?? []) as unknown[][];
  const l = data('L');
  const languages = (l[0] ?? []).slice(3).filter((v): v is string => typeof v === 'string');
  const translations = l.slice(1).flatMap((row) => {
    const sheet = row[1];
    const cell = row[2];
    if (typeof sheet !== 'string' || typeof cell !== 'string' || !/^[A-Z]+\d+$/.test(cell)) return [];
    return [{ sheet, cell, texts: languages.map((_, i) => (row[3 + i] == null ? null : String(row[3 + i]))) }];
  });
  const revision = data('Revision');
  let revisionRow = 0;
  revision.forEach((row, i) => {
    if (/^\d+(\.\d+)?$/.test(String(row[1] ?? ''))) revisionRow = i + 1;
  });
  const lookupRows = data('Smelter Look-up')
    .slice(4)
    .filter((r) => r[0] && r[4])
    .map((r) => ({
      metal: String(r[0]),
      alias: String(r[1] ?? ''),
      standardName: String(r[2] ?? ''),
      country: String(r[3] ?? ''),
      cid: String(r[4]),
    }));
  return { parts, stored: storedEntries(bytes), sheetPart, translations, languages, revisionRow, lookupRows };
}

function template(name: TemplateName): Promise<Template> {
  const base = name === 'EMRT' ? 'EMRT' : 'CMRT';
  let t = cache.get(base);
  if (!t) {
    t = load(base);
    cache.set(base, t);
  }
  return t;
}

/** The languages a template's workbook can be set to (its L sheet's columns). */
export async function templateLanguages(name: TemplateName): Promise<string[]> {
  return (await template(name)).languages;
}

/** The template's own Smelter Look-up rows (real CIDs, names and countries) to fill rows from. */
export async function templateLookup(name: TemplateName): Promise<LookupSpec[]> {
  return (await template(name)).lookupRows;
}

const escapeXml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function columnNumber(ref: string): number {
  let n = 0;
  for (const ch of /^[A-Z]+/.exec(ref)?.[0] ?? '') n = n * 26 + (ch.charCodeAt(0) - 64);
  return n;
}

/** The XML of a cell holding `value`, keeping the old cell's style and, for a cached value, its formula. */
function cellXml(ref: string, attrs: string, inner: string, value: CellValue): string {
  const style = / s="\d+"/.exec(attrs)?.[0] ?? '';
  const formula = /<f[\s>][\s\S]*?<\/f>|<f\b[^>]*\/>/.exec(inner)?.[0] ?? '';
  if (value === null) return `<c r="${ref}"${style}/>`;
  if (typeof value === 'string')
    return `<c r="${ref}"${style} t="inlineStr"><is><t xml:space="preserve">${escapeXml(value)}</t></is></c>`;
  if ('error' in value) return `<c r="${ref}"${style} t="e">${formula}<v>${escapeXml(value.error)}</v></c>`;
  if (formula === '')
    return `<c r="${ref}"${style} t="inlineStr"><is><t xml:space="preserve">${escapeXml(value.cached)}</t></is></c>`;
  return `<c r="${ref}"${style} t="str">${formula}<v>${escapeXml(value.cached)}</v></c>`;
}

/** Apply cell edits to a sheet's XML in one pass; cells the sheet lacks are inserted into their rows. */
function editSheet(xml: string, edits: Map<string, CellValue>): string {
  const pending = new Map(edits);
  // Only the rows edited are scanned cell by cell (the Smelter List template is 5.8 MB).
  const rowsEdited = [...edits.keys()].map((ref) => Number(/\d+$/.exec(ref)?.[0]));
  const [from, to] = [Math.min(...rowsEdited), Math.max(...rowsEdited)];
  let start = -1;
  let end = xml.length;
  const rowTag = /<row r="(\d+)"/g;
  for (let m = rowTag.exec(xml); m; m = rowTag.exec(xml)) {
    const r = Number(m[1]);
    if (start < 0 && r >= from) start = m.index;
    if (r > to) {
      end = m.index;
      break;
    }
  }
  if (start < 0) start = end;
  const span = xml
    .slice(start, end)
    .replace(
      /<c r="([A-Z]+\d+)"([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g,
      (whole, ref: string, attrs: string, inner: string | undefined) => {
        if (!pending.has(ref)) return whole;
        const value = pending.get(ref) as CellValue;
        pending.delete(ref);
        return cellXml(ref, attrs, inner ?? '', value);
      },
    );
  let out = xml.slice(0, start) + span + xml.slice(end);
  for (const [ref, value] of pending) {
    const row = Number(/\d+$/.exec(ref)?.[0]);
    const cell = cellXml(ref, '', '', value);
    const rowMatch = new RegExp(`<row r="${row}"[^>]*?(/>|>([\\s\\S]*?)</row>)`).exec(out);
    if (rowMatch) {
      const open = rowMatch[0].replace(/\/>$/, '>').replace(/>[\s\S]*$/, '>');
      const cells = rowMatch[2] ?? '';
      const parts = [...cells.matchAll(/<c r="([A-Z]+)\d+"[\s\S]*?(?:\/>|<\/c>)/g)];
      const at = parts.find((p) => columnNumber(p[1] as string) > columnNumber(ref));
      const inserted = at ? cells.slice(0, at.index) + cell + cells.slice(at.index) : cells + cell;
      const rebuilt = `${open.replace(/ spans="[^"]*"/, '')}${inserted}</row>`;
      out = out.slice(0, rowMatch.index) + rebuilt + out.slice(rowMatch.index + rowMatch[0].length);
    } else {
      const rows = [...out.matchAll(/<row r="(\d+)"/g)];
      const next = rows.find((r) => Number(r[1]) > row);
      const element = `<row r="${row}">${cell}</row>`;
      out =
        next?.index !== undefined
          ? out.slice(0, next.index) + element + out.slice(next.index)
          : out.replace('</sheetData>', () => `${element}</sheetData>`);
    }
  }
  return out.replace(/<dimension ref="[^"]*"\/>/, '');
}

const SMELTER_COLUMNS: [keyof SmelterSpec, string][] = [
  ['cid', 'A'],
  ['metal', 'B'],
  ['lookup', 'C'],
  ['name', 'D'],
  ['country', 'E'],
  ['mine', 'N'],
  ['mineCountry', 'O'],
  ['recycled', 'P'],
  ['standardName', 'R'],
];

const CMRT_METALS = ['tantalum', 'tin', 'gold', 'tungsten'];
const NO_WORDS: Record<string, string> = { Yes: 'DeclarationB96', No: 'DeclarationB97', Unknown: 'DeclarationB98' };

/** Build a filled workbook (.xlsx bytes) from a blank template copy. */
export async function buildWorkbook(spec: WorkbookSpec): Promise<Uint8Array> {
  const t = await template(spec.template);
  const cmrt = await template('CMRT');
  const edits = new Map<string, Map<string, CellValue>>();
  const set = (sheet: string, cell: string, value: CellValue) => {
    let m = edits.get(sheet);
    if (!m) {
      m = new Map();
      edits.set(sheet, m);
    }
    m.set(cell, value);
  };

  const language = spec.language ?? t.languages[1] ?? 'English';
  const li = t.languages.indexOf(language);
  if (li < 0) throw new Error(`the ${spec.template} template has no language '${language}'`);
  set('Declaration', 'D3', language);
  for (const tr of t.translations) {
    const text = tr.texts[li];
    if (text != null && t.sheetPart.has(tr.sheet)) set(tr.sheet, tr.cell, { cached: text });
  }
  const version = spec.version ?? OWN_VERSION[spec.template];
  if (spec.template === 'AMRT') set('Declaration', 'D2', { cached: 'Additional Minerals Reporting Template (AMRT)' });
  set('Revision', `B${t.revisionRow}`, version);
  if (spec.company !== undefined) set('Declaration', 'D8', spec.company);

  // Question 1: CMRT rows 26–29 in a fixed order; EMRT/AMRT list their metals by name below the question.
  const answerWord = (a: 'Yes' | 'No' | 'Unknown') => {
    const row = cmrt.translations.find((tr) => `${tr.sheet}${tr.cell}` === NO_WORDS[a]);
    const ci = cmrt.languages.indexOf(language);
    return (ci >= 0 ? row?.texts[ci] : undefined) ?? a;
  };
  const q1 = spec.template === 'EMRT' ? 30 : 26;
  const metals =
    spec.template === 'CMRT'
      ? CMRT_METALS
      : spec.template === 'EMRT'
        ? ['cobalt', 'copper', 'graphite', 'lithium', 'mica', 'nickel']
        : (spec.amrtMetals ?? ['platinum', 'silver', 'zinc', 'rare earths']).slice(0, 4);
  metals.forEach((metal, i) => {
    if (spec.template !== 'CMRT')
      set('Declaration', `B${q1 + i}`, { cached: `${metal[0]?.toUpperCase()}${metal.slice(1)}(*)` });
    const a = spec.answers?.[metal];
    if (a) set('Declaration', `D${q1 + i}`, answerWord(a));
  });

  (spec.smelters ?? []).forEach((s, i) => {
    const row = 5 + i;
    for (const [key, column] of SMELTER_COLUMNS) {
      const v = s[key];
      if (v !== undefined) set('Smelter List', `${column}${row}`, v as CellValue);
    }
    for (const [column, v] of Object.entries(s.cells ?? {})) set('Smelter List', `${column}${row}`, v);
  });
  (spec.mines ?? []).forEach((m, i) => {
    const row = 5 + i;
    set('Mine List', `A${row}`, m.metal);
    set('Mine List', `B${row}`, m.smelter);
    set('Mine List', `C${row}`, m.name ?? `Mine ${i + 1}`);
    set('Mine List', `F${row}`, m.country);
  });
  const lookupStart = 5 + t.lookupRows.length;
  (spec.lookup ?? []).forEach((l, i) => {
    const row = lookupStart + i;
    set('Smelter Look-up', `A${row}`, l.metal);
    set('Smelter Look-up', `B${row}`, l.alias);
    set('Smelter Look-up', `C${row}`, l.standardName);
    set('Smelter Look-up', `D${row}`, l.country);
    set('Smelter Look-up', `E${row}`, l.cid);
  });
  for (const e of spec.edits ?? []) set(e.sheet, e.cell, e.value);

  const own = OWN_VERSION[spec.template === 'EMRT' ? 'EMRT' : 'CMRT'];
  const stamp = spec.stamp === false ? '' : `Revision ${version}`;
  // Parts left as they were are copied compressed; only rewritten parts are deflated again.
  const entries: RawZipEntry[] = [];
  for (const [name, stored] of t.stored) {
    const data = t.parts[name] as Uint8Array;
    if (!/^xl\/(worksheets\/sheet\d+|sharedStrings)\.xml$/.test(name)) {
      entries.push(stored);
      continue;
    }
    const original = strFromU8(data);
    let xml = original.replaceAll(`Revision ${own}`, stamp);
    for (const [sheet, m] of edits) if (t.sheetPart.get(sheet) === name) xml = editSheet(xml, m);
    entries.push(xml === original ? stored : deflatedEntry(name, strToU8(xml)));
  }
  if (spec.macros) entries.push(deflatedEntry('xl/vbaProject.bin', new Uint8Array(2048).fill(0x41)));
  return craftZip(entries);
}

/** A sheet as the reader sees it, from cells by reference ({ E17: 'CHINA' }): for unit tests of the pure mapping. */
export function gridOf(sheet: string, cells: Record<string, string>): Grid {
  let rows = 0;
  for (const ref of Object.keys(cells)) rows = Math.max(rows, Number(/\d+$/.exec(ref)?.[0] ?? 0));
  return { sheet, rows, text: (column, row) => cells[`${column}${row}`] ?? '' };
}
