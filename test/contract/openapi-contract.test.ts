/**
 * The OpenAPI document as a contract the real API handler keeps (over the local runtime: dynalite, local S3, the
 * local queue, real JWT claims as API Gateway's authorizer passes them). For every operation, requests generated from
 * the documented parameters and request bodies — valid ones, and valid ones with one thing broken — must get:
 * - never a 5xx, and only a status the operation documents;
 * - a body valid against the schema documented for that status and media type (none for a 204);
 * - for an error, `application/problem+json` with type, title and the same status; for a 422, the field paths;
 * - for a valid request, none of the statuses that say the request was wrong (400, 401, 403, 412, 413, 415);
 * - for a broken one, the status that names what broke: 400 (body, JSON, query), 400 or 404 (a path id no resource
 *   can have), 415 (media type), 401 (no token), 403 (no scope, or a tenant's token on a platform operator's route),
 *   412 (an If-Match tag the item does not have). The operators' routes answer an invalid revision, in shape as in
 *   content, 422 with field paths (docs/policy.md): a broken body there is a 422.
 * And the valid requests of every operation must reach a 2xx at least once, so that the success bodies are checked.
 * A fixed seed keeps runs repeatable; on a failure fast-check prints the request that broke the contract.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WORKBOOK_MEDIA_TYPES } from '../../shared/supplier-list/workbook/read-workbook.ts';
import { type ApiFixture, type ApiResponse, claimsFor, startApi, supplierBody } from '../helpers/api-events.ts';
import { workbookWithMistakes } from '../helpers/rmi-workbooks.ts';
import { errorsOf, type Operation, operations, validator } from './openapi-doc.ts';
import {
  cursorsOf,
  emptyPools,
  idsOf,
  ifMatchHeader,
  invalidRequest,
  itemKey,
  type Kind,
  OPERATOR_TENANT,
  type RequestCase,
  TENANT,
  validRequest,
} from './requests.ts';

/**
 * About 15 s for all operations on two cores (the valid runs also drive ingest, scoring and rescore runs in the
 * background). A revision an operator records or tries (PUT, DELETE, dry run) starts a rescore run of 32 segments:
 * those routes get fewer valid runs. An operation that takes no input gets the same valid request every time: a few
 * runs suffice.
 */
const RUNS = { valid: 50, invalid: 100, revising: 20, noInput: 10 };
function validRuns(op: Operation): number {
  if (op.operator && op.method !== 'GET') return RUNS.revising;
  return op.parameters.length === 0 && Object.keys(op.body).length === 0 ? RUNS.noInput : RUNS.valid;
}
const SEED = 20_268;

/** What a valid request must never get: each says the request was wrong, or the server failed. */
const NOT_FOR_VALID = new Set([400, 401, 403, 412, 413, 415, 429, 500, 502, 503, 504]);
const EXPECTED: Record<Exclude<Kind, 'valid'>, number[]> = {
  body: [400],
  json: [400],
  query: [400],
  path: [400, 404],
  media: [415],
  'no-token': [401],
  'no-scope': [403],
  'not-operator': [403],
  'stale-tag': [412],
};

/** The status that names what broke, for this operation. */
const expectedFor = (op: Operation, kind: Exclude<Kind, 'valid'>) =>
  kind === 'body' && op.operator ? [422] : EXPECTED[kind];

let api: ApiFixture;
const pools = emptyPools();

/** Every path parameter of the document: a field of that name in an answer is an id a request can use. */
const PATH_IDS = new Set(operations.flatMap((o) => o.parameters.filter((p) => p.in === 'path').map((p) => p.name)));

const urlOf = (op: Operation, params: Record<string, string>) =>
  op.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(params[name] ?? ''));

/** The request as sent: its If-Match resolved from what the answers so far said of the item. */
function resolved(op: Operation, r: RequestCase): RequestCase & { headers: Record<string, string> } {
  const tag = ifMatchHeader(r.ifMatch, itemKey(op, r.params), pools);
  return tag === undefined
    ? { ...r, headers: {} }
    : { ...r, label: `${r.label}, If-Match ${tag}`, headers: { 'if-match': tag } };
}

