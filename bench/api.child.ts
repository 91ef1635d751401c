/**
 * The API server of one measurement of the api benchmark, in its own process:
 *
 *   node --import tsx bench/api.child.ts
 *
 * Starts the local runtime and the local HTTP API on 127.0.0.1 (a free port) trusting a signing key generated here
 * (nothing written to disk), mints a token for tenant `bench` with risk/read and risk/write, stores one supplier
 * (PUT ?sync=true), checks that the three measured routes answer 200 with what they should, and prints one JSON
 * line `{ ready: true, url, token, supplierId, scoreBody }`. It serves until a line other than `mark` arrives on stdin
 * (or stdin closes), then stops and prints `{ done: true, cpuMs, maxRssMb, functionErrors }`; on `mark` it prints
 * `{ mark: true, cpuMs }`, its CPU time so far; on `getitem SECONDS CONCURRENCY` it runs the GET route's own floor —
 * CONCURRENCY loops of a bare GetItem of the stored supplier's item through the runtime's DynamoDB client and
 * emulator for SECONDS — and prints `{ getitem: true, requests, seconds, p50, p99 }`.
 */
import { createInterface } from 'node:readline';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { startApiServer } from '../infra/local/http-server.ts';
import { generateSigningKey, mintToken } from '../infra/local/jwt.ts';
import { quietLocalTelemetry, startLocalRuntime } from '../infra/local/runtime.ts';
import { SUPPLIER_SK, supplierPk } from '../shared/store/keys.ts';

/** One supplier of five lines, written the way procurement exports write them (aliases, mixed share forms). */
export const BENCH_SUPPLIER = {
  supplierName: 'Nordmag Magnetics GmbH',
  supplierCountry: 'DE',
  annualSpendUsd: 4_850_000,
  tier: 1,
  alternativeSources: 1,
  inventoryDays: 45,
  exposures: [
    { mineral: 'dysprosium', originCountry: 'CN', processingCountry: 'CN', share: 0.6 },
    { mineral: 'Nd', originCountry: 'China', processingCountry: 'CN', share: '40%' },
    { mineral: 'gallium', originCountry: 'CN', processingCountry: null, share: 1 },
    { mineral: 'cobalt', originCountry: 'DR Congo', processingCountry: 'CN', share: 70 },
    { mineral: 'lithium', originCountry: 'AU', processingCountry: 'CN', share: 0.5 },
  ],
};

quietLocalTelemetry();
const cpu0 = process.cpuUsage();
let functionErrors = 0;
const runtime = await startLocalRuntime();
const key = await generateSigningKey('bench-key');
const api = await startApiServer({
  runtime,
  host: '127.0.0.1',
  keys: [key],
  today: () => '2025-12-01',
  onFunctionError: (error) => {
    functionErrors++;
    process.stderr.write(`api: the function failed: ${(error as Error)?.message ?? error}\n`);
  },
});
const token = await mintToken({ tenant: 'bench', scope: 'risk/read risk/write', expiresIn: '2h', key });
const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
const supplierId = 'BENCH-GET-1';
const scoreBody = JSON.stringify({
  asOf: '2025-12-01',
  buyerCountry: 'US',
  suppliers: [{ supplierId: 'BENCH-SCORE-1', ...BENCH_SUPPLIER }],
});

async function check(method: string, path: string, body: string | undefined, test: (json: unknown) => boolean) {
  const r = await fetch(`${api.url}${path}`, { method, headers: auth, ...(body ? { body } : {}) });
  const text = await r.text();
  if (r.status !== 200 || !test(JSON.parse(text)))
    throw new Error(`${method} ${path} answered ${r.status}: ${text.slice(0, 500)}`);
}

await check('PUT', `/v1/suppliers/${supplierId}?sync=true`, JSON.stringify(BENCH_SUPPLIER), () => true);
await check('GET', '/health', undefined, (j) => (j as { status?: string }).status === 'ok');
await check(
  'POST',
  '/v1/score',
  scoreBody,
  (j) => (j as { results?: unknown[] }).results?.length === 1 && (j as { rejected: unknown[] }).rejected.length === 0,
);
await check('GET', `/v1/suppliers/${supplierId}`, undefined, (j) => JSON.stringify(j).includes(supplierId));
process.stdout.write(`${JSON.stringify({ ready: true, url: api.url, token, supplierId, scoreBody })}\n`);

const cpuMs = () => {
  const c = process.cpuUsage(cpu0);
  return (c.user + c.system) / 1000;
};
/** The GET route's floor: the one read it makes, with nothing around it (no HTTP, no token, no decoding). */
async function getItemLoop(seconds: number, concurrency: number) {
  const latencies: number[] = [];
  const until = performance.now() + seconds * 1000;
  const t0 = performance.now();
  const command = () =>
    new GetItemCommand({
      TableName: runtime.dynamo.tableName,
      Key: { pk: { S: supplierPk('bench', supplierId) }, sk: { S: SUPPLIER_SK } },
    });
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        const s = performance.now();
        const r = await runtime.dynamo.client.send(command());
        if (!r.Item) throw new Error('the stored supplier is missing');
        latencies.push(performance.now() - s);
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0);
  return { requests: latencies.length, seconds: (performance.now() - t0) / 1000, p50: at(0.5), p99: at(0.99) };
}

// `mark`: print the process's CPU time so far (the parent brackets its measured window); `getitem S C`: the floor;
// anything else: stop.
for await (const line of createInterface({ input: process.stdin })) {
  const [word, seconds, concurrency] = line.trim().split(/\s+/);
  if (word === 'getitem') {
    const r = await getItemLoop(Number(seconds), Number(concurrency));
    process.stdout.write(`${JSON.stringify({ getitem: true, ...r })}\n`);
    continue;
  }
  if (word !== 'mark') break;
  process.stdout.write(`${JSON.stringify({ mark: true, cpuMs: cpuMs() })}\n`);
}
await api.stop();
await runtime.stop();
process.stdout.write(
  `${JSON.stringify({ done: true, cpuMs: cpuMs(), maxRssMb: process.resourceUsage().maxRSS / 1024, functionErrors })}\n`,
);
