/**
 * Use case: one worker's turn on one segment of a rescore run. Pages through the segment from its recorded cursor,
 * scores again what the run selects, writes only what moved, records each page, and near its time limit queues the
 * rest of the segment as a new message. Safe to run twice for the same message: a page is recorded once (optimistic
 * lock on the page count), supplier writes are conditional on the input version and skip an identical score.
 */
import type { ChangeRecord } from '../changes/change-record.ts';
import { type ChangeEvents, publishNotable } from '../changes/publish.ts';
import type { CurrentReference } from '../policy/current-reference.ts';
import { referenceAt } from '../policy/record-revision.ts';
import { inScope } from '../policy/targets.ts';
import { applyRevision } from '../policy/timeline.ts';
import type { ScoreQueue } from '../queue/port.ts';
import { sendMessages } from '../queue/send-messages.ts';
import type { ReferenceData } from '../reference/index.ts';
import { ChangeGroupWriteError } from '../store/errors.ts';
import type { RescoreRun, RescoreRunStore, SegmentProgress, SupplierScan, TenantMoves } from '../store/rescore-port.ts';
import { emptyRunCounts, loadScope, type RunCounts } from '../store/rescore-port.ts';
import {
  isPageOfSegment,
  type PageWrites,
  PartialWriteError,
  type StoredSupplier,
  type SupplierWrites,
} from '../store/supplier-port.ts';
import { RESCORE_RUN, type SegmentMessage, segmentMessage } from './rescore-run.ts';
import { type Decision, decide, type RescoreWrite, writtenCause, writtenResult } from './rescore-supplier.ts';

export interface SegmentDeps {
  runs: RescoreRunStore;
  scan: SupplierScan;
  store: SupplierWrites;
  /** The rescore queue, for the rest of a segment a worker could not finish. */
  queue: ScoreQueue;
  reference: CurrentReference;
  now: () => Date;
  /** Where the notable changes go (the stage's event bus); none: recorded in the change log only. */
  events?: ChangeEvents;
}

export type SegmentOutcome = 'completed' | 'continued' | 'already-done' | 'taken-over' | 'no-run';

