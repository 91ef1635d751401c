import type { CfnResource } from 'aws-cdk-lib';
import type { CfnStage, HttpRoute, HttpStage } from 'aws-cdk-lib/aws-apigatewayv2';
import { ROUTES, type RouteDef, routeKey } from '../../shared/http/routes.ts';
import type { StageConfig } from '../config.ts';

/**
 * Route-level throttles of the HTTP API stage (`api.routeThrottles`), below the stage's default throttle.
 *
 * HTTP APIs throttle per stage and per route only: they have no usage plans or per-client limits (REST APIs do), so
 * these limits are shared by every tenant. They keep the expensive routes from taking the whole stage limit, and the
 * API function's concurrency, from the cheap ones; docs/operations.md#tenant-fairness lists every limit.
 *
 * CDK's HttpStage sets only the default route settings, so the route settings go on the L1 stage, which must then
 * be created after those routes (API Gateway refuses settings for a route key it does not know).
 */
export function throttleRoutes(
  stage: HttpStage,
  routes: ReadonlyMap<string, HttpRoute>,
  throttles: StageConfig['api']['routeThrottles'],
): void {
  const cfnStage = stage.node.defaultChild as CfnStage;
  // RouteSettings is a JSON map in CloudFormation: its keys are written as the template spells them.
  const settings: Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }> = {};
  for (const [id, limits] of Object.entries(throttles)) {
    const def = (ROUTES as readonly RouteDef[]).find((r) => r.id === id);
    const route = routes.get(id);
    if (!limits || !def || !route) throw new Error(`api.routeThrottles: no route '${id}'`);
    settings[routeKey(def)] = { ThrottlingRateLimit: limits.rateLimit, ThrottlingBurstLimit: limits.burstLimit };
    cfnStage.addResourceDependency(route.node.defaultChild as CfnResource);
  }
  if (Object.keys(settings).length > 0) cfnStage.routeSettings = settings;
}
