import { parseCountry, parseMineral, parseShare, parseSpendUsd, parseWholeNumber } from '../model/normalise.ts';
import type { Exposure } from '../model/types.ts';
import type { Column, HeaderMap } from './header.ts';

/** A rejected row: its 1-based data-row number (header not counted), the field, the value and why. */
export interface Rejection {
  row: number;
  field: string;
  value: string;
  message: string;
}

/** The supplier-level fields of one row; null where the cell is empty. */
export interface SupplierFields {
  supplierName: string | null;
  supplierCountry: string | null;
  annualSpendUsd: number | null;
  tier: number | null;
  alternativeSources: number | null;
  inventoryDays: number | null;
}

export interface ValidRow {
  row: number;
  supplierId: string;
  fields: SupplierFields;
  exposure: Exposure;
}

export const MAX_SUPPLIER_ID_LENGTH = 128;
export const MAX_TIER = 10;
export const MAX_ALTERNATIVE_SOURCES = 1000;
export const MAX_INVENTORY_DAYS = 3650;

/**
 * Validate and normalise one record against the header. Returns the row, or the rejection for its first problem
 * (later problems of the same row are appended to the message so the analyst fixes them in one pass).
 */
export function validateRow(
  record: readonly string[],
  header: HeaderMap,
  row: number,
  width: number,
): ValidRow | Rejection {
  if (record.length !== width) {
    return {
      row,
      field: '(row)',
      value: record.join(',').slice(0, 80),
      message: `row has ${record.length} field(s) but the header has ${width}: check delimiters and quotes`,
    };
  }
  const problems: Rejection[] = [];
  const cell = (c: Column) => {
    const i = header.index[c];
    return i < 0 ? '' : (record[i] ?? '').trim();
  };
  const problem = (field: Column, value: string, message: string) => problems.push({ row, field, value, message });

  const supplierId = cell('supplier_id');
  if (supplierId === '') problem('supplier_id', '', 'supplier_id is required');
  else if (supplierId.length > MAX_SUPPLIER_ID_LENGTH)
    problem('supplier_id', supplierId.slice(0, 40), `supplier_id is longer than ${MAX_SUPPLIER_ID_LENGTH} characters`);

  let mineral = '';
  const rawMineral = cell('mineral');
  if (rawMineral === '') problem('mineral', '', 'mineral is required');
  else {
    const m = parseMineral(rawMineral);
    if (m.ok) mineral = m.value;
    else problem('mineral', rawMineral, m.message);
  }

  const country = (field: Column, required: boolean): string | null => {
    const raw = cell(field);
    if (raw === '') {
      if (required) problem(field, '', `${field} is required`);
      return null;
    }
    const c = parseCountry(raw);
    if (c.ok) return c.value;
    problem(field, raw, c.message);
    return null;
  };
  const originCountry = country('origin_country', true);
  const processingCountry = country('processing_country', false);
  const supplierCountry = country('supplier_country', false);

  const optional = <T>(
    field: Column,
    parse: (raw: string) => { ok: true; value: T } | { ok: false; message: string },
  ): T | null => {
    const raw = cell(field);
    if (raw === '') return null;
    const p = parse(raw);
    if (p.ok) return p.value;
    problem(field, raw, p.message);
    return null;
  };
  const share = optional('share', parseShare);
  const annualSpendUsd = optional('annual_spend_usd', parseSpendUsd);
  const tier = optional('tier', (r) => parseWholeNumber(r, 'tier', 1, MAX_TIER));
  const alternativeSources = optional('alternative_sources', (r) =>
    parseWholeNumber(r, 'alternative_sources', 0, MAX_ALTERNATIVE_SOURCES),
  );
  const inventoryDays = optional('inventory_days', (r) => parseWholeNumber(r, 'inventory_days', 0, MAX_INVENTORY_DAYS));

  const first = problems[0];
  if (first) {
    if (problems.length > 1)
      first.message += `; also ${problems
        .slice(1)
        .map((p) => `${p.field}: ${p.message}`)
        .join('; ')}`;
    return first;
  }
  const name = cell('supplier_name');
  return {
    row,
    supplierId,
    fields: {
      supplierName: name === '' ? null : name,
      supplierCountry,
      annualSpendUsd,
      tier,
      alternativeSources,
      inventoryDays,
    },
    exposure: { mineral, originCountry: originCountry as string, processingCountry, share },
  };
}

export function isRejection(r: ValidRow | Rejection): r is Rejection {
  return 'message' in r;
}
