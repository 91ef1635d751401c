/**
 * auth-context alone: identity comes from the verified JWT claims in requestContext.authorizer only — the tenant
 * claim (configurable), else a mapped machine client_id — never from headers, the query or the body.
 */
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { lambdaContext } from '../../../../infra/local/lambda-context.ts';
import {
  type AuthContext,
  type AuthContextOptions,
  authContext,
  type ContextWithAuth,
} from '../../../../shared/http/middleware/auth-context.ts';
import { type ApiEventOptions, apiEvent } from '../../../helpers/api-events.ts';

const OPTIONS: AuthContextOptions = { tenantClaim: 'tenant', clientTenants: { 'svc-acme': 'acme' } };

async function authOf(o: Partial<ApiEventOptions>, options: AuthContextOptions = OPTIONS): Promise<AuthContext> {
  let seen: AuthContext | undefined;
  const h = middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2, Error, ContextWithAuth>(
    async (_e: APIGatewayProxyEventV2, context: ContextWithAuth) => {
      seen = context.auth;
      return { statusCode: 200 };
    },
  ).use(authContext(options));
  await h(apiEvent({ method: 'GET', path: '/v1/suppliers', ...o }), lambdaContext('api') as ContextWithAuth);
  if (!seen) throw new Error('the handler did not run');
  return seen;
}

const sorted = (s: ReadonlySet<string>) => [...s].sort();

describe('authContext', () => {
  it('takes the tenant, the subject and the space-separated scope claim from the verified claims', async () => {
    const a = await authOf({ claims: { sub: 'u-1', tenant: 'acme', scope: 'risk/read  risk/write' } });
    expect(a.authenticated).toBe(true);
    expect(a.tenant).toBe('acme');
    expect(a.subject).toBe('u-1');
    expect(sorted(a.scopes)).toEqual(['risk/read', 'risk/write']);
  });

  it('reads scopes from scp (a list) and from the authorizer’s scopes too', async () => {
    const a = await authOf({ claims: { tenant: 'acme', scp: ['risk/admin'] }, scopes: ['risk/read'] });
    expect(sorted(a.scopes)).toEqual(['risk/admin', 'risk/read']);
  });

  it('reads the tenant from the configured claim only', async () => {
    const options = { ...OPTIONS, tenantClaim: 'custom:tenant' };
    expect((await authOf({ claims: { 'custom:tenant': 'globex', tenant: 'acme' } }, options)).tenant).toBe('globex');
    expect((await authOf({ claims: { tenant: 'acme' } }, options)).tenant).toBeNull();
  });

  it('maps a machine client_id to its tenant; an unmapped client gets no tenant', async () => {
    expect((await authOf({ claims: { client_id: 'svc-acme', scope: 'risk/read' } })).tenant).toBe('acme');
    expect((await authOf({ claims: { client_id: 'svc-other', scope: 'risk/read' } })).tenant).toBeNull();
  });

  it('does not map inherited object keys as client ids', async () => {
    for (const clientId of ['__proto__', 'constructor', 'toString', 'hasOwnProperty'])
      expect((await authOf({ claims: { client_id: clientId, scope: 'risk/read' } })).tenant).toBeNull();
  });

  it('prefers the tenant claim over a client mapping, and ignores an empty or non-string tenant claim', async () => {
    expect((await authOf({ claims: { tenant: 'globex', client_id: 'svc-acme' } })).tenant).toBe('globex');
    expect((await authOf({ claims: { tenant: '' } })).tenant).toBeNull();
    expect((await authOf({ claims: { tenant: 42 } })).tenant).toBeNull();
    expect((await authOf({ claims: { tenant: ['acme'] } })).tenant).toBeNull();
  });

  it('never takes the tenant from a header, the query or the body', async () => {
    const spoof = {
      headers: { 'x-tenant': 'acme', tenant: 'acme', 'x-amzn-oidc-data': 'acme' },
      query: { tenant: 'acme' },
      body: { tenant: 'acme' },
    };
    const withToken = await authOf({ ...spoof, claims: { tenant: 'globex', scope: 'risk/read' } });
    expect(withToken.tenant).toBe('globex');
    const noTenant = await authOf({ ...spoof, claims: { sub: 'u-1', scope: 'risk/read' } });
    expect(noTenant.tenant).toBeNull();
    const anonymous = await authOf(spoof);
    expect(anonymous).toMatchObject({ authenticated: false, tenant: null, subject: null });
    expect(anonymous.scopes.size).toBe(0);
  });

  it('tells a token without scopes (authenticated) from no token at all', async () => {
    const a = await authOf({ claims: { tenant: 'acme', sub: 'u-1' } });
    expect(a.authenticated).toBe(true);
    expect(a.scopes.size).toBe(0);
    expect((await authOf({ claims: null })).authenticated).toBe(false);
  });
});
