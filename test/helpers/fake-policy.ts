import type { PolicyRevisionStore } from '../../shared/policy/port.ts';
import type { PolicyRevision } from '../../shared/policy/types.ts';

/** In-memory policy revisions: the port's contract (dense numbers, no overwrite), and counts of its reads. */
export class FakePolicyRevisions implements PolicyRevisionStore {
  readonly revisions: PolicyRevision[] = [];
  lists = 0;
  latestReads = 0;
  /** Revisions another writer records just before the next append (to test contention). */
  readonly interleave: PolicyRevision[] = [];

  async listRevisions(): Promise<PolicyRevision[]> {
    this.lists++;
    return structuredClone(this.revisions);
  }

  async latestRevision(): Promise<number> {
    this.latestReads++;
    return this.revisions.at(-1)?.revision ?? 0;
  }

  async appendRevision(revision: PolicyRevision): Promise<boolean> {
    const other = this.interleave.shift();
    if (other) this.revisions.push(other);
    if (this.revisions.some((r) => r.revision === revision.revision)) return false;
    this.revisions.push(structuredClone(revision));
    return true;
  }
}
