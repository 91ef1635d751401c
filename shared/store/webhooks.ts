/**
 * Webhook endpoints and their delivery log on DynamoDB (issue 10), keyed under the tenant (table.ts):
 *   endpoint        T#{tenant}#WH             / WH#{webhookId}
 *   endpoint count  T#{tenant}#WH             / COUNT            (the per-tenant limit, without a transaction)
 *   delivery        T#{tenant}#WH#{webhookId} / DLV#{deliveryId} (ids start with the event time: newest first)
 * Only single-item conditional writes: a delivery is created once (attribute_not_exists), an attempt is recorded
 * once (the stored attempt count must be below its number), a rotation applies to the endpoint as it was read.
 * Secrets live in the endpoint item only. Deliveries expire DELIVERY_LOG.ttlDays after their last update.
 */
import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import {
  DELIVERY_LOG,
  type Delivery,
  type DeliveryAttempt,
  type DeliveryStatus,
  MaxWebhooksError,
  type Webhook,
  type WebhookSecret,
  type WebhookStore,
} from '../webhooks/port.ts';
import { InvalidCursorError } from './port.ts';
import { deliveriesPk, deliverySk, TABLE, webhookSk, webhooksPk } from './table.ts';

const COUNT_SK = 'COUNT';
const WEBHOOK_PREFIX = 'WH#';
const DELIVERY_PREFIX = 'DLV#';
const DAY_SECONDS = 24 * 3600;
const MAX_PAGE = 100;
/** Read-modify-write retries when another writer changed the item in between (then its error is thrown). */
const CONTENDED_TRIES = 5;

/** The later of two ISO times. */
const later = (a: string, b: string) => (a > b ? a : b);

const isConditionFailure = (e: unknown) => e instanceof ConditionalCheckFailedException;

/** The secrets after a rotation at `now`: the new one first, current ones ending at `overlapUntil`, expired dropped. */
export function rotatedSecrets(
  secrets: readonly WebhookSecret[],
  secret: string,
  overlapUntil: string,
  now: string,
): WebhookSecret[] {
  const kept = secrets
    .filter((s) => s.expiresAt === null || s.expiresAt > now)
    .map((s) => ({ ...s, expiresAt: s.expiresAt === null || s.expiresAt > overlapUntil ? overlapUntil : s.expiresAt }))
    .filter((s) => (s.expiresAt as string) > now);
  return [{ secret, createdAt: now, expiresAt: null }, ...kept];
}

/** The delivery log's expiry (epoch seconds) for an item updated at `updatedAt`. */
export const deliveryExpiry = (updatedAt: string) =>
  Math.floor(Date.parse(updatedAt) / 1000) + DELIVERY_LOG.ttlDays * DAY_SECONDS;

/** Delivery list cursors: the last sort key read, base64url; checked to be one of this endpoint's keys. */
const encodeCursor = (sk: string) => Buffer.from(sk, 'utf8').toString('base64url');
function decodeCursor(cursor: string): string {
  const sk = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!/^DLV#dlv_[0-9a-z_]{1,120}$/.test(sk) || encodeCursor(sk) !== cursor)
    throw new InvalidCursorError('this cursor was not given out by the delivery log');
  return sk;
}

function toWebhook(item: Record<string, unknown>): Webhook {
  return {
    tenant: item.tenant as string,
    webhookId: item.webhookId as string,
    url: item.url as string,
    description: (item.description as string | null | undefined) ?? null,
    filters: (item.filters as Webhook['filters'] | undefined) ?? {},
    secrets: (item.secrets as WebhookSecret[] | undefined) ?? [],
    createdAt: item.createdAt as string,
    updatedAt: item.updatedAt as string,
    createdBy: item.createdBy as string,
  };
}

