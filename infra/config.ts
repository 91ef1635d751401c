/**
 * Stage configuration of the CDK app, validated with zod. The stage comes from context (`-c stage=dev|prod`,
 * default in cdk.json); each stage starts from the defaults below, then takes the overrides in cdk.json under
 * `mineralRisk.<stage>`, then single `-c key=value` overrides for the string settings. docs/operations.md lists
 * every setting.
 */
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { z } from 'zod';
import { CHANGE_EVENT } from '../shared/changes/events.ts';
import { ROUTES } from '../shared/http/routes.ts';
import { NOTIFY_QUEUE_SETTINGS } from '../shared/notify/settings.ts';
import { QUEUE_SETTINGS, RESCORE_QUEUE_SETTINGS, SCENARIO_QUEUE_SETTINGS } from '../shared/queue/settings.ts';

export const STAGES = ['dev', 'prod'] as const;
export type Stage = (typeof STAGES)[number];

/** The retention periods CloudWatch Logs accepts (days). */
const RETENTION_DAYS = Object.values(RetentionDays).filter((v): v is number => typeof v === 'number' && v > 0);

const memoryMb = z.int().min(128).max(10_240);
/** Functions invoked asynchronously may run up to Lambda's 15 minutes. */
const asyncTimeoutSeconds = z.int().min(1).max(900);
/** A browser origin (`https://app.example.com`) or `*`. */
const corsOrigin = z.union([z.literal('*'), z.string().regex(/^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$/)]);
/** A tenant id as the API accepts it from a token (functions/api/handler.ts, the upload key's segment rule). */
const tenantId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, '1–64 letters, digits, _ or -, starting with a letter or digit');
/** Lambda allows 4 KB of environment in all; the client → tenant map shares it with the other variables. */
export const MAX_CLIENT_TENANTS_JSON_BYTES = 3072;
/**
 * OPERATOR_TENANTS, comma-separated, at most this long: with the client map's 3 KB and the other variables (about
 * 600 bytes, and a tenant claim name of up to 256), the API function stays under Lambda's 4 KB of environment.
 */
export const MAX_OPERATOR_TENANTS_BYTES = 128;
/** Steady requests per second and burst, as API Gateway takes them (account limits: 10,000 / 5,000). */
const throttle = z
  .object({ rateLimit: z.number().positive().max(10_000), burstLimit: z.int().min(1).max(5000) })
  .strict();
const ROUTE_IDS = ROUTES.map((r) => r.id) as [(typeof ROUTES)[number]['id'], ...(typeof ROUTES)[number]['id'][]];
/**
 * Reserved concurrency of a function: capacity no other function of the account can take, and also its ceiling
 * (docs/operations.md#tenant-fairness). null: none, the function shares the account's unreserved pool.
 */
const reservedConcurrency = z.int().min(1).max(1000).nullable();

