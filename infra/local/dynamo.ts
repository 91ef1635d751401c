/**
 * DynamoDB served in-process by dynalite (the real DynamoDB JSON protocol), with the project's table created from
 * the one shared definition. In memory by default; with a directory, data survives restarts (one instance per path).
 */
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { dynamoDbClient } from '../../shared/aws-clients.ts';
import { tableDefinition } from '../../shared/store/table.ts';

// dynalite ships no types; it is a CommonJS factory returning an http.Server.
const dynalite = createRequire(import.meta.url)('dynalite') as (options: Record<string, unknown>) => Server;

export interface LocalDynamo {
  endpoint: string;
  client: DynamoDBClient;
  tableName: string;
  stop(): Promise<void>;
}

export async function startLocalDynamo(options: {
  tableName: string;
  path?: string;
  port?: number;
}): Promise<LocalDynamo> {
  const server = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(options.path ? { path: options.path } : {}),
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const requests = trackRequests(server);
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = dynamoDbClient(endpoint);
  try {
    await client.send(new DescribeTableCommand({ TableName: options.tableName }));
  } catch {
    await client.send(new CreateTableCommand(tableDefinition(options.tableName)));
  }
  return {
    endpoint,
    client,
    tableName: options.tableName,
    stop: async () => {
      // dynalite closes its database once its own operations are done, but an UpdateItem is a read, then a write:
      // closed between them, the write throws in dynalite (uncaught). So: let what it is handling finish, then close.
      await requests.settled(STOP_WAIT_MS);
      client.destroy();
      await requests.settled(STOP_WAIT_MS);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** How long stop() waits for requests dynalite is still handling (one stalled past it is cut off). */
const STOP_WAIT_MS = 5_000;

/**
 * Counts the requests the server is handling, from arrival to the response's end — not to the socket's close: a
 * client that gives up on a request (an aborted write) closes its socket while dynalite still works on it.
 */
function trackRequests(server: Server): { settled(maxMs: number): Promise<void> } {
  let handling = 0;
  let waiters: (() => void)[] = [];
  server.prependListener('request', (_req, res) => {
    handling++;
    const end = res.end.bind(res) as (...args: unknown[]) => typeof res;
    let done = false;
    res.end = ((...args: unknown[]) => {
      if (!done) {
        done = true;
        handling--;
        if (handling === 0) for (const wake of waiters.splice(0)) wake();
      }
      return end(...args);
    }) as typeof res.end;
  });
  return {
    settled: (maxMs) =>
      handling === 0
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            const timer = setTimeout(() => {
              waiters = waiters.filter((w) => w !== wake);
              resolve();
            }, maxMs);
            const wake = () => {
              clearTimeout(timer);
              resolve();
            };
            waiters.push(wake);
          }),
  };
}
