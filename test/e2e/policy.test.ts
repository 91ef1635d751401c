/**
 * The operator's path end to end, as docs/policy.md's runbook runs it: the local API server (the real handler over
 * HTTP, tokens verified), the operator CLI in its own process, and the rescore worker behind the in-process queue.
 * "China extends its suspension of Ann. 46 clause 2 to 2027-11-27": dry run, apply, and the lowered scores of exactly
 * the affected suppliers a few seconds later, with no restart; the audit trail says who and why.
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiServer, startApiServer } from '../../infra/local/http-server.ts';
import { mintToken } from '../../infra/local/jwt.ts';
import { type LocalRuntime, startLocalRuntime } from '../../infra/local/runtime.ts';

const TODAY = '2026-12-03';
let runtime: LocalRuntime;
let server: ApiServer;
let tenantToken: string;
let operatorToken: string;

beforeAll(async () => {
  runtime = await startLocalRuntime({ timeScale: 0.05, today: () => TODAY });
  server = await startApiServer({ runtime, today: () => TODAY });
  tenantToken = await mintToken({ tenant: 'acme', scope: 'risk/read risk/write' });
  operatorToken = await mintToken({ tenant: 'platform', scope: 'risk/admin', subject: 'ops@example.com' });
});
afterAll(async () => {
  await server.stop();
  await runtime.stop();
});

function cli(args: string[], token = operatorToken): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bin/policy.ts', '--url', server.url, ...args], {
      env: { ...process.env, MINERAL_RISK_TOKEN: token },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function api(path: string, init: RequestInit = {}) {
  const r = await fetch(new URL(path, server.url), {
    ...init,
    headers: { authorization: `Bearer ${tenantToken}`, ...(init.headers ?? {}) },
  });
  return { status: r.status, json: (await r.json()) as Record<string, unknown> };
}

type SupplierView = { score: { score: number; band: string; dataVersion: string } };
const scores = async () => {
  const out = new Map<string, SupplierView['score']>();
  let cursor: string | null = null;
  do {
    const page = await api(`/v1/suppliers?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    for (const item of page.json.items as (SupplierView & { supplier: { supplierId: string } })[])
      out.set(item.supplier.supplierId, item.score);
    cursor = page.json.cursor as string | null;
  } while (cursor);
  return out;
};

describe('an operator records a policy change on the running service', () => {
  it('dry run, apply, exactly the affected scores lowered, audit trail; a tenant token cannot', async () => {
    const csv = await readFile('events/suppliers/sample.csv');
    const batch = await api('/v1/batches', { method: 'POST', headers: { 'content-type': 'text/csv' }, body: csv });
    expect(batch.status).toBe(202);
    await runtime.waitForBatch('acme', batch.json.batchId as string, { timeoutMs: 60_000 });
    const before = await scores();
    expect(before.size).toBe(50);

    const listed = await cli(['list', '--as-of', TODAY]);
    expect(listed.stdout).toMatch(/CN-2024-46-C2-SUSP .* expired/);
    expect(listed.stdout).toMatch(/CN-2024-46-C2 .* active/);

    const file = 'events/policy/cn-ann46-suspension-extended.json';
    const dry = await cli(['put', file, '--dry-run']);
    expect(dry.code, dry.stderr).toBe(0);
    const wouldChange = Number(/would change (\d+)/.exec(dry.stdout)?.[1]);
    expect(wouldChange).toBeGreaterThan(0);
    expect(await scores()).toEqual(before);

    const refused = await cli(['put', file], tenantToken);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/403/);

    const applied = await cli(['put', file, '--wait']);
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toMatch(/amended CN-2024-46-C2-SUSP: revision 1, etag "r1", data ref-[0-9a-f]{12}\.p1/);
    expect(applied.stdout).toMatch(new RegExp(`changed ${wouldChange},`));

    const after = await scores();
    const moved = [...after].filter(([id, s]) => s.score !== before.get(id)?.score);
    expect(moved).toHaveLength(wouldChange);
    for (const [id, s] of moved) {
      expect(s.score, id).toBeLessThan(before.get(id)?.score ?? 0);
      expect(s.dataVersion).toMatch(/\.p1$/);
    }
    for (const [id, s] of after) if (!moved.some(([m]) => m === id)) expect(s).toEqual(before.get(id));

    const shown = JSON.parse((await cli(['show', 'CN-2024-46-C2-SUSP'])).stdout) as {
      etag: string;
      revisions: { actor: string; reason: string; source: { url: string } }[];
    };
    expect(shown.etag).toBe('"r1"');
    expect(shown.revisions).toMatchObject([
      {
        actor: 'ops@example.com',
        reason: 'China extends its suspension of Ann. 46 clause 2 to 2027-11-27',
        source: { url: 'https://www.mofcom.gov.cn/' },
      },
    ]);
    const stale = await cli(['put', file, '--if-match', '"r0"']);
    expect(stale.stderr).toMatch(/412/);
    expect((await cli(['list', '--as-of', TODAY])).stdout).toMatch(/CN-2024-46-C2 .* suspended by CN-2024-46-C2-SUSP/);
  }, 120_000);
});
