import { Duration, Stack, Validations } from 'aws-cdk-lib';
import {
  AccountRecovery,
  FeaturePlan,
  Mfa,
  OAuthScope,
  ResourceServerScope,
  UserPool,
  type UserPoolClient,
  type UserPoolDomain,
} from 'aws-cdk-lib/aws-cognito';
import type { Construct } from 'constructs';
import type { Scope } from '../../shared/http/routes.ts';
import type { Platform } from './mineral-risk-stack.ts';

/** The OAuth scopes of the API, `{resource server}/{name}`; routes.ts names which route needs which. */
export const API_SCOPES = [
  'risk/read',
  'risk/write',
  'risk/webhooks',
  'risk/admin',
] as const satisfies readonly Scope[];
/** The resource server's identifier: the part of every scope before the slash. */
export const RESOURCE_SERVER_ID = 'risk';
/** Scopes of the app client the stack creates: a tenant's machine client reads and writes, it is no admin. */
export const DEFAULT_CLIENT_SCOPES = ['risk/read', 'risk/write'] as const satisfies readonly Scope[];

export interface ApiUserPool {
  userPool: UserPool;
  domain: UserPoolDomain;
  client: UserPoolClient;
  tokenEndpoint: string;
}

/**
 * The Cognito user pool of the API's machine clients, made in the Api construct (`scope`): resource server `risk`
 * with the four scopes, and one app client for the client-credentials grant.
 */
export function createUserPool(scope: Construct, platform: Platform): ApiUserPool {
  const { config, removalPolicy } = platform;
  const stack = Stack.of(scope);
  const userPool = new UserPool(scope, 'UserPool', {
    userPoolName: `${config.prefix}-api`,
    selfSignUpEnabled: false,
    // Machine clients only (client-credentials grant); should users ever be added, they need a TOTP app.
    mfa: Mfa.REQUIRED,
    mfaSecondFactor: { otp: true, sms: false },
    passwordPolicy: {
      minLength: 14,
      requireLowercase: true,
      requireUppercase: true,
      requireDigits: true,
      requireSymbols: true,
      tempPasswordValidity: Duration.days(1),
    },
    accountRecovery: AccountRecovery.NONE,
    // Essentials: access-token customization (pre token generation V3_0) for a `tenant` claim on M2M tokens.
    featurePlan: FeaturePlan.ESSENTIALS,
    deletionProtection: config.deletionProtection,
    removalPolicy,
  });
  Validations.of(userPool).acknowledge({
    id: 'AwsSolutions-COG8',
    reason:
      'The Plus plan adds threat protection (compromised-credentials checks and adaptive authentication), which assesses user sign-ins; this pool has no users and no user sign-in flow, only app clients using the client-credentials grant, whose secrets threat protection does not assess.',
  });
  const scopes = new Map(
    API_SCOPES.map((s) => {
      const [identifier, scopeName] = s.split('/') as [string, string];
      if (identifier !== RESOURCE_SERVER_ID)
        throw new Error(`scope ${s} is not of resource server ${RESOURCE_SERVER_ID}`);
      return [s, new ResourceServerScope({ scopeName, scopeDescription: describeScope(s) })] as const;
    }),
  );
  const resourceServer = userPool.addResourceServer('ResourceServer', {
    identifier: RESOURCE_SERVER_ID,
    userPoolResourceServerName: `${config.prefix}-api`,
    scopes: [...scopes.values()],
  });
  const oauthScope = (s: Scope) => OAuthScope.resourceServer(resourceServer, scopes.get(s) as ResourceServerScope);
  const client = userPool.addClient('DefaultClient', {
    userPoolClientName: `${config.prefix}-default`,
    generateSecret: true,
    // No user sign-in flow at all (CDK keeps only ALLOW_REFRESH_TOKEN_AUTH, which client credentials never use).
    authFlows: { user: false, userPassword: false, userSrp: false, custom: false, adminUserPassword: false },
    oAuth: { flows: { clientCredentials: true }, scopes: DEFAULT_CLIENT_SCOPES.map(oauthScope) },
    accessTokenValidity: Duration.hours(1),
    enableTokenRevocation: true,
    preventUserExistenceErrors: true,
  });
  const domain = userPool.addDomain('Domain', {
    cognitoDomain: { domainPrefix: config.api.cognitoDomainPrefix ?? `${config.prefix}-${stack.account}` },
  });
  return { userPool, domain, client, tokenEndpoint: `${domain.baseUrl()}/oauth2/token` };
}

function describeScope(s: Scope): string {
  switch (s) {
    case 'risk/read':
      return 'Read suppliers, scores, batches, portfolio; score and run scenarios without storing';
    case 'risk/write':
      return 'Create, change and delete suppliers; upload supplier lists';
    case 'risk/webhooks':
      return "Register, test and delete the tenant's webhook endpoints; read their delivery logs";
    case 'risk/admin':
      return 'Administration: grant it together with risk/read and risk/write';
  }
}
