import type { ReferenceData } from '../reference/index.ts';
import type { PolicyRevisionStore } from './port.ts';
import { referenceAt } from './record-revision.ts';
import { type Baseline, effectiveTimeline } from './timeline.ts';
import type { Timeline } from './types.ts';

/** How long a function trusts its timeline before asking the store for the latest revision number again. */
export const POLICY_CACHE_MS = 30_000;

/**
 * The reference data at the latest policy revision, for functions that score. Cheap when nothing changed: after
 * `maxAgeMs` it reads only the latest revision number (one small query) and rebuilds only when that moved. A rescore
 * asks with `fresh`, so it never works from a timeline older than the revision that started it.
 */
export class CurrentReference {
  private cached: { timeline: Timeline; ref: ReferenceData; checkedAt: number } | null = null;
  private loading: Promise<{ timeline: Timeline; ref: ReferenceData }> | null = null;

  constructor(
    private readonly store: PolicyRevisionStore,
    private readonly baseline: Baseline,
    private readonly options: { maxAgeMs?: number; clock?: () => number } = {},
  ) {}

  async get(options: { fresh?: boolean } = {}): Promise<ReferenceData> {
    return (await this.current(options)).ref;
  }

  async current(options: { fresh?: boolean } = {}): Promise<{ timeline: Timeline; ref: ReferenceData }> {
    const now = (this.options.clock ?? Date.now)();
    const maxAge = this.options.maxAgeMs ?? POLICY_CACHE_MS;
    const c = this.cached;
    if (c && !options.fresh && now - c.checkedAt < maxAge) return c;
    // Concurrent requests on a warm function share one load.
    this.loading ??= this.load(now).finally(() => {
      this.loading = null;
    });
    return this.loading;
  }

  private async load(now: number): Promise<{ timeline: Timeline; ref: ReferenceData }> {
    const latest = await this.store.latestRevision();
    const c = this.cached;
    if (c && c.timeline.revision === latest) {
      c.checkedAt = now;
      return c;
    }
    const timeline = effectiveTimeline(this.baseline, await this.store.listRevisions());
    const next = { timeline, ref: referenceAt(timeline), checkedAt: now };
    this.cached = next;
    return next;
  }
}
