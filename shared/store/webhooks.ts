/**
 * Webhook endpoints on DynamoDB (issue 10), keyed under the tenant (keys.ts), and the WebhookStore port over them
 * and the delivery log (webhook-deliveries.ts):
 *   endpoint        T#{tenant}#WH             / WH#{webhookId}
 *   endpoint count  T#{tenant}#WH             / COUNT            (the per-tenant limit, without a transaction)
 * Only single-item conditional writes: a rotation applies to the endpoint as it was read. Secrets live in the
 * endpoint item only.
 */
import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
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
  MaxWebhooksError,
  type Webhook,
  type WebhookSecret,
  type WebhookStore,
} from '../webhooks/port.ts';
import { deliveriesPk, deliverySk, WEBHOOK_COUNT_SK, WEBHOOK_SK_PREFIX, webhookSk, webhooksPk } from './keys.ts';
import { UnprocessedItemsError } from './retry.ts';
import { DynamoDbDeliveryLog, toDelivery } from './webhook-deliveries.ts';

/** BatchGetItem calls for an attempt's two items before giving up on unprocessed keys (throttling). */
const UNPROCESSED_TRIES = 5;
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

export class DynamoDbWebhookStore implements WebhookStore {
  private readonly doc: DynamoDBDocumentClient;
  private readonly log: DynamoDbDeliveryLog;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
    this.log = new DynamoDbDeliveryLog(this.doc, tableName);
  }

  startDelivery: WebhookStore['startDelivery'] = (delivery) => this.log.startDelivery(delivery);
  getDelivery: WebhookStore['getDelivery'] = (...a) => this.log.getDelivery(...a);
  recordAttempt: WebhookStore['recordAttempt'] = (...a) => this.log.recordAttempt(...a);
  reopenDelivery: WebhookStore['reopenDelivery'] = (...a) => this.log.reopenDelivery(...a);
  listDeliveries: WebhookStore['listDeliveries'] = (...a) => this.log.listDeliveries(...a);

  /** Both items in one BatchGetItem (strongly consistent, as the single reads): an attempt's one read. */
  async getDeliveryAndWebhook(
    tenant: string,
    webhookId: string,
    deliveryId: string,
  ): Promise<{ delivery: Delivery | null; webhook: Webhook | null }> {
    const keys = [
      { pk: deliveriesPk(tenant, webhookId), sk: deliverySk(deliveryId) },
      { pk: webhooksPk(tenant), sk: webhookSk(webhookId) },
    ];
    const found: Record<string, unknown>[] = [];
    let pending: Record<string, unknown>[] = keys;
    for (let tries = 0; pending.length > 0; tries++) {
      if (tries >= UNPROCESSED_TRIES)
        throw new UnprocessedItemsError('BatchGetItem left keys unprocessed after retries');
      if (tries > 0) await new Promise((r) => setTimeout(r, 20 * 2 ** tries));
      const r = await this.doc.send(
        new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: pending, ConsistentRead: true } } }),
      );
      found.push(...(r.Responses?.[this.tableName] ?? []));
      pending = (r.UnprocessedKeys?.[this.tableName]?.Keys as Record<string, unknown>[] | undefined) ?? [];
    }
    const delivery = found.find((i) => i.sk === keys[0]?.sk);
    const webhook = found.find((i) => i.sk === keys[1]?.sk);
    return { delivery: delivery ? toDelivery(delivery) : null, webhook: webhook ? toWebhook(webhook) : null };
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
          Key: { pk, sk: WEBHOOK_COUNT_SK },
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
          ExpressionAttributeValues: { ':pk': webhooksPk(tenant), ':prefix': WEBHOOK_SK_PREFIX },
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
}
