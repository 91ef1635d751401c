/**
 * How many input rows a supplier's lines came from. A row that gave a mineral is one line; a row that gave an HS code
 * or product category expanded into one line per mineral of its entry, and those lines share the row's code, origin,
 * processing country and processor (two rows sharing all four would be a duplicate, so the key tells rows apart).
 * Batch accounting counts rows with it, so `rows = scored + rejected` holds for purchase ledgers too.
 */
import type { SupplierInput } from './types.ts';

export function inputRows(input: SupplierInput): number {
  let rows = 0;
  let seen: Set<string> | null = null;
  for (const e of input.exposures) {
    if (!e.inferredFrom) {
      rows++;
      continue;
    }
    const key = `${e.inferredFrom.kind}:${e.inferredFrom.code}|${e.recycled ? 'recycled' : (e.originCountry ?? '')}|${e.processingCountry ?? ''}|${e.processor ?? ''}`;
    seen ??= new Set();
    if (!seen.has(key)) {
      seen.add(key);
      rows++;
    }
  }
  return rows;
}
