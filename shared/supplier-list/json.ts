import { SupplierListFormatError } from './errors.ts';
import { COLUMNS, type Column, columnOfHeader, missingColumns } from './header.ts';
import { type ReadOptions, type SupplierList, SupplierListCollector } from './read.ts';

/** Unknown keys named in `ignoredColumns` at most; the rest are counted in one last entry. */
export const MAX_IGNORED_KEYS_LISTED = 50;

/** How often (elements) the reader looks at its abort signal. */
const SIGNAL_EVERY = 4096;

const cellOf = (v: unknown): string => {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
};

const isRowObject = (item: unknown): item is Record<string, unknown> =>
  item !== null && typeof item === 'object' && !Array.isArray(item);

/**
 * Resolves each distinct key once. A file whose objects each bring keys of their own (a million rows, a million
 * keys) costs one lookup per key it holds, not one per key any object holds: the reader stays linear in the file.
 */
class KeyResolver {
  private readonly byKey = new Map<string, Column | null>();
  private readonly ignoredListed: string[] = [];
  private ignoredCount = 0;
  readonly seen = new Set<Column>();

  column(key: string): Column | null {
    let column = this.byKey.get(key);
    if (column === undefined) {
      column = columnOfHeader(key) ?? null;
      this.byKey.set(key, column);
      if (column === null && key.trim() !== '') {
        this.ignoredCount++;
        if (this.ignoredListed.length < MAX_IGNORED_KEYS_LISTED) this.ignoredListed.push(key.trim());
      }
    }
    if (column !== null) this.seen.add(column);
    return column;
  }

  ignored(): string[] {
    const more = this.ignoredCount - this.ignoredListed.length;
    return more > 0 ? [...this.ignoredListed, `(${more.toLocaleString('en-US')} more)`] : [...this.ignoredListed];
  }
}

/**
 * The same rows as a JSON array of objects whose keys are the CSV contract's columns (any spelling the header
 * accepts; different objects may spell a column differently). Element i is data row i + 1. Keys that name no
 * column are ignored and reported (the first 50, then a count).
 */
export function readSupplierListJson(text: string, options: ReadOptions = {}): SupplierList {
  let data: unknown;
  try {
    data = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new SupplierListFormatError(`not valid JSON: ${(err as Error).message}`);
  }
  if (!Array.isArray(data)) throw new SupplierListFormatError('JSON input must be an array of supplier rows');

  const keys = new KeyResolver();
  let objects = 0;
  for (const item of data)
    if (isRowObject(item)) {
      objects++;
      for (const k in item) keys.column(k);
    }
  if (data.length > 0 && objects === 0)
    throw new SupplierListFormatError('JSON input has no object with supplier-list fields');
  // The header is the columns some object names, in contract order; an empty array is an empty list (like a CSV
  // file with only its header), not a file without a header.
  const header = data.length === 0 ? [...COLUMNS] : COLUMNS.filter((c) => keys.seen.has(c));
  const missing = missingColumns((c) => header.includes(c));
  if (missing.length > 0) throw new SupplierListFormatError(`missing required column(s): ${missing.join(', ')}`);
  const position = new Map<Column, number>(header.map((c, i) => [c, i]));

  const collector = new SupplierListCollector(options.onReject, options);
  collector.record(header);
  for (let i = 0; i < data.length; i++) {
    if (i % SIGNAL_EVERY === 0) options.signal?.throwIfAborted();
    const item: unknown = data[i];
    if (!isRowObject(item)) {
      collector.malformed(`element ${i} is not an object with the supplier-list fields`);
      continue;
    }
    const record = new Array<string>(header.length).fill('');
    const spelled = new Array<string | undefined>(header.length);
    let twice: string | null = null;
    for (const k in item) {
      const column = keys.column(k);
      if (column === null) continue;
      const at = position.get(column) as number;
      if (spelled[at] !== undefined)
        twice ??= `element ${i} names column '${column}' twice ('${spelled[at]}' and '${k}')`;
      spelled[at] = k;
      record[at] = cellOf(item[k]);
    }
    if (twice !== null) collector.malformed(twice);
    // An object with no fields at all is still a row: it must not vanish as a "blank line".
    else if (record.every((c) => c.trim() === '')) collector.malformed(`element ${i} has no supplier-list fields`);
    else collector.record(record);
  }
  return { ...collector.finish('json'), ignoredColumns: keys.ignored() };
}
