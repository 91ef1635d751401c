/**
 * The whole system on one machine, no AWS account: dynalite for DynamoDB, s3rver for uploads (its object-created
 * events invoke the real ingest handler), and the in-process queue driving the real score handler. Same handlers,
 * same adapters as in AWS; only the endpoints differ (and the queue, which is a faithful stand-in).
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { S3Event } from 'aws-lambda';
import { createIngestHandler } from '../../functions/ingest/handler.ts';
import { createReconcileHandler } from '../../functions/portfolio-reconcile/handler.ts';
import { createRescoreHandler, type PlannerResult } from '../../functions/rescore/handler.ts';
import { createRescoreWorkerHandler } from '../../functions/rescore-worker/handler.ts';
import { createScoreHandler } from '../../functions/score/handler.ts';
import { CHANGE_EVENT } from '../../shared/changes/events.ts';
import type { ChangeEvents } from '../../shared/changes/publish.ts';
import { NOTIFIER_TIMEOUT_SECONDS, NOTIFY_QUEUE_SETTINGS } from '../../shared/notify/settings.ts';
import { CurrentReference } from '../../shared/policy/current-reference.ts';
import type { RecountStart } from '../../shared/portfolio/recount-run.ts';
import {
  QUEUE_SETTINGS,
  RESCORE_QUEUE_SETTINGS,
  RESCORE_WORKER_TIMEOUT_SECONDS,
  SCORE_FUNCTION_TIMEOUT_SECONDS,
} from '../../shared/queue/settings.ts';
import { baselineTimeline, type ReferenceData, referenceData } from '../../shared/reference/index.ts';
import type { BatchRecord } from '../../shared/store/batch-port.ts';
import { DynamoDbChangeLog } from '../../shared/store/change-log.ts';
import type { DynamoDbSupplierStore } from '../../shared/store/dynamodb-supplier-store.ts';
import { DynamoDbPolicyRevisions } from '../../shared/store/policy-revisions.ts';
import { DynamoDbPortfolioAggregates } from '../../shared/store/portfolio-aggregates.ts';
import { DynamoDbContributionScan } from '../../shared/store/portfolio-aggregates-scan.ts';
import { trackedSupplierStore } from '../../shared/store/portfolio-tracked-store.ts';
import type { RunView } from '../../shared/store/rescore-port.ts';
import { DynamoDbRescoreRuns } from '../../shared/store/rescore-runs.ts';
import { DynamoDbSupplierScan } from '../../shared/store/supplier-scan.ts';
import { DynamoDbWebhookStore } from '../../shared/store/webhooks.ts';
import { encodeMetadataText, UPLOAD_METADATA, type UploadFormat, uploadKey } from '../../shared/uploads/key.ts';
import type { UploadLimits } from '../../shared/uploads/limits.ts';
import { createS3Client, S3UploadReader } from '../../shared/uploads/s3-upload-reader.ts';
import type { DeliveryOptions } from '../../shared/webhooks/deliver.ts';
import { openLocalQueue } from './durable-queue.ts';
import { type LocalDynamo, startLocalDynamo } from './dynamo.ts';
import type { LocalEventBus } from './event-bus.ts';
import { lambdaContext } from './lambda-context.ts';
import { LOCAL_NOTIFY_QUEUE, startLocalNotifications } from './notifications.ts';
import type { LocalQueue } from './queue.ts';
import { uploadsToResume } from './resume-uploads.ts';
import { type LocalS3, startLocalS3 } from './s3.ts';
import { type LocalScenarios, startLocalScenarios } from './scenarios.ts';

export const LOCAL_TABLE = 'mineral-risk-local';
export const LOCAL_BUCKET = 'mineral-risk-uploads';

/** Quiet Powertools and the SDK's Node 20 notice in local runs (they would interleave with the demo's output). */
export function quietLocalTelemetry(): void {
  process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
}

