/**
 * A supplier as an API client writes it (names, codes, aliases, shares as fractions or percentages) → the core's
 * normalised SupplierInput, with the same rules and messages as a CSV row, and every problem as a field path.
 */
import { MAX_EXPOSURES_PER_SUPPLIER } from './limits.ts';
import { inferredWords, lineKey } from './line-key.ts';
import {
  type Parsed,
  parseCountry,
  parseCountryOrUnknown,
  parseMineral,
  parseOrigin,
  parseShare,
} from './normalise.ts';
import {
  type Commodity,
  expandCommodity,
  parseHsCode,
  parseProductCategory,
  scrapOriginProblem,
} from './purchase-line.ts';
import type { Exposure, SupplierInput } from './types.ts';

export interface RawExposure {
  /** Name, symbol or alias; or, instead, `hsCode` or `productCategory` (one of the three). */
  mineral?: string | null | undefined;
  /** HS 2022 code (4–6 digits, dots optional): expands into the minerals of its mapping entry (docs/model.md 2.17). */
  hsCode?: string | null | undefined;
  /** A product category of the mapping (`permanent magnets`, `lithium-ion batteries`): expands likewise. */
  productCategory?: string | null | undefined;
  /** Absent, null, blank or `unknown`: the world mining mix; `recycled` or `scrap`: fed by end-of-life scrap. */
  originCountry?: string | null | undefined;
  processingCountry?: string | null | undefined;
  share?: number | string | null | undefined;
  /** The company that processes this line (matched against entity-level measures); absent, null or blank = none. */
  processor?: string | null | undefined;
}

export interface RawSupplier {
  supplierId: string;
  supplierName?: string | null | undefined;
  supplierCountry?: string | null | undefined;
  annualSpendUsd?: number | null | undefined;
  tier?: number | null | undefined;
  alternativeSources?: number | null | undefined;
  inventoryDays?: number | null | undefined;
  exposures: RawExposure[];
}

export interface InputError {
  path: string;
  value: string;
  message: string;
}

const given = (v: string | null | undefined): v is string => v != null && v.trim() !== '';

/** The line's material: a mineral id, or the mapping entry its HS code or product category names. */
function materialOf(
  e: RawExposure,
  p: string,
): { ok: true; value: string | Commodity } | { ok: false; error: InputError } {
  const named = [given(e.mineral), given(e.hsCode), given(e.productCategory)].filter(Boolean).length;
  if (named === 0)
    return {
      ok: false,
      error: { path: `${p}.mineral`, value: '', message: 'mineral is required (or hsCode, or productCategory)' },
    };
  if (named > 1)
    return {
      ok: false,
      error: {
        path: p,
        value: [e.mineral, e.hsCode, e.productCategory].filter(given).join(' / '),
        message: 'give one of mineral, hsCode or productCategory, not several',
      },
    };
  const [field, raw, r] = given(e.mineral)
    ? (['mineral', e.mineral, parseMineral(e.mineral)] as const)
    : given(e.hsCode)
      ? (['hsCode', e.hsCode, parseHsCode(e.hsCode)] as const)
      : (['productCategory', e.productCategory as string, parseProductCategory(e.productCategory as string)] as const);
  if (r.ok) return { ok: true, value: r.value };
  return { ok: false, error: { path: `${p}.${field}`, value: raw, message: r.message } };
}

export type NormalisedSupplier = { ok: true; input: SupplierInput } | { ok: false; errors: InputError[] };

export function normaliseSupplier(raw: RawSupplier, prefix = ''): NormalisedSupplier {
  const errors: InputError[] = [];
  const at = (p: string) => (prefix ? `${prefix}.${p}` : p);
  const take = <T>(path: string, value: string, r: Parsed<T>): T | null => {
    if (r.ok) return r.value;
    errors.push({ path: at(path), value, message: r.message });
    return null;
  };
  const supplierCountry =
    raw.supplierCountry != null && raw.supplierCountry !== ''
      ? take('supplierCountry', raw.supplierCountry, parseCountry(raw.supplierCountry))
      : null;
  const exposures: Exposure[] = [];
  const sums = new Map<string, number>();
  const seen = new Map<string, number>();
  raw.exposures.forEach((e, i) => {
    const p = `exposures[${i}]`;
    const material = materialOf(e, p);
    if (!material.ok) errors.push({ ...material.error, path: at(material.error.path) });
    const origin = parseOrigin(e.originCountry);
    if (!origin.ok)
      errors.push({ path: at(`${p}.originCountry`), value: e.originCountry ?? '', message: origin.message });
    const processing = parseCountryOrUnknown(e.processingCountry);
    if (!processing.ok)
      errors.push({
        path: at(`${p}.processingCountry`),
        value: e.processingCountry ?? '',
        message: processing.message,
      });
    const share =
      e.share != null && e.share !== '' ? take(`${p}.share`, String(e.share), parseShare(String(e.share))) : null;
    if (!material.ok || !origin.ok || !processing.ok) return;
    const processor = e.processor != null && e.processor.trim() !== '' ? e.processor.trim() : null;
    const recycled = origin.value === 'recycled';
    const line: Exposure = {
      mineral: typeof material.value === 'string' ? material.value : '',
      originCountry: recycled ? null : origin.value,
      processingCountry: processing.value,
      share,
    };
    if (processor !== null) line.processor = processor;
    if (recycled) line.recycled = true;
    let lines = [line];
    if (typeof material.value !== 'string') {
      const bad = scrapOriginProblem(material.value, line.originCountry);
      if (bad) {
        errors.push({ path: at(`${p}.originCountry`), value: e.originCountry ?? '', message: bad });
        return;
      }
      lines = expandCommodity(material.value, line);
    }
    for (const x of lines) {
      const key = lineKey(x);
      const dup = seen.get(key);
      if (dup !== undefined) {
        errors.push({
          path: at(p),
          value: key,
          message: `duplicate line: same mineral, origin and processing as exposures[${dup}]${inferredWords(x)}`,
        });
        return;
      }
      seen.set(key, i);
      if (share !== null) {
        const sum = (sums.get(x.mineral) ?? 0) + share;
        sums.set(x.mineral, sum);
        if (sum > 1 + 1e-9)
          errors.push({
            path: at(`${p}.share`),
            value: String(e.share),
            message: `shares for ${x.mineral} sum to ${Math.round(sum * 1000) / 10}%: above 100%`,
          });
      }
    }
    exposures.push(...lines);
  });
  // HS codes and categories expand: the limit holds on the lines, as the CSV reader holds it (one queue message).
  if (exposures.length > MAX_EXPOSURES_PER_SUPPLIER)
    errors.push({
      path: at('exposures'),
      value: String(exposures.length),
      message: `the exposures expand into ${exposures.length} lines, above ${MAX_EXPOSURES_PER_SUPPLIER}, the most one supplier may have`,
    });
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    input: {
      supplierId: raw.supplierId,
      supplierName: raw.supplierName ?? null,
      supplierCountry,
      annualSpendUsd: raw.annualSpendUsd ?? null,
      tier: raw.tier ?? null,
      alternativeSources: raw.alternativeSources ?? 0,
      inventoryDays: raw.inventoryDays ?? 0,
      exposures,
    },
  };
}
