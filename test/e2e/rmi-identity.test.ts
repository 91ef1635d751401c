/**
 * Issue 13's "done when" for RMI workbooks: a folder of filled CMRT, EMRT and AMRT workbooks of several versions and
 * two Declaration languages scores the same through every way in — the CLI on the folder, the HTTP API with each
 * workbook inline (over the local HTTP server, which hands the body to the function base64-encoded as API Gateway
 * does) and through a presigned PUT, and the S3 upload pipeline — each workbook its own batch. The stored scores are
 * the CLI's, supplier by supplier, and each batch's rejections are the CLI's for that file, at the same cells.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiServer, startApiServer } from '../../infra/local/http-server.ts';
import { mintToken } from '../../infra/local/jwt.ts';
import { type LocalRuntime, startLocalRuntime } from '../../infra/local/runtime.ts';
import type { ScoredSupplier } from '../../shared/model/types.ts';
import type { Rejection } from '../../shared/supplier-list/row.ts';
import { WORKBOOK_MEDIA_TYPE } from '../../shared/supplier-list/workbook/read-workbook.ts';
import { type CliJson, cliScore, storedOfBatch } from '../helpers/pipeline.ts';
import { identityWorkbooks, type NamedWorkbook, writeWorkbooks } from '../helpers/rmi-workbooks.ts';
import { storedResult } from '../helpers/stored.ts';
import { tempDir } from '../helpers/temp.ts';

const AS_OF = '2026-11-28';
const BUYER = 'DE';
const PATHS = ['inline', 'presigned', 'pipeline'] as const;
type Path = (typeof PATHS)[number];

let runtime: LocalRuntime;
let server: ApiServer;
let workbooks: NamedWorkbook[];
let files: string[];
let cli: CliJson;
const tokens = {} as Record<Path, string>;
/** Each path's batch of each workbook, by file name. */
const batches = {} as Record<Path, Map<string, string>>;
const tmp = tempDir('mineral-risk-rmi-');

const byId = <T extends { supplierId: string }>(list: readonly T[]) =>
  [...list].sort((a, b) => a.supplierId.localeCompare(b.supplierId));

/** An answer as the test reads it: its status and its JSON body. */
// biome-ignore lint/suspicious/noExplicitAny: the test reads answers by shape
type Answer = { status: number; json: any };

async function api(
  path: Path,
  method: string,
  url: string,
  init: { body?: Buffer | string; type?: string } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { authorization: `Bearer ${tokens[path]}` };
  if (init.type) headers['content-type'] = init.type;
  const r = await fetch(`${server.url}${url}`, { method, headers, ...(init.body ? { body: init.body } : {}) });
  return { status: r.status, json: await r.json() };
}

/** Each workbook POSTed as its bytes with the spreadsheet media type. */
async function uploadInline(w: NamedWorkbook): Promise<string> {
  const r = await api('inline', 'POST', `/v1/batches?asOf=${AS_OF}&buyerCountry=${BUYER}`, {
    body: Buffer.from(w.bytes),
    type: WORKBOOK_MEDIA_TYPE,
  });
  expect(r.status, JSON.stringify(r.json)).toBe(202);
  return r.json.batchId;
}

/** A presigned upload asked for, then the workbook PUT to its URL with the headers it was signed for. */
async function uploadPresigned(w: NamedWorkbook): Promise<string> {
  const r = await api('presigned', 'POST', '/v1/batches', {
    body: JSON.stringify({ upload: 'presigned', format: 'xlsx', asOf: AS_OF, buyerCountry: BUYER }),
    type: 'application/json',
  });
  expect(r.status, JSON.stringify(r.json)).toBe(202);
  const put = await fetch(r.json.upload.url, {
    method: 'PUT',
    headers: r.json.upload.headers,
    body: Buffer.from(w.bytes),
  });
  expect(put.status).toBe(200);
  return r.json.batchId;
}

