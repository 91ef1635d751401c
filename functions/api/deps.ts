import type { ChangeLog } from '../../shared/changes/port.ts';
import type { ChangeEvents } from '../../shared/changes/publish.ts';
import type { AuthContextOptions } from '../../shared/http/middleware/auth-context.ts';
import type { CurrentReference } from '../../shared/policy/current-reference.ts';
import type { PolicyRevisionStore } from '../../shared/policy/port.ts';
import type { PortfolioAggregates } from '../../shared/portfolio/port.ts';
import type { ScoreQueue } from '../../shared/queue/port.ts';
import type { ReferenceData } from '../../shared/reference/index.ts';
import type { SupplierStore } from '../../shared/store/port.ts';
import type { RescoreRunStore } from '../../shared/store/rescore-port.ts';
import type { ScenarioJobStore } from '../../shared/store/scenario-jobs-port.ts';
import type { UploadWriter } from '../../shared/uploads/port.ts';
import type { DestinationMode, Resolver } from '../../shared/webhooks/destination.ts';
import type { WebhookStore } from '../../shared/webhooks/port.ts';

/** What the API's routes use: ports, reference data, configuration. Built from env in AWS, by the local server here. */
export interface ApiDeps {
  store: SupplierStore;
  /** The portfolio aggregates (GET /v1/portfolio/exposure); `store` must be the one that keeps them up to date. */
  portfolio: PortfolioAggregates;
  queue: ScoreQueue;
  uploads: UploadWriter;
  uploadBucket: string;
  /** The shipped reference data; with `policy`, each request reads the live timeline instead (cached briefly). */
  ref: ReferenceData;
  /** Live policy: revisions, the current timeline, rescore runs and their queue. */
  policy: PolicyDeps;
  /** The change log (GET /v1/changes, a supplier's history). */
  changes: ChangeLog;
  /** Scenario jobs: their store, the scenario queue, and (tests) a lower size above which a scenario is a job. */
  scenarios: { jobs: ScenarioJobStore; queue: ScoreQueue; inlineMaxSuppliers?: number };
  /** The tenants' webhook endpoints and their delivery log. */
  webhooks: WebhookStore;
  /** The notifier's queue: test deliveries and manual retries are queued here (shared/webhooks/delivery-message.ts). */
  notifyQueue: ScoreQueue;
  /** Which webhook URLs are taken (shared/webhooks/destination.ts): 'aws' deployed (env WEBHOOK_MODE), 'local' here. */
  webhookMode: DestinationMode;
  /** DNS for the registration check of a webhook URL (default the system resolver). */
  resolve?: Resolver;
  /** Tenants whose risk/admin tokens are platform operators (the policy admin routes); others get 403 there. */
  operatorTenants: ReadonlySet<string>;
  /** Where the notable changes of the API's own writes go (the stage's bus); none: the change log only. */
  events?: ChangeEvents;
  /** Where a route reports a failure it recovers from (e.g. a rescore run the schedule will start instead). */
  log?: (message: string, error: unknown) => void;
  auth: AuthContextOptions;
  /** Inline batch uploads above this go through a presigned URL (default 5 MB). */
  maxInlineBytes: number;
  today: () => string;
  now: () => Date;
  /** The OpenAPI document served at /openapi.json. */
  openapi: () => unknown;
}

export interface PolicyDeps {
  store: PolicyRevisionStore;
  current: CurrentReference;
  runs: RescoreRunStore;
  rescoreQueue: ScoreQueue;
}

export interface ApiRequest {
  event: import('aws-lambda').APIGatewayProxyEventV2;
  params: Record<string, string>;
  /** Set for every authenticated route: the tenant from the verified token. */
  tenant: string;
  /** Who is calling, for audit trails: the token's subject, else its client id, else its tenant. */
  actor: string;
}