async function send(op: Operation, r: RequestCase & { headers: Record<string, string> }): Promise<ApiResponse> {
  return api.call({
    method: r.method,
    path: urlOf(op, r.params),
    query: r.query,
    ...(r.body === undefined ? {} : { body: r.body }),
    ...(r.base64 ? { isBase64Encoded: true } : {}),
    contentType: r.contentType,
    headers: r.headers,
    claims: r.claims,
  });
}

const addId = (name: string, id: string) => {
  const known = idsOf(pools, name);
  if (!known.includes(id)) known.push(id);
};

/** Ids, cursors and entity tags the answers give, for later requests to use as a client would. */
function remember(op: Operation, r: RequestCase, res: ApiResponse) {
  if (res.status >= 300) return;
  if (op.method === 'PUT') for (const [name, id] of Object.entries(r.params)) addId(name, id);
  const json = res.json;
  const holders = [json, json?.run, ...(Array.isArray(json?.items) ? json.items : [])];
  for (const h of holders)
    if (h !== null && typeof h === 'object')
      for (const name of PATH_IDS) if (typeof h[name] === 'string') addId(name, h[name]);
  if (typeof json?.cursor === 'string') cursorsOf(pools, op.operationId).push(json.cursor);
  // The item's entity tag: what an answer says it is now; a withdrawal leaves no item (and no tag to match).
  const key = itemKey(op, r.params);
  if (key === null) return;
  if (op.method === 'DELETE') pools.tags.delete(key);
  else if (json !== null && typeof json === 'object' && 'etag' in json && op.method !== 'POST') {
    if (typeof json.etag === 'string') {
      pools.tags.set(key, json.etag);
      pools.issued.add(json.etag);
    } else pools.tags.delete(key);
  }
}

/** The response as the document describes it for this operation. */
function expectDocumented(op: Operation, r: RequestCase, res: ApiResponse) {
  const at = `${op.method} ${op.path} [${r.label}] → ${res.status} ${res.text.slice(0, 400)}`;
  expect(res.status, at).toBeLessThan(500);
  const documented = op.responses[String(res.status)];
  expect(documented, `undocumented status: ${at}`).toBeDefined();
  if (res.status === 204) {
    expect(res.text, at).toBe('');
    return;
  }
  const media = (res.headers['content-type'] ?? '').split(';')[0]?.trim() ?? '';
  const content = documented?.content?.[media];
  expect(content, `undocumented media type ${media}: ${at}`).toBeDefined();
  const check = validator((content as { schema: object }).schema);
  expect(check(res.json), `${errorsOf(check)}: ${at}`).toBe(true);
  if (res.status >= 400) {
    expect(media, at).toBe('application/problem+json');
    expect(res.json.status, at).toBe(res.status);
    expect(res.json.title, at).toEqual(expect.stringMatching(/\S/));
    expect(res.json.type, at).toEqual(expect.any(String));
  }
  // What is invalid, field by field: an unprocessable request names its fields (the schema makes `errors` optional).
  if (res.status === 422) expect(res.json.errors?.length, `422 without field errors: ${at}`).toBeGreaterThan(0);
}

function expectForKind(op: Operation, r: RequestCase, res: ApiResponse) {
  const at = `${op.method} ${op.path} [${r.label}] → ${res.status} ${res.text.slice(0, 400)}`;
  if (r.kind === 'valid') expect(NOT_FOR_VALID.has(res.status), `a valid request refused: ${at}`).toBe(false);
  else expect(expectedFor(op, r.kind), at).toContain(res.status);
}

