/**
 * The OpenAPI document as a contract the real API handler keeps (over the local runtime: dynalite, local S3, the
 * local queue, real JWT claims as API Gateway's authorizer passes them). For every operation, requests generated from
 * the documented parameters and request bodies — valid ones, and valid ones with one thing broken — must get:
 * - never a 5xx, and only a status the operation documents;
 * - a body valid against the schema documented for that status and media type (none for a 204);
 * - for an error, `application/problem+json` with type, title and the same status;
 * - for a valid request, none of the statuses that say the request was wrong (400, 401, 403, 413, 415);
 * - for a broken one, the status that names what broke: 400 (body, JSON, query), 400 or 404 (a path id no resource
 *   can have), 415 (media type), 401 (no token), 403 (no scope).
 * A fixed seed keeps runs repeatable; on a failure fast-check prints the request that broke the contract.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiFixture, type ApiResponse, claimsFor, startApi, supplierBody } from '../helpers/api-events.ts';
import { errorsOf, type Operation, operations, validator } from './openapi-doc.ts';
import {
  cursorsOf,
  invalidRequest,
  type Kind,
  type Pools,
  type RequestCase,
  TENANT,
  validRequest,
} from './requests.ts';

/** About 10 s for all operations on two cores (the valid runs also drive ingest and scoring in the background). */
const RUNS = { valid: 50, invalid: 100 };
const SEED = 20_268;

/** What a valid request must never get: each says the request was wrong, or the server failed. */
const NOT_FOR_VALID = new Set([400, 401, 403, 413, 415, 429, 500, 502, 503, 504]);
const EXPECTED: Record<Exclude<Kind, 'valid'>, number[]> = {
  body: [400],
  json: [400],
  query: [400],
  path: [400, 404],
  media: [415],
  'no-token': [401],
  'no-scope': [403],
};

let api: ApiFixture;
const pools: Pools = { supplierId: [], batchId: [], cursor: {} };

const urlOf = (op: Operation, params: Record<string, string>) =>
  op.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(params[name] ?? ''));

async function send(op: Operation, r: RequestCase): Promise<ApiResponse> {
  return api.call({
    method: r.method,
    path: urlOf(op, r.params),
    query: r.query,
    ...(r.body === undefined ? {} : { body: r.body }),
    contentType: r.contentType,
    claims: r.claims,
  });
}

/** Ids and cursors the answers give, for later requests to use as a client would. */
function remember(op: Operation, r: RequestCase, res: ApiResponse) {
  if (res.status >= 300) return;
  if (op.operationId === 'putSupplier' && r.params.supplierId) pools.supplierId.push(r.params.supplierId);
  if (op.operationId === 'createBatch' && typeof res.json?.batchId === 'string') pools.batchId.push(res.json.batchId);
  if (typeof res.json?.cursor === 'string') cursorsOf(pools, op.operationId).push(res.json.cursor);
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
}

function expectForKind(op: Operation, r: RequestCase, res: ApiResponse) {
  const at = `${op.method} ${op.path} [${r.label}] → ${res.status} ${res.text.slice(0, 400)}`;
  if (r.kind === 'valid') expect(NOT_FOR_VALID.has(res.status), `a valid request refused: ${at}`).toBe(false);
  else expect(EXPECTED[r.kind], at).toContain(res.status);
}

beforeAll(async () => {
  api = await startApi();
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
    pools.supplierId.push(id);
  }
  const batch = await api.call({
    method: 'POST',
    path: '/v1/batches',
    body: 'supplier_id,mineral,origin_country\nb-1,gallium,CN\nb-2,nope,CN\nb-3,nope,XX\n',
    contentType: 'text/csv',
    claims,
  });
  expect(batch.status).toBe(202);
  pools.batchId.push(batch.json.batchId);
  await api.runtime.waitForBatch(TENANT, batch.json.batchId, { timeoutMs: 15_000 });
});

afterAll(async () => {
  await api?.stop();
});

describe('the API keeps its OpenAPI document', () => {
  for (const op of operations) {
    it(`${op.method} ${op.path}: valid requests`, async () => {
      await fc.assert(
        fc.asyncProperty(validRequest(op, pools), async (r) => {
          const res = await send(op, r);
          expectDocumented(op, r, res);
          expectForKind(op, r, res);
          remember(op, r, res);
        }),
        { numRuns: RUNS.valid, seed: SEED },
      );
    });

    const broken = invalidRequest(op, pools);
    if (broken)
      it(`${op.method} ${op.path}: broken requests`, async () => {
        await fc.assert(
          fc.asyncProperty(broken, async (r) => {
            const res = await send(op, r);
            expectDocumented(op, r, res);
            expectForKind(op, r, res);
          }),
          { numRuns: RUNS.invalid, seed: SEED },
        );
      });
  }
});
