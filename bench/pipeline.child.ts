/**
 * One measured run of the pipeline benchmark, in its own process:
 *
 *   node --import tsx bench/pipeline.child.ts pipeline FILE ITEMS_OUT AS_OF TIME_SCALE
 *   node --import tsx bench/pipeline.child.ts floor ITEMS_FILE CONCURRENCY
 *
 * pipeline: starts the local runtime (dynalite, s3rver, the in-process queue, the real handlers), uploads FILE, waits
 * for its batch to complete, then scans the supplier items the pipeline stored and writes them to ITEMS_OUT (one
 * DynamoDB-JSON item a line) for the floor. The clock runs from the upload to the batch's completion.
 * floor: reads those items, starts a fresh dynalite with the same table definition, and writes them with
 * BatchWriteItem, 25 per call, CONCURRENCY calls at a time (unprocessed items retried). The clock covers the writes.
 *
 * Both count the DynamoDB requests the client sends (HTTP requests, SDK retries included) with a middleware: it
 * counts and passes everything through. Prints one JSON line on stdout.
 */
import { createReadStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import {
  type AttributeValue,
  BatchWriteItemCommand,
  type BatchWriteItemCommandOutput,
  type DynamoDBClient,
  ScanCommand,
  type ScanCommandOutput,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { startLocalDynamo } from '../infra/local/dynamo.ts';
import { LOCAL_TABLE, quietLocalTelemetry, startLocalRuntime } from '../infra/local/runtime.ts';
import { SUPPLIER_SK } from '../shared/store/keys.ts';

type Item = Record<string, AttributeValue>;
type Middleware = Parameters<DynamoDBClient['middlewareStack']['add']>[0];

const WRITE_COMMANDS = ['PutItemCommand', 'UpdateItemCommand', 'BatchWriteItemCommand', 'DeleteItemCommand'];

/** Counts every request the client sends, per command (the deserialize step runs once per attempt). */
function countRequests(client: DynamoDBClient): Map<string, number> {
  const counts = new Map<string, number>();
  const middleware = ((next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) =>
    async (args: unknown) => {
      const name = context.commandName ?? '?';
      counts.set(name, (counts.get(name) ?? 0) + 1);
      return next(args);
    }) as unknown as Middleware;
  client.middlewareStack.add(middleware, {
    step: 'deserialize',
    name: 'benchRequestCounter',
    priority: 'high',
  } as never);
  return counts;
}

const writesOf = (counts: Map<string, number>) => WRITE_COMMANDS.reduce((n, c) => n + (counts.get(c) ?? 0), 0);

/** Every supplier item of the table, as stored (DynamoDB JSON), scanned in parallel segments. */
async function scanSuppliers(client: DynamoDBClient, tableName: string): Promise<Item[]> {
  const segments = 4;
  const parts = await Promise.all(
    Array.from({ length: segments }, async (_, segment) => {
      const items: Item[] = [];
      let start: Item | undefined;
      do {
        const r: ScanCommandOutput = await client.send(
          new ScanCommand({
            TableName: tableName,
            FilterExpression: 'sk = :sk',
            ExpressionAttributeValues: { ':sk': { S: SUPPLIER_SK } },
            ExclusiveStartKey: start,
            Segment: segment,
            TotalSegments: segments,
          }),
        );
        items.push(...(r.Items ?? []));
        start = r.LastEvaluatedKey;
      } while (start);
      return items;
    }),
  );
  return parts.flat();
}

async function pipeline(file: string, itemsOut: string, asOf: string, timeScale: number) {
  quietLocalTelemetry();
  let counts = new Map<string, number>();
  const runtime = await startLocalRuntime({
    timeScale,
    onDynamoClient: (client) => {
      counts = countRequests(client);
    },
  });
  try {
    const tenant = 'bench';
    const batchId = `bench-${Date.now()}`;
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    await runtime.upload(file, { tenant, batchId, asOf });
    const batch = await runtime.waitForBatch(tenant, batchId, { timeoutMs: 30 * 60_000 });
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const requests = Object.fromEntries(counts);
    if (batch.status !== 'completed') throw new Error(`batch ended ${batch.status}: ${batch.failure ?? ''}`);
    const items = await scanSuppliers(runtime.dynamo.client, runtime.dynamo.tableName);
    await writeFile(itemsOut, `${items.map((i) => JSON.stringify(i)).join('\n')}\n`);
    return {
      mode: 'pipeline',
      ms,
      cpuMs: (cpu.user + cpu.system) / 1000,
      maxRssMb: process.resourceUsage().maxRSS / 1024,
      requests,
      writes: writesOf(counts),
      suppliers: items.length,
      itemBytes: items.reduce((n, i) => n + JSON.stringify(i).length, 0),
      batch: {
        rows: batch.rows,
        accepted: batch.accepted,
        rejected: batch.rejected,
        suppliers: batch.suppliers,
        chunks: batch.chunks,
        suppliersStored: batch.suppliersStored,
        chunksDeadLettered: batch.chunksDeadLettered,
      },
    };
  } finally {
    await runtime.stop();
  }
}

async function readItems(file: string): Promise<Item[]> {
  const items: Item[] = [];
  for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Number.POSITIVE_INFINITY }))
    if (line.trim() !== '') items.push(JSON.parse(line) as Item);
  return items;
}

async function floor(itemsFile: string, concurrency: number) {
  quietLocalTelemetry();
  const items = await readItems(itemsFile);
  const dynamo = await startLocalDynamo({ tableName: LOCAL_TABLE });
  const counts = countRequests(dynamo.client);
  try {
    const calls: WriteRequest[][] = [];
    for (let i = 0; i < items.length; i += 25)
      calls.push(items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })));
    let next = 0;
    let unprocessedRetries = 0;
    const worker = async () => {
      while (next < calls.length) {
        let pending: WriteRequest[] | undefined = calls[next++];
        for (let attempt = 0; pending && pending.length > 0; attempt++) {
          if (attempt > 0) {
            unprocessedRetries++;
            await new Promise((r) => setTimeout(r, Math.random() * 2 ** Math.min(attempt, 8) * 10));
          }
          const r: BatchWriteItemCommandOutput = await dynamo.client.send(
            new BatchWriteItemCommand({ RequestItems: { [dynamo.tableName]: pending } }),
          );
          pending = r.UnprocessedItems?.[dynamo.tableName];
        }
      }
    };
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    await Promise.all(Array.from({ length: Math.min(concurrency, calls.length) }, worker));
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const requests = Object.fromEntries(counts);
    const stored = await scanSuppliers(dynamo.client, dynamo.tableName);
    if (stored.length !== items.length) throw new Error(`floor stored ${stored.length} items of ${items.length}`);
    return {
      mode: 'floor',
      ms,
      cpuMs: (cpu.user + cpu.system) / 1000,
      maxRssMb: process.resourceUsage().maxRSS / 1024,
      requests,
      writes: writesOf(counts),
      suppliers: items.length,
      unprocessedRetries,
    };
  } finally {
    await dynamo.stop();
  }
}

const [mode, a, b, c, d] = process.argv.slice(2);
let result: unknown;
if (mode === 'pipeline' && a && b && c && d) result = await pipeline(a, b, c, Number(d));
else if (mode === 'floor' && a && b) result = await floor(a, Number(b));
else {
  process.stderr.write(
    'usage: pipeline.child.ts pipeline FILE ITEMS_OUT AS_OF TIME_SCALE | floor ITEMS_FILE CONCURRENCY\n',
  );
  process.exit(2);
}
process.stdout.write(`${JSON.stringify(result)}\n`);
