/**
 * One supplier's CMRT, EMRT and AMRT are one supplier: each workbook speaks for its template's metals only, so a
 * later workbook replaces the lines of those minerals and keeps the others (pure: used by the CLI within a run and
 * by ingest against the stored supplier).
 */
import type { SupplierInput } from '../../model/types.ts';
import { mapMetal } from './metals.ts';
import type { WorkbookInfo } from './read-workbook.ts';
import type { Template } from './template.ts';

/** The metals each template reports on (EMRT 1.x: cobalt and mica only). The AMRT's are the ones its sender chose. */
const TEMPLATE_METALS: Record<Exclude<Template, 'AMRT'>, Record<string, readonly string[]>> = {
  CMRT: { any: ['tantalum', 'tin', 'tungsten', 'gold'] },
  EMRT: { '1': ['cobalt', 'mica'], any: ['cobalt', 'copper', 'graphite', 'lithium', 'mica', 'nickel'] },
};

/** Metals → the model's mineral ids; gold and metals outside the catalogue have none. */
function mineralsOf(metals: Iterable<string>): Set<string> {
  const out = new Set<string>();
  for (const metal of metals) {
    const m = mapMetal(metal);
    if (m?.mineral) out.add(m.mineral);
  }
  return out;
}

/**
 * The minerals a workbook speaks for: its template and version's metals (an AMRT: the metals it reports or answers
 * question 1 for), including those answered "No" (which carry no line, so an earlier line of theirs goes), and the
 * mineral of every line it carries.
 */
export function workbookScope(
  info: Pick<WorkbookInfo, 'template' | 'version' | 'metals' | 'declaredNo'>,
  supplier: SupplierInput | null,
): Set<string> {
  const metals =
    info.template === 'AMRT'
      ? [...info.metals.map((m) => m.metal), ...info.declaredNo]
      : (TEMPLATE_METALS[info.template][info.version.split('.')[0] ?? ''] ?? TEMPLATE_METALS[info.template].any ?? []);
  const scope = mineralsOf([...metals, ...info.declaredNo]);
  for (const e of supplier?.exposures ?? []) scope.add(e.mineral);
  return scope;
}

/**
 * The supplier after a workbook: the previous lines of minerals outside `speaksFor`, then the workbook's. A workbook
 * carries the supplier's id and name only: country, spend, tier, alternatives and inventory stay as they were.
 */
export function mergeWorkbookSupplier(
  previous: SupplierInput | null,
  fromWorkbook: SupplierInput,
  speaksFor: ReadonlySet<string>,
): SupplierInput {
  if (previous === null) return fromWorkbook;
  return {
    supplierId: fromWorkbook.supplierId,
    supplierName: fromWorkbook.supplierName ?? previous.supplierName,
    supplierCountry: previous.supplierCountry,
    annualSpendUsd: previous.annualSpendUsd,
    tier: previous.tier,
    alternativeSources: previous.alternativeSources,
    inventoryDays: previous.inventoryDays,
    exposures: [...previous.exposures.filter((e) => !speaksFor.has(e.mineral)), ...fromWorkbook.exposures],
  };
}
