/**
 * The partials of a job fanned out over scan segments (scenario jobs, portfolio recount runs), on DynamoDB: each
 * segment's partial is gzipped text in pieces under a head item naming the attempt that stored it first, so two
 * attempts at one segment (a redelivery, a slow worker) never mix their pieces and the first one stored is the one read.
 */
import { randomUUID } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, PutCommand, QueryCommand, type QueryCommandOutput } from '@aws-sdk/lib-dynamodb';
import { pieceSk } from './keys.ts';

/** Bytes of gzipped text per item: far below DynamoDB's 400 KB item limit, keys and attributes included. */
const CHUNK_BYTES = 300 * 1024;

/** Text gzipped, in pieces of at most CHUNK_BYTES. */
export function gzipChunks(text: string): Uint8Array[] {
  const zipped = gzipSync(text);
  const out: Uint8Array[] = [];
  for (let at = 0; at < zipped.length || out.length === 0; at += CHUNK_BYTES)
    out.push(zipped.subarray(at, at + CHUNK_BYTES));
  return out;
}
export const gunzipChunks = (pieces: readonly Uint8Array[]): string =>
  gunzipSync(Buffer.concat(pieces)).toString('utf8');

/**
 * Store a segment's partial once: the pieces under this attempt's own keys first (a concurrent attempt writes beside
 * them, never over them), then the head, only if no attempt stored one. False: another attempt's partial stands.
 */
export async function putPartialOnce(
  doc: DynamoDBDocumentClient,
  tableName: string,
  at: { pk: string; headSk: string; expiresAt: number },
  text: string,
): Promise<boolean> {
  const { pk, headSk, expiresAt } = at;
  const attempt = randomUUID();
  const pieces = gzipChunks(text);
  await Promise.all(
    pieces.map((data, i) =>
      doc.send(
        new PutCommand({ TableName: tableName, Item: { pk, sk: pieceSk(`${headSk}#${attempt}`, i), data, expiresAt } }),
      ),
    ),
  );
  try {
    await doc.send(
      new PutCommand({
        TableName: tableName,
        Item: { pk, sk: headSk, attempt, chunks: pieces.length, expiresAt },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return true;
  } catch (err) {
    if (err instanceof ConditionalCheckFailedException) return false;
    throw err;
  }
}

/** Every item of a partition under a sort-key prefix (strongly consistent, all pages). */
export async function queryPrefix(
  doc: DynamoDBDocumentClient,
  tableName: string,
  pk: string,
  prefix: string,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page: QueryCommandOutput = await doc.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': pk, ':prefix': prefix },
        ExclusiveStartKey: start,
        ConsistentRead: true,
      }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

/** The stored partials' texts, from the heads and pieces under the partials' prefix (`queryPrefix`). */
export async function readPartialTexts(
  doc: DynamoDBDocumentClient,
  tableName: string,
  pk: string,
  prefix: string,
): Promise<string[]> {
  const items = await queryPrefix(doc, tableName, pk, prefix);
  const data = new Map(items.filter((i) => i.data !== undefined).map((i) => [String(i.sk), i.data as Uint8Array]));
  return items
    .filter((i) => typeof i.attempt === 'string')
    .map((h) => {
      const attemptPrefix = `${String(h.sk)}#${String(h.attempt)}`;
      const pieces = Array.from({ length: Number(h.chunks) }, (_, i) => {
        const piece = data.get(pieceSk(attemptPrefix, i));
        if (!piece) throw new Error(`${pk}: ${attemptPrefix} piece ${i} is missing`);
        return piece;
      });
      return gunzipChunks(pieces);
    });
}
