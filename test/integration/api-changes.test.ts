/**
 * GET /v1/changes and GET /v1/suppliers/{supplierId}/history through the real API handler (routing, scopes, query
 * validation, problems) over an in-memory change log (test/helpers/fake-change-log.ts): oldest first from a cursor,
 * the filters (band before or after, minDelta passed by new and deleted suppliers, one supplier), bounded filtered
 * pages, bad cursors and queries refused, tenants apart, risk/read enough and risk/webhooks not; a supplier's history,
 * and 404 only for one that never existed. End-to-end tests through the DynamoDB change log are the change log's.
 */
import { describe, expect, it } from 'vitest';
import type { ApiDeps } from '../../functions/api/deps.ts';
import { createApiHandler } from '../../functions/api/handler.ts';
import { lambdaContext } from '../../infra/local/lambda-context.ts';
import type { ChangeRecord } from '../../shared/changes/change-record.ts';
import * as out from '../../shared/http/changes-schemas.ts';
import type { ContextWithAuth } from '../../shared/http/middleware/auth-context.ts';
import { referenceData } from '../../shared/reference/index.ts';
import { type ApiEventOptions, apiEvent, type Claims, claimsFor, toResponse } from '../helpers/api-events.ts';
import { FakeChangeLog } from '../helpers/fake-change-log.ts';

const A = claimsFor('acme', 'risk/read');
const B = claimsFor('globex', 'risk/read');

const summary = (score: number, band: 'low' | 'medium' | 'high' | 'critical') => ({
  score,
  band,
  worst: { mineral: 'gallium', originCountry: 'CN', processingCountry: null },
});

function record(tenant: string, supplierId: string, seq: number, before: number | null, after: number | null) {
  const band = (s: number) => (s < 25 ? 'low' : s < 50 ? 'medium' : s < 75 ? 'high' : 'critical') as 'low';
  return {
    changeId: `${supplierId}@${seq}`,
    tenant,
    supplierId,
    at: new Date(Date.UTC(2026, 10, 10, 0, seq)).toISOString(),
    cause:
      before === null ? { kind: 'upload', batchId: 'b-1' } : after === null ? { kind: 'delete' } : { kind: 'date' },
    before: before === null ? null : summary(before, band(before)),
    after: after === null ? null : summary(after, band(after)),
    delta: before !== null && after !== null ? Math.round((after - before) * 10) / 10 : null,
    drivers: [],
    modelVersion: 'm1',
    dataVersion: 'd1',
  } satisfies ChangeRecord;
}

const log = new FakeChangeLog().add(
  record('acme', 'S-1', 1, null, 40), // new
  record('acme', 'S-2', 1, null, 80), // new, critical
  record('globex', 'G-1', 1, null, 90),
  record('acme', 'S-1', 2, 40, 42), // +2, medium
  record('acme', 'S-1', 3, 42, 60), // +18, medium → high
  record('acme', 'S-2', 2, 80, 79.5), // −0.5, critical
  record('acme', 'S-3', 1, null, 10),
  record('acme', 'S-3', 2, 10, null), // deleted
);

const known = new Set(['S-1', 'S-2']); // stored now (S-3 was deleted)
const deps = {
  changes: log,
  store: { getSupplier: async (t: string, id: string) => (t === 'acme' && known.has(id) ? { supplierId: id } : null) },
  policy: { current: { get: async () => referenceData() } },
  ref: referenceData(),
  operatorTenants: new Set<string>(),
  auth: { tenantClaim: 'tenant', clientTenants: {} },
  maxInlineBytes: 5 * 1024 * 1024,
  today: () => '2026-11-10',
  now: () => new Date('2026-11-10T12:00:00Z'),
  openapi: () => ({}),
} as unknown as ApiDeps;
const handler = createApiHandler(deps);

const call = async (o: ApiEventOptions) =>
  toResponse(await handler(apiEvent(o), lambdaContext('mineral-risk-api', 29) as ContextWithAuth));
const changes = (claims: Claims, query: Record<string, string> = {}) =>
  call({ method: 'GET', path: '/v1/changes', query, claims });
const ids = (items: ChangeRecord[]) => items.map((r) => r.changeId);

