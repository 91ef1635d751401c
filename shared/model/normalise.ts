/**
 * Turning what people type into the model's ids and numbers: minerals by name, symbol or alias; countries by ISO
 * alpha-2, alpha-3, English name or alias; shares as fractions or percentages; money with separators and symbols.
 * Every function returns a value or a reason a buyer can act on, never throws.
 */
import { ambiguousCountry, countryKey, countryKeys, countryName, lookupCountryKey } from '../reference/countries.ts';
import { referenceData } from '../reference/index.ts';
import { closest } from '../text/suggest.ts';

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = (message: string): Parsed<never> => ({ ok: false, message });

function mineralKey(s: string): string {
  return s
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, ' ');
}

let mineralIndex: Map<string, string> | undefined;
let symbolIndex: Map<string, string> | undefined;

function buildMineralIndexes() {
  const names = new Map<string, string>();
  const symbols = new Map<string, string>();
  for (const m of referenceData().minerals.values()) {
    names.set(mineralKey(m.id), m.id);
    names.set(mineralKey(m.name), m.id);
    for (const a of m.aliases) names.set(mineralKey(a), m.id);
    if (m.symbol) symbols.set(m.symbol.toLowerCase(), m.id);
  }
  mineralIndex = names;
  symbolIndex = symbols;
  return { names, symbols };
}

const mineralCache = new Map<string, Parsed<string>>();
const countryCache = new Map<string, Parsed<string>>();

/** `Dy`, `dysprosium`, `REE`, `rare earths`, `Rare-Earths` → an id of the catalogue. */
export function parseMineral(raw: string): Parsed<string> {
  const hit = mineralCache.get(raw);
  if (hit) return hit;
  const { names, symbols } =
    mineralIndex && symbolIndex ? { names: mineralIndex, symbols: symbolIndex } : buildMineralIndexes();
  const key = mineralKey(raw);
  let result: Parsed<string>;
  const id = names.get(key) ?? symbols.get(key) ?? names.get(key.replace(/s$/, ''));
  if (id) result = ok(id);
  else {
    const guess = closest(key, names.keys());
    const hint = guess ? `; did you mean '${names.get(guess)}'?` : '';
    result = fail(`unknown mineral '${raw.trim()}'${hint}`);
  }
  if (mineralCache.size < 10_000) mineralCache.set(raw, result);
  return result;
}

/** `CN`, `CHN`, `China`, `PRC`, `DR Congo`, `Türkiye` → ISO alpha-2. Plain `Congo` is ambiguous and rejected. */
export function parseCountry(raw: string): Parsed<string> {
  const hit = countryCache.get(raw);
  if (hit) return hit;
  const key = countryKey(raw);
  let result: Parsed<string>;
  const code = lookupCountryKey(key);
  const ambiguous = ambiguousCountry(key);
  if (code) result = ok(code);
  else if (ambiguous)
    result = fail(
      `country '${raw.trim()}' is ambiguous: write ${ambiguous.map((c) => `'${c}' (${countryName(c)})`).join(' or ')}`,
    );
  else {
    const guess = closest(key, countryKeys());
    const guessCode = guess ? lookupCountryKey(guess) : undefined;
    const hint = guessCode ? `; did you mean '${countryName(guessCode)}' (${guessCode})?` : '';
    result = fail(`unknown country '${raw.trim()}'${hint}`);
  }
  if (countryCache.size < 10_000) countryCache.set(raw, result);
  return result;
}

/**
 * What a user writes for a country they do not know: a blank cell, `unknown`, `world`, `not known`, `n/a`, `-`, `?`
 * (any case; spaces, `_`, `/` and `.` ignored). Such a line is scored at the world mix of its stage (docs/model.md 2.8).
 */
// Not `NA`: that is Namibia.
const UNKNOWN_COUNTRY = new Set(['', 'unknown', 'world', 'not known', 'n a', '-', '?']);

export function isUnknownCountry(raw: string | null | undefined): boolean {
  if (raw === null || raw === undefined) return true;
  return UNKNOWN_COUNTRY.has(
    raw
      .trim()
      .toLowerCase()
      .replace(/[\s_/.]+/g, ' ')
      .trim(),
  );
}

/**
 * What a user writes for a line fed by end-of-life scrap instead of a mine: `recycled` or `scrap`, any case (the RMI
 * templates' smelter lists say so of secondary smelters). An origin only: a processing country is a real place.
 */
const RECYCLED_ORIGIN = new Set(['recycled', 'scrap']);

export function isRecycledOrigin(raw: string | null | undefined): boolean {
  if (raw === null || raw === undefined) return false;
  return RECYCLED_ORIGIN.has(raw.trim().toLowerCase());
}

/** An origin: a country, null for unknown, or `recycled` for a scrap-fed line (`isRecycledOrigin`). */
export function parseOrigin(raw: string | null | undefined): Parsed<string | null | 'recycled'> {
  if (isRecycledOrigin(raw)) return ok('recycled');
  return parseCountryOrUnknown(raw);
}

