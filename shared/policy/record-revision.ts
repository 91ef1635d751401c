/**
 * Use case: an operator records a revision of one timeline item (create, amend or withdraw a measure or an
 * agreement). Decides validity and concurrency; the store only appends. Returns what changed, so the caller can
 * rescore exactly what the change can touch.
 */
import { parseIsoDate } from '../model/normalise.ts';
import { buildReferenceData, type ReferenceData } from '../reference/index.ts';
import type { Agreement, PolicyEvent } from '../reference/types.ts';
import {
  PolicyConflictError,
  PolicyContentionError,
  PolicyItemNotFoundError,
  PolicyValidationError,
} from './errors.ts';
import type { PolicyRevisionStore } from './port.ts';
import { type Baseline, effectiveTimeline } from './timeline.ts';
import { itemKey, type PolicyItemKind, type PolicyRevision, type PolicySource, type Timeline } from './types.ts';
import {
  type AgreementBody,
  checkAgreement,
  checkPolicyEvent,
  type PolicyEventBody,
  suspensionsNaming,
} from './validate.ts';

export type PolicyItem = PolicyEvent | Agreement;

export type RevisionRequest =
  | { kind: 'policy-event'; id: string; action: 'put'; body: PolicyEventBody }
  | { kind: 'agreement'; id: string; action: 'put'; body: AgreementBody }
  | {
      kind: PolicyItemKind;
      id: string;
      action: 'withdraw';
      body: { reason: string; source: string; sourceUrl?: string | undefined; sourceDate: string };
    };

export interface RecordedRevision {
  revision: PolicyRevision;
  /** The item before and after (null: absent). */
  before: PolicyItem | null;
  after: PolicyItem | null;
  /** The effective timeline and reference data with this revision applied. */
  timeline: Timeline;
  ref: ReferenceData;
  etag: string;
}

/** A revision number as an entity tag: `"r17"`; `"r0"` is the shipped baseline. */
export const etagOf = (revision: number) => `"r${revision}"`;

/** How often to read again when another operator took the next revision number first. */
const MAX_ATTEMPTS = 5;

/** The timeline and reference data at the store's latest revision. */
export async function currentTimeline(
  store: PolicyRevisionStore,
  baseline: Baseline,
): Promise<{ timeline: Timeline; ref: ReferenceData; revisions: PolicyRevision[] }> {
  const revisions = await store.listRevisions();
  const timeline = effectiveTimeline(baseline, revisions);
  return { timeline, ref: referenceAt(timeline), revisions };
}

export const referenceAt = (t: Timeline): ReferenceData =>
  buildReferenceData({ policyEvents: t.policyEvents, agreements: t.agreements, policyRevision: t.revision });

const itemOf = (t: Timeline, kind: PolicyItemKind, id: string): PolicyItem | null =>
  (kind === 'policy-event' ? t.policyEvents : t.agreements).find((x) => x.id === id) ?? null;

/**
 * Records the revision, or with `dryRun` only checks it and returns what it would be (nothing is written): the
 * proposal a dry-run rescore scores with.
 */
export async function recordRevision(
  deps: { store: PolicyRevisionStore; baseline: Baseline; now: () => Date },
  request: RevisionRequest,
  who: { actor: string; ifMatch?: string | undefined; dryRun?: boolean },
): Promise<RecordedRevision & { previous: { ref: ReferenceData } }> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const { timeline, ref, revisions } = await currentTimeline(deps.store, deps.baseline);
    const key = itemKey(request.kind, request.id);
    const before = itemOf(timeline, request.kind, request.id);
    const currentTag = timeline.setBy.has(key) ? etagOf(timeline.setBy.get(key) as number) : null;
    if (who.ifMatch !== undefined && who.ifMatch !== '*' && who.ifMatch !== currentTag)
      throw new PolicyConflictError(who.ifMatch, currentTag);
    if (who.ifMatch === '*' && currentTag === null) throw new PolicyConflictError('*', null);

    let after: PolicyItem | null = null;
    let source: PolicySource;
    if (request.action === 'withdraw') {
      if (!before) throw new PolicyItemNotFoundError(`no ${request.kind} '${request.id}' in the timeline`);
      const naming = request.kind === 'policy-event' ? suspensionsNaming(ref, request.id) : [];
      if (naming.length > 0)
        throw new PolicyValidationError([
          { path: '', message: `suspension(s) ${naming.join(', ')} name this measure: withdraw or amend them first` },
        ]);
      const date = parseIsoDate(request.body.sourceDate);
      if (!date.ok) throw new PolicyValidationError([{ path: 'sourceDate', message: date.message }]);
      source = { title: request.body.source, url: request.body.sourceUrl ?? '', date: date.value };
    } else if (request.kind === 'policy-event') {
      const checked = checkPolicyEvent(request.id, request.body, ref);
      if (!checked.ok) throw new PolicyValidationError(checked.errors);
      const naming = checked.event.kind === 'suspension' ? suspensionsNaming(ref, request.id) : [];
      if (naming.length > 0)
        throw new PolicyValidationError([
          { path: 'kind', message: `suspension(s) ${naming.join(', ')} name this measure` },
        ]);
      after = checked.event;
      source = checked.source;
    } else {
      const checked = checkAgreement(request.id, request.body, ref);
      if (!checked.ok) throw new PolicyValidationError(checked.errors);
      after = checked.agreement;
      source = checked.source;
    }

    const revision: PolicyRevision = {
      revision: timeline.revision + 1,
      kind: request.kind,
      id: request.id,
      action: request.action,
      item: after,
      actor: who.actor,
      reason: request.body.reason,
      source,
      at: deps.now().toISOString(),
    };
    const next = effectiveTimeline(deps.baseline, [...revisions, revision]);
    let nextRef: ReferenceData;
    try {
      nextRef = referenceAt(next);
    } catch (err) {
      // The reference builder's own checks (ids, dates, suspensions) guard what the checks above may have missed.
      throw new PolicyValidationError([{ path: '', message: (err as Error).message }]);
    }
    const recorded = { revision, before, after, timeline: next, ref: nextRef, etag: etagOf(revision.revision) };
    if (who.dryRun || (await deps.store.appendRevision(revision))) return { ...recorded, previous: { ref } };
  }
  throw new PolicyContentionError(`other revisions kept arriving first (${MAX_ATTEMPTS} attempts): try again`);
}
