import { describe, expect, it } from 'vitest';
import { operatorTenants } from '../../functions/api/handler.ts';
import {
  defaultRouteThrottles,
  loadConfig,
  MAX_CLIENT_TENANTS_JSON_BYTES,
  MAX_OPERATOR_TENANTS_BYTES,
  STAGE_DEFAULTS,
} from '../../infra/config.ts';

const load = (context: Record<string, unknown>) => loadConfig((key) => context[key]);
const withApi = (api: unknown, stage: 'dev' | 'prod' = 'dev') => ({ stage, mineralRisk: { [stage]: { api } } });

describe('API configuration', () => {
  it('defaults to the stack’s own Cognito user pool, the tenant claim, no CORS and per-stage throttling', () => {
    for (const stage of ['dev', 'prod'] as const) {
      const { api } = load({ stage });
      expect(api).toEqual(STAGE_DEFAULTS[stage].api);
      expect(api.jwtIssuer).toBeUndefined();
      expect(api.jwtAudience).toBeUndefined();
      expect(api).toMatchObject({ tenantClaim: 'tenant', clientTenants: {}, corsOrigins: [] });
    }
    expect(load({ stage: 'prod' }).api.throttle.rateLimit).toBeGreaterThan(
      load({ stage: 'dev' }).api.throttle.rateLimit,
    );
  });

  it('merges api overrides key by key, throttle included; clientTenants replaces the (empty) default', () => {
    const { api } = load(
      withApi(
        {
          clientTenants: { abc123: 'acme' },
          throttle: { burstLimit: 50 },
          tenantClaim: 'https://example.com/tenant',
          defaultClientTenant: 'smoke-test',
        },
        'prod',
      ),
    );
    expect(api).toEqual({
      ...STAGE_DEFAULTS.prod.api,
      clientTenants: { abc123: 'acme' },
      throttle: { rateLimit: STAGE_DEFAULTS.prod.api.throttle.rateLimit, burstLimit: 50 },
      // The route limits' defaults follow the stage's throttle down.
      routeThrottles: defaultRouteThrottles({ rateLimit: STAGE_DEFAULTS.prod.api.throttle.rateLimit, burstLimit: 50 }),
      tenantClaim: 'https://example.com/tenant',
      defaultClientTenant: 'smoke-test',
    });
    expect(load({ stage: 'dev', mineralRisk: { dev: { memoryMb: { api: 2048 } } } }).memoryMb).toEqual({
      ...STAGE_DEFAULTS.dev.memoryMb,
      api: 2048,
    });
  });

  it('names the platform operators per stage: `platform` by default, the handler’s own default, replaced whole', () => {
    for (const stage of ['dev', 'prod'] as const) expect(load({ stage }).api.operatorTenants).toEqual(['platform']);
    // What the handler assumes without OPERATOR_TENANTS is what the stack sets by default.
    expect([...operatorTenants(undefined)]).toEqual(STAGE_DEFAULTS.dev.api.operatorTenants);
    const { api } = load(withApi({ operatorTenants: ['ops-eu', 'ops-us'] }, 'prod'));
    expect(api.operatorTenants).toEqual(['ops-eu', 'ops-us']);
    expect([...operatorTenants(api.operatorTenants.join(','))]).toEqual(['ops-eu', 'ops-us']);
  });

  it('takes an external issuer with its audience', () => {
    const { api } = load(
      withApi({ jwtIssuer: 'https://login.example.com/tenant-1/v2.0', jwtAudience: ['api://risk'] }),
    );
    expect(api).toMatchObject({ jwtIssuer: 'https://login.example.com/tenant-1/v2.0', jwtAudience: ['api://risk'] });
  });

  it('rejects what the authorizer, Cognito or Lambda would reject at deploy time, naming the setting', () => {
    const tooMany = Object.fromEntries(
      Array.from({ length: Math.ceil(MAX_CLIENT_TENANTS_JSON_BYTES / 30) + 1 }, (_, i) => [
        `client${String(i).padStart(20, '0')}`,
        'acme',
      ]),
    );
    const bad: [unknown, RegExp][] = [
      [{ jwtIssuer: 'https://idp.example.com' }, /jwtIssuer and jwtAudience go together/],
      [{ jwtAudience: ['x'] }, /jwtIssuer and jwtAudience go together/],
      [{ jwtIssuer: 'http://idp.example.com', jwtAudience: ['x'] }, /jwtIssuer/],
      [{ jwtIssuer: 'https://idp.example.com', jwtAudience: [] }, /jwtAudience/],
      [{ clientTenants: { abc: 'acme/other' } }, /clientTenants/],
      [{ clientTenants: { abc: '' } }, /clientTenants/],
      [{ clientTenants: { 'has space': 'acme' } }, /clientTenants/],
      [{ clientTenants: tooMany }, /tenant claim instead[\s\S]*api\.clientTenants/],
      [{ defaultClientTenant: '-x' }, /defaultClientTenant/],
      // An empty list would leave no operator; a separator would split one tenant into two; a tenant id as keys take it.
      [{ operatorTenants: [] }, /operatorTenants/],
      [{ operatorTenants: 'platform' }, /operatorTenants/],
      [{ operatorTenants: ['ops,eu'] }, /operatorTenants/],
      [{ operatorTenants: ['platform', 'platform'] }, /listed twice[\s\S]*api\.operatorTenants/],
      [
        {
          operatorTenants: Array.from(
            { length: Math.ceil(MAX_OPERATOR_TENANTS_BYTES / 11) + 1 },
            (_, i) => `operator-${i}`,
          ),
        },
        /4 KB environment[\s\S]*api\.operatorTenants/,
      ],
      [{ tenantClaim: '' }, /tenantClaim/],
      [{ cognitoDomainPrefix: 'Upper' }, /cognitoDomainPrefix/],
      [{ cognitoDomainPrefix: 'my-aws-api' }, /reserves[\s\S]*api\.cognitoDomainPrefix/],
      [{ corsOrigins: ['app.example.com'] }, /corsOrigins/],
      [{ throttle: { rateLimit: 0 } }, /throttle/],
      [{ throttle: { burstLimit: 5001 } }, /throttle/],
      [{ throttle: { rateLimit: 10, extra: 1 } }, /extra/],
      [{ serverErrorAlarmCount: 0 }, /serverErrorAlarmCount/],
      [{ latencyAlarmMs: 30_001 }, /latencyAlarmMs/],
      [{ unknownApiSetting: true }, /unknownApiSetting/],
      ['not an object', /api/],
    ];
    for (const [api, message] of bad) expect(() => load(withApi(api)), JSON.stringify(api)).toThrow(message);
  });

  it('asks for a Cognito domain prefix when the stage prefix holds a reserved word', () => {
    const context = { stage: 'dev', mineralRisk: { dev: { prefix: 'aws-risk-dev' } } };
    expect(() => load(context)).toThrow(/cognitoDomainPrefix/);
    const withPrefix = {
      stage: 'dev',
      mineralRisk: { dev: { prefix: 'aws-risk-dev', api: { cognitoDomainPrefix: 'risk-dev' } } },
    };
    expect(load(withPrefix).api.cognitoDomainPrefix).toBe('risk-dev');
    const externalIssuer = {
      stage: 'dev',
      mineralRisk: {
        dev: { prefix: 'aws-risk-dev', api: { jwtIssuer: 'https://idp.example.com', jwtAudience: ['a'] } },
      },
    };
    expect(load(externalIssuer).prefix).toBe('aws-risk-dev');
  });
});
