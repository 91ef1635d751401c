/**
 * Use case: a scenario too large to answer inline becomes a job. The job is one parallel scan of the table split
 * into segments, one message each on the scenario queue; a worker computes its segment's partial result
 * (shared/pipeline/scenario-segment.ts) and the last segment counted assembles the answer. The job and its pieces
 * are kept for a day. The same request asked again (same tenant, body, as-of, buyer, revision, data and model:
 * shared/model/scenario-key.ts) while its job runs or is kept is answered by that job, not a new scan of the table;
 * after a failed job it starts anew.
 *
 * One worker turn per segment (no continuation): a segment scans 1/32 of the whole table (every tenant's items) and
 * scores the tenant's. Measured locally, a turn went through ~2,200 items a second on a CPU shared by 8 workers and
 * the emulator; the worker's 300 s timeout, half kept as margin, then covers ~330,000 items a segment: about 10
 * million items in the table (docs/operations.md, Scenario jobs). Beyond that a segment needs continuations (as the
 * rescore segments have) or more segments.
 */
import * as z from 'zod/mini';
import { MineralRiskError } from '../errors.ts';
import type { ScenarioRequest, ScenarioResult } from '../model/scenario.ts';
import { scenarioRequestKey } from '../model/scenario-key.ts';
import type { ScoreQueue } from '../queue/port.ts';
import { sendMessages } from '../queue/send-messages.ts';
import type { ScenarioJob, ScenarioJobStore, ScenarioJobView } from '../store/scenario-jobs-port.ts';

/** Settings of scenarios, defined once. */
export const SCENARIO = {
  /**
   * Tenants with at most this many suppliers are answered inline: scoring two timelines costs ~0.1 ms a supplier,
   * so 5,000 take well under a second after the read; above it, reading and scoring the tenant could near the API's
   * 29 s limit (100k timed out), so the answer is a job.
   */
  inlineMaxSuppliers: 5000,
  /** Suppliers an answer lists at most (fewer when their rows would pass the response limit). */
  maxListed: 10_000,
  /** Scan segments per job: the table's items over 32 workers, 8 at a time (the queue's concurrency). */
  segments: 32,
  /** Items a scan page evaluates (a page reads at most 1 MB anyway). */
  pageLimit: 1000,
  /** A job and its pieces are kept this long (TTL), then read as gone. */
  ttlSeconds: 24 * 60 * 60,
} as const;

/** The scenario queue's message: one segment of one job. */
export const scenarioSegmentMessageSchema = z.object({
  v: z.literal(1),
  kind: z.literal('scenario-segment'),
  tenant: z.string().check(z.minLength(1), z.maxLength(64)),
  jobId: z.string().check(z.minLength(1), z.maxLength(128)),
  segment: z.int().check(z.gte(0)),
  totalSegments: z.int().check(z.gte(1)),
});
export type ScenarioSegmentMessage = z.infer<typeof scenarioSegmentMessageSchema>;

const segmentMessage = (job: ScenarioJob, segment: number): string =>
  JSON.stringify({
    v: 1,
    kind: 'scenario-segment',
    tenant: job.tenant,
    jobId: job.jobId,
    segment,
    totalSegments: job.segments,
  } satisfies ScenarioSegmentMessage);

/** The queue took none or only some of a job's segments: the job cannot finish (the caller answers 503). */
export class ScenarioJobNotQueuedError extends MineralRiskError {
  override readonly name = 'ScenarioJobNotQueuedError';
  readonly retryable = true;
}

/** Identical requests kept taking the same request key from each other's failed jobs: the caller answers 503. */
export class ScenarioRequestContendedError extends MineralRiskError {
  override readonly name = 'ScenarioRequestContendedError';
  readonly retryable = true;
}

/** Attempts at tying a request's key to a new job (another identical request may tie it in between). */
const TIE_ATTEMPTS = 3;

export interface ScenarioJobDeps {
  jobs: ScenarioJobStore;
  queue: ScoreQueue;
  now: () => Date;
  newId: () => string;
}

export interface StartedScenarioJob {
  job: ScenarioJob;
  view: ScenarioJobView;
  /** True when the job of an identical request (running, or completed and kept) answers this one. */
  reused: boolean;
}

type JobRequest = Pick<
  ScenarioJob,
  'tenant' | 'asOf' | 'buyerCountry' | 'revision' | 'baseDataVersion' | 'createdBy'
> & {
  request: ScenarioRequest;
  segments?: number;
};

