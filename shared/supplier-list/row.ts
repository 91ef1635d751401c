import {
  MAX_ALTERNATIVE_SOURCES,
  MAX_INVENTORY_DAYS,
  MAX_PROCESSOR_LENGTH,
  MAX_SUPPLIER_ID_LENGTH,
  MAX_SUPPLIER_NAME_LENGTH,
  MAX_TIER,
} from '../model/limits.ts';
import {
  parseCountry,
  parseCountryOrUnknown,
  parseMineral,
  parseOrigin,
  parseShare,
  parseSpendUsd,
  parseWholeNumber,
} from '../model/normalise.ts';
import {
  type Commodity,
  expandCommodity,
  parseHsCode,
  parseProductCategory,
  scrapOriginProblem,
} from '../model/purchase-line.ts';
import type { Exposure } from '../model/types.ts';
import { idProblem, textProblem } from '../text/safe-text.ts';
import type { Column, HeaderMap } from './header.ts';

/** A rejected row: its 1-based data-row number (header not counted), the field, the value and why. */
export interface Rejection {
  row: number;
  field: string;
  value: string;
  message: string;
  /** A workbook's rejection names its sheet and cell ('Smelter List', 'E17'); `row` is then the sheet's row. */
  sheet?: string;
  cell?: string;
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
  /**
   * The further lines of a row that gave an HS code or product category (`exposure` is the first): one per mineral
   * of its mapping entry. Absent for a row that gives a mineral.
   */
  expanded?: Exposure[];
}

const MATERIAL_REQUIRED = 'mineral is required (or hs_code, or product_category)';

