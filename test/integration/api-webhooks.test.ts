/**
 * The webhook routes through the real API handler over the local runtime (dynalite, the notify queue with no consumer
 * yet), webhook mode 'local': scopes (risk/webhooks or risk/admin manage endpoints, risk/read does not), tenants apart
 * (another tenant's endpoint is not found, not deleted, not tested), the secret shown once and never listed, rotation
 * (a new secret, two secret dates), validation (credentials, unknown minerals with a did-you-mean, bad bodies), the
 * test route (a pending webhook.test delivery and exactly one message queued), the log and a retry that reopens.
 * The aws mode's rules (https only, no IP literals, a refused DNS answer) through the route with a fake queue.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiDeps } from '../../functions/api/deps.ts';
import { createWebhook, testWebhook } from '../../functions/api/routes/webhooks.ts';
import type { HttpProblem } from '../../shared/http/problem.ts';
import * as out from '../../shared/http/webhook-schemas.ts';
import { deliveryMessageSchema } from '../../shared/webhooks/delivery-message.ts';
import { DELIVERY_LOG } from '../../shared/webhooks/port.ts';
import { secretKey, signatureHeaders, verify } from '../../shared/webhooks/signature.ts';
import { type ApiFixture, apiEvent, type Claims, claimsFor, startApi } from '../helpers/api-events.ts';
import { fakeQueue } from '../helpers/fake-ports.ts';
import { FakeWebhookStore } from '../helpers/fake-webhooks.ts';

const A = claimsFor('acme', 'risk/webhooks');
const A_ADMIN = claimsFor('acme', 'risk/admin');
const A_READ = claimsFor('acme', 'risk/read risk/write');
const B = claimsFor('globex', 'risk/webhooks');

let api: ApiFixture;
beforeAll(async () => {
  api = await startApi();
}, 60_000);
afterAll(async () => {
  await api?.stop();
});

const call = (claims: Claims, method: string, path: string, body?: unknown) =>
  api.call({ method, path, claims, ...(body === undefined ? {} : { body }) });

async function register(claims: Claims, body: Record<string, unknown> = {}) {
  const r = await call(claims, 'POST', '/v1/webhooks', { url: 'http://127.0.0.1:9/hooks', ...body });
  expect(r.status, r.text).toBe(201);
  return r.json as ReturnType<typeof out.webhookWithSecret.parse>;
}

describe('registering an endpoint', () => {
  it('answers 201 with the endpoint and its secret, shown this once: never in GET or the list', async () => {
    const r = await call(A, 'POST', '/v1/webhooks', {
      url: 'http://127.0.0.1:8080/mineral-risk',
      description: 'ERP connector',
      filters: { bands: ['high', 'critical'], minDelta: 5, minerals: ['Ga', 'rare earths'], kinds: ['moved'] },
    });
    expect(r.status).toBe(201);
    const created = out.webhookWithSecret.parse(r.json);
    expect(created).toEqual(r.json);
    expect(r.headers.location).toBe(`/v1/webhooks/${created.webhookId}`);
    expect(created.webhookId).toMatch(/^wh_[0-9a-z]{26}$/);
    expect(created.secret).toMatch(/^whsec_/);
    expect(secretKey(created.secret)).toHaveLength(32);
    expect(created.filters).toEqual({
      bands: ['high', 'critical'],
      minDelta: 5,
      minerals: ['gallium', 'rare_earths'],
      kinds: ['moved'],
    });
    const got = await call(A, 'GET', `/v1/webhooks/${created.webhookId}`);
    expect(got.status).toBe(200);
    expect(out.webhookView.parse(got.json)).toEqual(got.json);
    const { secret: _, ...view } = created;
    expect(got.json).toEqual(view);
    const list = await call(A, 'GET', '/v1/webhooks');
    expect(list.json.items).toContainEqual(view);
    for (const text of [got.text, list.text]) expect(text).not.toContain(created.secret.slice(6));
  });

  it('refuses credentials in the URL, a non-URL, an unknown mineral (did you mean), unknown fields', async () => {
    const creds = await call(A, 'POST', '/v1/webhooks', { url: 'http://user:pw@127.0.0.1:9/h' });
    expect(creds.status).toBe(422);
    expect(creds.json.errors).toEqual([{ path: 'url', message: expect.stringMatching(/user name or password/) }]);
    const mineral = await call(A, 'POST', '/v1/webhooks', {
      url: 'http://127.0.0.1:9/h',
      filters: { minerals: ['galium'] },
    });
    expect(mineral.status).toBe(422);
    expect(mineral.json.errors).toEqual([
      { path: 'filters.minerals[0]', message: expect.stringMatching(/did you mean 'gallium'/) },
    ]);
    for (const body of [
      { url: 'not a url' },
      { url: 'ftp://a.example.com/' },
      { url: 'http://127.0.0.1/', secret: 'x' },
    ]) {
      const r = await call(A, 'POST', '/v1/webhooks', body);
      expect(r.status, JSON.stringify(body)).toBe(400);
    }
    // A private address stays refused in local mode (only loopback is added).
    expect((await call(A, 'POST', '/v1/webhooks', { url: 'http://10.0.0.1/h' })).status).toBe(422);
  });

  it(`refuses the ${DELIVERY_LOG.maxWebhooksPerTenant + 1}th endpoint of a tenant with 409`, async () => {
    const t = claimsFor('busy', 'risk/webhooks');
    for (let i = 0; i < DELIVERY_LOG.maxWebhooksPerTenant; i++) await register(t);
    const r = await call(t, 'POST', '/v1/webhooks', { url: 'http://127.0.0.1:9/more' });
    expect(r.status).toBe(409);
    expect(r.json.detail).toMatch(/at most 10/);
  });
});

describe('scopes and tenants', () => {
  it('risk/read and risk/write cannot manage endpoints; risk/admin can', async () => {
    expect((await call(A_READ, 'GET', '/v1/webhooks')).status).toBe(403);
    expect((await call(A_READ, 'POST', '/v1/webhooks', { url: 'http://127.0.0.1:9/h' })).status).toBe(403);
    const w = await register(A_ADMIN);
    expect((await call(A_ADMIN, 'GET', `/v1/webhooks/${w.webhookId}`)).status).toBe(200);
    expect((await call(A_ADMIN, 'DELETE', `/v1/webhooks/${w.webhookId}`)).status).toBe(204);
  });

  it('another tenant gets 404 on every route of A’s endpoint, and A’s endpoint is untouched', async () => {
    const w = await register(A);
    const test = await call(A, 'POST', `/v1/webhooks/${w.webhookId}/test`);
    const d = test.json.deliveryId;
    const base = `/v1/webhooks/${w.webhookId}`;
    for (const [method, path] of [
      ['GET', base],
      ['DELETE', base],
      ['POST', `${base}/rotate-secret`],
      ['POST', `${base}/test`],
      ['GET', `${base}/deliveries`],
      ['GET', `${base}/deliveries/${d}`],
      ['POST', `${base}/deliveries/${d}/retry`],
    ] as const) {
      const r = await call(B, method, path);
      expect(r.status, `${method} ${path}`).toBe(404);
    }
    expect((await call(B, 'GET', '/v1/webhooks')).json.items).toEqual([]);
    const still = await call(A, 'GET', base);
    expect(still.status).toBe(200);
    expect(still.json.secrets).toHaveLength(1);
  });
});

describe('rotating the secret', () => {
  it('answers a new secret; both sign during the overlap; GET shows two secret dates', async () => {
    const w = await register(A);
    api.setNow(Date.parse('2026-11-10T10:00:00Z'));
    try {
      const r = await call(A, 'POST', `/v1/webhooks/${w.webhookId}/rotate-secret`, { overlapHours: 48 });
      expect(r.status).toBe(200);
      expect(out.webhookWithSecret.parse(r.json)).toEqual(r.json);
      expect(r.json.secret).not.toBe(w.secret);
      expect(r.json.secrets).toEqual([
        { createdAt: '2026-11-10T10:00:00.000Z', expiresAt: null },
        { createdAt: w.createdAt, expiresAt: '2026-11-12T10:00:00.000Z' },
      ]);
      const got = await call(A, 'GET', `/v1/webhooks/${w.webhookId}`);
      expect(got.json.secrets).toEqual(r.json.secrets);
      expect(got.text).not.toContain(r.json.secret.slice(6));
      // What the notifier will send verifies with either secret (signature.ts signs with every active one).
      const body = '{"type":"webhook.test"}';
      const headers = signatureHeaders({
        id: 'msg_1',
        timestamp: 1_800_000_000,
        body,
        secrets: [r.json.secret, w.secret],
      });
      for (const s of [w.secret, r.json.secret])
        expect(verify(body, headers, s, { now: 1_800_000_000_000 }).id).toBe('msg_1');
      // No body: the default overlap; more than 168 hours refused.
      const again = await call(A, 'POST', `/v1/webhooks/${w.webhookId}/rotate-secret`);
      expect(again.status).toBe(200);
      expect(again.json.secrets[1].expiresAt).toBe('2026-11-11T10:00:00.000Z');
      expect((await call(A, 'POST', `/v1/webhooks/${w.webhookId}/rotate-secret`, { overlapHours: 169 })).status).toBe(
        400,
      );
    } finally {
      api.setNow(null);
    }
  });
});

describe('test deliveries, the log and retries', () => {
  it('queues one deliver message for a pending webhook.test delivery; the log lists it; a retry reopens it', async () => {
    const w = await register(A);
    const queue = api.runtime.notify.queue;
    // The API's side only: the notifier is taken off its queue so the messages stay there to be counted (delivery
    // itself is tested in test/e2e/notifications.test.ts).
    await queue.stop();
    const sent = queue.stats().sent;
    const r = await call(A, 'POST', `/v1/webhooks/${w.webhookId}/test`);
    expect(r.status).toBe(202);
    expect(out.deliveryView.parse(r.json)).toEqual(r.json);
    expect(r.json).toMatchObject({
      webhookId: w.webhookId,
      eventType: 'webhook.test',
      status: 'pending',
      changeId: null,
      attemptCount: 0,
      attempts: [],
    });
    expect(r.json.deliveryId).toMatch(/^dlv_[0-9a-z]{26}$/);
    expect(JSON.parse(r.json.payload)).toMatchObject({ type: 'webhook.test', data: { webhookId: w.webhookId } });
    expect(queue.stats().sent).toBe(sent + 1);

    const log = await call(A, 'GET', `/v1/webhooks/${w.webhookId}/deliveries`);
    expect(out.deliveryPage.parse(log.json)).toEqual(log.json);
    expect(log.json.items.map((d: { deliveryId: string }) => d.deliveryId)).toEqual([r.json.deliveryId]);
    expect(
      (
        await api.call({
          method: 'GET',
          path: `/v1/webhooks/${w.webhookId}/deliveries`,
          query: { status: 'dead' },
          claims: A,
        })
      ).status,
    ).toBe(200);
    const one = await call(A, 'GET', `/v1/webhooks/${w.webhookId}/deliveries/${r.json.deliveryId}`);
    expect(one.json).toEqual(r.json);

    // The notifier's failed attempt, then a retry by hand: pending again, attempts kept, attempt 2 queued.
    await api.runtime.notify.webhooks.recordAttempt(
      'acme',
      w.webhookId,
      r.json.deliveryId,
      {
        attempt: 1,
        at: new Date().toISOString(),
        outcome: 'failed',
        httpStatus: 500,
        error: 'the receiver answered 500',
        responseExcerpt: null,
        durationMs: 3,
      },
      { status: 'dead', nextAttemptAt: null },
    );
    const retry = await call(A, 'POST', `/v1/webhooks/${w.webhookId}/deliveries/${r.json.deliveryId}/retry`);
    expect(retry.status).toBe(202);
    expect(retry.json).toMatchObject({
      status: 'pending',
      attemptCount: 1,
      attempts: [{ attempt: 1, httpStatus: 500 }],
    });
    expect(queue.stats().sent).toBe(sent + 2);
    expect((await call(A, 'POST', `/v1/webhooks/${w.webhookId}/deliveries/dlv_none/retry`)).status).toBe(404);
    expect(
      (
        await api.call({
          method: 'GET',
          path: `/v1/webhooks/${w.webhookId}/deliveries`,
          query: { cursor: 'bad' },
          claims: A,
        })
      ).status,
    ).toBe(400);
  });

  it('DELETE answers 204, then 404; the endpoint is gone', async () => {
    const w = await register(A);
    expect((await call(A, 'DELETE', `/v1/webhooks/${w.webhookId}`)).status).toBe(204);
    expect((await call(A, 'DELETE', `/v1/webhooks/${w.webhookId}`)).status).toBe(404);
    expect((await call(A, 'GET', `/v1/webhooks/${w.webhookId}`)).status).toBe(404);
    expect((await call(A, 'POST', `/v1/webhooks/${w.webhookId}/test`)).status).toBe(404);
  });
});

describe("the aws mode's rules, at the route", () => {
  const queue = fakeQueue();
  const webhooks = new FakeWebhookStore();
  const deps = (resolve?: ApiDeps['resolve']) =>
    ({
      webhooks,
      notifyQueue: queue,
      webhookMode: 'aws',
      now: () => new Date('2026-11-10T12:00:00Z'),
      ...(resolve ? { resolve } : {}),
    }) as unknown as ApiDeps;
  const create = (url: string, resolve?: ApiDeps['resolve']) =>
    createWebhook(
      {
        event: apiEvent({ method: 'POST', path: '/v1/webhooks', body: { url } }),
        params: {},
        tenant: 'acme',
        actor: 'u-1',
      },
      deps(resolve),
    ).catch((e: HttpProblem) => e);

  it('refuses http, IP literals, localhost and other ports with 422 naming the url', async () => {
    for (const url of [
      'http://hooks.example.com/h',
      'https://127.0.0.1/h',
      'https://93.184.216.34/h',
      'https://localhost/h',
      'https://hooks.example.com:8443/h',
    ]) {
      const r = await create(url);
      expect(r, url).toMatchObject({ status: 422, errors: [{ path: 'url' }] });
    }
  });

  it('refuses a name that resolves to a private address; takes a public one, or one that does not resolve yet', async () => {
    const privateDns = async () => [{ address: '10.1.2.3', family: 4 }];
    expect(await create('https://hooks.example.com/h', privateDns)).toMatchObject({ status: 422 });
    const publicDns = async () => [{ address: '93.184.216.34', family: 4 }];
    expect(await create('https://hooks.example.com/h', publicDns)).toMatchObject({ statusCode: 201 });
    const nxdomain = async () => {
      throw Object.assign(new Error('no such name'), { code: 'ENOTFOUND' });
    };
    expect(await create('https://not-yet.example.com/h', nxdomain)).toMatchObject({ statusCode: 201 });
  });

  it('queues the test delivery as a deliver message of the notify queue (attempt 1, the tenant as its group)', async () => {
    const [w] = await webhooks.listWebhooks('acme');
    const r = await testWebhook(
      {
        event: apiEvent({ method: 'POST', path: `/v1/webhooks/${w?.webhookId}/test` }),
        params: { webhookId: w?.webhookId as string },
        tenant: 'acme',
        actor: 'u-1',
      },
      deps(),
    );
    expect(r.statusCode).toBe(202);
    expect(queue.sent).toHaveLength(1);
    const message = deliveryMessageSchema.parse(JSON.parse(queue.sent[0]?.body as string));
    expect(message).toEqual({
      v: 1,
      kind: 'deliver',
      tenant: 'acme',
      webhookId: w?.webhookId,
      deliveryId: JSON.parse(r.body).deliveryId,
      attempt: 1,
    });
    expect(queue.sent[0]?.groupId).toBe('acme');
  });
});
