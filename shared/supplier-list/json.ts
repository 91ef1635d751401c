import { SupplierListFormatError } from './errors.ts';
import { COLUMNS } from './header.ts';
import { type ReadOptions, type SupplierList, SupplierListCollector } from './read.ts';

const cellOf = (v: unknown): string => {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
};

/**
 * The same rows as a JSON array of objects whose keys are the CSV contract's columns (any spelling the header
 * accepts). Element i is data row i + 1. Keys are the union over all objects, in first-seen order.
 */
export function readSupplierListJson(text: string, options: ReadOptions = {}): SupplierList {
  let data: unknown;
  try {
    data = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new SupplierListFormatError(`not valid JSON: ${(err as Error).message}`);
  }
  if (!Array.isArray(data)) throw new SupplierListFormatError('JSON input must be an array of supplier rows');
  const keys: string[] = [];
  const seen = new Set<string>();
  for (const item of data) {
    if (item && typeof item === 'object' && !Array.isArray(item))
      for (const k of Object.keys(item))
        if (!seen.has(k)) {
          seen.add(k);
          keys.push(k);
        }
  }
  const collector = new SupplierListCollector(options.onReject);
  if (data.length > 0 && keys.length === 0)
    throw new SupplierListFormatError('JSON input has no object with supplier-list fields');
  // An empty array is an empty list (like a CSV file with only its header), not a file without a header.
  collector.record(data.length === 0 ? [...COLUMNS] : keys);
  data.forEach((item, i) => {
    if (!item || typeof item !== 'object' || Array.isArray(item)) {
      collector.malformed(`element ${i} is not an object with the supplier-list fields`);
      return;
    }
    const obj = item as Record<string, unknown>;
    const record = keys.map((k) => cellOf(obj[k]));
    // An object with no fields at all is still a row: it must not vanish as a "blank line".
    if (record.every((c) => c.trim() === '')) collector.malformed(`element ${i} has no supplier-list fields`);
    else collector.record(record);
  });
  return collector.finish('json');
}