beforeAll(async () => {
  let workbook: Uint8Array;
  [api, workbook] = await Promise.all([startApi(), workbookWithMistakes()]);
  // An RMI workbook for the bodies of the spreadsheet media types (a schema cannot make one).
  for (const type of WORKBOOK_MEDIA_TYPES) pools.files[type] = workbook;
  const claims = claimsFor(TENANT, 'risk/read risk/write');
  // A few stored suppliers and a batch with a rejected row, so reads find something and lists have a next page.
  for (const id of ['c-1', 'c-2', 'c-3']) {
    const r = await api.call({
      method: 'PUT',
      path: `/v1/suppliers/${id}`,
      query: { sync: 'true' },
      body: supplierBody(),
      claims,
    });
    expect(r.status).toBe(200);
    addId('supplierId', id);
  }
  const batch = await api.call({
    method: 'POST',
    path: '/v1/batches',
    body: 'supplier_id,mineral,origin_country\nb-1,gallium,CN\nb-2,nope,CN\nb-3,nope,XX\n',
    contentType: 'text/csv',
    claims,
  });
  expect(batch.status, batch.text).toBe(202);
  addId('batchId', batch.json.batchId);
  // A scenario job (the threshold forced to 0 for this one request), so GET /v1/scenarios/{jobId} finds one.
  api.runtime.scenarios.inlineMaxSuppliers = 0;
  const job = await api.call({ method: 'POST', path: '/v1/scenarios', body: {}, claims });
  delete api.runtime.scenarios.inlineMaxSuppliers;
  expect(job.status).toBe(202);
  addId('jobId', job.json.jobId);
  // Some shipped policy events and agreements, with their entity tags, for the operators' routes to amend.
  const operator = claimsFor(OPERATOR_TENANT, 'risk/admin');
  const timeline = await api.call({ method: 'GET', path: '/v1/reference/policy-events', claims });
  expect(timeline.status).toBe(200);
  const items = [
    ...(timeline.json.policyEvents as { id: string }[]).slice(0, 8).map((e) => ['policy-events', 'eventId', e.id]),
    ...(timeline.json.agreements as { id: string }[]).slice(0, 4).map((a) => ['agreements', 'agreementId', a.id]),
  ];
  for (const [collection, name, id] of items as [string, string, string][]) {
    const r = await api.call({ method: 'GET', path: `/v1/admin/${collection}/${id}/revisions`, claims: operator });
    expect(r.status).toBe(200);
    addId(name, id);
    pools.tags.set(`${name}=${id}`, r.json.etag);
    pools.issued.add(r.json.etag);
  }
  await api.runtime.waitForBatch(TENANT, batch.json.batchId, { timeoutMs: 15_000 });
});

afterAll(async () => {
  await api?.stop();
});

/**
 * In document order, except that deleting a webhook endpoint comes last: endpoints are only made by POST /v1/webhooks
 * (at most 10 a tenant), and the routes under an endpoint need one to exist to reach a success.
 */
const lastOf = (o: Operation) => o.method === 'DELETE' && o.path.startsWith('/v1/webhooks/');
const ordered = [...operations.filter((o) => !lastOf(o)), ...operations.filter(lastOf)];

describe('the API keeps its OpenAPI document', () => {
  for (const op of ordered) {
    it(`${op.method} ${op.path}: valid requests`, async () => {
      const statuses: number[] = [];
      await fc.assert(
        fc.asyncProperty(validRequest(op, pools), async (generated) => {
          const r = resolved(op, generated);
          const res = await send(op, r);
          statuses.push(res.status);
          expectDocumented(op, r, res);
          expectForKind(op, r, res);
          remember(op, r, res);
        }),
        { numRuns: validRuns(op), seed: SEED },
      );
      // A property that held only on refusals would check no success body.
      expect(
        statuses.some((s) => s < 300),
        `no valid request succeeded: ${statuses.join(' ')}`,
      ).toBe(true);
    });

    const broken = invalidRequest(op, pools);
    if (broken)
      it(`${op.method} ${op.path}: broken requests`, async () => {
        await fc.assert(
          fc.asyncProperty(broken, async (generated) => {
            const r = resolved(op, generated);
            const res = await send(op, r);
            expectDocumented(op, r, res);
            expectForKind(op, r, res);
          }),
          { numRuns: RUNS.invalid, seed: SEED },
        );
      });
  }
});
