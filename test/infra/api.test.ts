import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { STAGE_DEFAULTS } from '../../infra/config.ts';
import {
  ACCESS_LOG_FIELDS,
  API_SCOPES,
  API_TIMEOUT_SECONDS,
  DEFAULT_CLIENT_SCOPES,
  INTEGRATION_TIMEOUT_SECONDS,
} from '../../infra/stacks/api.ts';
import { GUARD_PLUGIN_NAME } from '../../infra/stacks/control-tower.ts';
import { nagPacks } from '../../infra/stacks/define.ts';
import { METRICS_NAMESPACE, REPO_ROOT, RUNTIME } from '../../infra/stacks/pipeline-function.ts';
import { ROUTES, routeKey } from '../../shared/http/routes.ts';
import {
  conditioned,
  getAtt,
  partitionsCondition,
  permissions,
  permissionTable,
  ref,
  resource,
  type Synth,
  synth,
} from './synth.ts';

const dev = () => synth({ stage: 'dev' });
const prod = () => synth({ stage: 'prod', alarmEmail: 'ops@example.com' });
const EXTERNAL = { jwtIssuer: 'https://idp.example.com/oauth2/default', jwtAudience: ['mineral-risk-api'] };
const external = () => synth({ stage: 'prod', mineralRisk: { prod: { api: EXTERNAL } } });
const MAPPED = { '4s1example0client0id0acme': 'acme', '7k2example0client0id0globex': 'globex' };
const mapped = () =>
  synth({
    stage: 'dev',
    mineralRisk: { dev: { api: { clientTenants: MAPPED, corsOrigins: ['https://app.example.com'] } } },
  });

type Props = Record<string, unknown>;
const ofType = (s: Synth, type: string) =>
  Object.entries(s.template.findResources(type)).map(([id, r]) => ({ id, props: r.Properties as Props, r }));
const apiRoutes = (s: Synth) => ofType(s, 'AWS::ApiGatewayV2::Route');
const env = (s: Synth) =>
  (resource(s, s.stack.api.function.fn).Properties.Environment as { Variables: Record<string, unknown> }).Variables;
const authorizerOf = (s: Synth) => {
  const [authorizer, ...more] = ofType(s, 'AWS::ApiGatewayV2::Authorizer');
  expect(more).toEqual([]);
  return authorizer as NonNullable<typeof authorizer>;
};

