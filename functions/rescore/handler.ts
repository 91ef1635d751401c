import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context, ScheduledEvent } from 'aws-lambda';
import { dynamoDbClient, requiredEnv, sqsClient } from '../../shared/aws-clients.ts';
import { MineralRiskError } from '../../shared/errors.ts';
import { parseIsoDate } from '../../shared/model/normalise.ts';
import { type RescoreDeps, type RescoreResult, rescoreDue } from '../../shared/pipeline/rescore.ts';
import { planPolicyRun } from '../../shared/pipeline/rescore-run.ts';
import { CurrentReference } from '../../shared/policy/current-reference.ts';
import { SqsScoreQueue } from '../../shared/queue/sqs-score-queue.ts';
import { baselineTimeline } from '../../shared/reference/index.ts';
import { DynamoDbSupplierStore } from '../../shared/store/dynamodb-supplier-store.ts';
import { DynamoDbPolicyRevisions } from '../../shared/store/policy-revisions.ts';
import type { RescoreRun } from '../../shared/store/rescore-port.ts';
import { DynamoDbRescoreRuns } from '../../shared/store/rescore-runs.ts';
import { telemetry } from '../../shared/telemetry.ts';

/** On-demand invocation payload: `{ "asOf": "2026-11-11" }`; a scheduled event means today. */
export type RescoreEvent = ScheduledEvent | { asOf?: string };

export class InvalidRescoreRequestError extends MineralRiskError {
  override readonly name = 'InvalidRescoreRequestError';
  readonly retryable = false;
}

/**
 * Schedule (EventBridge) or on demand → queue every supplier whose score may have changed as of the date, and start
 * the policy run of any recorded revision no run was started for (the API starts one per revision; this catches one
 * it missed, e.g. if it stopped between recording the revision and starting the run).
 */
export function createRescoreHandler(
  deps: RescoreDeps,
  today: () => string,
  planPolicy: (asOf: string) => Promise<RescoreRun | null> = async () => null,
) {
  const { logger, metrics } = telemetry();
  return middy(
    async (event: RescoreEvent, _context: Context): Promise<RescoreResult & { policyRun: string | null }> => {
      const requested = 'asOf' in event && typeof event.asOf === 'string' ? parseIsoDate(event.asOf) : null;
      if (requested && !requested.ok) throw new InvalidRescoreRequestError(requested.message);
      const asOf = requested?.ok ? requested.value : today();
      const policyRun = await planPolicy(asOf);
      if (policyRun) logger.info('started a missed policy run', { runId: policyRun.runId, cause: policyRun.cause });
      const result = { ...(await rescoreDue(deps, asOf)), policyRun: policyRun?.runId ?? null };
      logger.info('rescore queued', { ...result, failures: undefined });
      metrics.addMetric('SuppliersQueuedForRescore', MetricUnit.Count, result.queued);
      // Not thrown: every other supplier was queued, and these stay due, so the next run tries them again.
      if (result.failed > 0) {
        logger.error('suppliers not queued for rescoring', { failed: result.failed, failures: result.failures });
        metrics.addMetric('RescoreFailures', MetricUnit.Count, result.failed);
      }
      return result;
    },
  )
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics));
}

let fromEnv: ReturnType<typeof createRescoreHandler> | undefined;

function fromEnvironment() {
  const table = requiredEnv('TABLE_NAME');
  const client = dynamoDbClient();
  const policy = new DynamoDbPolicyRevisions(client, table);
  const current = new CurrentReference(policy, baselineTimeline);
  const runs = {
    runs: new DynamoDbRescoreRuns(client, table),
    queue: new SqsScoreQueue(sqsClient(), requiredEnv('RESCORE_QUEUE_URL')),
    policy,
    baseline: baselineTimeline,
    now: () => new Date(),
  };
  return createRescoreHandler(
    {
      store: new DynamoDbSupplierStore(client, table),
      queue: new SqsScoreQueue(sqsClient(), requiredEnv('QUEUE_URL')),
      ref: () => current.get({ fresh: true }),
    },
    () => new Date().toISOString().slice(0, 10),
    (asOf) => planPolicyRun(runs, { asOf, createdBy: 'schedule' }),
  );
}

export const handler = (event: RescoreEvent, context: Context) => {
  fromEnv ??= fromEnvironment();
  return fromEnv(event, context);
};