/** The HTTP API: who may call it (JWT issuer and audience), how tenants are found, throttling and alarm thresholds. */
const apiConfigSchema = z
  .object({
    /**
     * External OpenID Connect issuer (`https://…`, the token's `iss`); with `jwtAudience`. Omit both to create a
     * Cognito user pool with the `risk/*` scopes and an app client for the client-credentials grant.
     */
    jwtIssuer: z.url({ protocol: /^https$/, hostname: z.regexes.domain }).optional(),
    /** Accepted `aud` (or `client_id`) values of the external issuer's tokens. */
    jwtAudience: z.array(z.string().min(1)).min(1).optional(),
    /** Claim naming the tenant in a token (`TENANT_CLAIM`); it takes precedence over `clientTenants`. */
    tenantClaim: z.string().regex(/^\S{1,256}$/, 'a claim name without spaces'),
    /**
     * Machine clients → tenant (`CLIENT_TENANTS`): client-credentials tokens carry `client_id` and no tenant claim.
     * With the Cognito user pool, these client ids are also the authorizer's accepted audience.
     */
    clientTenants: z.record(z.string().regex(/^\S{1,256}$/, 'a client id without spaces'), tenantId),
    /** Tenant of the app client this stack creates in its user pool (not used with an external issuer). */
    defaultClientTenant: tenantId,
    /**
     * Tenants whose `risk/admin` tokens are platform operators (`OPERATOR_TENANTS`): only they may use the admin
     * routes (policy revisions, rescore runs). At least one; a customer's tenant must never be listed.
     */
    operatorTenants: z.array(tenantId).min(1),
    /** Cognito domain prefix of the token endpoint; default `{prefix}-{account id}` (unique per region). */
    cognitoDomainPrefix: z
      .string()
      .regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, 'lowercase letters, digits and hyphens, 1–63 characters')
      .optional(),
    /** Browser origins allowed to call the API (CORS); empty: no CORS, server-to-server clients only. */
    corsOrigins: z.array(corsOrigin),
    /** Default-stage throttling, shared by every route and tenant (HTTP APIs have no per-client usage plans). */
    throttle,
    /**
     * Lower limits for the routes whose cost grows with the request or the tenant (route id → limits), so a burst
     * of them cannot take the whole stage limit and the API function's concurrency from everyone's cheap reads.
     */
    routeThrottles: z.partialRecord(z.enum(ROUTE_IDS), throttle),
    /** Alarm when the API answered this many 5xx in 5 minutes. */
    serverErrorAlarmCount: z.int().min(1),
    /** Alarm when the API's p99 latency stays at or above this for 15 minutes. */
    latencyAlarmMs: z.int().min(100).max(30_000),
  })
  .strict()
  .superRefine((api, ctx) => {
    if ((api.jwtIssuer === undefined) !== (api.jwtAudience === undefined))
      ctx.addIssue({ code: 'custom', path: ['jwtIssuer'], message: 'jwtIssuer and jwtAudience go together' });
    if (Buffer.byteLength(JSON.stringify(api.clientTenants)) > MAX_CLIENT_TENANTS_JSON_BYTES)
      ctx.addIssue({
        code: 'custom',
        path: ['clientTenants'],
        message: `more than ${MAX_CLIENT_TENANTS_JSON_BYTES} bytes as JSON (Lambda's 4 KB environment): give tokens a tenant claim instead`,
      });
    if (new Set(api.operatorTenants).size !== api.operatorTenants.length)
      ctx.addIssue({ code: 'custom', path: ['operatorTenants'], message: 'a tenant is listed twice' });
    if (Buffer.byteLength(api.operatorTenants.join(',')) > MAX_OPERATOR_TENANTS_BYTES)
      ctx.addIssue({
        code: 'custom',
        path: ['operatorTenants'],
        message: `more than ${MAX_OPERATOR_TENANTS_BYTES} bytes comma-separated (Lambda's 4 KB environment): use fewer operator tenants`,
      });
    for (const [id, t] of Object.entries(api.routeThrottles))
      if (t && (t.rateLimit > api.throttle.rateLimit || t.burstLimit > api.throttle.burstLimit))
        ctx.addIssue({
          code: 'custom',
          path: ['routeThrottles', id],
          message: `above the stage's throttle (${api.throttle.rateLimit}/s, burst ${api.throttle.burstLimit}): a route limit may only be lower`,
        });
    if (api.cognitoDomainPrefix && /aws|amazon|cognito/.test(api.cognitoDomainPrefix))
      ctx.addIssue({
        code: 'custom',
        path: ['cognitoDomainPrefix'],
        message: "Cognito reserves 'aws', 'amazon' and 'cognito'",
      });
  });

