/**
 * Looking up the HS 2022 mapping (data/hs-minerals.ts): a code by longest prefix (6 digits, then 4), a product
 * category by name, an entry by id. Indexes are built once, on first use. Pure.
 */
import { hsEntries, measureTariffLines } from './data/hs-minerals.ts';
import type { HsEntry, MeasureTariffLine } from './types.ts';

export type { HsEntry, MeasureTariffLine } from './types.ts';

let byCode: Map<string, HsEntry> | undefined;
let byCategory: Map<string, HsEntry> | undefined;
let byId: Map<string, HsEntry> | undefined;

/** `Permanent Magnets`, `permanent-magnets`, `permanent_magnets` → `permanent magnets`. */
export function categoryKey(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, ' ');
}

function build() {
  const codes = new Map<string, HsEntry>();
  const categories = new Map<string, HsEntry>();
  const ids = new Map<string, HsEntry>();
  for (const e of hsEntries) {
    ids.set(e.id, e);
    categories.set(categoryKey(e.id), e);
    for (const c of e.categories ?? []) categories.set(categoryKey(c), e);
    for (const code of e.codes) codes.set(code, e);
  }
  byCode = codes;
  byCategory = categories;
  byId = ids;
  return { codes, categories, ids };
}

const indexes = () => (byCode && byCategory && byId ? { codes: byCode, categories: byCategory, ids: byId } : build());

/** `8505.11`, `850511`, `8505 11`, `8505.11.00.10` → `850511`; `8541` → `8541`. Null when not 4, 6, 8 or 10 digits. */
export function hsDigits(raw: string): string | null {
  const digits = raw.trim().replace(/[\s.]/g, '');
  if (!/^\d+$/.test(digits) || ![4, 6, 8, 10].includes(digits.length)) return null;
  // National tariff lines (8 or 10 digits) extend the 6-digit HS subheading: the HS part is what the mapping knows.
  return digits.slice(0, 6);
}

/** `850511` → `8505.11`; `8541` → `8541`. */
export const formatHsCode = (digits: string): string =>
  digits.length > 4 ? `${digits.slice(0, 4)}.${digits.slice(4)}` : digits;

/** The entry for a code (digits from `hsDigits`): the 6-digit subheading's if mapped, else its 4-digit heading's. */
export function hsEntryOfCode(digits: string): HsEntry | undefined {
  const { codes } = indexes();
  return codes.get(digits) ?? (digits.length > 4 ? codes.get(digits.slice(0, 4)) : undefined);
}

/** The entry a `product_category` names (its id or one of its categories, any case or separator). */
export const hsEntryOfCategory = (name: string): HsEntry | undefined => indexes().categories.get(categoryKey(name));

export const hsEntryById = (id: string): HsEntry | undefined => indexes().ids.get(id);

/** Every category name a `product_category` cell may give, for "did you mean" hints. */
export const categoryNames = (): IterableIterator<string> => indexes().categories.keys();

/**
 * What is wrong with an entry, if anything: every entry must say where it comes from (source, year, how it was read),
 * name minerals of the catalogue (`knownMineral`) once each, and give HS 2022 codes of 4 or 6 digits.
 */
export function hsEntryProblems(e: HsEntry, knownMineral: (id: string) => boolean): string[] {
  const problems: string[] = [];
  if (!e.source?.trim()) problems.push('no source');
  if (!Number.isInteger(e.year) || e.year < 1990 || e.year > 2030) problems.push(`year ${e.year} is not a year`);
  if (!e.read?.trim()) problems.push('does not say how the source was read');
  if (!e.title?.trim()) problems.push('no title');
  if (e.minerals.length === 0) problems.push('no mineral');
  if (new Set(e.minerals).size !== e.minerals.length) problems.push('a mineral twice');
  for (const m of e.minerals) if (!knownMineral(m)) problems.push(`unknown mineral '${m}'`);
  if (e.codes.length === 0 && (e.categories ?? []).length === 0) problems.push('no code and no category');
  for (const c of e.codes) if (!/^\d{4}(\d{2})?$/.test(c)) problems.push(`code '${c}' is not 4 or 6 digits`);
  return problems;
}

export const hsMapping: readonly HsEntry[] = hsEntries;
export const tariffLinesOfMeasures: readonly MeasureTariffLine[] = measureTariffLines;
