import { Duration, Stack, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  CorsHttpMethod,
  HttpApi,
  HttpMethod,
  HttpRoute,
  HttpRouteKey,
  type HttpStage,
  type IHttpRouteAuthorizer,
  LogGroupLogDestination,
  PayloadFormatVersion,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer, HttpUserPoolAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { GraphWidget, TextWidget } from 'aws-cdk-lib/aws-cloudwatch';
import { UserPoolClient } from 'aws-cdk-lib/aws-cognito';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ROUTES, type RouteDef, type Scope } from '../../shared/http/routes.ts';
import { TABLE } from '../../shared/store/table.ts';
import { throttleRoutes } from './api-throttling.ts';
import { type ApiUserPool, createUserPool } from './api-user-pool.ts';
import { acknowledgeControl, acknowledgeShortLogRetention } from './control-tower.ts';
import { PLATFORM_PARTITIONS, SCENARIO_JOB_PARTITIONS, SUPPLIER_PARTITIONS, WEBHOOK_PARTITIONS } from './data-store.ts';
import type { Platform } from './mineral-risk-stack.ts';
import { PipelineFunction } from './pipeline-function.ts';
import { UPLOAD_PREFIX } from './uploads.ts';

/** The scopes a route accepts at the gateway: its own, or admin (which carries every scope). */
export function gatewayScopes(scope: Scope): string[] {
  return scope === 'risk/admin' ? [scope] : [scope, 'risk/admin'];
}

export { API_SCOPES, DEFAULT_CLIENT_SCOPES, RESOURCE_SERVER_ID } from './api-user-pool.ts';

/** The integration's timeout: the most aws-cdk-lib accepts for an HTTP API integration. */
export const INTEGRATION_TIMEOUT_SECONDS = 29;
/**
 * Lambda's timeout, below the integration's, so that a slow request ends with the function's own "Task timed out"
 * log line (and an api-errors alarm) rather than only API Gateway's 5xx.
 */
export const API_TIMEOUT_SECONDS = INTEGRATION_TIMEOUT_SECONDS - 1;

/**
 * The access log line (JSON, one per request). API Gateway substitutes the `$context` variables; every value is a
 * string so the format itself is JSON (cdk-nag's structured-logging check parses it).
 */
export const ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  ip: '$context.identity.sourceIp',
  requestTime: '$context.requestTime',
  routeKey: '$context.routeKey',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  latency: '$context.responseLatency',
  integrationLatency: '$context.integrationLatency',
  integrationStatus: '$context.integration.status',
  integrationError: '$context.integrationErrorMessage',
  /** The Lambda invocation's request id (`x-amzn-RequestId`): `@requestId` in the function's log group. */
  lambdaRequestId: '$context.awsEndpointRequestId',
  error: '$context.error.message',
  authorizerError: '$context.authorizer.error',
  clientId: '$context.authorizer.claims.client_id',
} as const;

const FIVE_MINUTES = Duration.minutes(5);
const ONE_MINUTE = Duration.minutes(1);

/**
 * The HTTP API of issue 4 on the platform: the API function (the same conventions as the pipeline's), an API
 * Gateway HTTP API with one route per entry of shared/http/routes.ts, a JWT authorizer with the route's scope on
 * every non-public route, JSON access logs, default-stage throttling, and its alarms and dashboard rows.
 *
 * Tokens come from a Cognito user pool created here (resource server `risk`, scopes read/write/webhooks/admin, one app
 * client for the client-credentials grant), or from an external issuer when the configuration names one.
 *
 * API Gateway passes a token that carries at least one of a route's `authorizationScopes`; each route lists its own
 * scope and `risk/admin`, so admin is a superset at the gateway as in the handler (`hasScope`) and the local server.
 *
 * The function's role may do only what the API's code calls:
 * - table: GetItem, PutItem (suppliers, batch records, the tombstone a DELETE leaves, policy revisions, rescore runs
 *   and their segments, the run list), Query (also the run list, `RUN#INDEX`, and the change feed's group
 *   partitions, `T#{tenant}#CHG#{shard}`), BatchGetItem; no Scan;
 *   UpdateItem only on the `POLICY` partition (the planned-revision marker a started policy run raises) and on the
 *   webhook partitions (an endpoint count, a rotation, a reopened delivery), never on a supplier or batch; Query on
 *   the `byScore` index (the supplier list) and the `changes` index (the change feed), no other index;
 *   DeleteItem only of a webhook endpoint (or its count), no other item; UpdateItem also on scenario jobs (`SCN#…`:
 *   a job whose segments the queue refused is marked failed);
 * - SendMessage (SendMessageBatch) to the score queue, to the rescore queue (the segments of a run it starts), to
 *   the scenario queue (the segments of a scenario job it starts) and
 *   to the notify queue (a test delivery, a retry from the delivery log);
 * - PutEvents on the change bus (infra/stacks/notify.ts), for its own source only;
 * - PutObject under `uploads/` (inline uploads and the presigned PUT URLs, which are signed with this role).
 */