export interface LocalRuntimeOptions {
  /**
   * Keep DynamoDB data, uploads and the queues (journals) in this directory between runs, so a run killed mid-batch
   * resumes it; default in memory / temporary.
   */
  dataDir?: string;
  /** Scales the queue's waits (visibility timeout, batching window); tests use small values. */
  timeScale?: number;
  /** Run ingest on every object-created event (default true); `invoke` turns it off to run ingest itself. */
  autoIngest?: boolean;
  /**
   * Called with the DynamoDB client before the store uses it: tests add SDK middleware here to inject faults that no
   * local service produces (throttling, unprocessed items, a crash mid-chunk).
   */
  onDynamoClient?: (client: DynamoDBClient) => void;
  /** `today` for messages without an as-of date. */
  today?: () => string;
  /** Fixed reference data for every function; default the live policy timeline (baseline ⊕ stored revisions). */
  ref?: ReferenceData;
  /** Tenants above this many suppliers get their scenarios as jobs (default SCENARIO.inlineMaxSuppliers). */
  scenarioInlineMax?: number;
  /** Upload size limits of ingest (default the deployed ones); tests lower them. */
  uploadLimits?: Partial<UploadLimits>;
  /**
   * Change events and webhooks: the smallest move that is an event (default CHANGE_EVENT.defaultMinPoints) and the
   * delivery options of the notifier (default local mode; tests add a CA or a resolver).
   */
  notifications?: {
    minPoints?: number;
    deliveryOptions?: DeliveryOptions;
    /** The notify queue's own time scale (default `timeScale`): a day of retry schedule in seconds, for tests. */
    timeScale?: number;
  };
}

export interface LocalPolicy {
  store: DynamoDbPolicyRevisions;
  current: CurrentReference;
  runs: DynamoDbRescoreRuns;
  rescoreQueue: LocalQueue;
}

/** Webhook delivery: the endpoints and their log, the notifier's queue, and the bus whose rule feeds it. */
export interface LocalNotify {
  queue: LocalQueue;
  webhooks: DynamoDbWebhookStore;
  bus: LocalEventBus;
}

export interface LocalRuntime {
  dynamo: LocalDynamo;
  s3: LocalS3;
  queue: LocalQueue;
  /** The supplier store, its writes followed by the portfolio aggregates. */
  store: DynamoDbSupplierStore;
  portfolio: DynamoDbPortfolioAggregates;
  /** Recount every tenant's portfolio aggregates from its stored suppliers (what the daily schedule runs). */
  /** Always in one invocation here (no recount queue locally): the fan-out is tested apart. */
  reconcilePortfolios(): Promise<RecountStart>;
  /** The policy store, the rescore runs and their queue (driving the real rescore worker). */
  policy: LocalPolicy;
  /** The change log (GET /v1/changes, supplier history). */
  changes: DynamoDbChangeLog;
  /** Scenario jobs and their queue, driving the real scenario worker. */
  scenarios: LocalScenarios;
  /** Webhook endpoints, the notify queue with the real notifier on it, and the in-process bus feeding it. */
  notify: LocalNotify;
  /** Where the functions publish notable changes (the in-process bus and the minimum move); the API takes it too. */
  events: ChangeEvents;
  /**
   * Upload a supplier-list file as a tenant would (streamed PutObject; a .json, .xlsx or else CSV key by the file's
   * extension); ingest runs on the S3 event. Resolves with the object's key.
   */
  upload(
    file: string,
    options: { tenant: string; batchId: string; asOf?: string; buyerCountry?: string; supplierId?: string },
  ): Promise<string>;
  /** Resolves when the batch has completed (or failed), with its record; rejects after `timeoutMs`. */
  waitForBatch(
    tenant: string,
    batchId: string,
    options?: { timeoutMs?: number; onProgress?: (b: BatchRecord) => void },
  ): Promise<BatchRecord>;
  /** The handlers, wired to this runtime, for direct invocation. */
  handlers: {
    ingest: ReturnType<typeof createIngestHandler>;
    score: ReturnType<typeof createScoreHandler>;
    rescore: ReturnType<typeof createRescoreHandler>;
    reconcile: ReturnType<typeof createReconcileHandler>;
  };
  /** Run the rescore function as the schedule would, as of a date. */
  rescore(asOf: string): Promise<PlannerResult>;
  /** Resolves when the rescore run has completed, with its counts; rejects after `timeoutMs`. */
  waitForRun(runId: string, options?: { timeoutMs?: number }): Promise<RunView>;
  /** Errors thrown by the ingest handler (S3 would retry the invocation; here they are kept for inspection). */
  ingestErrors: unknown[];
  /** What this start took back from the data directory: queued messages, and uploads whose ingest runs again. */
  resumed: { messages: number; uploads: number };
  stop(): Promise<void>;
}

