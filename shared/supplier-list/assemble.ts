import type { SupplierInput } from '../model/types.ts';
import type { Rejection, SupplierFields, ValidRow } from './row.ts';

const FIELD_COLUMNS: Record<keyof SupplierFields, string> = {
  supplierName: 'supplier_name',
  supplierCountry: 'supplier_country',
  annualSpendUsd: 'annual_spend_usd',
  tier: 'tier',
  alternativeSources: 'alternative_sources',
  inventoryDays: 'inventory_days',
};

interface Pending {
  input: SupplierInput;
  /** Row where each supplier field was first given, to name it in a conflict. */
  fieldRows: Partial<Record<keyof SupplierFields, number>>;
  /** Sum of stated shares per mineral, and the rows that stated them. */
  shares: Map<string, { sum: number; rows: number[] }>;
  /** mineral|origin|processing → row, to catch duplicate lines. */
  lines: Map<string, number>;
  rows: number[];
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
        fieldRows: {},
        shares: new Map(),
        lines: new Map(),
        rows: [],
      };
      this.suppliers.set(r.supplierId, p);
    }
    const conflict = this.conflict(p, r);
    if (conflict) return conflict;

    const e = r.exposure;
    const lineKey = `${e.mineral}|${e.originCountry}|${e.processingCountry ?? ''}`;
    const dup = p.lines.get(lineKey);
    if (dup !== undefined)
      return {
        row: r.row,
        field: 'origin_country',
        value: e.originCountry,
        message: `duplicate line: supplier ${r.supplierId} already has ${e.mineral} from ${e.originCountry}${e.processingCountry ? ` processed in ${e.processingCountry}` : ''} on row ${dup}`,
      };
    if (e.share !== null) {
      const s = p.shares.get(e.mineral) ?? { sum: 0, rows: [] };
      if (s.sum + e.share > 1 + EPSILON)
        return {
          row: r.row,
          field: 'share',
          value: `${Math.round(e.share * 1000) / 10}%`,
          message: `shares of supplier ${r.supplierId} for ${e.mineral} would sum to ${Math.round((s.sum + e.share) * 1000) / 10}% with row(s) ${s.rows.join(', ')}: above 100%`,
        };
      s.sum += e.share;
      s.rows.push(r.row);
      p.shares.set(e.mineral, s);
    }
    this.apply(p, r);
    p.lines.set(lineKey, r.row);
    p.rows.push(r.row);
    p.input.exposures.push(e);
    this.accepted++;
    return null;
  }

  private conflict(p: Pending, r: ValidRow): Rejection | null {
    for (const key of Object.keys(FIELD_COLUMNS) as (keyof SupplierFields)[]) {
      const value = r.fields[key];
      if (value === null) continue;
      const firstRow = p.fieldRows[key];
      if (firstRow === undefined) continue;
      const current = p.input[key];
      if (current !== value)
        return {
          row: r.row,
          field: FIELD_COLUMNS[key],
          value: String(value),
          message: `${FIELD_COLUMNS[key]} '${value}' conflicts with '${current}' given for supplier ${r.supplierId} on row ${firstRow}`,
        };
    }
    return null;
  }

  private apply(p: Pending, r: ValidRow): void {
    const f = r.fields;
    const set = <K extends keyof SupplierFields>(key: K, assign: (v: NonNullable<SupplierFields[K]>) => void) => {
      const v = f[key];
      if (v === null || p.fieldRows[key] !== undefined) return;
      assign(v as NonNullable<SupplierFields[K]>);
      p.fieldRows[key] = r.row;
    };
    set('supplierName', (v) => {
      p.input.supplierName = v;
    });
    set('supplierCountry', (v) => {
      p.input.supplierCountry = v;
    });
    set('annualSpendUsd', (v) => {
      p.input.annualSpendUsd = v;
    });
    set('tier', (v) => {
      p.input.tier = v;
    });
    set('alternativeSources', (v) => {
      p.input.alternativeSources = v;
    });
    set('inventoryDays', (v) => {
      p.input.inventoryDays = v;
    });
  }

  /** Suppliers with at least one accepted line, in first-seen order, with the data rows they came from. */
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
