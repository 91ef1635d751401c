import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';

/**
 * Structured logs and CloudWatch metrics (EMF) via Powertools. Service name, log level and the metrics switch come
 * from the standard POWERTOOLS_* variables; built on first use so a local runtime can set them before.
 */
export interface Telemetry {
  logger: Logger;
  metrics: Metrics;
}

let current: Telemetry | undefined;

export function telemetry(): Telemetry {
  current ??= {
    logger: new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'mineral-risk' }),
    metrics: new Metrics({
      namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'MineralRisk',
      serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'mineral-risk',
    }),
  };
  return current;
}
