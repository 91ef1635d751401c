// The package's Node entry registers every locale (~700 KB bundled); the core needs English only.
import countries from 'i18n-iso-countries/index.js';
import en from 'i18n-iso-countries/langs/en.json' with { type: 'json' };
import { ambiguousCountryNames, countryAliases, countryDisplayNames } from './data/country-aliases.ts';

countries.registerLocale(en);

export interface CountryEntry {
  code: string;
  alpha3: string;
  name: string;
}

export type CountryLookup =
  | { ok: true; code: string }
  | { ok: false; reason: 'unknown'; suggestion?: string }
  | { ok: false; reason: 'ambiguous'; candidates: string[] };

/** Lower-case, strip accents and punctuation, drop a leading "the": "The Gambia" = "gambia". */
export function countryKey(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
    .replace(/^the /, '');
}

function buildCountryIndex() {
  const entries = new Map<string, CountryEntry>();
  const byKey = new Map<string, string>();
  const names = countries.getNames('en', { select: 'all' }) as Record<string, string[]>;
  for (const [code, alpha3] of Object.entries(countries.getAlpha2Codes())) {
    const all = names[code] ?? [code];
    entries.set(code, { code, alpha3, name: countryDisplayNames[code] ?? all[0] ?? code });
    byKey.set(code.toLowerCase(), code);
    byKey.set(alpha3.toLowerCase(), code);
  }
  // Names after codes, so no name can shadow a code. A name shared by two countries is left out.
  const nameOwners = new Map<string, Set<string>>();
  for (const [code, all] of Object.entries(names)) {
    for (const n of all) {
      const key = countryKey(n);
      if (!nameOwners.has(key)) nameOwners.set(key, new Set());
      nameOwners.get(key)?.add(code);
    }
  }
  for (const [key, owners] of nameOwners) {
    if (owners.size === 1 && !byKey.has(key)) byKey.set(key, [...owners][0] as string);
  }
  for (const [alias, code] of Object.entries(countryAliases)) byKey.set(countryKey(alias), code);
  const ambiguous = new Map<string, string[]>();
  for (const [name, codes] of Object.entries(ambiguousCountryNames)) {
    byKey.delete(countryKey(name));
    ambiguous.set(countryKey(name), codes);
  }
  return { entries, byKey, ambiguous };
}

const index = buildCountryIndex();

// Alpha-2 codes are ASCII capitals: code-unit order is alphabetical, without the cost of an ICU collator at import.
export const allCountries: readonly CountryEntry[] = [...index.entries.values()].sort((a, b) =>
  a.code < b.code ? -1 : a.code > b.code ? 1 : 0,
);

export function countryName(code: string): string {
  return index.entries.get(code)?.name ?? code;
}

export function isCountryCode(code: string): boolean {
  return index.entries.has(code);
}

/** Every key a country can be written as (for "did you mean" suggestions). */
export function countryKeys(): IterableIterator<string> {
  return index.byKey.keys();
}

export function lookupCountryKey(key: string): string | undefined {
  return index.byKey.get(key);
}

export function ambiguousCountry(key: string): string[] | undefined {
  return index.ambiguous.get(key);
}
