import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { dynamoDbClient, requiredEnv } from '../../shared/aws-clients.ts';
import { type ReconcileDeps, type ReconcileResult, reconcilePortfolios } from '../../shared/portfolio/reconcile.ts';
import { referenceData } from '../../shared/reference/index.ts';
import { DynamoDbPortfolioAggregates } from '../../shared/store/portfolio-aggregates.ts';
import { DynamoDbContributionScan } from '../../shared/store/portfolio-aggregates-scan.ts';
import { telemetry } from '../../shared/telemetry.ts';

/**
 * Schedule (EventBridge, daily after the rescore runs) or on demand → recount every tenant's portfolio aggregates
 * from its stored suppliers (shared/portfolio/reconcile.ts). Any event; it carries nothing.
 */
export function createReconcileHandler(deps: ReconcileDeps) {
  const { logger, metrics } = telemetry();
  return middy(async (_event: unknown, _context: Context): Promise<ReconcileResult> => {
    const result = await reconcilePortfolios(deps);
    logger.info('portfolio aggregates reconciled', { ...result });
    return result;
  })
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics));
}

let fromEnv: ReturnType<typeof createReconcileHandler> | undefined;

function fromEnvironment() {
  const table = requiredEnv('TABLE_NAME');
  const client = dynamoDbClient();
  return createReconcileHandler({
    scan: new DynamoDbContributionScan(client, table, referenceData()),
    aggregates: new DynamoDbPortfolioAggregates(client, table, { largeSnapshots: true }),
    now: () => new Date(),
  });
}

export const handler = (event: unknown, context: Context) => {
  fromEnv ??= fromEnvironment();
  return fromEnv(event, context);
};
