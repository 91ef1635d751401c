/**
 * Use case: one worker's turn on one segment of a scenario job. Scans the segment for the tenant's suppliers, scores
 * them on both timelines into a partial result, stores it, and counts the segment once (a conditional update of the
 * job); whoever counts the last segment assembles the answer from every partial. Safe to run twice for the same
 * message (SQS redelivers): the first partial stored stands, a segment is counted once, and a turn that finds every
 * segment counted but no answer (its assembler died) assembles it.
 */
import { MineralRiskError } from '../errors.ts';
import { buildScenarioData, scenarioHeader } from '../model/scenario.ts';
import { emptyPartial, finishScenario, mergePartials, scenarioPartial } from '../model/scenario-partial.ts';
import { createScorer } from '../model/score.ts';
import type { ReferenceData } from '../reference/index.ts';
import type { ReferenceAtRevision } from '../scenarios/revision-reference.ts';
import type { ScenarioJob, ScenarioJobStore, TenantSupplierScan } from '../store/scenario-jobs-port.ts';
import { SCENARIO, type ScenarioSegmentMessage } from './scenario-job.ts';

/** The job counts every segment but finds fewer partials than segments: retried (SQS redelivery). */
export class ScenarioPartialMissingError extends MineralRiskError {
  override readonly name = 'ScenarioPartialMissingError';
  readonly retryable = true;
}

export interface ScenarioSegmentDeps {
  jobs: ScenarioJobStore;
  scan: TenantSupplierScan;
  reference: ReferenceAtRevision;
  now: () => Date;
}

export type ScenarioSegmentOutcome = 'counted' | 'assembled' | 'already-counted' | 'ended' | 'no-job' | 'failed';

export async function processScenarioSegment(
  deps: ScenarioSegmentDeps,
  message: ScenarioSegmentMessage,
  options: { pageLimit?: number } = {},
): Promise<{ outcome: ScenarioSegmentOutcome; examined: number }> {
  const view = await deps.jobs.getJob(message.tenant, message.jobId);
  if (!view) return { outcome: 'no-job', examined: 0 };
  if (view.status !== 'running') return { outcome: 'ended', examined: 0 };
  const { job } = view;
  const base = await deps.reference.at(job.revision);
  if (base.dataVersion !== job.baseDataVersion) {
    // Not a passing fault: the same revision rebuilt gives other data (a deploy changed the shipped reference).
    await deps.jobs.failJob(job, 'the reference data changed while the job ran; ask again', deps.now().toISOString());
    return { outcome: 'failed', examined: 0 };
  }
  const { ref, errors } = buildScenarioData(base, job.request);
  if (errors.length > 0) {
    await deps.jobs.failJob(
      job,
      `the scenario has invalid events at this revision: ${errors[0]?.message}`,
      deps.now().toISOString(),
    );
    return { outcome: 'failed', examined: 0 };
  }

  let examined = 0;
  let done: number | null;
  if (view.segmentsDone.includes(message.segment)) done = null;
  else {
    const partial = await scanSegment(deps, job, message.segment, base, ref, options.pageLimit ?? SCENARIO.pageLimit);
    await deps.jobs.putPartial(job, message.segment, partial);
    done = await deps.jobs.countSegment(job, message.segment, partial.suppliers, deps.now().toISOString());
    if (done !== null) examined = partial.suppliers;
  }
  if (done === null) {
    // Counted before: assemble only if every segment is counted and the answer is still missing.
    const again = await deps.jobs.getJob(job.tenant, job.jobId);
    if (again?.status !== 'running' || again.segmentsDone.length < job.segments)
      return { outcome: 'already-counted', examined: 0 };
  } else if (done < job.segments) return { outcome: 'counted', examined };
  await assemble(deps, job, base, ref);
  return { outcome: 'assembled', examined };
}

async function scanSegment(
  deps: ScenarioSegmentDeps,
  job: ScenarioJob,
  segment: number,
  base: ReferenceData,
  ref: ReferenceData,
  pageLimit: number,
) {
  const ctx = { asOf: job.asOf, buyerCountry: job.buyerCountry, endUse: 'civil' as const };
  const scorers = { base: createScorer(base, ctx), scenario: createScorer(ref, ctx) };
  let partial = emptyPartial();
  let cursor: string | null = null;
  do {
    const page: Awaited<ReturnType<TenantSupplierScan['scanTenant']>> = await deps.scan.scanTenant(
      job.tenant,
      segment,
      job.segments,
      cursor,
      pageLimit,
    );
    // Page by page, so a segment holds at most 2 × maxListed rows however many suppliers it has.
    if (page.items.length > 0)
      partial = mergePartials(partial, scenarioPartial(scorers, page.items, SCENARIO.maxListed), SCENARIO.maxListed);
    cursor = page.cursor;
  } while (cursor);
  return partial;
}

async function assemble(deps: ScenarioSegmentDeps, job: ScenarioJob, base: ReferenceData, ref: ReferenceData) {
  const partials = await deps.jobs.readPartials(job);
  // Every counted segment stored its partial first; fewer means a store that lost one: retried, never half an answer.
  if (partials.length !== job.segments)
    throw new ScenarioPartialMissingError(`scenario job ${job.jobId}: ${partials.length} of ${job.segments} partials`);
  const merged = partials.reduce((a, p) => mergePartials(a, p, SCENARIO.maxListed), emptyPartial());
  const ctx = { asOf: job.asOf, buyerCountry: job.buyerCountry, endUse: 'civil' as const };
  const result = finishScenario(scenarioHeader(base, ref, ctx), merged, SCENARIO.maxListed);
  await deps.jobs.putResult(job, result, deps.now().toISOString());
}
