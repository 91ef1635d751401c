import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { dynamoDbClient, MissingConfigurationError, requiredEnv, sqsClient } from '../../shared/aws-clients.ts';
import { MineralRiskError } from '../../shared/errors.ts';
import { type AttemptOutcome, attemptDelivery, type NotifyDeps } from '../../shared/notify/attempt.ts';
import { fanOut, listingOnce } from '../../shared/notify/fan-out.ts';
import { type NotifyMessage, notifyMessage, notifyMessageSchema } from '../../shared/notify/message.ts';
import { parseRecord } from '../../shared/queue/parse-record.ts';
import { sqsBatchHandler } from '../../shared/queue/sqs-batch-handler.ts';
import { SqsScoreQueue } from '../../shared/queue/sqs-score-queue.ts';
import { DynamoDbWebhookStore } from '../../shared/store/webhooks.ts';
import { telemetry } from '../../shared/telemetry.ts';
import { deliver } from '../../shared/webhooks/deliver.ts';
import type { DestinationMode } from '../../shared/webhooks/destination.ts';

/** A body that is neither a change event nor a deliver message: it can never succeed, and goes to the DLQ. */
export class InvalidNotifyMessageError extends MineralRiskError {
  override readonly name = 'InvalidNotifyMessageError';
  readonly retryable = false;
}

const parse = (record: SQSRecord): NotifyMessage =>
  notifyMessage(parseRecord(record, notifyMessageSchema, (reason) => new InvalidNotifyMessageError(reason)));

/** The metric each outcome of an attempt counts in, besides DeliveriesAttempted. */
const OUTCOME_METRIC: Partial<Record<AttemptOutcome['outcome'], string>> = {
  delivered: 'DeliveriesDelivered',
  failed: 'DeliveriesFailed',
  dead: 'DeliveriesDead',
};

/**
 * SQS (notify queue) → per record, a change event fanned out to the tenant's matching endpoints, or one attempt of
 * one delivery. Partial batch response: one record's failure (the store or the queue down) is retried alone; a
 * receiver's failure is not the record's, it is recorded and scheduled by the use case. Wiring only.
 */
export function createNotifierHandler(deps: NotifyDeps) {
  const { logger, metrics } = telemetry();
  // Per invocation (its context object): the endpoints of a tenant are listed once for the batch's events.
  const stores = new WeakMap<object, NotifyDeps['webhooks']>();
  const depsFor = (context?: Context): NotifyDeps => {
    if (!context) return deps;
    let webhooks = stores.get(context);
    if (!webhooks) {
      webhooks = listingOnce(deps.webhooks);
      stores.set(context, webhooks);
    }
    return { ...deps, webhooks };
  };
  const recordHandler = async (record: SQSRecord, context?: Context) => {
    try {
      const message = parse(record);
      if (message.kind === 'event') {
        const result = await fanOut(depsFor(context), message.event);
        logger.info('change fanned out', {
          tenant: message.event.detail.tenant,
          changeId: message.event.detail.changeId,
          eventId: message.event.id,
          ...result,
        });
        metrics.addMetric('DeliveriesStarted', MetricUnit.Count, result.started);
        return result;
      }
      const m = message.message;
      const result = await attemptDelivery(deps, m, Number(record.attributes.ApproximateReceiveCount) || 1);
      const where = { tenant: m.tenant, webhookId: m.webhookId, deliveryId: m.deliveryId, attempt: m.attempt };
      if ('attempt' in result) {
        metrics.addMetric('DeliveriesAttempted', MetricUnit.Count, 1);
        const metric = OUTCOME_METRIC[result.outcome];
        if (metric) metrics.addMetric(metric, MetricUnit.Count, 1);
        const details = {
          ...where,
          outcome: result.outcome,
          httpStatus: result.attempt.httpStatus,
          durationMs: result.attempt.durationMs,
          error: result.attempt.error,
        };
        if (result.outcome === 'dead') logger.warn('delivery dead', { ...details, because: result.deadBecause });
        else logger.info('delivery attempted', details);
      } else {
        // A hop of a long wait, or a stale or repeated message: counted, so a storm of either shows.
        metrics.addMetric(
          result.outcome === 'deferred' ? 'DeliveryHops' : 'NotifyMessagesSkipped',
          MetricUnit.Count,
          1,
        );
        logger.debug('deliver message', { ...where, ...result });
      }
      return result;
    } catch (err) {
      logger.error('notify message failed', {
        messageId: record.messageId,
        receives: Number(record.attributes.ApproximateReceiveCount),
        error: err as Error,
      });
      throw err;
    }
  };
  return sqsBatchHandler(recordHandler, { logger, metrics });
}

const modeOf = (value: string): DestinationMode => {
  if (value === 'aws' || value === 'local') return value;
  throw new MissingConfigurationError(`WEBHOOK_MODE must be aws or local, not ${value}`);
};

let fromEnv: ReturnType<typeof createNotifierHandler> | undefined;

function fromEnvironment() {
  return createNotifierHandler({
    webhooks: new DynamoDbWebhookStore(dynamoDbClient(), requiredEnv('TABLE_NAME')),
    queue: new SqsScoreQueue(sqsClient(), requiredEnv('NOTIFY_QUEUE_URL')),
    deliver,
    deliveryOptions: { mode: modeOf(process.env.WEBHOOK_MODE ?? 'aws') },
    now: () => new Date(),
  });
}

/** Lambda entry: adapters built from the environment on first use. */
export const handler = (event: SQSEvent, context: Context) => {
  fromEnv ??= fromEnvironment();
  return fromEnv(event, context);
};
