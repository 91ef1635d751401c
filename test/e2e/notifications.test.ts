/**
 * A procurement system's whole loop (issue 10), on the local runtime behind the local API server (tokens verified):
 * it registers webhooks, an operator records a policy change, the rescore writes change records, and the notifier
 * delivers them to a real HTTP receiver on 127.0.0.1 whose signatures are checked with the Standard Webhooks
 * project's own JavaScript verifier (the `standardwebhooks` package), not this project's signer. Then: filters stop
 * what they should, a flaky receiver gets the same webhook-id twice, a receiver down for good sees every attempt of
 * the schedule and the delivery goes dead, a retry from the log delivers it, and GET /v1/changes lists the same
 * changes for a system that polls. The notify queue runs its day of retries in seconds (its own time scale).
 */

import { readFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiServer, startApiServer } from '../../infra/local/http-server.ts';
import { mintToken } from '../../infra/local/jwt.ts';
import { type LocalRuntime, startLocalRuntime } from '../../infra/local/runtime.ts';
import type { ChangeRecord } from '../../shared/changes/change-record.ts';
import { CHANGE_LOG } from '../../shared/changes/port.ts';
import { MAX_ATTEMPTS } from '../../shared/webhooks/retry-schedule.ts';

const TODAY = '2026-12-03';

interface Hit {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  verified: boolean;
}

let runtime: LocalRuntime;
let server: ApiServer;
let receiver: Server;
let receiverUrl: string;
const hits: Hit[] = [];
const secrets = new Map<string, string>();
/** The path answers 503 while true. */
let downIsDown = true;
const flakySeen = new Set<string>();
let tenantToken: string;
let otherTenantToken: string;
let operatorToken: string;

beforeAll(async () => {
  runtime = await startLocalRuntime({
    timeScale: 0.05,
    today: () => TODAY,
    // Every move is an event here; the endpoints' own filters are what keep noise down in this test.
    notifications: { minPoints: 0, timeScale: 0.00005 },
  });
  server = await startApiServer({ runtime, today: () => TODAY });
  tenantToken = await mintToken({ tenant: 'acme', scope: 'risk/read risk/write risk/webhooks' });
  otherTenantToken = await mintToken({ tenant: 'globex', scope: 'risk/read risk/webhooks' });
  operatorToken = await mintToken({ tenant: 'platform', scope: 'risk/admin', subject: 'ops@example.com' });
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '/';
      const body = Buffer.concat(chunks).toString('utf8');
      const secret = secrets.get(path);
      let verified = false;
      try {
        new Webhook(secret as string).verify(body, req.headers as Record<string, string>);
        verified = true;
      } catch {
        verified = false;
      }
      hits.push({ path, headers: req.headers, body, verified });
      const id = String(req.headers['webhook-id']);
      let status = 204;
      if (path === '/down' && downIsDown) status = 503;
      if (path === '/flaky' && !flakySeen.has(id)) {
        flakySeen.add(id);
        status = 503;
      }
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
}, 60_000);

afterAll(async () => {
  await server?.stop();
  await runtime?.stop();
  await new Promise<void>((resolve) => (receiver ? receiver.close(() => resolve()) : resolve()));
});

async function api(path: string, init: RequestInit & { token?: string } = {}) {
  const r = await fetch(new URL(path, server.url), {
    ...init,
    headers: {
      authorization: `Bearer ${init.token ?? tenantToken}`,
      ...(init.body && typeof init.body === 'string' ? { 'content-type': 'application/json' } : {}),
      ...(init.headers ?? {}),
    },
  });
  const text = await r.text();
  return { status: r.status, json: (text ? JSON.parse(text) : null) as Record<string, unknown> };
}

async function register(path: string, filters: Record<string, unknown>, token = tenantToken) {
  const r = await api('/v1/webhooks', {
    method: 'POST',
    token,
    body: JSON.stringify({ url: `${receiverUrl}${path}`, description: path, filters }),
  });
  expect(r.status, JSON.stringify(r.json)).toBe(201);
  secrets.set(path, r.json.secret as string);
  return r.json.webhookId as string;
}

const received = (path: string) => hits.filter((h) => h.path === path);
const changeIdsAt = (path: string) =>
  new Set(received(path).map((h) => (JSON.parse(h.body) as { data: ChangeRecord }).data.changeId));

async function allChanges(): Promise<ChangeRecord[]> {
  const out: ChangeRecord[] = [];
  let since: string | undefined;
  for (;;) {
    const q = new URLSearchParams({ limit: '500', ...(since ? { since } : {}) });
    const page = await api(`/v1/changes?${q}`);
    expect(page.status).toBe(200);
    out.push(...(page.json.items as ChangeRecord[]));
    since = page.json.cursor as string;
    if (!page.json.more) return out;
  }
}

