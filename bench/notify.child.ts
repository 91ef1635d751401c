/**
 * One measured run of the notify benchmark, in its own process:
 *
 *   node --import tsx bench/notify.child.ts CHANGES GROUP FLOOR_CONCURRENCY TIMEOUT_MS
 *
 * Starts dynalite with a DynamoDbWebhookStore holding one endpoint of tenant `bench` (filters {}), pointed at a
 * receiver on 127.0.0.1 that verifies every signature (shared/webhooks/signature.ts), records the distinct
 * webhook-ids and answers 204. Then the notifier side: the local notifications (infra/local/notifications.ts: the
 * in-process bus, the notify queue with NOTIFY_QUEUE_SETTINGS at time scale 1, the real notifier handler delivering
 * in `local` mode) and CHANGES distinct change records published in groups of GROUP, as writers publish per chunk.
 * The clock runs from the first publish to the receiver having seen every webhook-id (or TIMEOUT_MS). Then the
 * floor: a fresh receiver fed the same bodies and ids directly with deliver(), FLOOR_CONCURRENCY at once. Last, a
 * calibration: CHANGES GetItems of the endpoint at that concurrency (what one store request costs on this machine,
 * beside what one direct delivery costs). Prints one JSON line.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { startLocalDynamo } from '../infra/local/dynamo.ts';
import { startLocalNotifications } from '../infra/local/notifications.ts';
import { quietLocalTelemetry } from '../infra/local/runtime.ts';
import type { ChangeRecord } from '../shared/changes/change-record.ts';
import { forEachLimited } from '../shared/notify/fan-out.ts';
import { DynamoDbWebhookStore } from '../shared/store/webhooks.ts';
import { deliver } from '../shared/webhooks/deliver.ts';
import { changePayload, messageIdFor, newWebhookId } from '../shared/webhooks/payload.ts';
import type { Webhook } from '../shared/webhooks/port.ts';
import { generateSecret, verify } from '../shared/webhooks/signature.ts';

const TENANT = 'bench';
const TABLE = 'mineral-risk-bench-notify';

/** A receiver as a procurement system would run one: read the body, verify it, remember the id, answer 204. */
async function startReceiver(secret: string) {
  const counts = { received: 0, unsigned: 0, lastAt: 0 };
  const ids = new Set<string>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      counts.received++;
      try {
        const { id } = verify(Buffer.concat(chunks), req.headers, secret);
        if (!ids.has(id)) {
          ids.add(id);
          counts.lastAt = performance.now();
        }
      } catch {
        counts.unsigned++;
      }
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    counts,
    ids,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** DynamoDB requests by command, as the SDK sends them (the notifier's store traffic). */
function countRequests(client: DynamoDBClient) {
  const byCommand: Record<string, number> = {};
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const name = ((context as { commandName?: string }).commandName ?? 'unknown').replace(/Command$/, '');
      byCommand[name] = (byCommand[name] ?? 0) + 1;
      return next(args);
    },
    { step: 'initialize', name: 'benchNotifyRequests' },
  );
  return byCommand;
}

