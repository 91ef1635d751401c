/**
 * The webhook delivery log on DynamoDB (issue 10): one item per endpoint and message,
 *   T#{tenant}#WH#{webhookId} / DLV#{deliveryId}   (ids start with the event time: newest first)
 * created once (attribute_not_exists), each attempt recorded once (the stored attempt count must be the one read and
 * below the attempt's number), kept DELIVERY_LOG.ttlDays after its last update. The endpoints themselves are in
 * webhooks.ts, which serves the whole WebhookStore port with this log.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { DELIVERY_LOG, type Delivery, type DeliveryAttempt, type DeliveryStatus } from '../webhooks/port.ts';
import { InvalidCursorError } from './errors.ts';
import { DELIVERY_SK_PATTERN, DELIVERY_SK_PREFIX, deliveriesPk, deliverySk } from './keys.ts';
import { TABLE } from './table.ts';

const DAY_SECONDS = 24 * 3600;
const MAX_PAGE = 100;
/** Read-modify-write retries when another writer changed the item in between (then its error is thrown). */
const CONTENDED_TRIES = 5;

/** The later of two ISO times. */
const later = (a: string, b: string) => (a > b ? a : b);

const isConditionFailure = (e: unknown) => e instanceof ConditionalCheckFailedException;

/** The delivery log's expiry (epoch seconds) for an item updated at `updatedAt`. */
export const deliveryExpiry = (updatedAt: string) =>
  Math.floor(Date.parse(updatedAt) / 1000) + DELIVERY_LOG.ttlDays * DAY_SECONDS;

/** Delivery list cursors: the last sort key read, base64url; checked to be one of this endpoint's keys. */
const encodeCursor = (sk: string) => Buffer.from(sk, 'utf8').toString('base64url');
function decodeCursor(cursor: string): string {
  const sk = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!DELIVERY_SK_PATTERN.test(sk) || encodeCursor(sk) !== cursor)
    throw new InvalidCursorError('this cursor was not given out by the delivery log');
  return sk;
}

export function toDelivery(item: Record<string, unknown>): Delivery {
  return {
    tenant: item.tenant as string,
    webhookId: item.webhookId as string,
    deliveryId: item.deliveryId as string,
    messageId: item.messageId as string,
    changeId: (item.changeId as string | null | undefined) ?? null,
    eventType: item.eventType as Delivery['eventType'],
    status: item.status as DeliveryStatus,
    payload: item.payload as string,
    attemptCount: item.attemptCount as number,
    attempts: (item.attempts as DeliveryAttempt[] | undefined) ?? [],
    nextAttemptAt: (item.nextAttemptAt as string | null | undefined) ?? null,
    createdAt: item.createdAt as string,
    updatedAt: item.updatedAt as string,
  };
}

export class DynamoDbDeliveryLog {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async startDelivery(delivery: Delivery): Promise<{ created: boolean; delivery: Delivery }> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk: deliveriesPk(delivery.tenant, delivery.webhookId),
            sk: deliverySk(delivery.deliveryId),
            ...delivery,
            [TABLE.ttlAttribute]: deliveryExpiry(delivery.updatedAt),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return { created: true, delivery };
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
    }
    const stored = await this.getDelivery(delivery.tenant, delivery.webhookId, delivery.deliveryId);
    return { created: false, delivery: stored ?? delivery };
  }

  async getDelivery(tenant: string, webhookId: string, deliveryId: string): Promise<Delivery | null> {
    const r = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: deliveriesPk(tenant, webhookId), sk: deliverySk(deliveryId) },
        ConsistentRead: true,
      }),
    );
    return r.Item ? toDelivery(r.Item) : null;
  }

  async recordAttempt(
    tenant: string,
    webhookId: string,
    deliveryId: string,
    attempt: DeliveryAttempt,
    next: { status: DeliveryStatus; nextAttemptAt: string | null },
    read?: Delivery,
  ): Promise<Delivery | null> {
    for (let tries = 0; ; tries++) {
      // The caller's read saves one on the first try; after a conflict the item is read again.
      const current = tries === 0 && read ? read : await this.getDelivery(tenant, webhookId, deliveryId);
      if (!current || current.attemptCount >= attempt.attempt) return current;
      const updated: Delivery = {
        ...current,
        attemptCount: attempt.attempt,
        attempts: [...current.attempts, attempt].slice(-DELIVERY_LOG.attemptsKept),
        status: next.status,
        nextAttemptAt: next.nextAttemptAt,
        updatedAt: later(attempt.at, current.updatedAt),
      };
      try {
        await this.doc.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { pk: deliveriesPk(tenant, webhookId), sk: deliverySk(deliveryId) },
            UpdateExpression:
              'SET attemptCount = :n, attempts = :attempts, #status = :status, nextAttemptAt = :next, updatedAt = :u, #ttl = :ttl',
            // Recorded once per number, and on the item as read (its kept attempts are rewritten whole).
            ConditionExpression: 'attemptCount = :prev AND attemptCount < :n',
            ExpressionAttributeNames: { '#status': 'status', '#ttl': TABLE.ttlAttribute },
            ExpressionAttributeValues: {
              ':n': updated.attemptCount,
              ':prev': current.attemptCount,
              ':attempts': updated.attempts,
              ':status': updated.status,
              ':next': updated.nextAttemptAt,
              ':u': updated.updatedAt,
              ':ttl': deliveryExpiry(updated.updatedAt),
            },
          }),
        );
        return updated;
      } catch (e) {
        if (!isConditionFailure(e) || tries >= CONTENDED_TRIES) throw e;
      }
    }
  }

  async reopenDelivery(tenant: string, webhookId: string, deliveryId: string, now: string): Promise<Delivery | null> {
    try {
      const r = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: deliveriesPk(tenant, webhookId), sk: deliverySk(deliveryId) },
          UpdateExpression: 'SET #status = :pending, nextAttemptAt = :now, updatedAt = :now, #ttl = :ttl',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#status': 'status', '#ttl': TABLE.ttlAttribute },
          ExpressionAttributeValues: { ':pending': 'pending', ':now': now, ':ttl': deliveryExpiry(now) },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return r.Attributes ? toDelivery(r.Attributes) : null;
    } catch (e) {
      if (isConditionFailure(e)) return null;
      throw e;
    }
  }

  async listDeliveries(
    tenant: string,
    webhookId: string,
    options: { limit?: number; cursor?: string; status?: DeliveryStatus } = {},
  ): Promise<{ items: Delivery[]; cursor: string | null }> {
    const pk = deliveriesPk(tenant, webhookId);
    const limit = Math.max(1, Math.min(options.limit ?? 50, MAX_PAGE));
    const r = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ScanIndexForward: false,
        Limit: limit,
        ...(options.cursor ? { ExclusiveStartKey: { pk, sk: decodeCursor(options.cursor) } } : {}),
        ...(options.status
          ? { FilterExpression: '#status = :status', ExpressionAttributeNames: { '#status': 'status' } }
          : {}),
        ExpressionAttributeValues: {
          ':pk': pk,
          ':prefix': DELIVERY_SK_PREFIX,
          ...(options.status ? { ':status': options.status } : {}),
        },
      }),
    );
    const last = r.LastEvaluatedKey?.sk;
    return { items: (r.Items ?? []).map(toDelivery), cursor: typeof last === 'string' ? encodeCursor(last) : null };
  }
}
