/**
 * A workbook upload merged into the supplier as stored: the workbook replaces the lines of the minerals its template
 * speaks for and keeps the others (shared/supplier-list/workbook/merge-scope.ts), so a supplier's CMRT, EMRT and
 * AMRT, uploaded one by one, add up to one supplier. Two uploads of one supplier ingested at the same time each merge
 * into what was stored before both: the later upload's input wins whole (last writer wins), as for any upload.
 */
import { inputRows } from '../model/input-rows.ts';
import type { SupplierReads } from '../store/supplier-port.ts';
import type { SupplierList } from '../supplier-list/read.ts';
import { mergeWorkbookSupplier, workbookScope } from '../supplier-list/workbook/merge-scope.ts';
import type { WorkbookList } from '../supplier-list/workbook/read-workbook.ts';

/**
 * The list to queue: each supplier of the workbook merged with its stored input. The lines kept from the stored
 * input are stored again with the workbook's, so the batch counts them as accepted rows too (rows = accepted +
 * rejected still holds, and the batch's scored rows add up).
 */
export async function mergeWithStored(
  reads: Pick<SupplierReads, 'getSupplier'>,
  tenant: string,
  list: WorkbookList,
): Promise<SupplierList> {
  let carried = 0;
  const suppliers: SupplierList['suppliers'] = [];
  for (const entry of list.suppliers) {
    const stored = await reads.getSupplier(tenant, entry.supplier.supplierId);
    if (stored === null) {
      suppliers.push(entry);
      continue;
    }
    const merged = mergeWorkbookSupplier(stored.input, entry.supplier, workbookScope(list.workbook, entry.supplier));
    carried += inputRows(merged) - inputRows(entry.supplier);
    suppliers.push({ ...entry, supplier: merged });
  }
  return { ...list, suppliers, rows: list.rows + carried, accepted: list.accepted + carried };
}