describe('HTTP API routes', () => {
  it('has exactly one route per entry of shared/http/routes.ts, all to the API function (payload 2.0)', () => {
    for (const s of [dev(), external()]) {
      const routes = apiRoutes(s);
      expect(routes.map((r) => r.props.RouteKey).sort()).toEqual(ROUTES.map((r) => routeKey(r)).sort());
      const [integration, ...others] = ofType(s, 'AWS::ApiGatewayV2::Integration');
      expect(others).toEqual([]);
      expect(integration?.props).toMatchObject({
        ApiId: ref(s.id(s.stack.api.httpApi)),
        IntegrationType: 'AWS_PROXY',
        IntegrationUri: getAtt(s.id(s.stack.api.function.fn)),
        PayloadFormatVersion: '2.0',
        TimeoutInMillis: INTEGRATION_TIMEOUT_SECONDS * 1000,
      });
      for (const r of routes) {
        expect(r.props.ApiId).toEqual(ref(s.id(s.stack.api.httpApi)));
        expect(r.props.Target).toEqual({ 'Fn::Join': ['', ['integrations/', ref(integration?.id ?? '')]] });
      }
    }
  });

  it('puts the JWT authorizer and exactly the route’s scope on every route with a scope', () => {
    for (const s of [dev(), external()]) {
      const authorizer = authorizerOf(s);
      const byKey = new Map(apiRoutes(s).map((r) => [r.props.RouteKey, r.props]));
      const scoped = ROUTES.filter((r) => r.scope !== null);
      expect(scoped.length).toBeGreaterThan(10);
      for (const r of scoped) {
        expect(byKey.get(routeKey(r)), routeKey(r)).toEqual({
          ApiId: ref(s.id(s.stack.api.httpApi)),
          RouteKey: routeKey(r),
          Target: expect.anything(),
          AuthorizationType: 'JWT',
          AuthorizerId: ref(authorizer.id),
          // Its own scope, or risk/admin: API Gateway passes a token with at least one of them.
          AuthorizationScopes: r.scope === 'risk/admin' ? ['risk/admin'] : [r.scope, 'risk/admin'],
        });
      }
    }
  });

  it('leaves /health and /openapi.json public, and no other route', () => {
    const s = dev();
    const publicRoutes = apiRoutes(s).filter((r) => r.props.AuthorizationType !== 'JWT');
    expect(publicRoutes.map((r) => r.props.RouteKey).sort()).toEqual(['GET /health', 'GET /openapi.json']);
    for (const r of publicRoutes) {
      expect(r.props.AuthorizationType).toBe('NONE');
      expect(r.props.AuthorizerId).toBeUndefined();
      expect(r.props.AuthorizationScopes).toBeUndefined();
    }
    expect(ROUTES.filter((r) => r.scope === null).map((r) => routeKey(r))).toEqual([
      'GET /health',
      'GET /openapi.json',
    ]);
  });

  it('uses only the scopes the resource server defines; risk/admin passes every scoped route at the gateway', () => {
    for (const r of ROUTES) if (r.scope !== null) expect(API_SCOPES).toContain(r.scope);
    const s = dev();
    const needed = new Set(apiRoutes(s).flatMap((r) => (r.props.AuthorizationScopes as string[] | undefined) ?? []));
    expect([...needed].sort()).toEqual(['risk/admin', 'risk/read', 'risk/webhooks', 'risk/write']);
    for (const r of apiRoutes(s))
      if (r.props.AuthorizationScopes) expect(r.props.AuthorizationScopes as string[]).toContain('risk/admin');
  });

  it('lets API Gateway invoke the function for its own routes only', () => {
    const s = dev();
    const permissions = ofType(s, 'AWS::Lambda::Permission').filter(
      (p) => JSON.stringify(p.props.FunctionName) === JSON.stringify(getAtt(s.id(s.stack.api.function.fn))),
    );
    expect(permissions).toHaveLength(ROUTES.length);
    for (const p of permissions) {
      expect(p.props.Principal).toBe('apigateway.amazonaws.com');
      expect(p.props.Action).toBe('lambda:InvokeFunction');
      expect(JSON.stringify(p.props.SourceArn)).toContain(JSON.stringify(ref(s.id(s.stack.api.httpApi))));
    }
  });

  it('answers no CORS preflight by default; only configured origins get one', () => {
    for (const s of [dev(), prod()])
      expect(resource(s, s.stack.api.httpApi).Properties.CorsConfiguration).toBeUndefined();
    const m = mapped();
    expect(resource(m, m.stack.api.httpApi).Properties.CorsConfiguration).toMatchObject({
      AllowOrigins: ['https://app.example.com'],
      AllowHeaders: ['authorization', 'content-type'],
      AllowMethods: expect.arrayContaining(['GET', 'PUT', 'POST', 'DELETE']),
    });
  });
});

