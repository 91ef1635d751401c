/**
 * Use case: start a rescore run. A run is the table scan split into segments, one message each on the rescore
 * queue; a worker pages through its segment and, near its time limit, queues the rest of it as a new message. Every
 * page's progress is recorded, so a piece that dies resumes where it was, and nothing is missed.
 *
 * Policy runs rescore the suppliers a revision can move (shared/policy/targets.ts); scheduled runs, those whose next
 * change date has come or that were scored with another model or release. Dry runs compute and count, writing nothing.
 */
import * as z from 'zod/mini';
import { MineralRiskError } from '../errors.ts';
import type { PolicyRevisionStore } from '../policy/port.ts';
import { referenceAt } from '../policy/record-revision.ts';
import { changeScope, unionScopes } from '../policy/targets.ts';
import { type Baseline, effectiveTimeline } from '../policy/timeline.ts';
import { itemKey, type PolicyRevision } from '../policy/types.ts';
import type { ScoreQueue } from '../queue/port.ts';
import { sendMessages } from '../queue/send-messages.ts';
import type { RescoreRun, RescoreRunStore, RunCause } from '../store/rescore-port.ts';
import { storeScope } from '../store/rescore-port.ts';

/** Settings of the fan-out, defined once. */
export const RESCORE_RUN = {
  /**
   * Scan segments per run. DynamoDB reads a segment at a few thousand items a second per worker, so 10 million
   * suppliers over 32 segments is ~310,000 each: a few continuations of a 15-minute worker, all in parallel.
   */
  segments: 32,
  /** Items a scan page evaluates (a page reads at most 1 MB anyway). */
  pageLimit: 500,
  /** A worker stops taking pages this long before its timeout and queues the rest of its segment. */
  marginMs: 60_000,
  /** Failures kept per segment (all are counted). */
  maxFailuresListed: 20,
  /** Tenants whose moves a segment keeps apart (the rest are counted in the totals only). */
  maxTenantsPerSegment: 1000,
} as const;

/** The rescore queue's message: one segment of one run, to process from its recorded cursor. */
export const segmentMessageSchema = z.object({
  v: z.literal(1),
  kind: z.literal('rescore-segment'),
  runId: z.string().check(z.minLength(1), z.maxLength(128)),
  segment: z.int().check(z.gte(0)),
  totalSegments: z.int().check(z.gte(1)),
});
export type SegmentMessage = z.infer<typeof segmentMessageSchema>;

export const segmentMessage = (run: Pick<RescoreRun, 'runId' | 'segments'>, segment: number): string =>
  JSON.stringify({ v: 1, kind: 'rescore-segment', runId: run.runId, segment, totalSegments: run.segments });

/** The queue took none of a run's segments: the run exists and the next scheduled run starts its missed work. */
export class RunNotQueuedError extends MineralRiskError {
  override readonly name = 'RunNotQueuedError';
  readonly retryable = true;
}

export interface RunDeps {
  runs: RescoreRunStore;
  queue: ScoreQueue;
  now: () => Date;
}

/** Creates the run (unless it exists) and queues one message per segment not done. Idempotent by run id. */
export async function startRun(
  deps: RunDeps,
  request: Omit<RescoreRun, 'createdAt' | 'segments'> & { segments?: number },
): Promise<RescoreRun> {
  const full: RescoreRun = {
    ...request,
    segments: request.segments ?? RESCORE_RUN.segments,
    createdAt: deps.now().toISOString(),
  };
  const created = await deps.runs.createRun(full);
  const run = created ? full : ((await deps.runs.getRun(full.runId)) ?? full);
  // A run that exists already is started again only where it has not finished: its segments not done are queued
  // again (a start that stopped before queueing them all; a duplicate turn on a segment is taken over, harmlessly).
  const pending: number[] = [];
  for (let i = 0; i < run.segments; i++)
    if (created || !(await deps.runs.getSegment(run.runId, i))?.done) pending.push(i);
  if (pending.length === 0) return run;
  const bodies = pending.map((i) => ({ body: segmentMessage(run, i) }));
  let refused = 0;
  await sendMessages(deps.queue, bodies, { groupId: run.runId, onRejected: () => refused++ });
  if (refused > 0)
    throw new RunNotQueuedError(`run ${run.runId}: ${refused} of ${pending.length} segment messages refused`);
  if (run.cause.kind === 'policy' && !run.dryRun) await deps.runs.markPlanned(run.cause.toRevision);
  return run;
}

/** The run id of the policy revisions (from, to]: one run per target revision, whoever starts it. */
export const policyRunId = (cause: Extract<RunCause, { kind: 'policy' }>) =>
  `policy-r${cause.fromRevision}-r${cause.toRevision}`;

/**
 * What revisions (from, to] can move, comparing the timeline at `from` with the one at `to` item by item, so a
 * measure amended twice is judged by where it started and where it ended.
 */
export function scopeOfRevisions(baseline: Baseline, revisions: readonly PolicyRevision[], from: number, to: number) {
  const before = effectiveTimeline(
    baseline,
    revisions.filter((r) => r.revision <= from),
  );
  const after = effectiveTimeline(
    baseline,
    revisions.filter((r) => r.revision <= to),
  );
  const refs = [referenceAt(before), referenceAt(after)];
  const touched = new Map<string, PolicyRevision>();
  for (const r of revisions) if (r.revision > from && r.revision <= to) touched.set(itemKey(r.kind, r.id), r);
  const find = (t: typeof before, r: PolicyRevision) =>
    (r.kind === 'policy-event' ? t.policyEvents : t.agreements).find((x) => x.id === r.id) ?? null;
  return unionScopes([...touched.values()].map((r) => changeScope(r.kind, find(before, r), find(after, r), refs)));
}

/**
 * Starts the policy run for every revision no run was started for yet (the API starts one right after recording a
 * revision; the schedule catches any it missed, e.g. when the API stopped in between). Null when all are planned.
 */
export async function planPolicyRun(
  deps: RunDeps & { policy: PolicyRevisionStore; baseline: Baseline },
  options: { asOf: string; createdBy: string },
): Promise<RescoreRun | null> {
  const [planned, latest] = await Promise.all([deps.runs.plannedRevision(), deps.policy.latestRevision()]);
  if (latest <= planned) return null;
  const revisions = await deps.policy.listRevisions();
  const eventIds = [...new Set(revisions.filter((r) => r.revision > planned && r.revision <= latest).map((r) => r.id))];
  const cause = { kind: 'policy', fromRevision: planned, toRevision: latest, eventIds: eventIds.sort() } as const;
  return startRun(deps, {
    runId: policyRunId(cause),
    cause,
    asOf: options.asOf,
    dryRun: false,
    scope: storeScope(scopeOfRevisions(deps.baseline, revisions, planned, latest)),
    createdBy: options.createdBy,
  });
}

/**
 * The daily run: every stored supplier whose next change date has come (a measure started or lapsed, a suspension
 * ended) or that was scored by another model or release. Scheduled runs are one per date (`scheduled-<asOf>`, so a
 * retried invocation starts nothing twice); on-demand ones get their own id.
 */
export async function planScheduledRun(
  deps: RunDeps,
  options: { asOf: string; createdBy: string; onDemand?: boolean },
): Promise<RescoreRun> {
  const runId = options.onDemand
    ? `on-demand-${options.asOf}-${deps.now().getTime().toString(36)}`
    : `scheduled-${options.asOf}`;
  return startRun(deps, {
    runId,
    cause: { kind: 'scheduled' },
    asOf: options.asOf,
    dryRun: false,
    scope: null,
    createdBy: options.createdBy,
  });
}