export async function startLocalRuntime(options: LocalRuntimeOptions = {}): Promise<LocalRuntime> {
  quietLocalTelemetry();
  const today = options.today ?? (() => new Date().toISOString().slice(0, 10));
  const dynamo = await startLocalDynamo({
    tableName: LOCAL_TABLE,
    ...(options.dataDir ? { path: `${options.dataDir}/dynamodb` } : {}),
  });
  const s3 = await startLocalS3({
    buckets: [LOCAL_BUCKET],
    ...(options.dataDir ? { directory: `${options.dataDir}/s3` } : {}),
  });
  options.onDynamoClient?.(dynamo.client);
  const { store, portfolio } = trackedSupplierStore(dynamo.client, dynamo.tableName);
  const policyStore = new DynamoDbPolicyRevisions(dynamo.client, dynamo.tableName);
  const current = new CurrentReference(policyStore, baselineTimeline);
  const fixed = options.ref;
  const ref = fixed ?? (() => current.get());
  const runs = new DynamoDbRescoreRuns(dynamo.client, dynamo.tableName);
  // The notifier's queue, fed by the in-process bus (the stand-in for the stage's bus and its rule) and by the API
  // (test deliveries, manual retries); the real notifier consumes it.
  const notifyQueue = await openLocalQueue(
    {
      name: LOCAL_NOTIFY_QUEUE,
      settings: NOTIFY_QUEUE_SETTINGS,
      timeScale: options.notifications?.timeScale ?? options.timeScale ?? 1,
      functionName: 'mineral-risk-notifier',
      functionTimeoutSeconds: NOTIFIER_TIMEOUT_SECONDS,
    },
    options.dataDir,
  );
  const webhooks = new DynamoDbWebhookStore(dynamo.client, dynamo.tableName);
  const notifications = await startLocalNotifications({
    webhooks,
    queue: notifyQueue,
    ...(options.notifications?.deliveryOptions ? { deliveryOptions: options.notifications.deliveryOptions } : {}),
  });
  const events: ChangeEvents = {
    publisher: notifications.publisher,
    minPoints: options.notifications?.minPoints ?? CHANGE_EVENT.defaultMinPoints,
  };
  const rescoreQueue = await openLocalQueue(
    {
      name: 'mineral-risk-rescore',
      settings: RESCORE_QUEUE_SETTINGS,
      timeScale: options.timeScale ?? 1,
      functionName: 'mineral-risk-rescore-worker',
      functionTimeoutSeconds: RESCORE_WORKER_TIMEOUT_SECONDS,
    },
    options.dataDir,
  );
  rescoreQueue.attach(
    createRescoreWorkerHandler({
      runs,
      scan: new DynamoDbSupplierScan(dynamo.client, dynamo.tableName),
      store,
      queue: rescoreQueue,
      reference: current,
      now: () => new Date(),
      events,
    }),
  );
  const scenarios = await startLocalScenarios({
    client: dynamo.client,
    tableName: dynamo.tableName,
    current,
    policy: policyStore,
    dataDir: options.dataDir,
    timeScale: options.timeScale ?? 1,
    inlineMaxSuppliers: options.scenarioInlineMax,
  });
  const queue = await openLocalQueue(
    {
      name: 'mineral-risk-score',
      settings: QUEUE_SETTINGS,
      timeScale: options.timeScale ?? 1,
      functionName: 'mineral-risk-score',
      functionTimeoutSeconds: SCORE_FUNCTION_TIMEOUT_SECONDS,
    },
    options.dataDir,
  );
  const score = createScoreHandler({ store, ref, today, events, portfolio: { folds: portfolio } });
  queue.attach(score);
  const ingest = createIngestHandler({
    uploads: new S3UploadReader(createS3Client({ endpoint: s3.endpoint, region: s3.region })),
    store,
    queue,
    now: () => new Date(),
    ...(options.uploadLimits ? { limits: options.uploadLimits } : {}),
  });
  const ingestErrors: unknown[] = [];
  const onObjectCreated = async (event: S3Event) => {
    if (options.autoIngest === false) return;
    try {
      await ingest(event, lambdaContext('mineral-risk-ingest', 900));
    } catch (err) {
      ingestErrors.push(err);
    }
  };
  s3.onObjectCreated(onObjectCreated);
  // S3 delivers at least once: uploads that a killed run stored but did not finish ingesting get their event again.
  const resuming =
    options.dataDir !== undefined && options.autoIngest !== false
      ? await uploadsToResume({ s3: s3.client, region: s3.region, store }, LOCAL_BUCKET)
      : [];
  for (const event of resuming) void onObjectCreated(event);
  const reconcile = createReconcileHandler({
    scan: new DynamoDbContributionScan(dynamo.client, dynamo.tableName, fixed ?? referenceData()),
    // The recount's role may write a snapshot in pieces; the API's (portfolio, above) may not.
    aggregates: new DynamoDbPortfolioAggregates(dynamo.client, dynamo.tableName, { largeSnapshots: true }),
    now: () => new Date(),
  });
  const rescoreHandler = createRescoreHandler(
    { runs, queue: rescoreQueue, now: () => new Date(), policy: policyStore, baseline: baselineTimeline },
    today,
  );

  return {
    dynamo,
    s3,
    queue,
    store,
    portfolio,
    reconcilePortfolios: () => reconcile({}, lambdaContext('mineral-risk-portfolio-reconcile', 900)),
    policy: { store: policyStore, current, runs, rescoreQueue },
    changes: new DynamoDbChangeLog(dynamo.client, dynamo.tableName),
    scenarios,
    notify: { queue: notifyQueue, webhooks, bus: notifications.publisher },
    events,
    ingestErrors,
    resumed: {
      messages:
        queue.stats().recovered +
        rescoreQueue.stats().recovered +
        notifyQueue.stats().recovered +
        scenarios.queue.stats().recovered,
      uploads: resuming.length,
    },
    handlers: { ingest, score, rescore: rescoreHandler, reconcile },
    async upload(file, o) {
      const size = (await stat(file)).size;
      const metadata: Record<string, string> = {};
      if (o.asOf) metadata[UPLOAD_METADATA.asOf] = o.asOf;
      if (o.buyerCountry) metadata[UPLOAD_METADATA.buyerCountry] = o.buyerCountry;
      if (o.supplierId) metadata[UPLOAD_METADATA.supplierId] = encodeMetadataText(o.supplierId);
      const format = /\.(json|xlsx)$/i.exec(file)?.[1]?.toLowerCase() ?? 'csv';
      const key = uploadKey(o.tenant, o.batchId, format as UploadFormat);
      await s3.client.send(
        new PutObjectCommand({
          Bucket: LOCAL_BUCKET,
          Key: key,
          Body: createReadStream(file),
          ContentLength: size,
          Metadata: metadata,
        }),
      );
      return key;
    },
    async waitForBatch(tenant, batchId, o = {}) {
      const deadline = Date.now() + (o.timeoutMs ?? 10 * 60_000);
      for (;;) {
        if (ingestErrors.length > 0) throw ingestErrors[0];
        const batch = await store.getBatch(tenant, batchId);
        if (batch) o.onProgress?.(batch);
        if (batch && (batch.completedAt !== null || batch.status === 'failed')) return batch;
        if (Date.now() > deadline)
          throw new Error(`batch ${batchId} did not complete in time (status ${batch?.status ?? 'none'})`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    rescore: (asOf) => rescoreHandler({ asOf }, lambdaContext('mineral-risk-rescore', 900)),
    async waitForRun(runId, o = {}) {
      const deadline = Date.now() + (o.timeoutMs ?? 10 * 60_000);
      for (;;) {
        const view = await runs.viewRun(runId);
        if (view?.status === 'completed') return view;
        if (Date.now() > deadline) throw new Error(`rescore run ${runId} did not complete in time`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async stop() {
      await notifications.stop();
      await notifyQueue.close();
      await rescoreQueue.close();
      await scenarios.queue.close();
      await queue.close();
      await s3.stop();
      await dynamo.stop();
    },
  };
}
