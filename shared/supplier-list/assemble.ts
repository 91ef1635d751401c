import { MAX_EXPOSURES_PER_SUPPLIER } from '../model/limits.ts';
import { inferredWords, lineKey, originWords } from '../model/line-key.ts';
import type { Exposure, SupplierInput } from '../model/types.ts';
import type { Rejection, SupplierFields, ValidRow } from './row.ts';

const FIELDS = [
  ['supplierName', 'supplier_name'],
  ['supplierCountry', 'supplier_country'],
  ['annualSpendUsd', 'annual_spend_usd'],
  ['tier', 'tier'],
  ['alternativeSources', 'alternative_sources'],
  ['inventoryDays', 'inventory_days'],
] as const satisfies readonly (readonly [keyof SupplierFields, string])[];

/**
 * One supplier being assembled. Kept small (a million-row file holds ~500k of these): the cross-row checks scan the
 * supplier's own few lines instead of keeping maps per supplier.
 */
interface Pending {
  input: SupplierInput;
  /** Data row of each accepted line, parallel to input.exposures (a row that expanded repeats for each line). */
  rows: number[];
  /** Row where each supplier field was first given (index as FIELDS), to name it in a conflict; 0 = not yet. */
  fieldRows: number[];
}

const EPSILON = 1e-9;

/**
 * Groups valid rows into suppliers, in first-seen order, and applies the checks that span rows:
 * conflicting repeated supplier fields, shares of one supplier and mineral above 100%, duplicate lines.
 * A row failing one is rejected with the rows it conflicts with; the rows before it stand.
 */
export class SupplierListAssembler {
  private readonly suppliers = new Map<string, Pending>();
  accepted = 0;

  /** Adds a valid row; returns the rejection if a cross-row check fails. */
  add(r: ValidRow): Rejection | null {
    let p = this.suppliers.get(r.supplierId);
    if (!p) {
      p = {
        input: {
          supplierId: r.supplierId,
          supplierName: null,
          supplierCountry: null,
          annualSpendUsd: null,
          tier: null,
          alternativeSources: 0,
          inventoryDays: 0,
          exposures: [],
        },
        rows: [],
        fieldRows: [0, 0, 0, 0, 0, 0],
      };
      this.suppliers.set(r.supplierId, p);
    }
    const conflict = conflictOf(p, r);
    if (conflict) return conflict;
    // The API's limit too: one supplier always fits in one queue message, and every row beyond it is named.
    const adding = r.expanded ? [r.exposure, ...r.expanded] : [r.exposure];
    if (p.input.exposures.length + adding.length > MAX_EXPOSURES_PER_SUPPLIER)
      return {
        row: r.row,
        field: 'supplier_id',
        value: r.supplierId,
        message: `supplier ${r.supplierId} already has ${p.input.exposures.length} lines (the first on row ${p.rows[0]}) and this row would add ${adding.length}, above ${MAX_EXPOSURES_PER_SUPPLIER}, the most one supplier may have: this row is not scored; merge lines of the same mineral and country, or split the supplier`,
      };
    // A row that expands (HS code, category) is accepted whole or not at all.
    for (const e of adding) {
      const problem = lineProblem(p, r, e);
      if (problem) return problem;
    }
    applyFields(p, r);
    for (const e of adding) {
      p.rows.push(r.row);
      p.input.exposures.push(e);
    }
    this.accepted++;
    return null;
  }

  /** Suppliers with at least one accepted line, in first-seen order, with the data row of each line (parallel). */
  *suppliersWithRows(): IterableIterator<{ supplier: SupplierInput; rows: number[] }> {
    for (const p of this.suppliers.values())
      if (p.input.exposures.length > 0) yield { supplier: p.input, rows: p.rows };
  }

  get supplierCount(): number {
    let n = 0;
    for (const p of this.suppliers.values()) if (p.input.exposures.length > 0) n++;
    return n;
  }
}

/** A duplicate of a line the supplier already has, or shares of its mineral above 100%. */
function lineProblem(p: Pending, r: ValidRow, e: Exposure): Rejection | null {
  const key = lineKey(e);
  let shareSum = 0;
  const shareRows: number[] = [];
  const lines = p.input.exposures;
  for (let i = 0; i < lines.length; i++) {
    const x = lines[i] as Exposure;
    if (x.mineral !== e.mineral) continue;
    if (lineKey(x) === key)
      return {
        row: r.row,
        field: 'origin_country',
        value: e.recycled ? 'recycled' : (e.originCountry ?? 'unknown'),
        message: `duplicate line: supplier ${r.supplierId} already has ${e.mineral} from ${originWords(e)}${e.processingCountry ? ` processed in ${e.processingCountry}` : ''}${e.processor ? ` by ${e.processor}` : ''}${inferredWords(e)} on row ${p.rows[i]}`,
      };
    if (x.share !== null) {
      shareSum += x.share;
      shareRows.push(p.rows[i] as number);
    }
  }
  if (e.share !== null && shareSum + e.share > 1 + EPSILON)
    return {
      row: r.row,
      field: 'share',
      value: `${Math.round(e.share * 1000) / 10}%`,
      message: `shares of supplier ${r.supplierId} for ${e.mineral} would sum to ${Math.round((shareSum + e.share) * 1000) / 10}% with row(s) ${[...new Set(shareRows)].join(', ')}: above 100%`,
    };
  return null;
}

function conflictOf(p: Pending, r: ValidRow): Rejection | null {
  for (let i = 0; i < FIELDS.length; i++) {
    const [key, column] = FIELDS[i] as (typeof FIELDS)[number];
    const value = r.fields[key];
    if (value === null) continue;
    const firstRow = p.fieldRows[i] as number;
    if (firstRow === 0) continue;
    const current = p.input[key];
    if (current !== value)
      return {
        row: r.row,
        field: column,
        value: String(value),
        message: `${column} '${value}' conflicts with '${current}' given for supplier ${r.supplierId} on row ${firstRow}`,
      };
  }
  return null;
}

function applyFields(p: Pending, r: ValidRow): void {
  const f = r.fields;
  const input = p.input;
  const rows = p.fieldRows;
  if (f.supplierName !== null && rows[0] === 0) {
    input.supplierName = f.supplierName;
    rows[0] = r.row;
  }
  if (f.supplierCountry !== null && rows[1] === 0) {
    input.supplierCountry = f.supplierCountry;
    rows[1] = r.row;
  }
  if (f.annualSpendUsd !== null && rows[2] === 0) {
    input.annualSpendUsd = f.annualSpendUsd;
    rows[2] = r.row;
  }
  if (f.tier !== null && rows[3] === 0) {
    input.tier = f.tier;
    rows[3] = r.row;
  }
  if (f.alternativeSources !== null && rows[4] === 0) {
    input.alternativeSources = f.alternativeSources;
    rows[4] = r.row;
  }
  if (f.inventoryDays !== null && rows[5] === 0) {
    input.inventoryDays = f.inventoryDays;
    rows[5] = r.row;
  }
}