export async function processSegment(
  deps: SegmentDeps,
  message: SegmentMessage,
  options: { remainingMs: () => number; pageLimit?: number },
): Promise<{ outcome: SegmentOutcome; progress: SegmentProgress | null; turn: RunCounts }> {
  const run = await deps.runs.getRun(message.runId);
  if (!run) return { outcome: 'no-run', progress: null, turn: emptyRunCounts() };
  let progress = await deps.runs.getSegment(run.runId, message.segment);
  if (!progress) return { outcome: 'no-run', progress: null, turn: emptyRunCounts() };
  if (progress.done) return { outcome: 'already-done', progress, turn: emptyRunCounts() };
  const startCounts = { ...progress.counts };
  // What this turn did (the segment's totals less what earlier turns recorded): metrics count each supplier once.
  const turn = (p: SegmentProgress): RunCounts => {
    const out = emptyRunCounts();
    for (const k of Object.keys(out) as (keyof RunCounts)[]) out[k] = p.counts[k] - startCounts[k];
    return out;
  };

  // A rescore never works from a timeline older than the revision that started it.
  const current = await deps.reference.current({ fresh: true });
  const base: ReferenceData = current.ref;
  const target: ReferenceData = run.proposal ? referenceAt(applyRevision(current.timeline, run.proposal)) : base;
  const scope = run.scope ? loadScope(run.scope) : null;

  // Each turn reads at least one page, so a turn always moves its segment on, however little time it was given.
  for (let first = true; ; first = false) {
    if (!first && options.remainingMs() < RESCORE_RUN.marginMs) {
      await sendMessages(deps.queue, [{ body: segmentMessage(run, message.segment) }], { groupId: run.runId });
      return { outcome: 'continued', progress, turn: turn(progress) };
    }
    const page = await deps.scan.scanSuppliers(
      message.segment,
      run.segments,
      progress.cursor,
      options.pageLimit ?? RESCORE_RUN.pageLimit,
    );
    const next: SegmentProgress = structuredClone(progress);
    const decisions: Decision[] = [];
    // This page's number is its group's origin: the same page again after a turn that died keeps it.
    const pageWrites: PageWrites = { runId: run.runId, segment: message.segment, page: progress.pages };
    // Written by this segment in a turn that died before its change group (recorded below, not decided again).
    const rewritten: StoredSupplier[] = [];
    for (const sup of page.items) {
      next.counts.examined++;
      if (!run.dryRun && sup.pageRef && isPageOfSegment(sup.pageRef, pageWrites)) {
        rewritten.push(sup);
        continue;
      }
      try {
        // A proposal's run judges the scope against both timelines; any other run has one.
        const selected = scope
          ? inScope(scope, target, sup.input, sup.summary.buyerCountry) ||
            (target !== base && inScope(scope, base, sup.input, sup.summary.buyerCountry))
          : undefined;
        decisions.push(decide(run, sup, { base, target, selected }));
      } catch (err) {
        // A stored item the model cannot read fails alone: counted and listed, the page goes on.
        next.counts.rescored++;
        next.counts.failed++;
        if (next.failures.length < RESCORE_RUN.maxFailuresListed)
          next.failures.push({ tenant: sup.tenant, supplierId: sup.supplierId, reason: (err as Error).message });
      }
    }
    await apply(deps, run.dryRun, decisions, next, pageWrites);
    await recordRewritten(deps, { run, target }, rewritten, next, pageWrites);
    next.cursor = page.cursor;
    next.done = page.cursor === null;
    next.pages++;
    next.updatedAt = deps.now().toISOString();
    if (!(await deps.runs.recordSegment(run.runId, next, progress.pages)))
      return { outcome: 'taken-over', progress, turn: turn(progress) };
    progress = next;
    if (next.done) {
      await deps.runs.completeSegment(run.runId, message.segment, next.updatedAt);
      return { outcome: 'completed', progress, turn: turn(progress) };
    }
  }
}

/** Writes what moved (grouped by tenant: one tenant's failure stops no other) and counts every decision. */
async function apply(
  deps: SegmentDeps,
  dryRun: boolean,
  decisions: readonly Decision[],
  p: SegmentProgress,
  page: PageWrites,
): Promise<void> {
  const c = p.counts;
  const fail = (tenant: string, supplierId: string, reason: string) => {
    c.failed++;
    if (p.failures.length < RESCORE_RUN.maxFailuresListed) p.failures.push({ tenant, supplierId, reason });
  };
  const writes = new Map<string, RescoreWrite[]>();
  for (const d of decisions) {
    if (d.kind === 'skipped') continue;
    c.rescored++;
    const t = tenantMoves(p, d.tenant);
    if (t) t.examined++;
    if (d.kind === 'unchanged') {
      c.unchanged++;
      if (d.nextChange === undefined) continue;
      try {
        if (await deps.scan.updateNextChange(d.tenant, d.supplierId, d.inputVersion, d.nextChange)) c.nextChangeOnly++;
      } catch (err) {
        fail(d.tenant, d.supplierId, (err as Error).message);
      }
      continue;
    }
    if (t) {
      t.changed++;
      if (d.delta > 0) t.up++;
      if (d.delta < 0) t.down++;
      if (d.bandChanged) t.bandChanges++;
      t.maxAbsDelta = Math.max(t.maxAbsDelta, Math.abs(d.delta));
    }
    if (dryRun) {
      c.changed++;
      continue;
    }
    const list = writes.get(d.tenant) ?? [];
    list.push(d.write);
    writes.set(d.tenant, list);
  }
  for (const [tenant, items] of writes) {
    const changes: ChangeRecord[] = [];
    try {
      const r = await deps.store.putScored(tenant, 'rescore', items, { changes, page });
      c.changed += r.stored;
      c.superseded += r.superseded;
    } catch (err) {
      // Suppliers written without their change group: the turn fails, so the page is scanned again and the group
      // written from what is stored (recordRewritten). Counted as failed instead, the records would be lost.
      if (err instanceof ChangeGroupWriteError) throw err;
      if (!(err instanceof PartialWriteError)) {
        for (const w of items) fail(tenant, w.input.supplierId, (err as Error).message);
        continue;
      }
      c.changed += err.partial.stored;
      c.superseded += err.partial.superseded;
      c.failed += err.failed;
      if (p.failures.length < RESCORE_RUN.maxFailuresListed)
        p.failures.push({ tenant, supplierId: '(several)', reason: err.message });
    } finally {
      await publishChanges(deps, tenant, changes, p);
    }
  }
}