export const stageConfigSchema = z
  .object({
    stage: z.enum(STAGES),
    /** Prefix of every named resource (functions, alarms, dashboard, uploads bucket): lowercase, S3-safe. */
    prefix: z.string().regex(/^[a-z][a-z0-9-]{2,24}$/, 'lowercase letters, digits and hyphens, 3–25 characters'),
    /** Optional fixed deployment target; otherwise the CLI's profile (CDK_DEFAULT_ACCOUNT / CDK_DEFAULT_REGION). */
    account: z
      .string()
      .regex(/^\d{12}$/)
      .optional(),
    region: z
      .string()
      .regex(/^[a-z]{2}(-[a-z]+)+-\d$/)
      .optional(),
    /** Keep the table, the buckets and the log groups when the stack is deleted. */
    retainData: z.boolean(),
    /** DynamoDB deletion protection and CloudFormation termination protection. */
    deletionProtection: z.boolean(),
    /** Alarm notifications by email (a confirmation mail is sent on deploy); omit to subscribe another way. */
    alarmEmail: z.email().optional(),
    logRetentionDays: z
      .int()
      .refine((d) => RETENTION_DAYS.includes(d), `one of CloudWatch Logs' periods: ${RETENTION_DAYS.join(', ')}`),
    logLevel: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR']),
    /** Raw uploads (`uploads/`) are deleted this many days after upload; scores and rejections stay in the table. */
    uploadExpiryDays: z.int().min(1).max(3650),
    /** S3 server access logs are deleted after this many days. */
    accessLogExpiryDays: z.int().min(1).max(3650),
    /** Browser origins allowed to PUT to presigned upload URLs; empty: no CORS rule (server-side clients only). */
    uploadCorsOrigins: z.array(corsOrigin),
    /** EventBridge schedule of the rescore function (UTC). */
    rescoreSchedule: z.string().regex(/^(cron|rate)\(.+\)$/, 'an EventBridge expression: cron(...) or rate(...)'),
    /** Alarm when the oldest score message has waited this long. */
    oldestMessageAlarmSeconds: z
      .int()
      .min(60)
      .max(14 * 24 * 3600),
    /**
     * Alarm when the oldest rescore message (a segment of a run) has waited this long. Segments wait their turn by
     * design: a worker may take 15 minutes on one, and only `maxConcurrency` run at once.
     */
    rescoreOldestMessageAlarmSeconds: z
      .int()
      .min(60)
      .max(14 * 24 * 3600),
    /** Alarm when the oldest scenario message (a segment of a large tenant's scenario job) has waited this long. */
    scenarioOldestMessageAlarmSeconds: z
      .int()
      .min(60)
      .max(14 * 24 * 3600),
    /**
     * The smallest move, in points, that is a `SupplierRiskChanged` event within a band (CHANGE_EVENT_MIN_POINTS of
     * the writers); band changes, new and deleted suppliers always are. Smaller moves stay in GET /v1/changes.
     */
    changeEventMinPoints: z.number().min(0).max(100),
    /** Days the change event bus's archive keeps events for replay (docs/notifications.md). */
    changeEventArchiveDays: z.int().min(1).max(3650),
    /** Alarm when this many webhook deliveries were dead-lettered in an hour (all tenants). */
    deadDeliveriesAlarmCount: z.int().min(1),
    /** Alarm when the oldest notify-queue message has waited this long (a retry's hop waits 900 s by design). */
    notifyOldestMessageAlarmSeconds: z
      .int()
      .min(1200)
      .max(14 * 24 * 3600),
    memoryMb: z
      .object({
        ingest: memoryMb,
        score: memoryMb,
        rescore: memoryMb,
        rescoreWorker: memoryMb,
        scenarioWorker: memoryMb,
        api: memoryMb,
        notifier: memoryMb,
      })
      .strict(),
    timeoutSeconds: z.object({ ingest: asyncTimeoutSeconds, rescore: asyncTimeoutSeconds }).strict(),
    reservedConcurrency: z
      .object({
        ingest: reservedConcurrency,
        score: reservedConcurrency,
        rescore: reservedConcurrency,
        rescoreWorker: reservedConcurrency,
        scenarioWorker: reservedConcurrency,
        notifier: reservedConcurrency,
      })
      .strict(),
    api: apiConfigSchema,
  })
  .strict()
  .superRefine((c, ctx) => {
    const score = c.reservedConcurrency.score;
    // AWS: a function's reserved concurrency must be at least its SQS event sources' maximum concurrency, or Lambda
    // throttles the batches the mapping has already received (they return to the queue and count as receives).
    if (score !== null && score < QUEUE_SETTINGS.maxConcurrency)
      ctx.addIssue({
        code: 'custom',
        path: ['reservedConcurrency', 'score'],
        message: `below the score queue's maxConcurrency (${QUEUE_SETTINGS.maxConcurrency}, shared/queue/settings.ts): batches would be throttled back to the queue`,
      });
    const worker = c.reservedConcurrency.rescoreWorker;
    if (worker !== null && worker < RESCORE_QUEUE_SETTINGS.maxConcurrency)
      ctx.addIssue({
        code: 'custom',
        path: ['reservedConcurrency', 'rescoreWorker'],
        message: `below the rescore queue's maxConcurrency (${RESCORE_QUEUE_SETTINGS.maxConcurrency}, shared/queue/settings.ts): segments would be throttled back to the queue`,
      });
    const scenarioWorker = c.reservedConcurrency.scenarioWorker;
    if (scenarioWorker !== null && scenarioWorker < SCENARIO_QUEUE_SETTINGS.maxConcurrency)
      ctx.addIssue({
        code: 'custom',
        path: ['reservedConcurrency', 'scenarioWorker'],
        message: `below the scenario queue's maxConcurrency (${SCENARIO_QUEUE_SETTINGS.maxConcurrency}, shared/queue/settings.ts): segments would be throttled back to the queue`,
      });
    const notifier = c.reservedConcurrency.notifier;
    if (notifier !== null && notifier < NOTIFY_QUEUE_SETTINGS.maxConcurrency)
      ctx.addIssue({
        code: 'custom',
        path: ['reservedConcurrency', 'notifier'],
        message: `below the notify queue's maxConcurrency (${NOTIFY_QUEUE_SETTINGS.maxConcurrency}, shared/notify/settings.ts): batches would be throttled back to the queue`,
      });
    if (c.stage === 'prod' && !(c.retainData && c.deletionProtection))
      ctx.addIssue({ code: 'custom', message: 'prod keeps its data: retainData and deletionProtection must be true' });
    if (!c.api.jwtIssuer && !c.api.cognitoDomainPrefix && /aws|amazon|cognito/.test(c.prefix))
      ctx.addIssue({
        code: 'custom',
        path: ['api', 'cognitoDomainPrefix'],
        message:
          "the prefix contains a word Cognito reserves for domain prefixes ('aws', 'amazon', 'cognito'): set api.cognitoDomainPrefix",
      });
  });

