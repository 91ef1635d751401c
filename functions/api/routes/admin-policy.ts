/**
 * Admin routes for platform operators (scope risk/admin, an operator token): record, amend and withdraw policy
 * events and agreements as audited revisions, dry-run a change, and follow the rescore runs they start.
 */
import type * as z from 'zod';
import { HttpProblem, problem, zodFieldErrors } from '../../../shared/http/problem.ts';
import { bodyText, contentType, json, queryParams } from '../../../shared/http/request.ts';
import { planPolicyRun, startRun } from '../../../shared/pipeline/rescore-run.ts';
import {
  PolicyConflictError,
  PolicyContentionError,
  PolicyItemNotFoundError,
  PolicyValidationError,
} from '../../../shared/policy/errors.ts';
import {
  currentTimeline,
  etagOf,
  type RevisionRequest,
  recordRevision,
} from '../../../shared/policy/record-revision.ts';
import { changeScope } from '../../../shared/policy/targets.ts';
import { itemKey, type PolicyItemKind } from '../../../shared/policy/types.ts';
import {
  agreementBody,
  dryRunQuery,
  POLICY_ID,
  policyEventBody,
  withdrawalBody,
} from '../../../shared/policy/validate.ts';
import { baselineTimeline } from '../../../shared/reference/index.ts';
import { storeScope } from '../../../shared/store/rescore-port.ts';
import type { ApiDeps, ApiRequest } from '../deps.ts';

/** The JSON body of an admin route: 415 for another type, 400 for bad JSON. */
function adminJson(req: ApiRequest): unknown {
  const type = contentType(req.event);
  if (type !== 'application/json')
    throw problem(415, `expected content-type application/json, got '${type || 'none'}'`);
  try {
    return JSON.parse(bodyText(req.event));
  } catch (err) {
    throw problem(400, `body is not valid JSON: ${(err as Error).message}`);
  }
}

/** A body in the shape of `schema`, or 422 with field paths. */
function shaped<T extends z.ZodType>(value: unknown, schema: T): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw problem(422, 'the revision is not valid', zodFieldErrors(parsed.error.issues));
  return parsed.data;
}

const adminBody = <T extends z.ZodType>(req: ApiRequest, schema: T): z.infer<T> => shaped(adminJson(req), schema);

/**
 * The item the path names. An id no item can have (the document's pattern, POLICY_ID) names nothing to find (404)
 * and nothing to create: 400 for a PUT or a dry run.
 */
function kindOf(req: ApiRequest): { kind: PolicyItemKind; id: string } {
  const param = req.params.eventId !== undefined ? 'eventId' : 'agreementId';
  const kind: PolicyItemKind = param === 'eventId' ? 'policy-event' : 'agreement';
  const id = req.params[param] ?? '';
  if (!POLICY_ID.test(id)) {
    const method = req.event.requestContext.http.method;
    if (method !== 'PUT' && method !== 'POST') throw problem(404, `no ${kind} '${id}'`);
    throw problem(400, `invalid ${param} in the path`, [
      {
        path: `path.${param}`,
        message: 'letters, digits, ".", "_" or "-" (64 at most), starting with a letter or digit',
      },
    ]);
  }
  return { kind, id };
}

const ifMatch = (req: ApiRequest) => req.event.headers?.['if-match']?.trim();

/** The use case's errors in HTTP terms. */
async function recording<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof PolicyValidationError) throw problem(422, 'the revision is not valid', err.errors);
    if (err instanceof PolicyConflictError)
      throw new HttpProblem(
        412,
        'Precondition Failed',
        err.message,
        undefined,
        err.current ? { etag: err.current } : {},
      );
    if (err instanceof PolicyItemNotFoundError) throw problem(404, err.message);
    if (err instanceof PolicyContentionError) throw problem(503, err.message);
    throw err;
  }
}

function request(req: ApiRequest, action: 'put' | 'withdraw'): RevisionRequest {
  const { kind, id } = kindOf(req);
  if (action === 'withdraw') return { kind, id, action, body: adminBody(req, withdrawalBody) };
  return kind === 'policy-event'
    ? { kind, id, action, body: adminBody(req, policyEventBody) }
    : { kind, id, action, body: adminBody(req, agreementBody) };
}

const runLinks = (runId: string) => ({ self: `/v1/admin/rescore-runs/${runId}` });