/**
 * The suppliers a turn that died wrote on this page: counted as it would have counted them (rescored and changed, and
 * their moves by tenant, from their records), their records written to the page's group if it lacks them, and
 * published again (at least once). One tenant's failure fails only its suppliers.
 */
async function recordRewritten(
  deps: SegmentDeps,
  at: { run: RescoreRun; target: ReferenceData },
  rewritten: readonly StoredSupplier[],
  p: SegmentProgress,
  page: PageWrites,
): Promise<void> {
  const byTenant = new Map<string, StoredSupplier[]>();
  for (const s of rewritten) byTenant.set(s.tenant, [...(byTenant.get(s.tenant) ?? []), s]);
  for (const [tenant, sups] of byTenant) {
    p.counts.rescored += sups.length;
    const t = tenantMoves(p, tenant);
    if (t) t.examined += sups.length;
    let records: ChangeRecord[];
    try {
      const found = sups.map((s) => ({ supplierId: s.supplierId, result: writtenResult(at.run, s, at.target) }));
      records = await deps.store.recordUngrouped(tenant, page, found, writtenCause(at.run, at.target));
    } catch (err) {
      if (err instanceof ChangeGroupWriteError) throw err;
      p.counts.failed += sups.length;
      if (p.failures.length < RESCORE_RUN.maxFailuresListed)
        p.failures.push({ tenant, supplierId: '(several)', reason: (err as Error).message });
      continue;
    }
    p.counts.changed += sups.length;
    if (t) {
      t.changed += sups.length;
      for (const r of records) {
        const delta = r.delta ?? 0;
        if (delta > 0) t.up++;
        if (delta < 0) t.down++;
        if (r.before && r.after && r.before.band !== r.after.band) t.bandChanges++;
        t.maxAbsDelta = Math.max(t.maxAbsDelta, Math.abs(delta));
      }
    }
    await publishChanges(deps, tenant, records, p);
  }
}

/**
 * Publishes a tenant's notable changes of the page. A page rescanned after a failed turn finds these scores stored
 * and writes (and publishes) nothing again, so a bus that refuses them cannot be worked around by failing the turn:
 * the failure is listed on the segment (the records stay in GET /v1/changes, the poll fallback) and the page goes on.
 */
async function publishChanges(
  deps: SegmentDeps,
  tenant: string,
  changes: readonly ChangeRecord[],
  p: SegmentProgress,
): Promise<void> {
  try {
    await publishNotable(deps.events, changes);
  } catch (err) {
    if (p.failures.length < RESCORE_RUN.maxFailuresListed)
      p.failures.push({
        tenant,
        supplierId: '(change events)',
        reason: `change events not published: ${(err as Error).message}`,
      });
  }
}

function tenantMoves(p: SegmentProgress, tenant: string): TenantMoves | undefined {
  let t = p.tenants[tenant];
  if (!t && Object.keys(p.tenants).length < RESCORE_RUN.maxTenantsPerSegment) {
    t = { examined: 0, changed: 0, up: 0, down: 0, bandChanges: 0, maxAbsDelta: 0 };
    p.tenants[tenant] = t;
  }
  return t;
}
