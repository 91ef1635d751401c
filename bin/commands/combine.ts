/**
 * Many inputs, one run: their suppliers and rejections put together in input order. A supplier id met again in a
 * later CSV or JSON list replaces the earlier one's lines; met again in a later workbook, it is merged: the workbook
 * replaces only the lines of the minerals its template speaks for (shared/supplier-list/workbook/merge-scope.ts).
 * Both are what the pipeline stores for the same files uploaded in that order (one batch per file).
 */
import type { SupplierInput } from '../../shared/model/types.ts';
import type { RunSummary } from '../../shared/report/summary.ts';
import type { Rejection } from '../../shared/supplier-list/row.ts';
import { mergeWorkbookSupplier, workbookScope } from '../../shared/supplier-list/workbook/merge-scope.ts';
import { type InputOutcome, isRead } from './input-outcome.ts';

/** A rejection of a run over many files names its file. */
export type RunRejection = Rejection & { file?: string };

export interface CombinedRun {
  /** The suppliers to score, each once, first-seen order. */
  suppliers: SupplierInput[];
  rejected: RunRejection[];
  summary: RunSummary;
  /**
   * Supplier ids met in more than one input, with the inputs in order: `merged` when a later one was a workbook (its
   * lines merged with the earlier ones'), else the last input's lines were kept.
   */
  replaced: { supplierId: string; files: string[]; merged: boolean }[];
}

export function combine(outcomes: readonly InputOutcome[], many: boolean): CombinedRun {
  const read = outcomes.filter(isRead);
  const only = read.length === 1 && !many ? read[0] : undefined;
  // One list (a million-row CSV): its suppliers are distinct already; no index of them is built.
  if (only) {
    const l = only.list;
    return {
      suppliers: l.suppliers.map((s) => s.supplier),
      rejected: l.rejected,
      summary: { rows: l.rows, suppliers: l.suppliers.length, scored: l.accepted, rejected: l.rejectedCount },
      replaced: [],
    };
  }
  const suppliers = new Map<string, { supplier: SupplierInput; files: string[]; merged: boolean }>();
  const rejected: RunRejection[] = [];
  let rows = 0;
  let scored = 0;
  let rejectedCount = 0;
  for (const o of read) {
    rows += o.list.rows;
    scored += o.list.accepted;
    rejectedCount += o.list.rejectedCount;
    for (const r of o.list.rejected) rejected.push(many ? { ...r, file: o.name } : r);
    const workbook = 'workbook' in o.list ? o.list.workbook : undefined;
    for (const { supplier } of o.list.suppliers) {
      const seen = suppliers.get(supplier.supplierId);
      const files = [...(seen?.files ?? []), o.name];
      if (seen && workbook) {
        const merged = mergeWorkbookSupplier(seen.supplier, supplier, workbookScope(workbook, supplier));
        suppliers.set(supplier.supplierId, { supplier: merged, files, merged: true });
      } else suppliers.set(supplier.supplierId, { supplier, files, merged: false });
    }
  }
  return {
    suppliers: [...suppliers.values()].map((s) => s.supplier),
    rejected,
    summary: { rows, suppliers: suppliers.size, scored, rejected: rejectedCount },
    replaced: [...suppliers.entries()]
      .filter(([, s]) => s.files.length > 1)
      .map(([supplierId, s]) => ({ supplierId, files: s.files, merged: s.merged })),
  };
}
