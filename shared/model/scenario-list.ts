/** Which suppliers a long scenario answer lists (shared/model/scenario.ts). Pure. */
import type { ScenarioResult, ScenarioSupplierResult } from './scenario.ts';

/**
 * The result with at most `maxListed` suppliers listed: the largest changes either way (by size of the delta, taken
 * in from both ends of the delta order), still in delta order; `suppliersOmitted` counts those left out. The
 * portfolio figures are untouched: they always count every supplier.
 */
export function limitListed(result: ScenarioResult, maxListed: number): ScenarioResult {
  const all = result.suppliers;
  const keep = Math.max(0, Math.floor(maxListed));
  if (all.length <= keep) return result;
  const head: ScenarioSupplierResult[] = [];
  const tail: ScenarioSupplierResult[] = [];
  let lo = 0;
  let hi = all.length - 1;
  while (head.length + tail.length < keep) {
    const first = all[lo] as ScenarioSupplierResult;
    const last = all[hi] as ScenarioSupplierResult;
    if (Math.abs(first.delta) >= Math.abs(last.delta)) {
      head.push(first);
      lo++;
    } else {
      tail.push(last);
      hi--;
    }
  }
  return {
    ...result,
    suppliers: [...head, ...tail.reverse()],
    suppliersOmitted: result.suppliersOmitted + all.length - keep,
  };
}