describe('HTTP API stage', () => {
  it('is the $default stage, deployed automatically, with JSON access logs to its own log group', () => {
    for (const [s, days] of [
      [dev(), STAGE_DEFAULTS.dev.logRetentionDays],
      [prod(), STAGE_DEFAULTS.prod.logRetentionDays],
    ] as const) {
      const stage = resource(s, s.stack.api.stage).Properties;
      expect(stage).toMatchObject({ ApiId: ref(s.id(s.stack.api.httpApi)), StageName: '$default', AutoDeploy: true });
      const logs = stage.AccessLogSettings as { DestinationArn: unknown; Format: string };
      expect(logs.DestinationArn).toEqual(getAtt(s.id(s.stack.api.accessLogs)));
      const format = JSON.parse(logs.Format) as Record<string, string>;
      expect(format).toEqual(ACCESS_LOG_FIELDS);
      expect(format).toMatchObject({
        requestId: '$context.requestId',
        ip: '$context.identity.sourceIp',
        routeKey: '$context.routeKey',
        status: '$context.status',
        latency: '$context.responseLatency',
        integrationError: '$context.integrationErrorMessage',
      });
      expect(resource(s, s.stack.api.accessLogs).Properties.RetentionInDays).toBe(days);
    }
    expect(resource(dev(), dev().stack.api.accessLogs).DeletionPolicy).toBe('Delete');
    expect(resource(prod(), prod().stack.api.accessLogs).DeletionPolicy).toBe('Retain');
    dev().template.resourceCountIs('AWS::ApiGatewayV2::Stage', 1);
  });

  it('throttles the default stage at the configured rate and burst', () => {
    const stageOf = (s: Synth) => resource(s, s.stack.api.stage).Properties.DefaultRouteSettings;
    expect(stageOf(dev())).toEqual({
      ThrottlingRateLimit: STAGE_DEFAULTS.dev.api.throttle.rateLimit,
      ThrottlingBurstLimit: STAGE_DEFAULTS.dev.api.throttle.burstLimit,
    });
    expect(stageOf(prod())).toEqual({
      ThrottlingRateLimit: STAGE_DEFAULTS.prod.api.throttle.rateLimit,
      ThrottlingBurstLimit: STAGE_DEFAULTS.prod.api.throttle.burstLimit,
    });
    const custom = synth({ stage: 'prod', mineralRisk: { prod: { api: { throttle: { rateLimit: 120 } } } } });
    expect(stageOf(custom)).toEqual({
      ThrottlingRateLimit: 120,
      ThrottlingBurstLimit: STAGE_DEFAULTS.prod.api.throttle.burstLimit,
    });
  });
});