export type StageConfig = z.infer<typeof stageConfigSchema>;

const COMMON = {
  logLevel: 'INFO',
  accessLogExpiryDays: 90,
  rescoreSchedule: 'cron(15 2 * * ? *)',
  oldestMessageAlarmSeconds: 1800,
  // Two runs (the daily one and a revision's) of 32 segments, 8 at a time, each segment up to 15 minutes: the last
  // segment waits at most 7 × 15 minutes when every worker is healthy and slow.
  rescoreOldestMessageAlarmSeconds: 7200,
  // A job's 32 segments, 8 at a time, each one worker turn of at most 5 minutes: its last segment waits 15 minutes
  // when every worker is healthy and slow; an hour is four such jobs queued behind each other.
  scenarioOldestMessageAlarmSeconds: 3600,
  changeEventMinPoints: CHANGE_EVENT.defaultMinPoints,
  changeEventArchiveDays: 30,
  deadDeliveriesAlarmCount: 10,
  // Two hops of a waiting retry (900 s each) and some: a healthy queue's oldest message is a hop in flight.
  notifyOldestMessageAlarmSeconds: 2400,
  // Ingest holds a whole supplier list in memory (a 1M-row CSV peaks near 1.4 GB in the CLI benchmark).
  // The notifier waits on receivers, it computes little.
  // A scenario worker holds one segment's partial: at most 2 × 10,000 rows, whatever the segment's size.
  memoryMb: {
    ingest: 4096,
    score: 1024,
    rescore: 1024,
    rescoreWorker: 1024,
    scenarioWorker: 1024,
    api: 1024,
    notifier: 512,
  },
  timeoutSeconds: { ingest: 900, rescore: 900 },
  reservedConcurrency: {
    // Unreserved: a cap would queue every tenant's uploads behind one tenant's burst in Lambda's (unfair) async
    // queue, and a batch not read within 90 minutes fails. Per-upload limits and the fair score queue bound it.
    ingest: null,
    // Exactly what the event source mapping may use, guaranteed; more would sit idle.
    score: QUEUE_SETTINGS.maxConcurrency,
    // One planner at a time: a second (schedule and on demand together) waits in Lambda's async queue.
    rescore: 1,
    // Exactly what the rescore queue's event source mapping may use (segments scanned at once).
    rescoreWorker: RESCORE_QUEUE_SETTINGS.maxConcurrency,
    // Exactly what the scenario queue's event source mapping may use.
    scenarioWorker: SCENARIO_QUEUE_SETTINGS.maxConcurrency,
    // Exactly what the notify queue's event source mapping may use.
    notifier: NOTIFY_QUEUE_SETTINGS.maxConcurrency,
  },
} as const;