describe('GET /v1/changes', () => {
  it('lists the tenant’s records oldest first, each page resumable from its cursor, parsed by the documented schema', async () => {
    const first = await changes(A, { limit: '3' });
    expect(first.status).toBe(200);
    expect(out.changePage.parse(first.json)).toEqual(first.json);
    expect(ids(first.json.items)).toEqual(['S-1@1', 'S-2@1', 'S-1@2']);
    expect(first.json.more).toBe(true);
    const rest = await changes(A, { since: first.json.cursor });
    expect(ids(rest.json.items)).toEqual(['S-1@3', 'S-2@2', 'S-3@1', 'S-3@2']);
    expect(rest.json.more).toBe(false);
    // Up to date: the same cursor again is an empty page with a cursor to keep.
    const none = await changes(A, { since: rest.json.cursor });
    expect(none.json).toEqual({ items: [], cursor: rest.json.cursor, more: false });
  });

  it('filters: band before or after, |delta| at least minDelta (new and deleted pass), one supplier', async () => {
    expect(ids((await changes(A, { band: 'high' })).json.items)).toEqual(['S-1@3']);
    expect(ids((await changes(A, { band: 'critical' })).json.items)).toEqual(['S-2@1', 'S-2@2']);
    expect(ids((await changes(A, { minDelta: '2' })).json.items)).toEqual([
      'S-1@1',
      'S-2@1',
      'S-1@2',
      'S-1@3',
      'S-3@1',
      'S-3@2',
    ]);
    expect(ids((await changes(A, { minDelta: '5', supplierId: 'S-1' })).json.items)).toEqual(['S-1@1', 'S-1@3']);
    expect(ids((await changes(A, { band: 'medium', minDelta: '10' })).json.items)).toEqual(['S-1@1', 'S-1@3']);
  });

  it('never shows another tenant’s records, whatever the query says', async () => {
    const b = await changes(B, { supplierId: 'S-1' });
    expect(b.json.items).toEqual([]);
    expect(ids((await changes(B)).json.items)).toEqual(['G-1@1']);
    expect(ids((await changes(A, { tenant: 'globex' } as Record<string, string>)).json.items)).not.toContain('G-1@1');
  });

  it('refuses a cursor it did not give out and a bad query with 400 naming the parameter', async () => {
    const bad = await changes(A, { since: 'not-a-cursor' });
    expect(bad.status).toBe(400);
    expect(bad.json.errors).toEqual([{ path: 'query.since', message: 'not a cursor from this API' }]);
    const badQueries: Record<string, string>[] = [
      { minDelta: '' },
      { minDelta: '-1' },
      { minDelta: '101' },
      { band: 'huge' },
      { limit: '0' },
    ];
    for (const query of badQueries) {
      const r = await changes(A, query);
      expect(r.status, JSON.stringify(query)).toBe(400);
      expect(r.headers['content-type']).toBe('application/problem+json');
    }
  });

  it('needs risk/read: risk/webhooks or risk/write alone get 403, risk/admin passes', async () => {
    expect((await changes(claimsFor('acme', 'risk/webhooks'))).status).toBe(403);
    expect((await changes(claimsFor('acme', 'risk/write'))).status).toBe(403);
    expect((await changes(claimsFor('acme', 'risk/admin'))).status).toBe(200);
  });
});

describe('GET /v1/suppliers/{supplierId}/history', () => {
  const history = (claims: Claims, id: string, query: Record<string, string> = {}) =>
    call({ method: 'GET', path: `/v1/suppliers/${id}/history`, query, claims });

  it('answers the supplier’s records oldest first, in pages', async () => {
    const r = await history(A, 'S-1', { limit: '2' });
    expect(r.status).toBe(200);
    expect(out.supplierHistory.parse(r.json)).toEqual(r.json);
    expect(r.json.supplierId).toBe('S-1');
    expect(ids(r.json.items)).toEqual(['S-1@1', 'S-1@2']);
    const next = await history(A, 'S-1', { limit: '2', cursor: r.json.cursor });
    expect(ids(next.json.items)).toEqual(['S-1@3']);
    expect(next.json.cursor).toBeNull();
  });

  it('keeps a deleted supplier’s history; 404 only when nothing of that id was ever stored; tenants apart', async () => {
    expect(ids((await history(A, 'S-3')).json.items)).toEqual(['S-3@1', 'S-3@2']);
    expect((await history(A, 'NEVER')).status).toBe(404);
    expect((await history(B, 'S-1')).status).toBe(404);
    expect((await history(A, 'S-1', { cursor: 'zzz' })).status).toBe(400);
  });
});