export class Api extends Construct {
  readonly function: PipelineFunction;
  readonly httpApi: HttpApi;
  readonly stage: HttpStage;
  readonly accessLogs: LogGroup;
  readonly authorizer: IHttpRouteAuthorizer;
  readonly routes: ReadonlyMap<string, HttpRoute>;
  /** The JWT issuer the authorizer trusts. */
  readonly issuer: string;
  /** Present unless an external issuer is configured. */
  readonly cognito?: ApiUserPool;

  constructor(scope: Construct, id: string, platform: Platform) {
    super(scope, id);
    const { config, data, uploads, queues, removalPolicy, key } = platform;
    const api = config.api;
    const stack = Stack.of(this);

    // Who may call: a Cognito user pool of this stack, or the configured external issuer.
    let clientTenants: Record<string, string> | string = api.clientTenants;
    if (api.jwtIssuer && api.jwtAudience) {
      this.issuer = api.jwtIssuer;
      this.authorizer = new HttpJwtAuthorizer('JwtAuthorizer', api.jwtIssuer, {
        authorizerName: `${config.prefix}-jwt`,
        jwtAudience: api.jwtAudience,
      });
    } else {
      this.cognito = createUserPool(this, platform);
      const { userPool, client } = this.cognito;
      this.issuer = userPool.userPoolProviderUrl;
      // Cognito access tokens carry the app client in `client_id`, which the authorizer matches against the
      // audience: the stack's client and every client mapped to a tenant may call.
      const mapped = Object.keys(api.clientTenants).map((clientId, i) =>
        UserPoolClient.fromUserPoolClientId(this, `MappedClient${i}`, clientId),
      );
      this.authorizer = new HttpUserPoolAuthorizer('JwtAuthorizer', userPool, {
        authorizerName: `${config.prefix}-cognito`,
        userPoolClients: [client, ...mapped],
      });
      clientTenants = stack.toJsonString({ ...api.clientTenants, [client.userPoolClientId]: api.defaultClientTenant });
    }

    this.function = new PipelineFunction(this, 'Function', {
      config,
      name: 'api',
      description: 'HTTP API (API Gateway, payload 2.0): suppliers, scoring, batches, portfolio, scenarios, reference',
      memorySize: config.memoryMb.api,
      timeout: Duration.seconds(API_TIMEOUT_SECONDS),
      environment: {
        TABLE_NAME: data.table.tableName,
        QUEUE_URL: queues.score.queueUrl,
        RESCORE_QUEUE_URL: queues.rescore.queueUrl,
        SCENARIO_QUEUE_URL: queues.scenario.queueUrl,
        UPLOAD_BUCKET: uploads.bucketName,
        TENANT_CLAIM: api.tenantClaim,
        CLIENT_TENANTS: typeof clientTenants === 'string' ? clientTenants : JSON.stringify(clientTenants),
        OPERATOR_TENANTS: api.operatorTenants.join(','),
        // Webhooks: test deliveries and retries from the log go to the notifier's queue; URLs are vetted as in AWS.
        NOTIFY_QUEUE_URL: queues.notify.queueUrl,
        WEBHOOK_MODE: 'aws',
      },
      removalPolicy,
      logKey: key.key,
    });
    const role = this.function.role;
    role.addToPrincipalPolicy(
      data.statement(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:BatchGetItem']),
    );
    // The security review took UpdateItem away from the API: it may update the planned-revision marker only.
    role.addToPrincipalPolicy(data.statement(['dynamodb:UpdateItem'], [PLATFORM_PARTITIONS.policy]));
    // Webhook endpoints (their count, a rotation, a delete) and deliveries (a retry reopens one): those items only.
    role.addToPrincipalPolicy(data.statement(['dynamodb:UpdateItem', 'dynamodb:DeleteItem'], WEBHOOK_PARTITIONS));
    role.addToPrincipalPolicy(data.statement(['dynamodb:UpdateItem'], SCENARIO_JOB_PARTITIONS));
    // A synchronous PUT or DELETE of a supplier is an UpdateItem (it moves the stored summary to prevSummary in the
    // same write, issue 10): supplier partitions only, never a batch's.
    role.addToPrincipalPolicy(data.statement(['dynamodb:UpdateItem'], SUPPLIER_PARTITIONS));
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['dynamodb:Query'],
        resources: [data.indexArn(TABLE.indexes.byScore.name), data.indexArn(TABLE.indexes.changes.name)],
      }),
    );
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['sqs:SendMessage'],
        resources: [queues.score.queueArn, queues.rescore.queueArn, queues.scenario.queueArn, queues.notify.queueArn],
      }),
    );
    role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['s3:PutObject'], resources: [uploads.objectsArn(UPLOAD_PREFIX)] }),
    );
    key.grantThroughS3(role, ['kms:GenerateDataKey']);
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${uploads.nagObjectsArn(UPLOAD_PREFIX)}]`,
      reason: `The API writes new uploads under ${UPLOAD_PREFIX} only (uploads/{tenant}/{batchId}, created per request, inline or through a presigned PUT signed by this role); it cannot read, list or delete objects.`,
    });
    Validations.of(this.function.fn).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason:
        'The API function is only invoked synchronously by API Gateway: a failure is returned to the caller as a 5xx and counted by the api-5xx and api-errors alarms; there is no asynchronous event to dead-letter.',
    });

    // JSON access logs, kept as long as the functions' logs.
    this.accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: config.logRetentionDays as RetentionDays,
      encryptionKey: key.key,
      removalPolicy,
    });
    acknowledgeShortLogRetention(this.accessLogs, config);

    this.httpApi = new HttpApi(this, 'HttpApi', {
      apiName: `${config.prefix}-api`,
      description: `mineral-risk (${config.stage}) HTTP API: routes of shared/http/routes.ts, JWT scopes per route`,
      createDefaultStage: false,
      ...(api.corsOrigins.length > 0
        ? {
            corsPreflight: {
              allowOrigins: api.corsOrigins,
              allowMethods: [...new Set(ROUTES.map((r) => r.method))].map((m) => CorsHttpMethod[m]),
              allowHeaders: ['authorization', 'content-type'],
              exposeHeaders: ['location'],
              maxAge: Duration.hours(1),
            },
          }
        : {}),
    });
    this.stage = this.httpApi.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: api.throttle.rateLimit, burstLimit: api.throttle.burstLimit },
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogs),
        format: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
      },
    });

    const integration = new HttpLambdaIntegration('Handler', this.function.fn, {
      payloadFormatVersion: PayloadFormatVersion.VERSION_2_0,
      timeout: Duration.seconds(INTEGRATION_TIMEOUT_SECONDS),
    });
    const routes = new Map<string, HttpRoute>();
    for (const r of ROUTES as readonly RouteDef[]) {
      const route = new HttpRoute(this, `Route-${r.id}`, {
        httpApi: this.httpApi,
        routeKey: HttpRouteKey.with(r.path, HttpMethod[r.method]),
        integration,
        ...(r.scope !== null ? { authorizer: this.authorizer, authorizationScopes: gatewayScopes(r.scope) } : {}),
      });
      if (r.scope === null) {
        Validations.of(route).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason: `${r.method} ${r.path} is public by design (issue 4: liveness and the OpenAPI document, no tenant data); it reads no table, queue or bucket, and stage throttling bounds it.`,
        });
        acknowledgeControl(
          route,
          'CT.APIGATEWAY.PR.5',
          `${r.method} ${r.path} is public by design (liveness and the OpenAPI document, no tenant data), as for AwsSolutions-APIG4: it has no authorization type because it has no authorizer.`,
        );
      }
      acknowledgeControl(
        route,
        'CT.LAMBDA.PR.2',
        `the permission that lets API Gateway invoke the API function for ${r.method} ${r.path} is scoped: principal apigateway.amazonaws.com, SourceArn this API's execute-api ARN for this route. CloudFormation builds that ARN with Fn::Join, which the rule cannot read (the plugin's documented limit), so it reports no source.`,
      );
      routes.set(r.id, route);
    }
    this.routes = routes;
    throttleRoutes(this.stage, routes, api.routeThrottles);

    this.watch(platform);
  }

  /** Errors and throttles of the function, 5xx and p99 latency of the API, and their dashboard rows. */
  private watch(platform: Platform): void {
    const { config, monitoring } = platform;
    const api = config.api;
    monitoring.dashboard.addWidgets(
      new TextWidget({
        markdown: `# ${config.prefix} HTTP API\nRequests, errors and latency at API Gateway; the API function below.`,
        width: 24,
        height: 2,
      }),
    );
    monitoring.alarm(
      'api-5xx',
      this.httpApi.metricServerError({ period: FIVE_MINUTES, statistic: 'Sum' }),
      api.serverErrorAlarmCount,
      `The HTTP API answered ${api.serverErrorAlarmCount} or more 5xx responses in 5 minutes (function errors, timeouts, throttled or failed integrations).`,
      'alarm-api-server-errors',
    );
    monitoring.alarm(
      'api-latency',
      this.httpApi.metricLatency({ period: FIVE_MINUTES, statistic: 'p99' }),
      api.latencyAlarmMs,
      `The HTTP API's p99 latency was ${api.latencyAlarmMs} ms or more for 15 minutes.`,
      'alarm-api-latency',
      3,
    );
    monitoring.dashboard.addWidgets(
      new GraphWidget({
        title: 'API: requests, 4xx, 5xx',
        left: [this.httpApi.metricCount({ period: ONE_MINUTE, statistic: 'Sum', label: 'requests' })],
        right: [
          this.httpApi.metricClientError({ period: ONE_MINUTE, statistic: 'Sum', label: '4xx' }),
          this.httpApi.metricServerError({ period: ONE_MINUTE, statistic: 'Sum', label: '5xx' }),
        ],
        width: 12,
      }),
      new GraphWidget({
        title: 'API: latency p50 / p99 (ms)',
        left: [
          this.httpApi.metricLatency({ period: ONE_MINUTE, statistic: 'p50', label: 'p50' }),
          this.httpApi.metricLatency({ period: ONE_MINUTE, statistic: 'p99', label: 'p99' }),
          this.httpApi.metricIntegrationLatency({ period: ONE_MINUTE, statistic: 'p99', label: 'integration p99' }),
        ],
        leftAnnotations: [{ value: api.latencyAlarmMs, label: 'alarm (p99)' }],
        width: 12,
      }),
    );
    monitoring.watchFunction('api', this.function.fn);
  }

  /** Stack outputs of the API: name → [value, description]. */
  outputs(): Record<string, [string, string]> {
    const out: Record<string, [string, string]> = {
      ApiUrl: [this.stage.url, 'HTTP API base URL (GET {ApiUrl}health, {ApiUrl}openapi.json)'],
      ApiFunctionName: [this.function.fn.functionName, 'API function'],
      ApiAccessLogGroupName: [this.accessLogs.logGroupName, 'HTTP API access logs (JSON)'],
      JwtIssuer: [this.issuer, 'Issuer (iss) of the tokens the API accepts'],
    };
    if (this.cognito) {
      out.UserPoolId = [this.cognito.userPool.userPoolId, 'Cognito user pool of the API clients'];
      out.TokenEndpoint = [this.cognito.tokenEndpoint, 'OAuth 2.0 token endpoint (client-credentials grant)'];
      out.ApiClientId = [this.cognito.client.userPoolClientId, 'App client created by the stack (secret: see docs)'];
    }
    return out;
  }
}