const API_COMMON = {
  tenantClaim: 'tenant',
  clientTenants: {},
  defaultClientTenant: 'default',
  operatorTenants: ['platform'],
  corsOrigins: [],
  serverErrorAlarmCount: 5,
  latencyAlarmMs: 3000,
} as const;

type Throttle = z.infer<typeof throttle>;

/**
 * The operator routes that read the whole table per request: a revision (PUT, DELETE) or a dry run starts a rescore
 * run, a parallel scan of every tenant's suppliers; the run list scans the table for run items. Their route limit
 * bounds what a runaway script (or a tenant's own risk/admin token, which the gateway passes and the function then
 * refuses) can cost; an operator issues a few of these a day.
 */
export const WHOLE_TABLE_ADMIN_ROUTES = [
  'putPolicyEvent',
  'withdrawPolicyEvent',
  'dryRunPolicyEvent',
  'putAgreement',
  'withdrawAgreement',
  'dryRunAgreement',
  'listRescoreRuns',
] as const satisfies readonly (typeof ROUTE_IDS)[number][];

/**
 * The default route limits, a share of the stage's (so lowering the stage's lowers them): scenarios and portfolio
 * exposure read all of a tenant's suppliers per request (1/50); a score request may carry 5,000 exposure lines
 * (1/5); a batch may start a 2-million-row ingest (1/25); the operator routes that read the whole table
 * (`WHOLE_TABLE_ADMIN_ROUTES`, 1/250). Routes not listed have the stage's limits.
 */
export function defaultRouteThrottles(stage: Throttle): StageConfig['api']['routeThrottles'] {
  const share = (divisor: number) => ({
    rateLimit: stage.rateLimit / divisor,
    burstLimit: Math.max(1, Math.floor(stage.burstLimit / divisor)),
  });
  return {
    scenario: share(50),
    portfolioExposure: share(50),
    score: share(5),
    createBatch: share(25),
    ...Object.fromEntries(WHOLE_TABLE_ADMIN_ROUTES.map((id) => [id, share(250)])),
  };
}
const DEV_THROTTLE = { rateLimit: 50, burstLimit: 100 };
const PROD_THROTTLE = { rateLimit: 500, burstLimit: 1000 };

export const STAGE_DEFAULTS: Record<Stage, Omit<StageConfig, 'stage'>> = {
  dev: {
    ...COMMON,
    prefix: 'mineral-risk-dev',
    retainData: false,
    deletionProtection: false,
    logRetentionDays: 14,
    logLevel: 'DEBUG',
    uploadExpiryDays: 7,
    uploadCorsOrigins: ['*'],
    memoryMb: { ...COMMON.memoryMb },
    timeoutSeconds: { ...COMMON.timeoutSeconds },
    reservedConcurrency: { ...COMMON.reservedConcurrency },
    api: {
      ...API_COMMON,
      clientTenants: {},
      operatorTenants: [...API_COMMON.operatorTenants],
      corsOrigins: [],
      throttle: DEV_THROTTLE,
      routeThrottles: defaultRouteThrottles(DEV_THROTTLE),
    },
  },
  prod: {
    ...COMMON,
    prefix: 'mineral-risk-prod',
    retainData: true,
    deletionProtection: true,
    // A year: Control Tower's CT.CLOUDWATCH.PR.2 (dev's 14 days are acknowledged as debugging logs).
    logRetentionDays: 365,
    uploadExpiryDays: 30,
    uploadCorsOrigins: [],
    memoryMb: { ...COMMON.memoryMb },
    timeoutSeconds: { ...COMMON.timeoutSeconds },
    reservedConcurrency: { ...COMMON.reservedConcurrency },
    api: {
      ...API_COMMON,
      clientTenants: {},
      operatorTenants: [...API_COMMON.operatorTenants],
      corsOrigins: [],
      throttle: PROD_THROTTLE,
      routeThrottles: defaultRouteThrottles(PROD_THROTTLE),
    },
  },
};

