/**
 * Use case: a scenario too large to answer inline becomes a job. The job is one parallel scan of the table split
 * into segments, one message each on the scenario queue; a worker computes its segment's partial result
 * (shared/pipeline/scenario-segment.ts) and the last segment counted assembles the answer. The job and its pieces
 * are kept for a day.
 */
import * as z from 'zod/mini';
import { MineralRiskError } from '../errors.ts';
import type { ScenarioRequest, ScenarioResult } from '../model/scenario.ts';
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

export interface ScenarioJobDeps {
  jobs: ScenarioJobStore;
  queue: ScoreQueue;
  now: () => Date;
  newId: () => string;
}

/** Creates the job and queues its segments; a job the queue refused is marked failed before the error is thrown. */
export async function startScenarioJob(
  deps: ScenarioJobDeps,
  request: Pick<ScenarioJob, 'tenant' | 'asOf' | 'buyerCountry' | 'revision' | 'baseDataVersion' | 'createdBy'> & {
    request: ScenarioRequest;
    segments?: number;
  },
): Promise<ScenarioJob> {
  const now = deps.now();
  const job: ScenarioJob = {
    ...request,
    jobId: deps.newId(),
    segments: request.segments ?? SCENARIO.segments,
    createdAt: now.toISOString(),
    expiresAt: Math.floor(now.getTime() / 1000) + SCENARIO.ttlSeconds,
  };
  await deps.jobs.createJob(job);
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
  return job;
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
