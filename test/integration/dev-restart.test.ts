/**
 * `npm run dev -- --data-dir DIR` killed with SIGKILL mid-batch, then started again on the same directory: the batch
 * completes with every row counted and every supplier stored exactly once. The dev runtime runs as a real child
 * process (node + tsx, as `npm run dev` does, without npm's wrapper so the signal reaches it), driven over HTTP.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { queueJournalPath } from '../../infra/local/durable-queue.ts';
import { mintToken } from '../../infra/local/jwt.ts';
import { QueueJournal } from '../../infra/local/queue/journal.ts';
import { supplierRow, toCsv } from '../helpers/supplier-csv.ts';
import { tempDir } from '../helpers/temp.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const TENANT = 'restart';
const dir = tempDir('mineral-risk-restart-');
afterAll(() => dir.remove());

interface Dev {
  process: ChildProcess;
  base: string;
  /** Everything it printed before it was ready. */
  banner: string;
  exited: Promise<number | null>;
}

const running: Dev[] = [];
afterEach(async () => {
  for (const dev of running.splice(0)) {
    dev.process.kill('SIGKILL');
    await dev.exited;
  }
});

async function startDev(dataDir: string): Promise<Dev> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'infra/local/dev.ts', '--port', '0', '--data-dir', dataDir],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let out = '';
  let err = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  const base = await new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /mineral-risk API on (http:\/\/localhost:\d+)/.exec(out);
      if (m && out.includes('Ctrl-C')) resolve(m[1] as string);
    });
    void exited.then((code) => reject(new Error(`dev exited (${code}) before it was ready: ${err}`)));
  });
  const dev = { process: child, base, banner: out, exited };
  running.push(dev);
  return dev;
}

async function kill(dev: Dev, signal: NodeJS.Signals): Promise<number | null> {
  dev.process.kill(signal);
  const code = await dev.exited;
  running.splice(running.indexOf(dev), 1);
  return code;
}

const token = await mintToken({ tenant: TENANT, scope: 'risk/read risk/write', expiresIn: '1h' });
const headers = { authorization: `Bearer ${token}` };

async function api<T>(dev: Dev, path: string, init: RequestInit = {}): Promise<T> {
  const response = await fetch(`${dev.base}${path}`, { ...init, headers: { ...headers, ...init.headers } });
  const body = (await response.json()) as T;
  if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${path}: ${response.status} ${JSON.stringify(body)}`);
  return body;
}

interface BatchView {
  batchId: string;
  status: string;
  counts: {
    rows: number | null;
    rejected: number | null;
    suppliers: number | null;
    suppliersScored: number;
    rowsScored: number;
    rowsSuperseded: number;
    rowsDeadLettered: number;
    rowsNotQueued: number;
    rowsPending: number | null;
  };
  completedAt: string | null;
}

async function waitForBatch(dev: Dev, batchId: string, done: (b: BatchView) => boolean, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const batch = await api<BatchView>(dev, `/v1/batches/${batchId}`);
    if (done(batch)) return batch;
    if (Date.now() > deadline) throw new Error(`batch ${batchId} not there in time: ${JSON.stringify(batch)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function storedSupplierIds(dev: Dev): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
    const page = await api<{ items: { supplier: { supplierId: string } }[]; cursor: string | null }>(
      dev,
      `/v1/suppliers?limit=500${query}`,
    );
    ids.push(...page.items.map((item) => item.supplier.supplierId));
    cursor = page.cursor;
  } while (cursor);
  return ids;
}

const MINERALS = ['cobalt', 'gallium', 'graphite', 'dysprosium', 'germanium', 'antimony', 'copper', 'chromium'];

/**
 * `n` suppliers of eight rows each (one per mineral, shares undeclared) and `bad` rows rejected for an unknown
 * mineral. Eight rows make a supplier about 1.3 KiB of message: some 18 a chunk, so a few hundred suppliers fill
 * more than two receive batches of ten chunks, and the last chunks wait out the ESM's 2 s batching window.
 */