describe('authorizer and Cognito user pool', () => {
  it('trusts the stack’s user pool, with the default client and the mapped clients as audience', () => {
    const s = dev();
    const { userPool, client } = s.stack.api.cognito ?? expect.unreachable('a user pool');
    expect(authorizerOf(s).props).toEqual({
      ApiId: ref(s.id(s.stack.api.httpApi)),
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      Name: 'mineral-risk-dev-cognito',
      JwtConfiguration: {
        Issuer: {
          'Fn::Join': ['', ['https://cognito-idp.', { Ref: 'AWS::Region' }, '.amazonaws.com/', ref(s.id(userPool))]],
        },
        Audience: [ref(s.id(client))],
      },
    });
    const m = mapped();
    const mClient = m.stack.api.cognito?.client as IConstruct;
    expect((authorizerOf(m).props.JwtConfiguration as { Audience: unknown[] }).Audience).toEqual([
      ref(m.id(mClient)),
      ...Object.keys(MAPPED),
    ]);
  });

  it('creates a machine-only user pool: no self sign-up, MFA required (TOTP), strong passwords, Essentials', () => {
    const s = dev();
    const pool = resource(s, s.stack.api.cognito?.userPool as IConstruct);
    expect(pool.Properties).toMatchObject({
      UserPoolName: 'mineral-risk-dev-api',
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      MfaConfiguration: 'ON',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      UserPoolTier: 'ESSENTIALS',
      Policies: {
        PasswordPolicy: {
          MinimumLength: 14,
          RequireLowercase: true,
          RequireUppercase: true,
          RequireNumbers: true,
          RequireSymbols: true,
        },
      },
      DeletionProtection: 'INACTIVE',
    });
    expect(pool.DeletionPolicy).toBe('Delete');
    // TOTP only: no SMS, so no role for Cognito to send SMS with.
    expect(JSON.stringify(s.template.findResources('AWS::IAM::Role'))).not.toContain('cognito-idp.amazonaws.com');
    const p = prod();
    const prodPool = resource(p, p.stack.api.cognito?.userPool as IConstruct);
    expect(prodPool.Properties.DeletionProtection).toBe('ACTIVE');
    expect(prodPool.DeletionPolicy).toBe('Retain');
  });

  it('has the resource server risk with read, write and admin, and a token endpoint domain', () => {
    const s = dev();
    const { userPool, domain } = s.stack.api.cognito ?? expect.unreachable('a user pool');
    const [server, ...more] = ofType(s, 'AWS::Cognito::UserPoolResourceServer');
    expect(more).toEqual([]);
    expect(server?.props).toMatchObject({ Identifier: 'risk', UserPoolId: ref(s.id(userPool)) });
    expect(((server?.props.Scopes ?? []) as { ScopeName: string }[]).map((x) => `risk/${x.ScopeName}`)).toEqual([
      ...API_SCOPES,
    ]);
    expect(resource(s, domain).Properties).toEqual({
      Domain: { 'Fn::Join': ['', ['mineral-risk-dev-', { Ref: 'AWS::AccountId' }]] },
      UserPoolId: ref(s.id(userPool)),
    });
    const custom = synth({ stage: 'dev', mineralRisk: { dev: { api: { cognitoDomainPrefix: 'acme-risk-api' } } } });
    expect(resource(custom, custom.stack.api.cognito?.domain as IConstruct).Properties.Domain).toBe('acme-risk-api');
  });

  it('creates one app client for the client-credentials grant, with a secret, read and write, no user flows', () => {
    const s = dev();
    const { client } = s.stack.api.cognito ?? expect.unreachable('a user pool');
    s.template.resourceCountIs('AWS::Cognito::UserPoolClient', 1);
    const props = resource(s, client).Properties;
    expect(props).toMatchObject({
      ClientName: 'mineral-risk-dev-default',
      GenerateSecret: true,
      AllowedOAuthFlows: ['client_credentials'],
      AllowedOAuthFlowsUserPoolClient: true,
      ExplicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH'],
      AccessTokenValidity: 60,
      TokenValidityUnits: { AccessToken: 'minutes' },
    });
    expect(props.CallbackURLs).toBeUndefined();
    const server = ofType(s, 'AWS::Cognito::UserPoolResourceServer')[0]?.id as string;
    expect(props.AllowedOAuthScopes).toEqual(
      DEFAULT_CLIENT_SCOPES.map((x) => ({ 'Fn::Join': ['', [ref(server), `/${x.split('/')[1]}`]] })),
    );
  });

  it('uses the configured external issuer and audience instead, with no user pool', () => {
    const s = external();
    expect(s.stack.api.cognito).toBeUndefined();
    for (const type of ['AWS::Cognito::UserPool', 'AWS::Cognito::UserPoolClient', 'AWS::Cognito::UserPoolDomain'])
      s.template.resourceCountIs(type, 0);
    expect(authorizerOf(s).props).toMatchObject({
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: { Issuer: EXTERNAL.jwtIssuer, Audience: EXTERNAL.jwtAudience },
    });
    expect(env(s).CLIENT_TENANTS).toBe('{}');
    const outputs = Object.keys(s.template.toJSON().Outputs);
    expect(outputs).toEqual(expect.arrayContaining(['ApiUrl', 'JwtIssuer']));
    for (const o of ['UserPoolId', 'TokenEndpoint', 'ApiClientId']) expect(outputs).not.toContain(o);
    expect(s.template.toJSON().Outputs.JwtIssuer.Value).toBe(EXTERNAL.jwtIssuer);
  });
});