function toDelivery(item: Record<string, unknown>): Delivery {
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

export class DynamoDbWebhookStore implements WebhookStore {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  async createWebhook(webhook: Webhook): Promise<void> {
    const pk = webhooksPk(webhook.tenant);
    if (!(await this.takeSlot(pk))) {
      // The count may be above the endpoints there (a create that stopped between its two writes): count again.
      const actual = (await this.listWebhooks(webhook.tenant)).length;
      if (
        actual >= DELIVERY_LOG.maxWebhooksPerTenant ||
        !(await this.repairCount(pk, actual)) ||
        !(await this.takeSlot(pk))
      )
        throw new MaxWebhooksError(DELIVERY_LOG.maxWebhooksPerTenant);
    }
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk, sk: webhookSk(webhook.webhookId), ...webhook },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (e) {
      await this.releaseSlot(pk);
      throw e;
    }
  }

  /** Counts one more endpoint, unless the tenant has the maximum. */
  private takeSlot = (pk: string) =>
    this.updateCount(pk, 'ADD webhooks :n', 'attribute_not_exists(webhooks) OR webhooks < :max', 1);

  private releaseSlot = (pk: string) => this.updateCount(pk, 'ADD webhooks :n', 'webhooks > :zero', -1);

  /** Sets the count to the endpoints found, if it is still at the maximum it was refused at. */
  private repairCount = (pk: string, actual: number) =>
    this.updateCount(pk, 'SET webhooks = :n', 'webhooks >= :max', actual);

  /** One conditional update of the tenant's endpoint count: false if the condition failed. */
  private async updateCount(pk: string, update: string, condition: string, n: number): Promise<boolean> {
    const values: Record<string, number> = { ':n': n };
    if (condition.includes(':max')) values[':max'] = DELIVERY_LOG.maxWebhooksPerTenant;
    if (condition.includes(':zero')) values[':zero'] = 0;
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk, sk: COUNT_SK },
          UpdateExpression: update,
          ConditionExpression: condition,
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  }

  async getWebhook(tenant: string, webhookId: string): Promise<Webhook | null> {
    const item = await this.webhookItem(tenant, webhookId);
    return item ? toWebhook(item) : null;
  }

  private async webhookItem(tenant: string, webhookId: string) {
    const key = { pk: webhooksPk(tenant), sk: webhookSk(webhookId) };
    return (await this.doc.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }))).Item;
  }

  async listWebhooks(tenant: string): Promise<Webhook[]> {
    const out: Webhook[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const r = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': webhooksPk(tenant), ':prefix': WEBHOOK_PREFIX },
          ConsistentRead: true,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const item of r.Items ?? []) out.push(toWebhook(item));
      start = r.LastEvaluatedKey;
    } while (start);
    return out.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.webhookId.localeCompare(b.webhookId));
  }

  async deleteWebhook(tenant: string, webhookId: string): Promise<boolean> {
    const pk = webhooksPk(tenant);
    const r = await this.doc.send(
      new DeleteCommand({ TableName: this.tableName, Key: { pk, sk: webhookSk(webhookId) }, ReturnValues: 'ALL_OLD' }),
    );
    if (!r.Attributes) return false;
    await this.releaseSlot(pk);
    return true;
  }

  async rotateSecret(
    tenant: string,
    webhookId: string,
    secret: string,
    overlapUntil: string,
    now: string,
  ): Promise<Webhook | null> {
    for (let tries = 0; ; tries++) {
      const item = await this.webhookItem(tenant, webhookId);
      if (!item) return null;
      const current = toWebhook(item);
      const rev = (item.rev as number | undefined) ?? 0;
      const next: Webhook = {
        ...current,
        secrets: rotatedSecrets(current.secrets, secret, overlapUntil, now),
        updatedAt: later(now, current.updatedAt),
      };
      try {
        // Applied to the endpoint as read (its revision): two rotations at once do not lose one's secret.
        await this.doc.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { pk: webhooksPk(tenant), sk: webhookSk(webhookId) },
            UpdateExpression: 'SET secrets = :secrets, updatedAt = :updatedAt, rev = :next',
            ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(rev) OR rev = :rev)',
            ExpressionAttributeValues: {
              ':secrets': next.secrets,
              ':updatedAt': next.updatedAt,
              ':rev': rev,
              ':next': rev + 1,
            },
          }),
        );
        return next;
      } catch (e) {
        if (!isConditionFailure(e) || tries >= CONTENDED_TRIES) throw e;
      }
    }
  }

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
  ): Promise<Delivery | null> {
    for (let tries = 0; ; tries++) {
      const current = await this.getDelivery(tenant, webhookId, deliveryId);
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
          ':prefix': DELIVERY_PREFIX,
          ...(options.status ? { ':status': options.status } : {}),
        },
      }),
    );
    const last = r.LastEvaluatedKey?.sk;
    return { items: (r.Items ?? []).map(toDelivery), cursor: typeof last === 'string' ? encodeCursor(last) : null };
  }
}
