/**
 * A purchase line that names an HS code or a product category instead of a mineral: which mapping entry it is, and
 * the exposure lines it expands into (one per mineral of the entry, same origin, processing, share and processor).
 * Shared by CSV rows and API bodies, so both read a code the same way and say the same thing when they cannot.
 */
import {
  categoryNames,
  formatHsCode,
  type HsEntry,
  hsDigits,
  hsEntryOfCategory,
  hsEntryOfCode,
} from '../reference/hs-codes.ts';
import { closest } from '../text/suggest.ts';
import type { Parsed } from './normalise.ts';
import type { Exposure, InferredFrom } from './types.ts';

export interface Commodity {
  entry: HsEntry;
  inferredFrom: InferredFrom;
}

/** `8505.11` → the permanent-magnets entry; an unknown or malformed code is a message naming it. */
export function parseHsCode(raw: string): Parsed<Commodity> {
  const digits = hsDigits(raw);
  if (digits === null)
    return {
      ok: false,
      message: `hs_code '${raw.trim()}' is not an HS code: write 4 or 6 digits (8505.11, 850511, 8541)`,
    };
  const entry = hsEntryOfCode(digits);
  if (!entry)
    return {
      ok: false,
      message: `hs_code ${formatHsCode(digits)} maps to no critical mineral (docs/hs-codes.md lists the codes covered): give the mineral instead`,
    };
  return { ok: true, value: { entry, inferredFrom: { kind: 'hs', code: formatHsCode(digits), entry: entry.id } } };
}

/** `permanent magnets`, `Li-ion batteries` → the entry; an unknown category says the closest one. */
export function parseProductCategory(raw: string): Parsed<Commodity> {
  const entry = hsEntryOfCategory(raw);
  if (!entry) {
    const guess = closest(raw.trim().toLowerCase(), categoryNames());
    const hint = guess ? `; did you mean '${guess}'?` : '';
    return { ok: false, message: `unknown product_category '${raw.trim()}'${hint}` };
  }
  return { ok: true, value: { entry, inferredFrom: { kind: 'category', code: entry.id, entry: entry.id } } };
}

/** The origin a line of this entry may have: waste and scrap is recycled feed, so no mine country can be its origin. */
export function scrapOriginProblem(c: Commodity, originCountry: string | null): string | null {
  if (!c.entry.recycled || originCountry === null) return null;
  const what = c.inferredFrom.kind === 'hs' ? `HS ${c.inferredFrom.code}` : `'${c.inferredFrom.code}'`;
  return `${what} is waste and scrap, so its lines are recycled feed: leave origin_country blank or write recycled (not ${originCountry})`;
}

/** One exposure line per mineral of the entry, each carrying where it came from. */
export function expandCommodity(c: Commodity, line: Omit<Exposure, 'mineral' | 'inferredFrom'>): Exposure[] {
  const recycled = line.recycled === true || c.entry.recycled === true;
  return c.entry.minerals.map((mineral) => {
    const e: Exposure = {
      mineral,
      originCountry: recycled ? null : line.originCountry,
      processingCountry: line.processingCountry,
      share: line.share,
    };
    if (line.processor !== undefined) e.processor = line.processor;
    if (recycled) e.recycled = true;
    e.inferredFrom = c.inferredFrom;
    return e;
  });
}