describe('API function', () => {
  it('is deployed like the pipeline functions: newest Node.js, arm64, X-Ray, own log group, Powertools', () => {
    for (const [s, stage] of [
      [dev(), 'dev'],
      [prod(), 'prod'],
    ] as const) {
      const fn = s.stack.api.function;
      expect(resource(s, fn.fn).Properties).toMatchObject({
        FunctionName: `mineral-risk-${stage}-api`,
        Runtime: RUNTIME.name,
        Architectures: ['arm64'],
        Handler: 'index.handler',
        TracingConfig: { Mode: 'Active' },
        MemorySize: STAGE_DEFAULTS[stage].memoryMb.api,
        Timeout: API_TIMEOUT_SECONDS,
        LoggingConfig: { LogGroup: ref(s.id(fn.logGroup)) },
      });
      expect(resource(s, fn.logGroup).Properties.RetentionInDays).toBe(STAGE_DEFAULTS[stage].logRetentionDays);
    }
    expect(API_TIMEOUT_SECONDS).toBeLessThan(INTEGRATION_TIMEOUT_SECONDS);
  });

  it('gets the environment the API handler reads', () => {
    const s = dev();
    const { platform } = s.stack;
    const client = ref(s.id(s.stack.api.cognito?.client as IConstruct));
    expect(env(s)).toEqual({
      POWERTOOLS_SERVICE_NAME: 'mineral-risk-dev',
      POWERTOOLS_LOG_LEVEL: STAGE_DEFAULTS.dev.logLevel,
      POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
      NODE_OPTIONS: '--enable-source-maps',
      TABLE_NAME: ref(s.id(platform.data.table)),
      QUEUE_URL: ref(s.id(platform.queues.score)),
      RESCORE_QUEUE_URL: ref(s.id(platform.queues.rescore)),
      SCENARIO_QUEUE_URL: ref(s.id(platform.queues.scenario)),
      UPLOAD_BUCKET: {
        'Fn::Join': ['-', ['mineral-risk-dev-uploads', { Ref: 'AWS::AccountId' }, { Ref: 'AWS::Region' }]],
      },
      TENANT_CLAIM: 'tenant',
      CLIENT_TENANTS: { 'Fn::Join': ['', ['{"', client, '":"default"}']] },
      // The platform operators: the handler's default, set explicitly per stage (api.operatorTenants).
      OPERATOR_TENANTS: 'platform',
      // Webhooks: the notifier's queue, URLs vetted as in AWS; change events on the stage's bus (notify.test.ts).
      NOTIFY_QUEUE_URL: ref(s.id(platform.queues.notify)),
      WEBHOOK_MODE: 'aws',
      CHANGE_EVENT_BUS_NAME: ref(s.id(s.stack.notifications.bus)),
      CHANGE_EVENT_MIN_POINTS: String(STAGE_DEFAULTS.dev.changeEventMinPoints),
    });
    const operators = synth({
      stage: 'prod',
      mineralRisk: { prod: { api: { operatorTenants: ['ops', 'platform'] } } },
    });
    expect(env(operators).OPERATOR_TENANTS).toBe('ops,platform');
    // With mapped clients: the configured map plus the stack's client, as one JSON object once resolved.
    const m = mapped();
    const joined = env(m).CLIENT_TENANTS as { 'Fn::Join': [string, unknown[]] };
    const mClient = ref(m.id(m.stack.api.cognito?.client as IConstruct));
    const resolved = joined['Fn::Join'][1]
      .map((part) => (JSON.stringify(part) === JSON.stringify(mClient) ? 'DEFAULT_CLIENT_ID' : part))
      .join('');
    expect(JSON.parse(resolved)).toEqual({ ...MAPPED, DEFAULT_CLIENT_ID: 'default' });
    const claim = synth({ stage: 'dev', mineralRisk: { dev: { api: { tenantClaim: 'custom:tenant' } } } });
    expect(env(claim).TENANT_CLAIM).toBe('custom:tenant');
  });
});