/** PUT (create or amend) and DELETE (withdraw): the revision, then the rescore run of what it moves. */
async function revise(req: ApiRequest, deps: ApiDeps, action: 'put' | 'withdraw') {
  const policy = deps.policy;
  const revisionRequest = request(req, action);
  const recorded = await recording(() =>
    recordRevision({ store: policy.store, baseline: baselineTimeline, now: deps.now }, revisionRequest, {
      actor: req.actor,
      ifMatch: ifMatch(req),
    }),
  );
  // The run covers every revision not yet planned (this one, and any an earlier request recorded but did not plan).
  const run = await planPolicyRun(
    { runs: policy.runs, queue: policy.rescoreQueue, now: deps.now, policy: policy.store, baseline: baselineTimeline },
    { asOf: deps.today(), createdBy: req.actor },
  ).catch((err: unknown) => {
    // The revision stands; the daily schedule starts the run this request could not.
    deps.log?.('policy run not started', err);
    return null;
  });
  const response = json(200, {
    created: recorded.before === null,
    revision: recorded.revision,
    // A withdrawn item has no tag to amend it by: a new PUT creates it again (no If-Match, or none at all).
    etag: recorded.after === null ? null : recorded.etag,
    item: recorded.after,
    dataVersion: recorded.ref.dataVersion,
    run: run ? { runId: run.runId, links: runLinks(run.runId) } : null,
  });
  return recorded.after === null ? response : { ...response, headers: { ...response.headers, etag: recorded.etag } };
}

export const putPolicyItem = (req: ApiRequest, deps: ApiDeps) => revise(req, deps, 'put');
export const withdrawPolicyItem = (req: ApiRequest, deps: ApiDeps) => revise(req, deps, 'withdraw');

/**
 * A dry run's withdrawal (?withdraw=true): the withdrawal's body, or the PUT body the document names for every dry
 * run, of which only the revision's reason and source count.
 */
function dryRunWithdrawal(req: ApiRequest): RevisionRequest {
  const { kind, id } = kindOf(req);
  const value = adminJson(req);
  const withdrawal = withdrawalBody.safeParse(value);
  if (withdrawal.success) return { kind, id, action: 'withdraw', body: withdrawal.data };
  const { reason, source, sourceUrl, sourceDate } = shaped(
    value,
    kind === 'policy-event' ? policyEventBody : agreementBody,
  );
  return { kind, id, action: 'withdraw', body: { reason, source, sourceUrl, sourceDate } };
}

/** POST …/dry-run: how many suppliers of each tenant the change would move, and by how much; nothing is written. */
export async function dryRunPolicyItem(req: ApiRequest, deps: ApiDeps) {
  const policy = deps.policy;
  const withdraw = queryParams(req.event, dryRunQuery).withdraw === 'true';
  const revisionRequest = withdraw ? dryRunWithdrawal(req) : request(req, 'put');
  const proposed = await recording(() =>
    recordRevision({ store: policy.store, baseline: baselineTimeline, now: deps.now }, revisionRequest, {
      actor: req.actor,
      ifMatch: ifMatch(req),
      dryRun: true,
    }),
  );
  const scope = changeScope(proposed.revision.kind, proposed.before, proposed.after, [
    proposed.previous.ref,
    proposed.ref,
  ]);
  const runId = `dry-${proposed.revision.kind}-${proposed.revision.id}-${deps.now().getTime().toString(36)}`;
  const run = await startRun(
    { runs: policy.runs, queue: policy.rescoreQueue, now: deps.now },
    {
      runId,
      cause: { kind: 'policy', fromRevision: proposed.revision.revision - 1, toRevision: proposed.revision.revision },
      asOf: deps.today(),
      dryRun: true,
      scope: storeScope(scope),
      proposal: proposed.revision,
      createdBy: req.actor,
    },
  );
  return json(202, { runId: run.runId, dryRun: true, links: runLinks(run.runId) });
}

/** GET …/{id}/revisions: the item's audit trail, oldest first, with its current entity tag. */
export async function listItemRevisions(req: ApiRequest, deps: ApiDeps) {
  const { kind, id } = kindOf(req);
  // One read of the revisions: the timeline and the item's history both come from it.
  const all = await currentTimeline(deps.policy.store, baselineTimeline);
  const timeline = all.timeline;
  const revisions = all.revisions.filter((r) => r.kind === kind && r.id === id);
  const inBaseline = (kind === 'policy-event' ? baselineTimeline.policyEvents : baselineTimeline.agreements).some(
    (x) => x.id === id,
  );
  if (revisions.length === 0 && !inBaseline) throw problem(404, `no ${kind} '${id}'`);
  const setBy = timeline.setBy.get(itemKey(kind, id));
  return json(200, {
    kind,
    id,
    inBaseline,
    etag: setBy === undefined ? null : etagOf(setBy),
    revisions,
  });
}

export async function listRescoreRuns(_req: ApiRequest, deps: ApiDeps) {
  return json(200, { items: await deps.policy.runs.listRuns(50) });
}

export async function getRescoreRun(req: ApiRequest, deps: ApiDeps) {
  const view = await deps.policy.runs.viewRun(req.params.runId ?? '');
  if (!view) throw problem(404, `no rescore run '${req.params.runId}'`);
  return json(200, view);
}
