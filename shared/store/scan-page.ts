/**
 * One page of one segment of a parallel Scan of the table, its cursor opaque (list-cursor.ts): what the rescore,
 * scenario and portfolio-recount workers share. Each says what it filters, projects and binds.
 */
import { type DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { decodeScanCursor, encodeScanCursor } from './list-cursor.ts';

export interface ScanPageRequest {
  segment: number;
  totalSegments: number;
  cursor: string | null;
  limit: number;
  filter: string;
  projection: string;
  names?: Record<string, string>;
  values: Record<string, unknown>;
}

export async function scanPage(
  doc: DynamoDBDocumentClient,
  tableName: string,
  r: ScanPageRequest,
): Promise<{ items: Record<string, unknown>[]; cursor: string | null }> {
  const out = await doc.send(
    new ScanCommand({
      TableName: tableName,
      Segment: r.segment,
      TotalSegments: r.totalSegments,
      Limit: r.limit,
      ExclusiveStartKey: decodeScanCursor(r.cursor),
      FilterExpression: r.filter,
      ProjectionExpression: r.projection,
      ...(r.names ? { ExpressionAttributeNames: r.names } : {}),
      ExpressionAttributeValues: r.values,
    }),
  );
  return { items: out.Items ?? [], cursor: encodeScanCursor(out.LastEvaluatedKey) };
}
