import { randomBytes } from 'node:crypto';
import { problem, unavailable } from '../../../shared/http/problem.ts';
import { fittingResponse, json, jsonBody } from '../../../shared/http/request.ts';
import { scenarioRequest } from '../../../shared/http/schemas.ts';
import { buildScenarioData, limitListed, runScenario } from '../../../shared/model/scenario.ts';
import {
  SCENARIO,
  ScenarioJobNotQueuedError,
  ScenarioRequestContendedError,
  scenarioJobState,
  startScenarioJob,
} from '../../../shared/pipeline/scenario-job.ts';
import type { StoredSupplier, SupplierStore } from '../../../shared/store/port.ts';
import type { ScenarioJob } from '../../../shared/store/scenario-jobs-port.ts';
import { scoringContext } from '../context.ts';
import type { ApiDeps, ApiRequest } from '../deps.ts';

/** Suppliers listed in a scenario's answer at most (fewer when their rows would pass the response limit). */
export const SCENARIO_MAX_LISTED = SCENARIO.maxListed;

const newJobId = () => `j${Date.now().toString(36)}${randomBytes(8).toString('hex')}`;
const jobLocation = (jobId: string) => `/v1/scenarios/${jobId}`;

/**
 * The tenant's suppliers if there are at most `max`, else null: a probe that reads at most `max` + 1, so a small
 * tenant's read is its inline answer's read and a large one costs a bounded look before its job starts.
 */
async function suppliersUpTo(store: SupplierStore, tenant: string, max: number): Promise<StoredSupplier[] | null> {
  // By id: a supplier rescored into a band listed later, while the list is paged through, is on two pages: it counts once.
  const out = new Map<string, StoredSupplier>();
  let cursor: string | null = null;
  do {
    const page: { items: StoredSupplier[]; cursor: string | null } = await store.listSuppliers(tenant, {
      limit: Math.min(1000, max + 1 - out.size),
      ...(cursor ? { cursor } : {}),
    });
    for (const s of page.items) out.set(s.supplierId, s);
    if (out.size > max) return null;
    cursor = page.cursor;
  } while (cursor);
  return [...out.values()];
}

/**
 * What-if: hypothetical policy events applied to the tenant's stored suppliers. Stores nothing for a tenant of at most
 * `SCENARIO.inlineMaxSuppliers` (answered here); a larger one's answer is a job (202, then GET its Location).
 */
export async function scenario(req: ApiRequest, deps: ApiDeps) {
  const { asOf, buyerCountry, ...request } = jsonBody(req.event, scenarioRequest);
  const ctx = scoringContext(deps, asOf, buyerCountry);
  const { errors } = buildScenarioData(deps.ref, request);
  if (errors.length > 0) throw problem(422, 'the scenario has invalid events', errors);
  const max = deps.scenarios.inlineMaxSuppliers ?? SCENARIO.inlineMaxSuppliers;
  const suppliers = await suppliersUpTo(deps.store, req.tenant, max);
  if (suppliers === null) return startJob(req, deps, { request, asOf: ctx.asOf, buyerCountry: ctx.buyerCountry });
  const result = runScenario(
    deps.ref,
    request,
    suppliers.map((s) => s.input),
    ctx,
  );
  // What a long list leaves out is the smallest changes; fewer rows still when long names make them large.
  return fittingResponse(SCENARIO_MAX_LISTED, 0, (max) => json(200, limitListed(result, max)));
}

async function startJob(req: ApiRequest, deps: ApiDeps, what: Pick<ScenarioJob, 'request' | 'asOf' | 'buyerCountry'>) {
  // The revision the routes' reference data is at (the same cached timeline): every segment scores against it.
  const { timeline, ref } = await deps.policy.current.current();
  if (ref.dataVersion !== deps.ref.dataVersion) throw problem(503, 'the policy timeline is changing: retry');
  try {
    // The same request while its job runs or is kept gets that job (same id), not another scan of the table.
    const { job, view } = await startScenarioJob(
      { jobs: deps.scenarios.jobs, queue: deps.scenarios.queue, now: deps.now, newId: newJobId },
      {
        ...what,
        tenant: req.tenant,
        revision: timeline.revision,
        baseDataVersion: ref.dataVersion,
        createdBy: req.actor,
      },
    );
    return json(202, jobView(job, view.status, view.segmentsDone, view.examined), {
      location: jobLocation(job.jobId),
    });
  } catch (err) {
    if (err instanceof ScenarioJobNotQueuedError || err instanceof ScenarioRequestContendedError)
      throw unavailable('the scenario queue is unavailable: retry later');
    throw err;
  }
}

const jobView = (job: ScenarioJob, status: string, segmentsDone: readonly number[], examined: number) => ({
  jobId: job.jobId,
  status,
  asOf: job.asOf,
  buyerCountry: job.buyerCountry,
  createdAt: job.createdAt,
  expiresAt: new Date(job.expiresAt * 1000).toISOString(),
  progress: { segmentsDone: segmentsDone.length, segmentsTotal: job.segments, suppliersExamined: examined },
});

/** A scenario job of this tenant: its progress, then its answer; 404 for another tenant's, or after a day. */
export async function getScenarioJob(req: ApiRequest, deps: ApiDeps) {
  const jobId = req.params.jobId ?? '';
  const state = await scenarioJobState({ jobs: deps.scenarios.jobs, now: deps.now }, req.tenant, jobId);
  if (!state) throw problem(404, 'no such scenario job (jobs are kept for a day)');
  const { view, result } = state;
  const head = {
    ...jobView(view.job, view.status, view.segmentsDone, view.examined),
    completedAt: view.completedAt,
    ...(view.failure ? { failure: view.failure } : {}),
  };
  if (!result) return json(200, head);
  return fittingResponse(SCENARIO_MAX_LISTED, 0, (max) => json(200, { ...head, result: limitListed(result, max) }));
}
