import type { SupplierStore } from '../../shared/store/port.ts';
import type { StoredSupplier } from '../../shared/store/supplier-port.ts';

/** Every supplier of a tenant, page by page, as the store lists them (for tests that compare the table with a result). */
export async function allSuppliers(store: SupplierStore, tenant: string): Promise<StoredSupplier[]> {
  const out: StoredSupplier[] = [];
  let cursor: string | null = null;
  do {
    const page: { items: StoredSupplier[]; cursor: string | null } = await store.listSuppliers(tenant, {
      limit: 1000,
      ...(cursor ? { cursor } : {}),
    });
    out.push(...page.items);
    cursor = page.cursor;
  } while (cursor);
  return out;
}