/** String settings that may also be given one by one on the command line (`-c alarmEmail=ops@example.com`). */
export const CLI_OVERRIDES = ['alarmEmail', 'logLevel', 'account', 'region'] as const;

/** The key in cdk.json's context holding per-stage overrides: `{ "mineralRisk": { "prod": { ... } } }`. */
export const OVERRIDES_CONTEXT_KEY = 'mineralRisk';

export class InvalidConfigError extends Error {
  override readonly name = 'InvalidConfigError';
}

const isObject = (v: unknown): v is object => typeof v === 'object' && v !== null && !Array.isArray(v);
/** An object override merges key by key into its default; anything else replaces it (for zod to judge). */
const mergeObject = (defaults: object, override: unknown) =>
  isObject(override) ? { ...defaults, ...override } : (override ?? defaults);

/**
 * `api` overrides merge key by key, and so do `api.throttle` and `api.routeThrottles` (route by route, over the
 * defaults derived from the merged stage throttle); anything but an object is left for zod to reject.
 */
function mergeApi(defaults: StageConfig['api'], override: unknown): unknown {
  if (override === undefined) return defaults;
  if (!isObject(override)) return override;
  const o = override as { throttle?: unknown; routeThrottles?: unknown };
  const merged = mergeObject(defaults.throttle, o.throttle);
  const parsed = throttle.safeParse(merged);
  const routeDefaults = parsed.success ? defaultRouteThrottles(parsed.data) : defaults.routeThrottles;
  return { ...defaults, ...o, throttle: merged, routeThrottles: mergeObject(routeDefaults, o.routeThrottles) };
}

/** Reads and validates the stage configuration from a context lookup (`node.tryGetContext`). */
export function loadConfig(context: (key: string) => unknown): StageConfig {
  const stage = z.enum(STAGES).safeParse(context('stage') ?? 'dev');
  if (!stage.success)
    throw new InvalidConfigError(
      `context 'stage' must be one of ${STAGES.join(', ')}, got ${String(context('stage'))}`,
    );

  const fromFile = (context(OVERRIDES_CONTEXT_KEY) as Record<string, unknown> | undefined)?.[stage.data] ?? {};
  if (typeof fromFile !== 'object' || fromFile === null || Array.isArray(fromFile))
    throw new InvalidConfigError(`context '${OVERRIDES_CONTEXT_KEY}.${stage.data}' must be an object`);

  const fromCli: Record<string, unknown> = {};
  for (const key of CLI_OVERRIDES) {
    const value = context(key);
    if (value !== undefined) fromCli[key] = value;
  }

  const defaults = STAGE_DEFAULTS[stage.data];
  const candidate = {
    ...defaults,
    ...fromFile,
    ...fromCli,
    stage: stage.data,
    // Nested objects merge key by key, so an override can change one function's memory alone.
    memoryMb: { ...defaults.memoryMb, ...((fromFile as { memoryMb?: object }).memoryMb ?? {}) },
    timeoutSeconds: { ...defaults.timeoutSeconds, ...((fromFile as { timeoutSeconds?: object }).timeoutSeconds ?? {}) },
    reservedConcurrency: mergeObject(
      defaults.reservedConcurrency,
      (fromFile as { reservedConcurrency?: unknown }).reservedConcurrency,
    ),
    api: mergeApi(defaults.api, (fromFile as { api?: unknown }).api),
  };
  const parsed = stageConfigSchema.safeParse(candidate);
  if (!parsed.success)
    throw new InvalidConfigError(`invalid configuration for stage ${stage.data}:\n${z.prettifyError(parsed.error)}`);
  return parsed.data;
}
