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
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