/** The i-th change (from 1): a moved score of a policy revision, as the store writes it. */
function changeOf(i: number, at: string): ChangeRecord {
  const supplierId = `S-${String(i).padStart(5, '0')}`;
  const worst = { mineral: 'gallium', originCountry: 'CN', processingCountry: 'CN' };
  return {
    changeId: `${supplierId}@1`,
    tenant: TENANT,
    supplierId,
    at,
    cause: { kind: 'policy', fromRevision: 1, toRevision: 2, eventIds: ['CN-2024-46-C2-SUSP'] },
    before: { score: 48, band: 'medium', worst },
    after: { score: 61, band: 'high', worst },
    delta: 13,
    drivers: [
      {
        text: 'gallium from China: export ban on US buyers',
        sources: ['MOFCOM Announcement 46 (2024)'],
        mineral: 'gallium',
        country: 'CN',
        before: 20,
        after: 33,
      },
    ],
    modelVersion: 'bench',
    dataVersion: 'bench',
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function run(changes: number, group: number, floorConcurrency: number, timeoutMs: number) {
  quietLocalTelemetry();
  const dynamo = await startLocalDynamo({ tableName: TABLE });
  const requests = countRequests(dynamo.client);
  const store = new DynamoDbWebhookStore(dynamo.client, dynamo.tableName);
  const secret = generateSecret();
  const receiver = await startReceiver(secret);
  const now = new Date().toISOString();
  const webhook: Webhook = {
    tenant: TENANT,
    webhookId: newWebhookId(),
    url: receiver.url,
    description: 'benchmark receiver',
    filters: {},
    secrets: [{ secret, createdAt: now, expiresAt: null }],
    createdAt: now,
    updatedAt: now,
    createdBy: 'bench',
  };
  await store.createWebhook(webhook);
  const notifications = await startLocalNotifications({ webhooks: store, timeScale: 1 });
  let floor: Awaited<ReturnType<typeof startReceiver>> | undefined;
  try {
    const at = new Date().toISOString();
    const records = Array.from({ length: changes }, (_, i) => changeOf(i + 1, at));
    for (const k of Object.keys(requests)) delete requests[k];

    // Notifier side: publish in groups, as writers do per chunk; the clock stops at the last distinct id received.
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    let publishedMs = 0;
    for (let i = 0; i < records.length; i += group) {
      await notifications.publisher.publish(records.slice(i, i + group));
      publishedMs = performance.now() - t0;
    }
    let timedOut = false;
    while (receiver.ids.size < changes) {
      if (performance.now() - t0 > timeoutMs) {
        timedOut = true;
        break;
      }
      await sleep(20);
    }
    const ms = (receiver.ids.size > 0 ? receiver.counts.lastAt : performance.now()) - t0;
    const cpu = process.cpuUsage(cpu0);
    // Let the last attempts be recorded before reading the queue's counters.
    await notifications.queue.drain({ timeoutMs: 60_000 }).catch(() => undefined);
    const stats = notifications.queue.stats();
    const notify = {
      ms,
      publishedMs,
      cpuMs: (cpu.user + cpu.system) / 1000,
      timedOut,
      distinct: receiver.ids.size,
      received: receiver.counts.received,
      unsigned: receiver.counts.unsigned,
      queueSent: stats.sent,
      queueInvocations: stats.invocations,
      queuePeakConcurrency: stats.peakConcurrency,
      dlq: notifications.queue.dlq.length,
      dynamoRequests: { ...requests },
    };

    // Floor: a fresh receiver fed the same bodies and ids directly, at the notifier's own concurrency.
    floor = await startReceiver(secret);
    const floorUrl = floor.url;
    let floorFailed = 0;
    const f0 = performance.now();
    const fcpu0 = process.cpuUsage();
    await forEachLimited(records, floorConcurrency, async (r) => {
      const result = await deliver(
        { url: floorUrl, id: messageIdFor(r.tenant, r.changeId), body: changePayload(r), secrets: [secret] },
        { mode: 'local' },
      );
      if (!result.ok) floorFailed++;
    });
    const floorMs = performance.now() - f0;
    const fcpu = process.cpuUsage(fcpu0);

    // What one DynamoDB request costs here: as many GetItems of the endpoint (a hit), at the same concurrency.
    const g0 = performance.now();
    await forEachLimited(records, floorConcurrency, async () => {
      await store.getWebhook(TENANT, webhook.webhookId);
    });
    const getItemMs = performance.now() - g0;
    return {
      changes,
      group,
      floorConcurrency,
      notify,
      floor: {
        ms: floorMs,
        cpuMs: (fcpu.user + fcpu.system) / 1000,
        distinct: floor.ids.size,
        received: floor.counts.received,
        unsigned: floor.counts.unsigned,
        failed: floorFailed,
      },
      getItemMs,
      maxRssMb: process.resourceUsage().maxRSS / 1024,
    };
  } finally {
    await notifications.stop();
    await receiver.close();
    await floor?.close();
    await dynamo.stop();
  }
}

const [changes, group, concurrency, timeoutMs] = process.argv.slice(2).map(Number);
if (!changes || !group || !concurrency || !timeoutMs) {
  process.stderr.write('usage: notify.child.ts CHANGES GROUP FLOOR_CONCURRENCY TIMEOUT_MS\n');
  process.exit(2);
}
process.stdout.write(`${JSON.stringify(await run(changes, group, concurrency, timeoutMs))}\n`);
