import type middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';

/** Who is calling, as the verified token says: the tenant (or null) and the granted scopes. */
export interface AuthContext {
  /** Whether the request carries a verified token at all (no authorizer context = anonymous). */
  authenticated: boolean;
  tenant: string | null;
  scopes: ReadonlySet<string>;
  subject: string | null;
}

export type ContextWithAuth = Context & { auth: AuthContext };

export interface AuthContextOptions {
  /** Claim holding the tenant (default `tenant`). */
  tenantClaim: string;
  /** Machine clients (client-credentials tokens carry no custom claims): client_id → tenant. */
  clientTenants: Readonly<Record<string, string>>;
}

type JwtClaims = Record<string, string | number | boolean | string[]>;

/**
 * Reads identity only from the JWT claims API Gateway's authorizer verified (requestContext.authorizer.jwt), never
 * from headers or the body. Routes decide whether a tenant and a scope are required.
 */
export function authContext(
  options: AuthContextOptions,
): middy.MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyResultV2, Error, ContextWithAuth> {
  return {
    before: async (request) => {
      const jwt = (
        request.event.requestContext as { authorizer?: { jwt?: { claims?: JwtClaims; scopes?: string[] | null } } }
      ).authorizer?.jwt;
      const claims = jwt?.claims ?? {};
      const scopeClaim = claims.scope ?? claims.scp;
      const scopes = new Set<string>([
        ...(jwt?.scopes ?? []),
        ...(Array.isArray(scopeClaim) ? scopeClaim : typeof scopeClaim === 'string' ? scopeClaim.split(' ') : []),
      ]);
      scopes.delete('');
      const direct = claims[options.tenantClaim];
      const clientId = typeof claims.client_id === 'string' ? claims.client_id : null;
      const tenant =
        typeof direct === 'string' && direct !== ''
          ? direct
          : clientId !== null && Object.hasOwn(options.clientTenants, clientId)
            ? (options.clientTenants[clientId] as string)
            : null;
      request.context.auth = {
        authenticated: jwt?.claims != null,
        tenant,
        scopes,
        subject: typeof claims.sub === 'string' ? claims.sub : null,
      };
    },
  };
}
