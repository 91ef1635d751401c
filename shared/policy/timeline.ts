import type { Agreement, PolicyEvent } from '../reference/types.ts';
import { itemKey, type PolicyRevision, type Timeline } from './types.ts';

export interface Baseline {
  policyEvents: readonly PolicyEvent[];
  agreements: readonly Agreement[];
}

/** The latest revision of each item among `revisions` (any order), by `${kind}:${id}`. */
export function latestRevisions(revisions: readonly PolicyRevision[]): Map<string, PolicyRevision> {
  const latest = new Map<string, PolicyRevision>();
  for (const r of revisions) {
    const key = itemKey(r.kind, r.id);
    const seen = latest.get(key);
    if (!seen || seen.revision < r.revision) latest.set(key, r);
  }
  return latest;
}

/**
 * baseline ⊕ the latest revision of each id: a put replaces the baseline item of that id (or adds one), a
 * withdrawal removes it. Baseline order is kept; added items follow in revision order. Pure and deterministic.
 */
export function effectiveTimeline(baseline: Baseline, revisions: readonly PolicyRevision[]): Timeline {
  const latest = latestRevisions(revisions);
  const setBy = new Map<string, number>();
  const apply = <T extends { id: string }>(kind: PolicyRevision['kind'], base: readonly T[]): T[] => {
    const out: T[] = [];
    const baseIds = new Set<string>();
    for (const item of base) {
      baseIds.add(item.id);
      const r = latest.get(itemKey(kind, item.id));
      if (!r) {
        out.push(item);
        setBy.set(itemKey(kind, item.id), 0);
      } else if (r.action === 'put') {
        out.push(r.item as unknown as T);
        setBy.set(itemKey(kind, item.id), r.revision);
      }
    }
    const added = [...latest.values()]
      .filter((r) => r.kind === kind && r.action === 'put' && !baseIds.has(r.id))
      .sort((a, b) => a.revision - b.revision);
    for (const r of added) {
      out.push(r.item as unknown as T);
      setBy.set(itemKey(kind, r.id), r.revision);
    }
    return out;
  };
  const policyEvents = apply<PolicyEvent>('policy-event', baseline.policyEvents);
  const agreements = apply<Agreement>('agreement', baseline.agreements);
  const revision = revisions.reduce((max, r) => Math.max(max, r.revision), 0);
  return { revision, policyEvents, agreements, setBy };
}

/** The timeline with one more revision applied on top (a proposal a dry run scores with). */
export function applyRevision(t: Timeline, r: PolicyRevision): Timeline {
  const swap = <T extends { id: string }>(list: readonly T[]): T[] => {
    const at = list.findIndex((x) => x.id === r.id);
    const out = [...list];
    if (r.action === 'withdraw') {
      if (at >= 0) out.splice(at, 1);
    } else if (at >= 0) out[at] = r.item as unknown as T;
    else out.push(r.item as unknown as T);
    return out;
  };
  const setBy = new Map(t.setBy);
  if (r.action === 'withdraw') setBy.delete(itemKey(r.kind, r.id));
  else setBy.set(itemKey(r.kind, r.id), r.revision);
  return {
    revision: Math.max(t.revision, r.revision),
    policyEvents: r.kind === 'policy-event' ? swap(t.policyEvents) : t.policyEvents,
    agreements: r.kind === 'agreement' ? swap(t.agreements) : t.agreements,
    setBy,
  };
}
