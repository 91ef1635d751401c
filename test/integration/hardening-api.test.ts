/**
 * The API's edge, through the real handler over the local runtime, for inputs that used to pass and fail later (or
 * never): text SQS refuses, ids that look like other ids, non-UTF-8 bodies, JSON rows that are not objects, loose
 * query values, a DELETE racing a queued PUT, an upload that never comes, and counts that must add up.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nextPolicyChange } from '../../shared/model/policy.ts';
import { cachedScorer } from '../../shared/model/scorer-cache.ts';
import { referenceData } from '../../shared/reference/index.ts';
import { type ApiFixture, claimsFor, startApi, supplierBody } from '../helpers/api-events.ts';
import { supplierInput } from '../helpers/pipeline.ts';

const ACME = claimsFor('acme', 'risk/read risk/write');
let api: ApiFixture;
beforeAll(async () => {
  api = await startApi();
});
afterAll(async () => {
  await api?.stop();
});

const call = (o: Parameters<ApiFixture['call']>[0]) => api.call({ claims: ACME, ...o });
const pathsOf = (r: { json: { errors?: { path: string }[] } }) => (r.json.errors ?? []).map((e) => e.path);

/** One code point of every kind the text rules refuse (and SQS refuses some of), as a class. */
const REFUSED_IN_NAMES = [
  '\u0000',
  '\u0001',
  '\u001f',
  '\u007f',
  '\u0085',
  '\ufdd0',
  '\ufffe',
  '\uffff',
  '\u{1fffe}',
  '\u{10ffff}',
  '\ud800',
  '\udfff',
  '\ufffd',
];

describe('text SQS refuses, and text no supplier has', () => {
  it('a supplier name holding any of them: 400 naming supplierName, queued or inline; nothing stored', async () => {
    for (const c of REFUSED_IN_NAMES)
      for (const query of [undefined, { sync: 'true' }]) {
        const r = await call({
          method: 'PUT',
          path: '/v1/suppliers/TXT-1',
          ...(query ? { query } : {}),
          body: supplierBody({ supplierName: `Nord${c}mag` }),
        });
        expect(r.status, `U+${c.codePointAt(0)?.toString(16)}`).toBe(400);
        expect(pathsOf(r)).toEqual(['supplierName']);
      }
    expect((await call({ method: 'GET', path: '/v1/suppliers/TXT-1' })).status).toBe(404);
  });

  it('a supplier id with white space at an end, a bidi control or a control character: 400 naming the path', async () => {
    for (const id of [' S-1', 'S-1 ', 'S\u202e1', 'S\u2066-1', 'S\u00001', 'S\u00851', 'S\uffff'])
      expect(
        pathsOf(await call({ method: 'PUT', path: `/v1/suppliers/${encodeURIComponent(id)}`, body: supplierBody() })),
        JSON.stringify(id),
      ).toEqual(['path.supplierId']);
  });

  it('a supplier stored with U+FFFF before the edge refused it is rescored, and so is every other tenant', async () => {
    const ref = referenceData();
    const ctx = { asOf: '2026-11-01', buyerCountry: 'US', endUse: 'civil' as const };
    for (const [tenant, name] of [
      ['legacy', 'Old \uffff Name \ufffe'],
      ['other', 'Plain'],
    ] as const) {
      const input = { ...supplierInput(`${tenant}-1`, [['holmium', 'CN', 'CN']]), supplierName: name };
      await api.runtime.store.putScored(tenant, 'upsert', [
        {
          inputVersion: 1,
          input,
          result: cachedScorer(ref, ctx).score(input),
          nextChangeDate: nextPolicyChange(ref, ['holmium'], ctx),
          batchId: null,
        },
      ]);
    }
    const due = (await api.runtime.store.getSupplier('legacy', 'legacy-1'))?.nextChangeDate as string;
    const r = await api.runtime.rescore(due);
    const run = await api.runtime.waitForRun(r.scheduledRun, { timeoutMs: 20_000 });
    expect(run.counts.failed).toBe(0);
    expect(run.counts.rescored).toBeGreaterThanOrEqual(2);
    for (const tenant of ['legacy', 'other'])
      expect((await api.runtime.store.getSupplier(tenant, `${tenant}-1`))?.summary.asOf).toBe(due);
    expect((await api.runtime.store.getSupplier('legacy', 'legacy-1'))?.input.supplierName).toBe(
      'Old \uffff Name \ufffe',
    );
  }, 60_000);
});

describe('DELETE and a queued PUT', () => {
  it('a supplier PUT (queued) and deleted before it was scored does not appear afterwards', async () => {
    const { queue, handlers } = api.runtime;
    await queue.stop();
    try {
      for (const id of ['NEW-1', 'NEW-2']) {
        expect((await call({ method: 'PUT', path: `/v1/suppliers/${id}`, body: supplierBody() })).status).toBe(202);
        const del = await call({ method: 'DELETE', path: `/v1/suppliers/${id}` });
        expect(del.status).toBe(404);
        expect(del.json.detail).toMatch(/queued before now will not be applied/);
      }
    } finally {
      queue.attach(handlers.score);
    }
    await queue.drain({ timeoutMs: 20_000 });
    for (const id of ['NEW-1', 'NEW-2'])
      expect((await call({ method: 'GET', path: `/v1/suppliers/${id}` })).status).toBe(404);
    // A PUT after the DELETE is newer: it stands.
    expect(
      (await call({ method: 'PUT', path: '/v1/suppliers/NEW-1', query: { sync: 'true' }, body: supplierBody() }))
        .status,
    ).toBe(200);
  }, 60_000);
});

