/**
 * The supplier item: a supplier's input and latest score with its index keys, and its tombstone once deleted. How a
 * stored supplier becomes an item and back; the writes, the reads and the rescore index all go through here.
 */
import type { ScoredSupplier, SupplierInput } from '../model/types.ts';
import { byScorePk, byScoreSk, dueForRescorePk, dueForRescoreSk, SUPPLIER_SK, supplierPk } from './keys.ts';
import { contributionAttribute } from './portfolio-aggregates-contribution.ts';
import type { ScoredWrite, StoredSupplier } from './supplier-port.ts';

export interface SupplierItem {
  pk: string;
  sk: string;
  tenant: string;
  supplierId: string;
  inputVersion: number;
  /** JSON strings: one attribute each, cheap to marshal and returned verbatim. */
  input: string;
  result: string;
  score: number;
  band: string;
  asOf: string;
  modelVersion: string;
  dataVersion: string;
  minerals: string[];
  countries: string[];
  nextChangeDate?: string;
  batchId?: string;
  updatedAt: string;
  gsi1pk: string;
  gsi1sk: string;
  gsi2pk?: string;
  gsi2sk?: string;
}

export function toItem(tenant: string, x: ScoredWrite, at: string): SupplierItem {
  const id = x.input.supplierId;
  const countries = new Set<string>();
  for (const e of x.input.exposures) {
    // An unknown origin is the world mix: `WORLD`, as its lines show it.
    countries.add(e.originCountry ?? 'WORLD');
    if (e.processingCountry) countries.add(e.processingCountry);
  }
  const item: SupplierItem = {
    pk: supplierPk(tenant, id),
    sk: SUPPLIER_SK,
    tenant,
    supplierId: id,
    inputVersion: x.inputVersion,
    input: JSON.stringify(x.input),
    result: JSON.stringify(x.result),
    score: x.result.score,
    band: x.result.band,
    asOf: x.result.asOf,
    modelVersion: x.result.modelVersion,
    dataVersion: x.result.dataVersion,
    minerals: [...new Set(x.input.exposures.map((e) => e.mineral))],
    countries: [...countries],
    updatedAt: at,
    gsi1pk: byScorePk(tenant, id),
    gsi1sk: byScoreSk(x.result.score, id),
    ...contributionAttribute(x.result),
  };
  if (x.batchId) item.batchId = x.batchId;
  if (x.nextChangeDate) {
    item.nextChangeDate = x.nextChangeDate;
    item.gsi2pk = dueForRescorePk(tenant, id);
    item.gsi2sk = dueForRescoreSk(x.nextChangeDate, tenant, id);
  }
  return item;
}

/**
 * A deleted supplier leaves a tombstone: its key, the delete's version and `deletedAt`, no index keys. Upserts of an
 * older version fail their condition against it, so a message queued before the delete cannot bring the supplier
 * back. It has no TTL: a DLQ redrive restarts a message's retention, so no age bounds how late an old write can come,
 * and a tombstone is a few dozen bytes. A newer PUT replaces it.
 */
export const isLive = (item: Record<string, unknown> | undefined): item is Record<string, unknown> =>
  item !== undefined && item.deletedAt === undefined;

/** A supplier item as the application sees it (the rescore scan reads items through it too). */
export function fromItem(item: Record<string, unknown>): StoredSupplier {
  return {
    tenant: item.tenant as string,
    supplierId: item.supplierId as string,
    inputVersion: item.inputVersion as number,
    input: JSON.parse(item.input as string) as SupplierInput,
    result: JSON.parse(item.result as string) as ScoredSupplier,
    nextChangeDate: (item.nextChangeDate as string | undefined) ?? null,
    batchId: (item.batchId as string | undefined) ?? null,
    updatedAt: item.updatedAt as string,
  };
}
