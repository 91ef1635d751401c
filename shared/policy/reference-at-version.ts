/**
 * The reference data a stored score was computed with, rebuilt from its data version (issue 12: a read recomputes the
 * breakdown with the data that computed it). A version of the running release names a policy revision
 * (`ref-….p17`; none = the shipped timeline), and revisions are never rewritten, so the timeline up to that revision
 * is that very data. Another release's data is not kept: null, and the reader says it recomputed with today's.
 */
import { type ReferenceData, referenceVersionOf } from '../reference/index.ts';
import type { PolicyRevisionStore } from './port.ts';
import { referenceAt } from './record-revision.ts';
import { type Baseline, effectiveTimeline } from './timeline.ts';

/** Versions kept per revision store: a tenant's suppliers are scored at a few revisions at most. */
const MAX_VERSIONS = 16;
const built = new WeakMap<PolicyRevisionStore, Map<string, ReferenceData>>();

const revisionOf = (dataVersion: string): number => Number(/\.p(\d+)$/.exec(dataVersion)?.[1] ?? 0);

export async function referenceAtVersion(
  deps: { store: PolicyRevisionStore; baseline: Baseline; running: ReferenceData },
  dataVersion: string,
): Promise<ReferenceData | null> {
  const { running } = deps;
  if (dataVersion === running.dataVersion) return running;
  if (referenceVersionOf(dataVersion) !== running.referenceVersion) return null;
  let cache = built.get(deps.store);
  if (!cache) {
    cache = new Map();
    built.set(deps.store, cache);
  }
  const hit = cache.get(dataVersion);
  if (hit) return hit;
  const upTo = revisionOf(dataVersion);
  const revisions = (await deps.store.listRevisions()).filter((r) => r.revision <= upTo);
  const ref = referenceAt(effectiveTimeline(deps.baseline, revisions));
  // A revision the store does not hold (another stage's table restored here, say) cannot be rebuilt.
  if (ref.dataVersion !== dataVersion) return null;
  if (cache.size >= MAX_VERSIONS) cache.clear();
  cache.set(dataVersion, ref);
  return ref;
}
