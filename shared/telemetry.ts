import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';

/**
 * Structured logs and CloudWatch metrics (EMF) via Powertools. Service name and log level come from the standard
 * POWERTOOLS_SERVICE_NAME / POWERTOOLS_LOG_LEVEL variables the stack sets; the local runtime silences both.
 */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'mineral-risk' });
export const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'MineralRisk',
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'mineral-risk',
});