describe('API function role', () => {
  const s = dev();
  const { data, queues } = s.stack.platform;
  const fn = s.stack.api.function;
  const p = permissionTable(permissions(s, s.id(fn.role)));
  const table = JSON.stringify(getAtt(s.id(data.table)));
  const byScore = JSON.stringify({ 'Fn::Join': ['', [getAtt(s.id(data.table)), '/index/byScore']] });
  const changesIndex = JSON.stringify({ 'Fn::Join': ['', [getAtt(s.id(data.table)), '/index/changes']] });

  it('may do exactly what the API code calls, on exactly these resources', () => {
    const uploads = JSON.stringify({
      'Fn::Join': [
        '',
        [
          'arn:',
          { Ref: 'AWS::Partition' },
          ':s3:::',
          { 'Fn::Join': ['-', ['mineral-risk-dev-uploads', { Ref: 'AWS::AccountId' }, { Ref: 'AWS::Region' }]] },
          '/uploads/*',
        ],
      ],
    });
    expect(p).toEqual({
      'logs:CreateLogStream': [JSON.stringify(getAtt(s.id(fn.logGroup)))],
      'logs:PutLogEvents': [JSON.stringify(getAtt(s.id(fn.logGroup)))],
      'xray:PutTelemetryRecords': ['"*"'],
      'xray:PutTraceSegments': ['"*"'],
      'dynamodb:BatchGetItem': [table],
      'dynamodb:GetItem': [table],
      // Suppliers, batch records and tombstones (tenants' items), policy revisions, rescore runs and segments.
      'dynamodb:PutItem': [table],
      'dynamodb:Query': [table, byScore, changesIndex].sort(),
      // The planned-revision marker (POLICY / PLANNED), which a policy run it starts raises; webhook endpoints (their
      // count, a rotation) and deliveries (a retry reopens one); scenario jobs (one whose segments were refused fails);
      // supplier partitions (a synchronous PUT or DELETE of a supplier).
      'dynamodb:UpdateItem': [
        conditioned(table, partitionsCondition('POLICY')),
        conditioned(table, partitionsCondition('T#*#WH', 'T#*#WH#*')),
        conditioned(table, partitionsCondition('SCN#*#*')),
        conditioned(table, partitionsCondition('T#*#S#*')),
      ].sort(),
      // A webhook endpoint and its count: no other item.
      'dynamodb:DeleteItem': [conditioned(table, partitionsCondition('T#*#WH', 'T#*#WH#*'))],
      'sqs:SendMessage': [
        JSON.stringify(getAtt(s.id(queues.score))),
        JSON.stringify(getAtt(s.id(queues.rescore))),
        JSON.stringify(getAtt(s.id(queues.scenario))),
        JSON.stringify(getAtt(s.id(queues.notify))),
      ].sort(),
      'events:PutEvents': [
        conditioned(JSON.stringify(getAtt(s.id(s.stack.notifications.bus))), {
          StringEquals: { 'events:source': 'mineral-risk' },
        }),
      ],
      's3:PutObject': [uploads],
      // Writing an upload encrypts it with the stage key (SSE-KMS), through S3 only (control-tower.test.ts).
      'kms:GenerateDataKey': [
        conditioned(JSON.stringify(getAtt(s.id(s.stack.platform.key.key))), {
          StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', ['s3.', { Ref: 'AWS::Region' }, '.amazonaws.com']] } },
        }),
      ],
    });
  });

  it('cannot read uploads, consume queues, batch-write, or update or delete a batch', () => {
    const actions = Object.keys(p);
    for (const a of [
      's3:GetObject',
      's3:ListBucket',
      's3:DeleteObject',
      'sqs:ReceiveMessage',
      'sqs:DeleteMessage',
      'dynamodb:BatchWriteItem',
    ])
      expect(actions).not.toContain(a);
    expect(actions.filter((a) => a.includes('*'))).toEqual([]);
    // UpdateItem, taken away by the security review, is back for the POLICY partition, the webhook partitions,
    // scenario jobs and supplier partitions (a synchronous PUT or DELETE) only; DeleteItem for the webhook partitions.
    expect(p['dynamodb:UpdateItem']).toHaveLength(4);
    expect(p['dynamodb:UpdateItem']?.join()).toContain('"dynamodb:LeadingKeys":["POLICY"]');
    expect(p['dynamodb:UpdateItem']?.join()).toContain('"dynamodb:LeadingKeys":["T#*#S#*"]');
    for (const statement of [...(p['dynamodb:UpdateItem'] ?? []), ...(p['dynamodb:DeleteItem'] ?? [])])
      expect(statement).toMatch(/"dynamodb:LeadingKeys":\[("POLICY"|"T#\*#WH","T#\*#WH#\*"|"SCN#\*#\*"|"T#\*#S#\*")\]/);
    expect(JSON.stringify(p)).not.toContain('dueForRescore');
    for (const q of [queues.scoreDlq, queues.rescoreDlq, queues.scenarioDlq, queues.failedInvocations])
      expect(JSON.stringify(p)).not.toContain(s.id(q));
  });

  it('carries no managed policy and trusts only Lambda', () => {
    const role = resource(s, fn.role).Properties;
    expect(role.ManagedPolicyArns).toBeUndefined();
    expect(role.AssumeRolePolicyDocument).toMatchObject({
      Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } }],
    });
  });
});

