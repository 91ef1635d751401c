/**
 * The store failing on its side, through the real handler over the local runtime: when DynamoDB still throttles after
 * the SDK's retries, every route that reads or writes the store answers 503 with Retry-After (a retry can help), not
 * a 500 (which says the request itself broke something), and nothing of the error reaches the client. When the store
 * recovers, the same requests succeed and nothing was lost. The throttling is injected in the store's client
 * (faults.ts, the only mock here): dynalite never throttles.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiFixture, claimsFor, startApi, supplierBody } from '../helpers/api-events.ts';
import { injectThrottlingPastRetries, type OutageControl } from '../helpers/faults.ts';

const ACME = claimsFor('acme', 'risk/read risk/write risk/admin');
let api: ApiFixture;
let outage: OutageControl | undefined;

beforeAll(async () => {
  api = await startApi({
    onDynamoClient: (client) => {
      outage = injectThrottlingPastRetries(client);
    },
  });
  const put = await api.call({
    method: 'PUT',
    path: '/v1/suppliers/s-1',
    query: { sync: 'true' },
    body: supplierBody(),
    claims: ACME,
  });
  expect(put.status).toBe(200);
});

afterAll(async () => {
  await api?.stop();
});

const REQUESTS = [
  { method: 'GET', path: '/v1/suppliers/s-1' },
  { method: 'GET', path: '/v1/suppliers' },
  { method: 'GET', path: '/v1/suppliers', query: { band: 'high' } },
  { method: 'PUT', path: '/v1/suppliers/s-2', query: { sync: 'true' }, body: supplierBody() },
  { method: 'DELETE', path: '/v1/suppliers/s-1' },
  { method: 'GET', path: '/v1/suppliers/s-1/history' },
  { method: 'GET', path: '/v1/batches/b-none' },
  { method: 'GET', path: '/v1/portfolio/exposure' },
  { method: 'POST', path: '/v1/scenarios', body: { add: [], modify: [] } },
  { method: 'GET', path: '/v1/upcoming' },
  { method: 'GET', path: '/v1/changes' },
  { method: 'GET', path: '/v1/webhooks' },
] as const;

describe('503 Service Unavailable when the store throttles past the SDK retries', () => {
  it.each(REQUESTS)('$method $path $query: 503 with Retry-After, nothing leaked', async (request) => {
    if (!outage) throw new Error('no fault injector');
    outage.on = true;
    const before = outage.injected;
    try {
      const r = await api.call({ ...request, claims: ACME });
      expect(outage.injected).toBeGreaterThan(before);
      expect(r.status, r.text).toBe(503);
      expect(r.headers['retry-after']).toBe('30');
      expect(r.headers['content-type']).toBe('application/problem+json');
      expect(r.json).toMatchObject({ title: 'Service Unavailable', status: 503 });
      expect(r.text).not.toMatch(/Throughput|Exception|\.ts:\d+|node_modules/);
    } finally {
      outage.on = false;
    }
  });

  it('loses nothing: once the store answers, the supplier stored before is there and the delete did not happen', async () => {
    const r = await api.call({ method: 'GET', path: '/v1/suppliers/s-1', claims: ACME });
    expect(r.status).toBe(200);
    expect(r.json.supplier.supplierId).toBe('s-1');
    const missing = await api.call({ method: 'GET', path: '/v1/suppliers/s-2', claims: ACME });
    expect(missing.status).toBe(404);
  });
});