beforeAll(async () => {
  workbooks = await identityWorkbooks();
  files = writeWorkbooks(tmp.path, workbooks);
  runtime = await startLocalRuntime({ timeScale: 0.0005, today: () => AS_OF });
  server = await startApiServer({ runtime, today: () => AS_OF });
  for (const path of PATHS)
    tokens[path] = await mintToken({ tenant: path, scope: 'risk/read risk/write', expiresIn: '10m' });
  cli = await cliScore(tmp.path, { asOf: AS_OF, buyerCountry: BUYER });

  for (const path of PATHS) batches[path] = new Map();
  for (const [i, w] of workbooks.entries()) {
    batches.inline.set(w.name, await uploadInline(w));
    batches.presigned.set(w.name, await uploadPresigned(w));
    const batchId = `p-${i}`;
    await runtime.upload(files.find((f) => f.endsWith(w.name)) as string, {
      tenant: 'pipeline',
      batchId,
      asOf: AS_OF,
      buyerCountry: BUYER,
    });
    batches.pipeline.set(w.name, batchId);
  }
  for (const path of PATHS)
    for (const batchId of batches[path].values()) {
      const b = await runtime.waitForBatch(path, batchId, { timeoutMs: 30_000 });
      expect(b.status, `${path} ${batchId}: ${b.failure}`).toBe('completed');
    }
}, 180_000);

afterAll(async () => {
  await server?.stop();
  await runtime?.stop();
  tmp.remove();
});

describe('a folder of RMI workbooks, every way in', () => {
  it('is several templates, versions and languages, and the CLI reads every one', () => {
    const names = workbooks.map((w) => w.name).join(' ');
    for (const t of ['cmrt', 'emrt', 'amrt']) expect(names).toContain(t);
    expect(new Set(workbooks.map((w) => /-(\d\.\d+)-/.exec(w.name)?.[1])).size).toBeGreaterThanOrEqual(4);
    expect(names).toMatch(/-en\.xlsx/);
    expect(names).toMatch(/-zh\.xlsx/);
    expect(cli.results).toHaveLength(workbooks.length);
    expect(cli.summary.rejected).toBeGreaterThan(0);
  });

  for (const path of PATHS)
    it(`${path}: one batch per workbook, whose stored supplier scores exactly as the CLI's`, async () => {
      const stored: ScoredSupplier[] = [];
      for (const batchId of batches[path].values()) {
        const of = await storedOfBatch(runtime, path, batchId);
        expect(of).toHaveLength(1);
        stored.push(...of.map((s) => storedResult(s)));
        for (const s of of) {
          const mine = cli.results.find((r) => r.supplierId === s.supplierId);
          expect({ score: s.summary.score, band: s.summary.band }).toEqual({ score: mine?.score, band: mine?.band });
        }
      }
      expect(byId(stored)).toEqual(byId(cli.results));
    });

  for (const path of PATHS)
    it(`${path}: each batch's rejections are the CLI's for that file, at the same sheet and cell`, async () => {
      for (const [name, batchId] of batches[path]) {
        const listed: Rejection[] = [];
        let cursor: string | null = null;
        do {
          const r = await api(path, 'GET', `/v1/batches/${batchId}/errors?limit=1${cursor ? `&cursor=${cursor}` : ''}`);
          expect(r.status).toBe(200);
          listed.push(...r.json.items);
          cursor = r.json.cursor;
        } while (cursor);
        const fromCli = cli.rejected
          .filter((r) => (r as Rejection & { file?: string }).file === name)
          .map(({ file: _, ...r }: Rejection & { file?: string }) => r);
        expect(listed, name).toEqual(fromCli);
      }
    });

  it('the API answers each supplier with the CLI’s score and band', async () => {
    for (const mine of cli.results) {
      const r = await api('inline', 'GET', `/v1/suppliers/${encodeURIComponent(mine.supplierId)}`);
      expect(r.status).toBe(200);
      expect({ score: r.json.score.score, band: r.json.score.band, asOf: r.json.score.asOf }).toEqual({
        score: mine.score,
        band: mine.band,
        asOf: AS_OF,
      });
    }
  });
});