describe('bodies and query values', () => {
  const latin1Csv = Buffer.from(
    'supplier_id,supplier_name,mineral,origin_country\nL-1,Société Minière,Dy,CN\n',
    'latin1',
  );

  it('a Latin-1 CSV without a charset is refused (400), never stored with replacement characters', async () => {
    const r = await call({
      method: 'POST',
      path: '/v1/batches',
      body: latin1Csv.toString('base64'),
      isBase64Encoded: true,
      contentType: 'text/csv',
    });
    expect(r.status).toBe(400);
    expect(r.json.detail).toMatch(/not valid UTF-8.*charset/);
  });

  it('the same CSV declaring charset=iso-8859-1 (or windows-1252) is decoded: the name is stored as sent', async () => {
    for (const charset of ['iso-8859-1', 'windows-1252']) {
      const r = await call({
        method: 'POST',
        path: '/v1/batches',
        body: latin1Csv.toString('base64'),
        isBase64Encoded: true,
        contentType: `text/csv; charset=${charset}`,
      });
      expect(r.status).toBe(202);
      await api.runtime.waitForBatch('acme', r.json.batchId, { timeoutMs: 20_000 });
      expect((await api.runtime.store.getSupplier('acme', 'L-1'))?.input.supplierName).toBe('Société Minière');
    }
    expect(
      (await call({ method: 'POST', path: '/v1/batches', body: 'a', contentType: 'text/csv; charset=koi8-r' })).status,
    ).toBe(415);
  }, 60_000);

  it('a body already decoded with replacement characters: the row is rejected naming supplier_name', async () => {
    const r = await call({
      method: 'POST',
      path: '/v1/batches',
      body: 'supplier_id,supplier_name,mineral,origin_country\nR-1,Soci\ufffdt\ufffd,Dy,CN\nR-2,Fine,Dy,CN\n',
      contentType: 'text/csv',
    });
    const b = await api.runtime.waitForBatch('acme', r.json.batchId, { timeoutMs: 20_000 });
    expect(b).toMatchObject({ rows: 2, rejected: 1, rowsStored: 1 });
    const errors = await call({ method: 'GET', path: `/v1/batches/${r.json.batchId}/errors` });
    expect(errors.json.items.map((e: { field: string }) => e.field)).toEqual(['supplier_name']);
  }, 30_000);

  it('a JSON batch array with elements that are not objects: 400 at once, naming them', async () => {
    for (const [body, paths] of [
      [[true], ['[0]']],
      [
        [{ supplier_id: 'J-1', mineral: 'Dy', origin_country: 'CN' }, 5, null, []],
        ['[1]', '[2]', '[3]'],
      ],
    ] as const) {
      const r = await call({ method: 'POST', path: '/v1/batches', body });
      expect(r.status).toBe(400);
      expect(pathsOf(r)).toEqual(paths);
    }
  });

  it('?sync= takes only true or false', async () => {
    for (const sync of ['1', 'yes', 'TRUE', '', 'true,true'])
      expect(
        pathsOf(await call({ method: 'PUT', path: '/v1/suppliers/SY-1', query: { sync }, body: supplierBody() })),
        sync,
      ).toEqual(['query.sync']);
    expect(
      (await call({ method: 'PUT', path: '/v1/suppliers/SY-1', query: { sync: 'false' }, body: supplierBody() }))
        .status,
    ).toBe(202);
  });
});

describe('batches', () => {
  it('the counts a client sees add up, while scoring and once completed', async () => {
    const body = `supplier_id,mineral,origin_country\n${Array.from({ length: 400 }, (_, i) => `B-${i},${i % 10 === 0 ? 'nope' : 'cobalt'},CN`).join('\n')}\n`;
    const r = await call({ method: 'POST', path: '/v1/batches', body, contentType: 'text/csv' });
    await api.runtime.waitForBatch('acme', r.json.batchId, { timeoutMs: 20_000 });
    const { counts, status } = (await call({ method: 'GET', path: `/v1/batches/${r.json.batchId}` })).json;
    expect(status).toBe('completed');
    expect(counts.rowsPending).toBe(0);
    expect(counts.rows).toBe(
      counts.rowsScored +
        counts.rowsSuperseded +
        counts.rejected +
        counts.rowsDeadLettered +
        counts.rowsNotQueued +
        counts.rowsPending,
    );
    expect(counts).toMatchObject({ rows: 400, rejected: 40, rowsScored: 360 });
  }, 30_000);

  it('a presigned batch whose upload never comes is failed after 90 minutes, saying so, not ingesting forever', async () => {
    const r = await call({ method: 'POST', path: '/v1/batches', body: { upload: 'presigned' } });
    expect(r.status).toBe(202);
    expect((await call({ method: 'GET', path: `/v1/batches/${r.json.batchId}` })).json.status).toBe('ingesting');
    api.setNow(Date.now() + 91 * 60_000);
    try {
      const late = (await call({ method: 'GET', path: `/v1/batches/${r.json.batchId}` })).json;
      expect(late.status).toBe('failed');
      expect(late.failure).toMatch(/no upload was read within 90 minutes/);
    } finally {
      api.setNow(null);
    }
    expect((await call({ method: 'GET', path: `/v1/batches/${r.json.batchId}` })).json.status).toBe('failed');
  });
});
