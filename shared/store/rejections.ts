/**
 * A batch's rejected rows on DynamoDB, beside the batch record (T#{tenant}#B#{batchId} / ERR#{row}), in row order,
 * kept for the batch's error listing for 90 days.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  type BatchWriteCommandInput,
  DynamoDBDocumentClient,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Rejection } from '../supplier-list/row.ts';
import { batchPk, ERROR_SK_MAX, errorSk } from './keys.ts';
import type { RejectionStore } from './rejection-port.ts';
import { retryUnprocessed } from './retry.ts';
import { TABLE } from './table.ts';

/**
 * A CSV's rejections are one per row, keyed by their row; a workbook's can be several per row and on several sheets,
 * so they are keyed by their place in the file's list (the reader's order, the same on every ingest of the file).
 */
const rejectionKey = (r: Rejection, index: number) => (r.sheet === undefined ? r.row : index + 1);

/** Rejections are kept for the batch's error listing for 90 days. */
const REJECTION_TTL_SECONDS = 90 * 24 * 3600;

type BatchWriteWriteRequest = NonNullable<BatchWriteCommandInput['RequestItems']>[string][number];

export class DynamoDbRejections implements RejectionStore {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  async putRejections(tenant: string, batchId: string, rejections: readonly Rejection[]): Promise<void> {
    const expiresAt = Math.floor(Date.now() / 1000) + REJECTION_TTL_SECONDS;
    const requests: BatchWriteWriteRequest[] = rejections.map((r, i) => ({
      PutRequest: {
        Item: {
          pk: batchPk(tenant, batchId),
          sk: errorSk(rejectionKey(r, i)),
          row: r.row,
          field: r.field,
          value: r.value,
          message: r.message,
          // A workbook's place (undefined, so not written, for a CSV's rows).
          sheet: r.sheet,
          cell: r.cell,
          [TABLE.ttlAttribute]: expiresAt,
        },
      },
    }));
    for (let i = 0; i < requests.length; i += 25) {
      await retryUnprocessed(
        { [this.tableName]: requests.slice(i, i + 25) },
        async (RequestItems) => (await this.doc.send(new BatchWriteCommand({ RequestItems }))).UnprocessedItems,
      );
    }
  }

  async listRejections(
    tenant: string,
    batchId: string,
    options: { limit?: number; after?: number } = {},
  ): Promise<{ items: Rejection[]; next: number | null }> {
    const limit = options.limit ?? 100;
    const r = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: {
          ':pk': batchPk(tenant, batchId),
          ':from': errorSk((options.after ?? 0) + 1),
          ':to': ERROR_SK_MAX,
        },
        Limit: limit,
      }),
    );
    const items: Rejection[] = (r.Items ?? []).map((i) => ({
      row: i.row as number,
      field: i.field as string,
      value: i.value as string,
      message: i.message as string,
      ...(i.sheet === undefined ? {} : { sheet: i.sheet as string, cell: i.cell as string }),
    }));
    const lastSk = r.Items?.at(-1)?.sk as string | undefined;
    return { items, next: r.LastEvaluatedKey && lastSk ? Number(lastSk.slice(lastSk.lastIndexOf('#') + 1)) : null };
  }
}