describe('API alarms and dashboard', () => {
  const alarmsOf = (s: Synth) =>
    Object.fromEntries(ofType(s, 'AWS::CloudWatch::Alarm').map((a) => [a.props.AlarmName as string, a.props] as const));

  it('alarm on API 5xx and p99 latency, and on the function’s errors and throttles, to the alarm topic', () => {
    const s = dev();
    const alarms = alarmsOf(s);
    const topic = ref(s.id(s.stack.platform.monitoring.topic));
    const api = [{ Name: 'ApiId', Value: ref(s.id(s.stack.api.httpApi)) }];
    const d = STAGE_DEFAULTS.dev.api;
    expect(alarms['mineral-risk-dev-api-5xx']).toMatchObject({
      Namespace: 'AWS/ApiGateway',
      MetricName: '5xx',
      Dimensions: api,
      Statistic: 'Sum',
      Period: 300,
      EvaluationPeriods: 1,
      Threshold: d.serverErrorAlarmCount,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    expect(alarms['mineral-risk-dev-api-latency']).toMatchObject({
      Namespace: 'AWS/ApiGateway',
      MetricName: 'Latency',
      Dimensions: api,
      ExtendedStatistic: 'p99',
      Period: 300,
      EvaluationPeriods: 3,
      Threshold: d.latencyAlarmMs,
    });
    for (const metric of ['Errors', 'Throttles'])
      expect(alarms[`mineral-risk-dev-api-${metric.toLowerCase()}`]).toMatchObject({
        Namespace: 'AWS/Lambda',
        MetricName: metric,
        Dimensions: [{ Name: 'FunctionName', Value: ref(s.id(s.stack.api.function.fn)) }],
      });
    const operations = readFileSync(path.join(REPO_ROOT, 'docs', 'operations.md'), 'utf8');
    for (const name of ['api-5xx', 'api-latency', 'api-errors', 'api-throttles']) {
      const a = alarms[`mineral-risk-dev-${name}`] as Props;
      expect(a.AlarmActions, name).toEqual([topic]);
      expect(a.OKActions, name).toEqual([topic]);
      const anchor = /Runbook: docs\/operations\.md#(alarm-[a-z0-9-]+)$/.exec(a.AlarmDescription as string)?.[1];
      expect(operations, name).toContain(`<a id="${anchor}"></a>`);
    }
    const custom = synth({
      stage: 'dev',
      mineralRisk: { dev: { api: { serverErrorAlarmCount: 1, latencyAlarmMs: 1500 } } },
    });
    expect(alarmsOf(custom)['mineral-risk-dev-api-5xx']?.Threshold).toBe(1);
    expect(alarmsOf(custom)['mineral-risk-dev-api-latency']?.Threshold).toBe(1500);
  });

  it('add the API’s requests, errors and latency to the dashboard', () => {
    const s = dev();
    const body = JSON.stringify(ofType(s, 'AWS::CloudWatch::Dashboard')[0]?.props.DashboardBody);
    for (const text of [
      'HTTP API',
      'API: requests, 4xx, 5xx',
      'API: latency p50 / p99 (ms)',
      '\\"AWS/ApiGateway\\",\\"5xx\\",\\"ApiId\\"',
      '\\"AWS/ApiGateway\\",\\"Latency\\",\\"ApiId\\"',
      'api: invocations, errors, throttles',
    ])
      expect(body).toContain(text);
  });
});

describe('stack outputs', () => {
  it('expose the API URL, the user pool, its token endpoint and the app client', () => {
    const s = dev();
    const outputs = s.template.toJSON().Outputs as Record<string, { Value: unknown }>;
    const { userPool, client, domain } = s.stack.api.cognito ?? expect.unreachable('a user pool');
    expect(outputs.ApiUrl?.Value).toEqual({
      'Fn::Join': [
        '',
        [
          'https://',
          ref(s.id(s.stack.api.httpApi)),
          '.execute-api.',
          { Ref: 'AWS::Region' },
          '.',
          { Ref: 'AWS::URLSuffix' },
          '/',
        ],
      ],
    });
    expect(outputs.UserPoolId?.Value).toEqual(ref(s.id(userPool)));
    expect(outputs.ApiClientId?.Value).toEqual(ref(s.id(client)));
    expect(outputs.TokenEndpoint?.Value).toEqual({
      'Fn::Join': [
        '',
        ['https://', ref(s.id(domain)), '.auth.', { Ref: 'AWS::Region' }, '.amazoncognito.com/oauth2/token'],
      ],
    });
    expect(outputs.JwtIssuer?.Value).toEqual(getAtt(s.id(userPool), 'ProviderURL'));
    expect(outputs.ApiFunctionName?.Value).toEqual(ref(s.id(s.stack.api.function.fn)));
    expect(outputs.ApiAccessLogGroupName?.Value).toEqual(ref(s.id(s.stack.api.accessLogs)));
  });
});

describe('cdk-nag on the API', () => {
  const acknowledged = (s: Synth) =>
    s.stack.api.node
      .findAll()
      .flatMap((c) =>
        c.node.metadata
          .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
          .flatMap((m) =>
            Object.keys(m.data as object).map((k) => `${c.node.path}|${k.replace(/^annotation::/i, '')}`),
          ),
      )
      // The Control Tower acknowledgements: control-tower.test.ts.
      .filter((a) => !a.includes(`|${GUARD_PLUGIN_NAME}::`))
      .sort();

  it.each([
    ['with the Cognito user pool and mapped clients and CORS', mapped],
    ['with an external issuer', external],
  ])('report no unacknowledged finding %s', (_name, variant) => {
    const s = variant();
    const findings = nagPacks(s.app).flatMap((pack) =>
      pack
        .validateScope(s.app)
        .violations.map((v) => `${v.ruleName} ${v.violatingResources.map((r) => r.constructPath)}`),
    );
    expect(findings).toEqual([]);
  });

  it('acknowledge only the public routes (APIG4), Plus-only threat protection (COG8), uploads/* and the sync DLQ', () => {
    const s = dev();
    const p = 'MineralRisk-dev/Api';
    expect(acknowledged(s)).toEqual(
      [
        `${p}/Function/Function|Serverless-LambdaDLQ`,
        `${p}/Function/Role|AwsSolutions-IAM5[Resource::*]`,
        `${p}/Function/Role|AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::mineral-risk-dev-uploads-<AWS::AccountId>-<AWS::Region>/uploads/*]`,
        `${p}/Route-health|AwsSolutions-APIG4`,
        `${p}/Route-openapi|AwsSolutions-APIG4`,
        `${p}/UserPool|AwsSolutions-COG8`,
      ].sort(),
    );
    expect(acknowledged(external()).filter((a) => a.includes('COG'))).toEqual([]);
  });
});