/** A country, or null for one the user says is unknown (`isUnknownCountry`): origin and processing countries. */
export function parseCountryOrUnknown(raw: string | null | undefined): Parsed<string | null> {
  if (isUnknownCountry(raw)) return ok(null);
  return parseCountry(raw as string);
}

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i;

/**
 * `0.35`, `35%`, `35` → 0.35. With `%` it is a percentage; without, a number ≤ 1 is a fraction and a number above 1
 * is a percentage (so `1` means 100%). Must end within 0–100%.
 */
/** Shares repeat a lot in real lists (60%, 0.5, 100): remember recent answers. */
const shareCache = new Map<string, Parsed<number>>();

export function parseShare(raw: string): Parsed<number> {
  const hit = shareCache.get(raw);
  if (hit) return hit;
  const result = parseShareUncached(raw);
  if (shareCache.size >= 10_000) shareCache.clear();
  shareCache.set(raw, result);
  return result;
}

function parseShareUncached(raw: string): Parsed<number> {
  const s = raw.trim().replace(/\s+/g, '');
  const percent = s.endsWith('%');
  const body = percent ? s.slice(0, -1) : s;
  if (!NUMBER.test(body)) return fail(`share '${raw.trim()}' is not a number (write 0.35 or 35%)`);
  const n = Number(body);
  const fraction = percent || n > 1 ? n / 100 : n;
  if (fraction < 0 || fraction > 1) return fail(`share '${raw.trim()}' is out of range: must be between 0 and 100%`);
  return ok(fraction);
}

/** `1250000`, `$1,250,000`, `USD 1 250 000.50`, `1'250'000` → 1250000. Negative or non-USD amounts are rejected. */
const PLAIN_AMOUNT = /^\d+(\.\d+)?$/;

export function parseSpendUsd(raw: string): Parsed<number> {
  // Fast path for the common case, a plain non-negative number.
  if (PLAIN_AMOUNT.test(raw)) return ok(Number(raw));
  let s = raw.trim();
  if (/[€£¥₹]|\b(EUR|GBP|JPY|CNY|RMB|CHF)\b/i.test(s)) return fail(`annual_spend_usd '${s}' is not in US dollars`);
  s = s.replace(/^(US\$|USD|\$)\s*/i, '').replace(/\s*(USD|US\$|\$)$/i, '');
  s = s.replace(/[,'’_\s]/g, '');
  if (!NUMBER.test(s)) return fail(`annual_spend_usd '${raw.trim()}' is not a number`);
  const n = Number(s);
  if (n < 0) return fail(`annual_spend_usd '${raw.trim()}' is negative`);
  if (!Number.isFinite(n)) return fail(`annual_spend_usd '${raw.trim()}' is too large`);
  return ok(n);
}

/** A whole number within [min, max]: tier, alternative sources, inventory days. */
const wholeCache = new Map<string, Parsed<number>>();
/** Shared results for the small whole numbers tiers, counts and days take (results are never mutated). */
const SMALL_WHOLE: readonly Parsed<number>[] = Array.from({ length: 4096 }, (_, n) => ok(n));

export function parseWholeNumber(raw: string, field: string, min: number, max: number): Parsed<number> {
  // Fast path for what nearly every export holds, plain digits in range: no key to build, no regex.
  const len = raw.length;
  if (len > 0 && len <= 9) {
    let n = 0;
    let i = 0;
    for (; i < len; i++) {
      const digit = raw.charCodeAt(i) - 48;
      if (digit < 0 || digit > 9) break;
      n = n * 10 + digit;
    }
    if (i === len && n >= min && n <= max) return n < SMALL_WHOLE.length ? (SMALL_WHOLE[n] as Parsed<number>) : ok(n);
  }
  const key = `${field}\u0001${min}\u0001${max}\u0001${raw}`;
  const hit = wholeCache.get(key);
  if (hit) return hit;
  const result = parseWholeNumberUncached(raw, field, min, max);
  if (wholeCache.size >= 10_000) wholeCache.clear();
  wholeCache.set(key, result);
  return result;
}

function parseWholeNumberUncached(raw: string, field: string, min: number, max: number): Parsed<number> {
  const s = raw.trim().replace(/[,_\s]/g, '');
  if (!/^[+-]?\d+(\.0+)?$/.test(s)) return fail(`${field} '${raw.trim()}' is not a whole number`);
  const n = Number(s);
  if (n < min || n > max) return fail(`${field} '${raw.trim()}' is out of range: must be between ${min} and ${max}`);
  return ok(n);
}

/** YYYY-MM-DD that is a real calendar date. */
export function parseIsoDate(raw: string): Parsed<string> {
  const s = raw.trim();
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return fail(`date '${s}' must be YYYY-MM-DD`);
  const d = new Date(`${s}T00:00:00Z`);
  if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== s)
    return fail(`date '${s}' is not a calendar date`);
  return ok(s);
}
