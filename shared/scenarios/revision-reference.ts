import type { CurrentReference } from '../policy/current-reference.ts';
import type { PolicyRevisionStore } from '../policy/port.ts';
import { referenceAt } from '../policy/record-revision.ts';
import { type Baseline, effectiveTimeline } from '../policy/timeline.ts';
import type { ReferenceData } from '../reference/index.ts';

/** The reference data as it was at a policy revision: what a scenario job's workers score against. */
export interface ReferenceAtRevision {
  at(revision: number): Promise<ReferenceData>;
}

/**
 * The live timeline when it is still at `revision` (the usual case: the job took minutes), else the baseline with the
 * revisions up to it applied again, so a revision recorded mid-job cannot change part of its answer.
 */
export class RevisionReference implements ReferenceAtRevision {
  constructor(
    private readonly current: CurrentReference,
    private readonly store: PolicyRevisionStore,
    private readonly baseline: Baseline,
  ) {}

  async at(revision: number): Promise<ReferenceData> {
    const live = await this.current.current();
    if (live.timeline.revision === revision) return live.ref;
    const revisions = (await this.store.listRevisions()).filter((r) => r.revision <= revision);
    return referenceAt(effectiveTimeline(this.baseline, revisions));
  }
}
