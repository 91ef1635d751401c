/**
 * Scenario jobs on the local runtime: the same scenario answered inline and as a job (the threshold forced low) gives
 * exactly the same answer, the job runs through the real worker on the local scenario queue over dynalite, another
 * tenant cannot see it, and the DynamoDB adapter keeps large pieces in chunks and counts a segment once.
 */
import { randomBytes } from 'node:crypto';
import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScenarioResult } from '../../shared/model/scenario.ts';
import { emptyPartial } from '../../shared/model/scenario-partial.ts';
import { scenarioJobPk } from '../../shared/store/keys.ts';
import type { ScenarioJob } from '../../shared/store/scenario-jobs-port.ts';
import { type ApiFixture, claimsFor, startApi, supplierBody } from '../helpers/api-events.ts';

let api: ApiFixture;
const A = claimsFor('acme');
const B = claimsFor('globex');
const MINERALS = ['gallium', 'germanium', 'cobalt', 'lithium', 'tungsten', 'dysprosium'];
const ORIGINS = ['CN', 'CD', 'AU', 'CL', 'RU', 'VN'];
const request = {
  asOf: '2026-12-05',
  buyerCountry: 'US',
  add: [{ country: 'China', kind: 'export_ban', minerals: ['Ga', 'Ge', 'W'], effectiveFrom: '2026-12-01' }],
  remove: ['CN-2025-70'],
};

beforeAll(async () => {
  api = await startApi();
  const put = (claims: typeof A, id: string, i: number) =>
    api.call({
      method: 'PUT',
      path: `/v1/suppliers/${id}`,
      query: { sync: 'true' },
      claims,
      body: supplierBody({
        supplierName: `Supplier ${i}`,
        annualSpendUsd: i % 7 === 0 ? null : 10_000 + i * 1234.56,
        exposures: [
          { mineral: MINERALS[i % MINERALS.length], originCountry: ORIGINS[(i * 5) % ORIGINS.length], share: 0.7 },
          { mineral: MINERALS[(i + 2) % MINERALS.length], originCountry: ORIGINS[i % ORIGINS.length], share: 0.3 },
        ],
      }),
    });
  for (let i = 0; i < 60; i++) expect((await put(A, `acme-${i}`, i)).status).toBe(200);
  for (let i = 0; i < 12; i++) expect((await put(B, `globex-${i}`, i + 100)).status).toBe(200);
}, 60_000);
afterAll(() => api.stop());

async function untilDone(claims: typeof A, location: string) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const r = await api.call({ method: 'GET', path: location, claims });
    if (r.json.status !== 'running' || Date.now() > deadline) return r;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('POST /v1/scenarios inline and as a job', () => {
  it('gives exactly the same answer both ways', async () => {
    api.runtime.scenarios.inlineMaxSuppliers = 1000;
    const inline = await api.call({ method: 'POST', path: '/v1/scenarios', body: request, claims: A });
    expect(inline.status).toBe(200);
    expect(inline.json.suppliers).toHaveLength(60);

    api.runtime.scenarios.inlineMaxSuppliers = 5;
    const accepted = await api.call({ method: 'POST', path: '/v1/scenarios', body: request, claims: A });
    expect(accepted.status).toBe(202);
    expect(accepted.headers.location).toBe(`/v1/scenarios/${accepted.json.jobId}`);
    expect(accepted.json).toMatchObject({ status: 'running', progress: { segmentsDone: 0, suppliersExamined: 0 } });

    const done = await untilDone(A, accepted.headers.location as string);
    expect(done.status).toBe(200);
    const total = done.json.progress.segmentsTotal;
    expect(done.json).toMatchObject({
      status: 'completed',
      progress: { segmentsDone: total, suppliersExamined: 60 },
    });
    expect(done.json.result as ScenarioResult).toEqual(inline.json);

    // Another tenant: not found, as if there were no such job.
    const fromB = await api.call({ method: 'GET', path: accepted.headers.location as string, claims: B });
    expect(fromB.status).toBe(404);

    // The same request again, its keys in another order, while the job is kept: the same job, completed.
    const { remove, add, buyerCountry, asOf } = request;
    const again = await api.call({
      method: 'POST',
      path: '/v1/scenarios',
      body: { remove, add, buyerCountry, asOf },
      claims: A,
    });
    expect(again.status).toBe(202);
    expect(again.json).toMatchObject({ jobId: accepted.json.jobId, status: 'completed' });
    expect(again.headers.location).toBe(accepted.headers.location);
    // Another request (another buyer) is another job.
    const other = await api.call({
      method: 'POST',
      path: '/v1/scenarios',
      body: { ...request, buyerCountry: 'DE' },
      claims: A,
    });
    expect(other.status).toBe(202);
    expect(other.json.jobId).not.toBe(accepted.json.jobId);
    await untilDone(A, other.headers.location as string);
  }, 60_000);

  it('answers 404 for a job id that never was', async () => {
    const r = await api.call({ method: 'GET', path: '/v1/scenarios/j-never', claims: A });
    expect(r.status).toBe(404);
    expect(r.headers['content-type']).toBe('application/problem+json');
  });
});