function supplierList(prefix: string, n: number, bad: number) {
  const rows = [];
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const supplier_id = `${prefix}-${String(i).padStart(5, '0')}`;
    ids.push(supplier_id);
    for (const mineral of MINERALS)
      rows.push(supplierRow({ supplier_id, supplier_name: `Supplier ${i}`, mineral, origin_country: 'CN' }));
  }
  for (let i = 0; i < bad; i++) rows.push(supplierRow({ supplier_id: `${prefix}-BAD-${i}`, mineral: 'unobtainium' }));
  return { csv: toCsv(rows), ids, rows: rows.length };
}

async function upload(dev: Dev, csv: string): Promise<string> {
  const created = await api<BatchView>(dev, '/v1/batches', {
    method: 'POST',
    headers: { 'content-type': 'text/csv' },
    body: csv,
  });
  return created.batchId;
}

function expectRowsAddUp(batch: BatchView, rows: number, bad: number) {
  const c = batch.counts;
  expect(batch.status).toBe('completed'); // rejected rows are reported, not errors of the batch
  expect(c.rows).toBe(rows);
  expect(c.rejected).toBe(bad);
  expect(c.rowsNotQueued).toBe(0);
  expect(c.rowsPending).toBe(0);
  expect(c.rowsScored + c.rowsSuperseded + (c.rejected ?? 0) + c.rowsDeadLettered).toBe(rows);
}

describe('dev runtime killed with SIGKILL, restarted on the same --data-dir', () => {
  it('batches killed mid-scoring and right after their upload complete after the restart: every row counted, every supplier stored once', async () => {
    const dataDir = join(dir.path, 'data');
    const scoring = supplierList('KILL', 450, 3);
    const uploaded = supplierList('UPL', 100, 2);
    const first = await startDev(dataDir);
    expect(first.banner).toContain('nothing was left to resume');
    // The banner shows how to hear of score changes: its webhook registration works as printed, with its token.
    const printedToken = /export TOKEN=(\S+)/.exec(first.banner)?.[1];
    const registration = /-d '(\{"url":"http:\/\/127\.0\.0\.1:8080\/hooks".*\})'/.exec(first.banner)?.[1];
    const registered = await fetch(`${first.base}/v1/webhooks`, {
      method: 'POST',
      headers: { authorization: `Bearer ${printedToken}`, 'content-type': 'application/json' },
      body: registration ?? '',
    });
    expect(registered.status).toBe(201);
    expect(((await registered.json()) as { secret: string }).secret).toMatch(/^whsec_/);
    expect(first.banner).toContain('npm run receiver -- --port 8080 --secret whsec_');
    const scoringId = await upload(first, scoring.csv);
    const atKill = await waitForBatch(first, scoringId, (b) => b.counts.suppliersScored > 0, 30_000);
    // Its object is stored (202); its ObjectCreated event is being handled, or not yet: kill now.
    const uploadedId = await upload(first, uploaded.csv);
    expect(await kill(first, 'SIGKILL')).toBeNull();
    expect(atKill.completedAt).toBeNull(); // killed mid-batch, not after it
    expect(atKill.counts.suppliersScored).toBeLessThan(scoring.ids.length);

    const second = await startDev(dataDir);
    expect(second.banner).toMatch(/resumed [1-9]\d* queued message\(s\) and [01] upload\(s\)/);
    for (const [batchId, list, bad] of [
      [scoringId, scoring, 3],
      [uploadedId, uploaded, 2],
    ] as const) {
      const done = await waitForBatch(second, batchId, (b) => b.completedAt !== null, 20_000);
      expectRowsAddUp(done, list.rows, bad);
      expect(done.counts.rowsDeadLettered).toBe(0);
      expect(done.counts.suppliersScored).toBe(list.ids.length);
    }
    const stored = await storedSupplierIds(second);
    expect(stored).toHaveLength(scoring.ids.length + uploaded.ids.length); // none duplicated…
    expect(new Set(stored)).toEqual(new Set([...scoring.ids, ...uploaded.ids])); // …none lost

    // A clean stop leaves nothing queued: what was processed is deleted for good.
    expect(await kill(second, 'SIGINT')).toBe(0);
    const journal = await QueueJournal.open(queueJournalPath(dataDir, 'mineral-risk-score'), {
      queue: 'mineral-risk-score',
    });
    expect(journal.recovered.messages).toEqual([]);
    await journal.close();
  });
});