/** The live job a request key is tied to, if it can answer (running or completed); else the id of the tie to replace. */
async function tiedJob(
  deps: Pick<ScenarioJobDeps, 'jobs'>,
  tenant: string,
  key: string,
  nowSeconds: number,
): Promise<{ view: ScenarioJobView | null; held: string | null }> {
  const held = await deps.jobs.requestJob(tenant, key, nowSeconds);
  if (held === null) return { view: null, held };
  const view = await deps.jobs.getJob(tenant, held);
  return view && view.status !== 'failed' ? { view, held } : { view: null, held };
}

/**
 * Starts the request's job, or answers with the job of the same request if one runs or is kept. A new job is created,
 * then tied to the request's key (so an identical request finds a job behind any tie), then its segments queued; a
 * job the queue refused is marked failed before the error is thrown (the next identical request starts anew).
 */
export async function startScenarioJob(deps: ScenarioJobDeps, request: JobRequest): Promise<StartedScenarioJob> {
  const now = deps.now();
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const key = scenarioRequestKey({
    tenant: request.tenant,
    request: request.request,
    asOf: request.asOf,
    buyerCountry: request.buyerCountry,
    revision: request.revision,
    baseDataVersion: request.baseDataVersion,
  });
  const before = await tiedJob(deps, request.tenant, key, nowSeconds);
  if (before.view) return { job: before.view.job, view: before.view, reused: true };
  const job: ScenarioJob = {
    ...request,
    jobId: deps.newId(),
    segments: request.segments ?? SCENARIO.segments,
    createdAt: now.toISOString(),
    expiresAt: nowSeconds + SCENARIO.ttlSeconds,
  };
  await deps.jobs.createJob(job);
  let replacing = before.held;
  for (let attempt = 0; attempt < TIE_ATTEMPTS; attempt++) {
    if (await deps.jobs.tieRequest(job, key, replacing)) {
      await queueSegments(deps, job);
      return { job, view: newView(job), reused: false };
    }
    // An identical request tied the key in between: its job answers, and ours (nothing queued) ends.
    const tied = await tiedJob(deps, request.tenant, key, nowSeconds);
    if (tied.view) {
      await deps.jobs.failJob(job, `the same request is job ${tied.view.job.jobId}`, deps.now().toISOString());
      return { job: tied.view.job, view: tied.view, reused: true };
    }
    replacing = tied.held;
  }
  await deps.jobs.failJob(job, 'identical requests contended for it', deps.now().toISOString());
  throw new ScenarioRequestContendedError(`scenario job ${job.jobId}: its request key stayed contended`);
}

const newView = (job: ScenarioJob): ScenarioJobView => ({
  job,
  status: 'running',
  segmentsDone: [],
  examined: 0,
  completedAt: null,
  failure: null,
});

async function queueSegments(deps: ScenarioJobDeps, job: ScenarioJob): Promise<void> {
  let refused = 0;
  const bodies = Array.from({ length: job.segments }, (_, i) => ({ body: segmentMessage(job, i) }));
  try {
    await sendMessages(deps.queue, bodies, { groupId: job.tenant, onRejected: () => refused++ });
  } catch (err) {
    await deps.jobs.failJob(job, 'its segments could not be queued', deps.now().toISOString());
    throw new ScenarioJobNotQueuedError(`scenario job ${job.jobId}: ${(err as Error).message}`, { cause: err });
  }
  if (refused > 0) {
    await deps.jobs.failJob(job, 'its segments could not be queued', deps.now().toISOString());
    throw new ScenarioJobNotQueuedError(`scenario job ${job.jobId}: ${refused} of ${job.segments} segments refused`);
  }
}

export interface ScenarioJobState {
  view: ScenarioJobView;
  /** Set once the job has completed. */
  result: ScenarioResult | null;
}

/** A tenant's job with its result when done; null when there is none (another tenant's, never made, or expired). */
export async function scenarioJobState(
  deps: Pick<ScenarioJobDeps, 'jobs' | 'now'>,
  tenant: string,
  jobId: string,
): Promise<ScenarioJobState | null> {
  const view = await deps.jobs.getJob(tenant, jobId);
  // TTL deletes lazily (within days); past its time the job is gone for the API already.
  if (!view || view.job.expiresAt * 1000 <= deps.now().getTime()) return null;
  const result = view.status === 'completed' ? await deps.jobs.getResult(view.job) : null;
  return { view, result };
}