describe('scenario job items on DynamoDB (dynalite)', () => {
  const job = (jobId: string): ScenarioJob => ({
    tenant: 'acme',
    jobId,
    request: {},
    asOf: '2026-12-05',
    buyerCountry: 'US',
    revision: 0,
    baseDataVersion: 'v',
    segments: 2,
    createdAt: '2026-12-05T10:00:00.000Z',
    createdBy: 'test',
    expiresAt: Math.floor(Date.now() / 1000) + 3600,
  });

  it("ties a request key to one live job: a second tie fails, a failed job's tie is taken over, an expired one is free", async () => {
    const jobs = api.runtime.scenarios.jobs;
    const key = randomBytes(32).toString('hex');
    const now = Math.floor(Date.now() / 1000);
    // Asked now: a tie's "now" is its job's creation.
    const asked = (jobId: string) => ({ ...job(jobId), createdAt: new Date(now * 1000).toISOString() });
    const first = asked('j-tie-1');
    expect(await jobs.requestJob('acme', key, now)).toBeNull();
    expect(await jobs.tieRequest(first, key, null)).toBe(true);
    expect(await jobs.tieRequest(asked('j-tie-2'), key, null)).toBe(false);
    expect(await jobs.requestJob('acme', key, now)).toBe('j-tie-1');
    expect(await jobs.requestJob('globex', key, now)).toBeNull();
    // Replacing names the job it takes over from: a stale name loses.
    expect(await jobs.tieRequest(asked('j-tie-3'), key, 'j-tie-2')).toBe(false);
    expect(await jobs.tieRequest(asked('j-tie-3'), key, 'j-tie-1')).toBe(true);
    expect(await jobs.requestJob('acme', key, now)).toBe('j-tie-3');
    // Past its job's expiry (TTL deletes lazily) the tie is read as absent and may be tied anew.
    const past = now + 7200;
    const later = { ...job('j-tie-4'), createdAt: new Date(past * 1000).toISOString(), expiresAt: past + 3600 };
    expect(await jobs.requestJob('acme', key, past)).toBeNull();
    expect(await jobs.tieRequest(later, key, null)).toBe(true);
    expect(await jobs.requestJob('acme', key, now)).toBe('j-tie-4');
  });

  it('counts a segment once, keeps the first partial, and stores an answer larger than an item in chunks', async () => {
    const jobs = api.runtime.scenarios.jobs;
    const j = job('j-chunks');
    await jobs.createJob(j);
    // Random names: they do not compress, so the gzipped answer passes one item's 300 KB.
    const noise = () => randomBytes(48).toString('hex');
    const rows = Array.from({ length: 6000 }, (_, i) => ({
      supplierId: `S-${i}`,
      supplierName: noise(),
      base: { score: 10, band: 'low' as const },
      scenario: { score: 10, band: 'low' as const },
      delta: 0,
      topDriver: noise(),
    }));
    const partial = { ...emptyPartial(), suppliers: rows.length, rows };
    partial.base.spend = 123456789012345678901234567890n;
    expect(await jobs.putPartial(j, 0, partial)).toBe(true);
    expect(await jobs.putPartial(j, 0, { ...emptyPartial(), suppliers: 1 })).toBe(false);
    expect(await jobs.countSegment(j, 0, rows.length, 'now')).toBe(1);
    expect(await jobs.countSegment(j, 0, rows.length, 'now')).toBeNull();
    expect(await jobs.readPartials(j)).toEqual([partial]);
    expect((await jobs.getJob('acme', 'j-chunks'))?.examined).toBe(rows.length);

    const result: ScenarioResult = {
      asOf: '2026-12-05',
      buyerCountry: 'US',
      baseDataVersion: 'v',
      scenarioDataVersion: 'w',
      suppliers: rows,
      suppliersOmitted: 0,
      portfolio: {} as ScenarioResult['portfolio'],
    };
    await jobs.putResult(j, result, 'then');
    expect(await jobs.getResult(j)).toEqual(result);
    const stored = await api.runtime.dynamo.client.send(
      new QueryCommand({
        TableName: api.runtime.dynamo.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :r)',
        ExpressionAttributeValues: { ':pk': { S: scenarioJobPk('acme', 'j-chunks') }, ':r': { S: 'RESULT#' } },
        Select: 'COUNT',
      }),
    );
    expect(stored.Count).toBeGreaterThan(1);
    expect(await jobs.getJob('globex', 'j-chunks')).toBeNull();
  }, 30_000);
});
