/**
 * A supplier as an API client writes it (names, codes, aliases, shares as fractions or percentages) → the core's
 * normalised SupplierInput, with the same rules and messages as a CSV row, and every problem as a field path.
 */
import { lineKey } from './line-key.ts';
import {
  type Parsed,
  parseCountry,
  parseCountryOrUnknown,
  parseMineral,
  parseOrigin,
  parseShare,
} from './normalise.ts';
import type { Exposure, SupplierInput } from './types.ts';

export interface RawExposure {
  mineral: string;
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
    const mineral = take(`${p}.mineral`, e.mineral, parseMineral(e.mineral));
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
    if (mineral === null || !origin.ok || !processing.ok) return;
    const processor = e.processor != null && e.processor.trim() !== '' ? e.processor.trim() : null;
    const recycled = origin.value === 'recycled';
    const line: Exposure = {
      mineral,
      originCountry: recycled ? null : origin.value,
      processingCountry: processing.value,
      share,
    };
    if (processor !== null) line.processor = processor;
    if (recycled) line.recycled = true;
    const key = lineKey(line);
    const dup = seen.get(key);
    if (dup !== undefined) {
      errors.push({
        path: at(p),
        value: key,
        message: `duplicate line: same mineral, origin and processing as exposures[${dup}]`,
      });
      return;
    }
    seen.set(key, i);
    if (share !== null) {
      const sum = (sums.get(mineral) ?? 0) + share;
      sums.set(mineral, sum);
      if (sum > 1 + 1e-9)
        errors.push({
          path: at(`${p}.share`),
          value: String(e.share),
          message: `shares for ${mineral} sum to ${Math.round(sum * 1000) / 10}%: above 100%`,
        });
    }
    exposures.push(line);
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