describe('a procurement system hears of every score a policy change moves', () => {
  it('register, policy change, signed deliveries, filters, retries, dead letters, retry from the log, poll', async () => {
    const all = await register('/all', { kinds: ['moved'] });
    await register('/big', { kinds: ['moved'], minDelta: 5 });
    await register('/vanadium', { minerals: ['vanadium'] });
    await register('/flaky', { kinds: ['moved'] });
    const down = await register('/down', { kinds: ['moved'] });
    await register('/globex', {}, otherTenantToken);

    const csv = await readFile('events/suppliers/sample.csv');
    const batch = await api('/v1/batches', { method: 'POST', headers: { 'content-type': 'text/csv' }, body: csv });
    expect(batch.status).toBe(202);
    await runtime.waitForBatch('acme', batch.json.batchId as string, { timeoutMs: 60_000 });

    const {
      type: _t,
      id,
      ...revision
    } = JSON.parse(await readFile('events/policy/cn-ann46-suspension-extended.json', 'utf8')) as Record<
      string,
      unknown
    >;
    const put = await api(`/v1/admin/policy-events/${id}`, {
      method: 'PUT',
      token: operatorToken,
      body: JSON.stringify(revision),
    });
    expect(put.status, JSON.stringify(put.json)).toBe(200);
    await runtime.waitForRun((put.json.run as { runId: string }).runId, { timeoutMs: 60_000 });

    // The change log (the poll fallback) holds the 50 new suppliers and the moves, once each, once they have settled.
    await new Promise((r) => setTimeout(r, CHANGE_LOG.settleMs + 1000));
    const changes = await allChanges();
    const moved = changes.filter((c) => c.before !== null && c.after !== null);
    expect(moved.length).toBeGreaterThan(0);
    expect(changes.filter((c) => c.before === null)).toHaveLength(50);
    expect(changes).toHaveLength(50 + moved.length);
    expect(new Set(changes.map((c) => c.changeId)).size).toBe(changes.length);
    for (const c of moved) {
      expect(c.cause).toMatchObject({ kind: 'policy', fromRevision: 0, toRevision: 1, eventIds: [id] });
      expect(c.delta).toBeLessThan(0);
      expect(c.drivers.length).toBeGreaterThan(0);
    }
    const movedIds = new Set(moved.map((c) => c.changeId));
    const bigIds = new Set(
      moved.filter((c) => Math.abs(c.delta ?? 0) >= 5 || c.before?.band !== c.after?.band).map((c) => c.changeId),
    );

    // Every move reaches /all, each message verified by the Standard Webhooks verifier.
    await expect.poll(() => changeIdsAt('/all').size, { timeout: 30_000 }).toBe(movedIds.size);
    expect(changeIdsAt('/all')).toEqual(movedIds);
    await expect.poll(() => changeIdsAt('/flaky').size, { timeout: 30_000 }).toBe(movedIds.size);
    await expect.poll(() => changeIdsAt('/big').size, { timeout: 30_000 }).toBe(bigIds.size);
    expect(changeIdsAt('/big')).toEqual(bigIds);
    expect(hits.every((h) => h.verified)).toBe(true);
    const first = JSON.parse(received('/all')[0]?.body ?? '{}') as { type: string; data: ChangeRecord };
    expect(first.type).toBe('supplier.risk_changed');
    expect(first.data).toEqual(moved.find((c) => c.changeId === first.data.changeId));

    // The flaky receiver's first answer was a 503: the retry carried the same webhook-id (its idempotency key).
    const flaky = received('/flaky');
    const byId = new Map<string, number>();
    for (const h of flaky)
      byId.set(String(h.headers['webhook-id']), (byId.get(String(h.headers['webhook-id'])) ?? 0) + 1);
    expect([...byId.values()].every((n) => n === 2)).toBe(true);
    // One change, one message id, whatever the endpoint.
    const idOf = (path: string, changeId: string) =>
      received(path).find((h) => (JSON.parse(h.body) as { data: ChangeRecord }).data.changeId === changeId)?.headers[
        'webhook-id'
      ];
    const some = [...movedIds][0] as string;
    expect(idOf('/all', some)).toBe(idOf('/flaky', some));

    // Down for good: every attempt of the schedule, then dead in the log.
    const deadLog = async () =>
      (await api(`/v1/webhooks/${down}/deliveries?status=dead&limit=100`)).json.items as {
        deliveryId: string;
        attemptCount: number;
        changeId: string;
      }[];
    await expect.poll(async () => (await deadLog()).length, { timeout: 45_000, interval: 250 }).toBe(movedIds.size);
    const dead = await deadLog();
    expect(dead.every((d) => d.attemptCount === MAX_ATTEMPTS)).toBe(true);
    expect(received('/down')).toHaveLength(MAX_ATTEMPTS * movedIds.size);

    // The receiver is back: a retry from the log delivers, with the same id as every earlier attempt.
    downIsDown = false;
    const target = dead[0] as (typeof dead)[number];
    const retry = await api(`/v1/webhooks/${down}/deliveries/${target.deliveryId}/retry`, { method: 'POST' });
    expect(retry.status).toBe(202);
    await expect
      .poll(async () => (await api(`/v1/webhooks/${down}/deliveries/${target.deliveryId}`)).json.status, {
        timeout: 15_000,
      })
      .toBe('delivered');
    const downIds = new Set(
      received('/down')
        .filter((h) => (JSON.parse(h.body) as { data: ChangeRecord }).data.changeId === target.changeId)
        .map((h) => h.headers['webhook-id']),
    );
    expect(downIds.size).toBe(1);

    // Filters and tenants: nothing for a mineral no supplier holds, nothing for another tenant, no new suppliers.
    expect(received('/vanadium')).toEqual([]);
    expect(received('/globex')).toEqual([]);
    expect(hits.some((h) => (JSON.parse(h.body) as { data: ChangeRecord }).data.before === null)).toBe(false);
    expect((await api(`/v1/webhooks/${all}/deliveries?limit=100`)).json.items).toHaveLength(movedIds.size);
  }, 180_000);
});
