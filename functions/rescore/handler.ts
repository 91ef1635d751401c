import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context, ScheduledEvent } from 'aws-lambda';
import { dynamoDbClient, requiredEnv, sqsClient } from '../../shared/aws-clients.ts';
import { MineralRiskError } from '../../shared/errors.ts';
import { parseIsoDate } from '../../shared/model/normalise.ts';
import { planPolicyRun, planScheduledRun, type RunDeps } from '../../shared/pipeline/rescore-run.ts';
import type { PolicyRevisionStore } from '../../shared/policy/port.ts';
import type { Baseline } from '../../shared/policy/timeline.ts';
import { SqsScoreQueue } from '../../shared/queue/sqs-score-queue.ts';
import { baselineTimeline } from '../../shared/reference/index.ts';
import { DynamoDbPolicyRevisions } from '../../shared/store/policy-revisions.ts';
import { DynamoDbRescoreRuns } from '../../shared/store/rescore-runs.ts';
import { telemetry } from '../../shared/telemetry.ts';

/** On-demand invocation payload: `{ "asOf": "2026-11-11" }`; a scheduled event means today. */
export type RescoreEvent = ScheduledEvent | { asOf?: string };

export class InvalidRescoreRequestError extends MineralRiskError {
  override readonly name = 'InvalidRescoreRequestError';
  readonly retryable = false;
}

export interface PlannerDeps extends RunDeps {
  policy: PolicyRevisionStore;
  baseline: Baseline;
}

export interface PlannerResult {
  asOf: string;
  /** The run of policy revisions no run was started for (null: all were planned). */
  policyRun: string | null;
  /** The date's run: suppliers whose next change date has come, or scored by another model or release. */
  scheduledRun: string;
}

/**
 * Schedule (EventBridge) or on demand → start the rescore runs the workers fan out (docs/policy.md): the policy run of
 * any recorded revision no run was started for (the API starts one per revision; this catches one it missed), then
 * the date's run. Runs are recorded in the table; their progress is `GET /v1/admin/rescore-runs/{runId}`.
 */
export function createRescoreHandler(deps: PlannerDeps, today: () => string) {
  const { logger, metrics } = telemetry();
  return middy(async (event: RescoreEvent, _context: Context): Promise<PlannerResult> => {
    const requested = 'asOf' in event && typeof event.asOf === 'string' ? parseIsoDate(event.asOf) : null;
    if (requested && !requested.ok) throw new InvalidRescoreRequestError(requested.message);
    const asOf = requested?.ok ? requested.value : today();
    const policyRun = await planPolicyRun(deps, { asOf, createdBy: 'schedule' });
    if (policyRun) logger.info('started a missed policy run', { runId: policyRun.runId, cause: policyRun.cause });
    const scheduled = await planScheduledRun(deps, { asOf, createdBy: 'schedule', onDemand: requested !== null });
    const result = { asOf, policyRun: policyRun?.runId ?? null, scheduledRun: scheduled.runId };
    logger.info('rescore runs started', { ...result });
    return result;
  })
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics));
}

let fromEnv: ReturnType<typeof createRescoreHandler> | undefined;

function fromEnvironment() {
  const table = requiredEnv('TABLE_NAME');
  const client = dynamoDbClient();
  return createRescoreHandler(
    {
      runs: new DynamoDbRescoreRuns(client, table),
      queue: new SqsScoreQueue(sqsClient(), requiredEnv('RESCORE_QUEUE_URL')),
      policy: new DynamoDbPolicyRevisions(client, table),
      baseline: baselineTimeline,
      now: () => new Date(),
    },
    () => new Date().toISOString().slice(0, 10),
  );
}

export const handler = (event: RescoreEvent, context: Context) => {
  fromEnv ??= fromEnvironment();
  return fromEnv(event, context);
};