export { MAX_SUPPLIER_ID_LENGTH } from '../model/limits.ts';

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
  // Hot path (a million rows): no closures per row, problems allocated only when there is one.
  const idx = header.index;
  let problems: Rejection[] | null = null;

  const supplierId = cellAt(record, idx.supplier_id);
  if (supplierId === '') problems = withProblem(problems, row, 'supplier_id', '', 'supplier_id is required');
  else if (supplierId.length > MAX_SUPPLIER_ID_LENGTH)
    problems = withProblem(
      problems,
      row,
      'supplier_id',
      supplierId.slice(0, 40),
      `supplier_id is longer than ${MAX_SUPPLIER_ID_LENGTH} characters`,
    );
  else if (supplierId.includes('/'))
    // The id is a path segment of the API (/v1/suppliers/{supplierId}), which takes no slash.
    problems = withProblem(problems, row, 'supplier_id', supplierId, "supplier_id must not contain '/'");
  else {
    const bad = idProblem(supplierId);
    if (bad) problems = withProblem(problems, row, 'supplier_id', supplierId, `supplier_id ${bad}`);
  }

  // The material: a mineral, or an HS code or product category the mapping expands into minerals (one of them).
  let mineral = '';
  let commodity: Commodity | null = null;
  const rawMineral = cellAt(record, idx.mineral);
  const rawHs = cellAt(record, idx.hs_code);
  const rawCategory = cellAt(record, idx.product_category);
  const given = (rawMineral !== '' ? 1 : 0) + (rawHs !== '' ? 1 : 0) + (rawCategory !== '' ? 1 : 0);
  if (given === 0) problems = withProblem(problems, row, 'mineral', '', MATERIAL_REQUIRED);
  else if (given > 1)
    problems = withProblem(
      problems,
      row,
      rawMineral !== '' ? 'mineral' : 'hs_code',
      [rawMineral, rawHs, rawCategory].filter((c) => c !== '').join(' / '),
      'give one of mineral, hs_code or product_category, not several',
    );
  else if (rawMineral !== '') {
    const m = parseMineral(rawMineral);
    if (m.ok) mineral = m.value;
    else problems = withProblem(problems, row, 'mineral', rawMineral, m.message);
  } else {
    const c = rawHs !== '' ? parseHsCode(rawHs) : parseProductCategory(rawCategory);
    if (c.ok) commodity = c.value;
    else
      problems =
        rawHs !== ''
          ? withProblem(problems, row, 'hs_code', rawHs, c.message)
          : withProblem(problems, row, 'product_category', rawCategory, c.message);
  }

  // Blank or `unknown` (isUnknownCountry) is an answer: the line is scored at the world mix of that stage;
  // `recycled` or `scrap` is one too: the line is fed by end-of-life scrap (no mining stage).
  let originCountry: string | null = null;
  let recycled = false;
  const rawOrigin = cellAt(record, idx.origin_country);
  if (rawOrigin !== '') {
    const c = parseOrigin(rawOrigin);
    if (c.ok && c.value === 'recycled') recycled = true;
    else if (c.ok) originCountry = c.value;
    else problems = withProblem(problems, row, 'origin_country', rawOrigin, c.message);
  }
  let processingCountry: string | null = null;
  const rawProcessing = cellAt(record, idx.processing_country);
  if (rawProcessing !== '') {
    const c = parseCountryOrUnknown(rawProcessing);
    if (c.ok) processingCountry = c.value;
    else problems = withProblem(problems, row, 'processing_country', rawProcessing, c.message);
  }
  let supplierCountry: string | null = null;
  const rawSupplierCountry = cellAt(record, idx.supplier_country);
  if (rawSupplierCountry !== '') {
    const c = parseCountry(rawSupplierCountry);
    if (c.ok) supplierCountry = c.value;
    else problems = withProblem(problems, row, 'supplier_country', rawSupplierCountry, c.message);
  }

  let share: number | null = null;
  const rawShare = cellAt(record, idx.share);
  if (rawShare !== '') {
    const p = parseShare(rawShare);
    if (p.ok) share = p.value;
    else problems = withProblem(problems, row, 'share', rawShare, p.message);
  }
  let annualSpendUsd: number | null = null;
  const rawSpend = cellAt(record, idx.annual_spend_usd);
  if (rawSpend !== '') {
    const p = parseSpendUsd(rawSpend);
    if (p.ok) annualSpendUsd = p.value;
    else problems = withProblem(problems, row, 'annual_spend_usd', rawSpend, p.message);
  }
  let tier: number | null = null;
  const rawTier = cellAt(record, idx.tier);
  if (rawTier !== '') {
    const p = parseWholeNumber(rawTier, 'tier', 1, MAX_TIER);
    if (p.ok) tier = p.value;
    else problems = withProblem(problems, row, 'tier', rawTier, p.message);
  }
  let alternativeSources: number | null = null;
  const rawAlternatives = cellAt(record, idx.alternative_sources);
  if (rawAlternatives !== '') {
    const p = parseWholeNumber(rawAlternatives, 'alternative_sources', 0, MAX_ALTERNATIVE_SOURCES);
    if (p.ok) alternativeSources = p.value;
    else problems = withProblem(problems, row, 'alternative_sources', rawAlternatives, p.message);
  }
  let inventoryDays: number | null = null;
  const rawDays = cellAt(record, idx.inventory_days);
  if (rawDays !== '') {
    const p = parseWholeNumber(rawDays, 'inventory_days', 0, MAX_INVENTORY_DAYS);
    if (p.ok) inventoryDays = p.value;
    else problems = withProblem(problems, row, 'inventory_days', rawDays, p.message);
  }

  const processor = cellAt(record, idx.processor);
  if (processor.length > MAX_PROCESSOR_LENGTH)
    problems = withProblem(
      problems,
      row,
      'processor',
      processor.slice(0, 40),
      `processor is longer than ${MAX_PROCESSOR_LENGTH} characters`,
    );
  else if (processor !== '') {
    const bad = textProblem(processor);
    if (bad) problems = withProblem(problems, row, 'processor', processor, `processor ${bad}`);
  }

  const name = cellAt(record, idx.supplier_name);
  if (name.length > MAX_SUPPLIER_NAME_LENGTH)
    problems = withProblem(
      problems,
      row,
      'supplier_name',
      name,
      `supplier_name is longer than ${MAX_SUPPLIER_NAME_LENGTH} characters`,
    );
  else if (name !== '') {
    const bad = textProblem(name);
    if (bad) problems = withProblem(problems, row, 'supplier_name', name, `supplier_name ${bad}`);
  }

  if (commodity !== null) {
    const bad = scrapOriginProblem(commodity, originCountry);
    if (bad) problems = withProblem(problems, row, 'origin_country', rawOrigin, bad);
  }

  const found = problems;
  if (found !== null) {
    const first = found[0] as Rejection;
    if (found.length > 1)
      first.message += `; also ${found
        .slice(1)
        .map((p) => `${p.field}: ${p.message}`)
        .join('; ')}`;
    return first;
  }
  const line: Exposure = { mineral, originCountry, processingCountry, share };
  if (processor !== '') line.processor = processor;
  if (recycled) line.recycled = true;
  const lines = commodity === null ? null : expandCommodity(commodity, line);
  const exposure = lines === null ? line : (lines[0] as Exposure);
  const valid: ValidRow = {
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
    exposure,
  };
  if (lines !== null && lines.length > 1) valid.expanded = lines.slice(1);
  return valid;
}

function withProblem(
  problems: Rejection[] | null,
  row: number,
  field: Column,
  value: string,
  message: string,
): Rejection[] {
  const list = problems ?? [];
  list.push({ row, field, value, message });
  return list;
}

function cellAt(record: readonly string[], i: number): string {
  if (i < 0) return '';
  const v = record[i];
  return v === undefined ? '' : v.trim();
}

export function isRejection(r: ValidRow | Rejection): r is Rejection {
  return 'message' in r;
}
