import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import { Runtime } from 'aws-cdk-lib/aws-lambda';
import { describe, expect, it } from 'vitest';
import { STAGE_DEFAULTS } from '../../infra/config.ts';
import { BUNDLING, METRICS_NAMESPACE, REPO_ROOT, RUNTIME } from '../../infra/stacks/pipeline-function.ts';
import { MAX_MESSAGE_SIZE_BYTES } from '../../infra/stacks/queues.ts';
import { ACCESS_LOG_NONCURRENT_DAYS, UPLOAD_PREFIX } from '../../infra/stacks/uploads.ts';
import { QUEUE_SETTINGS, SCORE_FUNCTION_TIMEOUT_SECONDS } from '../../shared/queue/settings.ts';
import { TABLE, tableDefinition } from '../../shared/store/table.ts';
import { parseUploadKey, uploadKey } from '../../shared/uploads/key.ts';
import { getAtt, ref, resource, synth } from './synth.ts';

const dev = () => synth({ stage: 'dev' });
const prod = () => synth({ stage: 'prod', alarmEmail: 'ops@example.com' });

const functionsOf = (s: ReturnType<typeof dev>) => {
  const { ingest, score, rescore, rescoreWorker } = s.stack.pipeline;
  return { ingest, score, rescore, 'rescore-worker': rescoreWorker, notifier: s.stack.notifications.notifier };
};

describe('functions', () => {
  const newestNode = Runtime.ALL.filter((r) => /^nodejs\d/.test(r.name))
    .map((r) => r.name)
    .sort((a, b) => Number.parseInt(a.slice(6), 10) - Number.parseInt(b.slice(6), 10))
    .at(-1);

  it('run on the newest Node.js runtime the library offers (22 or later), arm64, with X-Ray active tracing', () => {
    expect(RUNTIME.name).toBe(newestNode);
    expect(Number.parseInt(RUNTIME.name.slice(6), 10)).toBeGreaterThanOrEqual(22);
    const s = dev();
    for (const f of Object.values(functionsOf(s))) {
      expect(resource(s, f.fn).Properties).toMatchObject({
        Runtime: RUNTIME.name,
        Architectures: ['arm64'],
        Handler: 'index.handler',
        TracingConfig: { Mode: 'Active' },
      });
    }
  });

  it('have explicit memory and timeouts: score times out at the shared SCORE_FUNCTION_TIMEOUT_SECONDS', () => {
    const s = dev();
    const { ingest, score, rescore } = functionsOf(s);
    const d = STAGE_DEFAULTS.dev;
    expect(resource(s, ingest.fn).Properties).toMatchObject({
      MemorySize: d.memoryMb.ingest,
      Timeout: d.timeoutSeconds.ingest,
    });
    expect(resource(s, score.fn).Properties).toMatchObject({
      MemorySize: d.memoryMb.score,
      Timeout: SCORE_FUNCTION_TIMEOUT_SECONDS,
    });
    expect(resource(s, rescore.fn).Properties).toMatchObject({
      MemorySize: d.memoryMb.rescore,
      Timeout: d.timeoutSeconds.rescore,
    });
  });

  it('get the environment their handlers read', () => {
    const s = dev();
    const { ingest, score, rescore, 'rescore-worker': worker } = functionsOf(s);
    const table = ref(s.id(s.stack.platform.data.table));
    const queue = ref(s.id(s.stack.platform.queues.score));
    const rescoreQueue = ref(s.id(s.stack.platform.queues.rescore));
    // The writers of change records publish to the stage's bus (notify.test.ts has the notifier's own).
    const events = {
      CHANGE_EVENT_BUS_NAME: ref(s.id(s.stack.notifications.bus)),
      CHANGE_EVENT_MIN_POINTS: String(STAGE_DEFAULTS.dev.changeEventMinPoints),
    };
    const powertools = {
      POWERTOOLS_SERVICE_NAME: 'mineral-risk-dev',
      POWERTOOLS_LOG_LEVEL: STAGE_DEFAULTS.dev.logLevel,
      POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
      NODE_OPTIONS: '--enable-source-maps',
    };
    const env = (f: typeof ingest) =>
      (resource(s, f.fn).Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(env(ingest)).toEqual({ ...powertools, TABLE_NAME: table, QUEUE_URL: queue });
    expect(env(score)).toEqual({ ...powertools, TABLE_NAME: table, ...events });
    // The planner and the worker send segments to the rescore queue; neither sends score messages any more.
    expect(env(rescore)).toEqual({ ...powertools, TABLE_NAME: table, RESCORE_QUEUE_URL: rescoreQueue });
    expect(env(worker)).toEqual({ ...powertools, TABLE_NAME: table, RESCORE_QUEUE_URL: rescoreQueue, ...events });
    expect(env(ingest).POWERTOOLS_LOG_LEVEL).toBe('DEBUG');
    const p = prod();
    const prodEnv = resource(p, p.stack.pipeline.score.fn).Properties.Environment as { Variables: object };
    expect(prodEnv.Variables).toMatchObject({
      POWERTOOLS_LOG_LEVEL: 'INFO',
      POWERTOOLS_SERVICE_NAME: 'mineral-risk-prod',
    });
  });

  it('log to their own log group with the stage retention', () => {
    for (const [s, days] of [
      [dev(), STAGE_DEFAULTS.dev.logRetentionDays],
      [prod(), STAGE_DEFAULTS.prod.logRetentionDays],
    ] as const) {
      for (const f of Object.values(functionsOf(s))) {
        expect(resource(s, f.fn).Properties.LoggingConfig).toEqual({ LogGroup: ref(s.id(f.logGroup)) });
        expect(resource(s, f.logGroup).Properties.RetentionInDays).toBe(days);
      }
    }
    expect(resource(dev(), dev().stack.pipeline.score.logGroup).DeletionPolicy).toBe('Delete');
    expect(resource(prod(), prod().stack.pipeline.score.logGroup).DeletionPolicy).toBe('Retain');
  });

  it('are bundled by local esbuild as minified ESM for node20 with the createRequire banner and source maps', () => {
    expect(BUNDLING).toMatchObject({
      format: 'esm',
      target: 'node20',
      minify: true,
      sourceMap: true,
      forceDockerBundling: false,
      bundleAwsSDK: true,
    });
    expect(BUNDLING.banner).toMatch(/createRequire.*import\.meta\.url/);
  });

  it('ingest, rescore and the portfolio recount send failed asynchronous invocations to the failed-invocations queue', () => {
    const s = dev();
    const failed = getAtt(s.id(s.stack.platform.queues.failedInvocations));
    const configs = s.template.findResources('AWS::Lambda::EventInvokeConfig');
    const byFunction = Object.fromEntries(
      Object.values(configs).map((c) => [JSON.stringify(c.Properties.FunctionName), c.Properties]),
    );
    for (const [f, retries] of [
      [s.stack.pipeline.ingest, 2],
      [s.stack.pipeline.rescore, 1],
      [s.stack.portfolio.reconcile, 1],
    ] as const) {
      expect(byFunction[JSON.stringify(ref(s.id(f.fn)))]).toMatchObject({
        MaximumRetryAttempts: retries,
        DestinationConfig: { OnFailure: { Destination: failed } },
      });
    }
    expect(Object.keys(configs)).toHaveLength(3);
  });
});

describe('score queue and DLQ', () => {
  it('are encrypted (SSE-SQS) and deny requests without TLS', () => {
    const s = dev();
    const { score, scoreDlq, failedInvocations } = s.stack.platform.queues;
    for (const q of [score, scoreDlq, failedInvocations]) {
      expect(resource(s, q).Properties.SqsManagedSseEnabled).toBe(true);
      s.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [ref(s.id(q))],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Action: 'sqs:*',
              Principal: { AWS: '*' },
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ]),
        },
      });
    }
  });

  it('redrive to the DLQ after the shared maxReceiveCount, with visibility ≥ 6× the score timeout, 256 KiB', () => {
    const s = dev();
    const { score, scoreDlq } = s.stack.platform.queues;
    const props = resource(s, score).Properties;
    expect(props.RedrivePolicy).toEqual({
      deadLetterTargetArn: getAtt(s.id(scoreDlq)),
      maxReceiveCount: QUEUE_SETTINGS.maxReceiveCount,
    });
    const scoreTimeout = resource(s, s.stack.pipeline.score.fn).Properties.Timeout as number;
    expect(props.VisibilityTimeout).toBe(QUEUE_SETTINGS.visibilityTimeoutSeconds);
    expect(props.VisibilityTimeout as number).toBeGreaterThanOrEqual(6 * scoreTimeout);
    expect(props.MaximumMessageSize).toBe(256 * 1024);
    expect(MAX_MESSAGE_SIZE_BYTES).toBeGreaterThan(QUEUE_SETTINGS.maxMessageBytes);
    expect(resource(s, scoreDlq).Properties.MessageRetentionPeriod).toBe(QUEUE_SETTINGS.dlqRetentionDays * 86_400);
  });

  it('feed the score function with partial batch responses and the shared batch settings', () => {
    const s = dev();
    // The score queue's, the rescore queue's (rescore.test.ts), the scenario queue's, the recount queue's
    // (portfolio-reconcile.test.ts) and the notify queue's (notify.test.ts).
    s.template.resourceCountIs('AWS::Lambda::EventSourceMapping', 5);
    s.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: getAtt(s.id(s.stack.platform.queues.score)),
      FunctionName: ref(s.id(s.stack.pipeline.score.fn)),
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BatchSize: QUEUE_SETTINGS.batchSize,
      MaximumBatchingWindowInSeconds: QUEUE_SETTINGS.maxBatchingWindowSeconds,
      ScalingConfig: { MaximumConcurrency: QUEUE_SETTINGS.maxConcurrency },
    });
  });
});

describe('table', () => {
  it('is the shared table definition: keys, attributes, indexes with their projections, on demand', () => {
    const s = dev();
    const def = tableDefinition(TABLE.logicalName);
    const props = resource(s, s.stack.platform.data.table).Properties;
    expect(props.BillingMode).toBe(def.BillingMode);
    expect(props.KeySchema).toEqual(def.KeySchema);
    expect(props.AttributeDefinitions).toEqual(expect.arrayContaining(def.AttributeDefinitions));
    expect(props.AttributeDefinitions).toHaveLength(def.AttributeDefinitions.length);
    expect(props.GlobalSecondaryIndexes).toEqual(def.GlobalSecondaryIndexes);
    expect(props.ProvisionedThroughput).toBeUndefined();
  });

  it('has point-in-time recovery, encryption at rest and TTL on the idempotency/expiry attribute', () => {
    const props = resource(dev(), dev().stack.platform.data.table).Properties;
    expect(props.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(props.SSESpecification).toEqual({ SSEEnabled: true });
    expect(props.TimeToLiveSpecification).toEqual({ AttributeName: TABLE.ttlAttribute, Enabled: true });
  });

  it('is kept in prod (retain, deletion protection, termination protection) and destroyable in dev', () => {
    const d = resource(dev(), dev().stack.platform.data.table);
    expect(d.DeletionPolicy).toBe('Delete');
    expect(d.Properties.DeletionProtectionEnabled).toBe(false);
    expect(dev().stack.terminationProtection).toBe(false);
    const p = resource(prod(), prod().stack.platform.data.table);
    expect(p.DeletionPolicy).toBe('Retain');
    expect(p.UpdateReplacePolicy).toBe('Retain');
    expect(p.Properties.DeletionProtectionEnabled).toBe(true);
    expect(prod().stack.terminationProtection).toBe(true);
  });
});

describe('uploads bucket', () => {
  it('blocks public access, is encrypted, disables ACLs and logs access to the log bucket', () => {
    const s = dev();
    const { bucket, accessLogs } = s.stack.platform.uploads;
    for (const b of [bucket, accessLogs]) {
      expect(resource(s, b).Properties).toMatchObject({
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      });
    }
    // Uploads: SSE-KMS with the stage key and an S3 Bucket Key; access logs: SSE-S3, as AWS asks of a log destination.
    expect(resource(s, bucket).Properties.BucketEncryption).toEqual({
      ServerSideEncryptionConfiguration: [
        {
          ServerSideEncryptionByDefault: {
            SSEAlgorithm: 'aws:kms',
            KMSMasterKeyID: getAtt(s.id(s.stack.platform.key.key)),
          },
          BucketKeyEnabled: true,
        },
      ],
    });
    expect(resource(s, accessLogs).Properties.BucketEncryption).toEqual({
      ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
    });
    expect(resource(s, bucket).Properties.LoggingConfiguration).toEqual({
      DestinationBucketName: ref(s.id(accessLogs)),
      LogFilePrefix: 'uploads-bucket/',
    });
  });

  it('denies requests without TLS and below TLS 1.2', () => {
    const s = dev();
    const { bucket, accessLogs } = s.stack.platform.uploads;
    for (const b of [bucket, accessLogs]) {
      s.template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: ref(s.id(b)),
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
            Match.objectLike({ Effect: 'Deny', Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } }),
          ]),
        },
      });
    }
  });

  it('expires raw uploads and incomplete multipart uploads; access logs expire too', () => {
    const s = prod();
    const { bucket, accessLogs } = s.stack.platform.uploads;
    expect(resource(s, bucket).Properties.LifecycleConfiguration).toEqual({
      Rules: [
        {
          Id: 'expire-raw-uploads',
          Prefix: UPLOAD_PREFIX,
          ExpirationInDays: STAGE_DEFAULTS.prod.uploadExpiryDays,
          Status: 'Enabled',
        },
        {
          Id: 'abort-incomplete-multipart-uploads',
          AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
          Status: 'Enabled',
        },
      ],
    });
    // Access logs are versioned: an expired or deleted log stays recoverable ACCESS_LOG_NONCURRENT_DAYS more.
    expect(resource(s, accessLogs).Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(resource(s, bucket).Properties.VersioningConfiguration).toBeUndefined();
    expect(resource(s, accessLogs).Properties.LifecycleConfiguration).toMatchObject({
      Rules: [
        { ExpirationInDays: STAGE_DEFAULTS.prod.accessLogExpiryDays, Status: 'Enabled' },
        {
          NoncurrentVersionExpiration: { NoncurrentDays: ACCESS_LOG_NONCURRENT_DAYS },
          ExpiredObjectDeleteMarker: true,
          Status: 'Enabled',
        },
      ],
    });
  });

  it('notifies ingest of objects created under uploads/, the prefix of every upload key', () => {
    expect(UPLOAD_PREFIX).toBe('uploads/');
    expect(uploadKey('acme', 'b1').startsWith(UPLOAD_PREFIX)).toBe(true);
    expect(() => parseUploadKey(`${UPLOAD_PREFIX}acme/b1.csv`)).not.toThrow();
    const s = dev();
    const ingest = getAtt(s.id(s.stack.pipeline.ingest.fn));
    const bucket = resource(s, s.stack.platform.uploads.bucket);
    expect(bucket.Properties.NotificationConfiguration).toEqual({
      LambdaConfigurations: [
        {
          Event: 's3:ObjectCreated:*',
          Function: ingest,
          Filter: { S3Key: { Rules: [{ Name: 'prefix', Value: 'uploads/' }] } },
        },
      ],
    });
    // S3 checks its permission when the notification is created: the bucket depends on it, and it names the bucket.
    const permissions = s.template.findResources('AWS::Lambda::Permission', {
      Properties: { Principal: 's3.amazonaws.com', FunctionName: ingest },
    });
    const [permissionId, permission] = Object.entries(permissions)[0] ?? [];
    expect(Object.keys(permissions)).toHaveLength(1);
    expect(bucket.DependsOn).toContain(permissionId);
    expect(permission?.Properties.SourceAccount).toEqual({ Ref: 'AWS::AccountId' });
    expect(JSON.stringify(permission?.Properties.SourceArn)).toContain('mineral-risk-dev-uploads');
    expect(JSON.stringify(bucket.Properties.BucketName)).toContain('mineral-risk-dev-uploads');
    // No custom resource is needed for the notification.
    expect(Object.keys(s.template.findResources('Custom::S3BucketNotifications'))).toHaveLength(0);
  });

  it('allows browser PUTs from the configured origins only (none by default in prod)', () => {
    const d = resource(dev(), dev().stack.platform.uploads.bucket).Properties.CorsConfiguration;
    expect(d).toEqual({
      CorsRules: [
        {
          AllowedMethods: ['PUT'],
          AllowedOrigins: ['*'],
          AllowedHeaders: ['*'],
          ExposedHeaders: ['ETag'],
          MaxAge: 3000,
        },
      ],
    });
    expect(resource(prod(), prod().stack.platform.uploads.bucket).Properties.CorsConfiguration).toBeUndefined();
    const custom = synth({ stage: 'prod', mineralRisk: { prod: { uploadCorsOrigins: ['https://app.example.com'] } } });
    expect(resource(custom, custom.stack.platform.uploads.bucket).Properties.CorsConfiguration).toMatchObject({
      CorsRules: [{ AllowedOrigins: ['https://app.example.com'] }],
    });
  });

  it('is emptied and deleted with a dev stack, kept with a prod stack', () => {
    const d = dev();
    for (const b of [d.stack.platform.uploads.bucket, d.stack.platform.uploads.accessLogs])
      expect(resource(d, b).DeletionPolicy).toBe('Delete');
    expect(Object.keys(d.template.findResources('Custom::S3AutoDeleteObjects'))).toHaveLength(2);
    const p = prod();
    for (const b of [p.stack.platform.uploads.bucket, p.stack.platform.uploads.accessLogs])
      expect(resource(p, b).DeletionPolicy).toBe('Retain');
    expect(Object.keys(p.template.findResources('Custom::S3AutoDeleteObjects'))).toHaveLength(0);
  });
});

describe('rescore schedule', () => {
  it('invokes rescore on the stage schedule, with retries and a DLQ for undelivered events', () => {
    const s = dev();
    // This one, the change bus's rule to the notify queue (notify.test.ts) and the portfolio recount's
    // (portfolio-reconcile.test.ts).
    s.template.resourceCountIs('AWS::Events::Rule', 3);
    s.template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: STAGE_DEFAULTS.dev.rescoreSchedule,
      State: 'ENABLED',
      Targets: [
        Match.objectLike({
          Arn: getAtt(s.id(s.stack.pipeline.rescore.fn)),
          DeadLetterConfig: { Arn: getAtt(s.id(s.stack.platform.queues.failedInvocations)) },
          RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 7200 },
        }),
      ],
    });
    s.template.hasResourceProperties('AWS::Lambda::Permission', {
      Principal: 'events.amazonaws.com',
      FunctionName: getAtt(s.id(s.stack.pipeline.rescore.fn)),
      SourceArn: getAtt(s.id(s.stack.pipeline.schedule)),
    });
  });
});

describe('alarms and dashboard', () => {
  const alarmsOf = (s: ReturnType<typeof dev>) =>
    Object.fromEntries(
      Object.values(s.template.findResources('AWS::CloudWatch::Alarm')).map((a) => [
        a.Properties.AlarmName as string,
        a.Properties as Record<string, unknown>,
      ]),
    );

  it('cover the DLQ, the oldest message, failed invocations, and errors and throttles of every function', () => {
    const s = dev();
    const alarms = alarmsOf(s);
    const p = 'mineral-risk-dev';
    expect(Object.keys(alarms).sort()).toEqual(
      [
        'score-dlq-messages',
        'score-oldest-message',
        'failed-invocations',
        'rescore-dlq-messages',
        'rescore-oldest-message',
        'scenario-dlq-messages',
        'scenario-oldest-message',
        'recount-dlq-messages',
        'recount-oldest-message',
        'notify-dlq-messages',
        'notify-oldest-message',
        'dead-deliveries',
        ...[
          'ingest',
          'score',
          'rescore',
          'rescore-worker',
          'scenario-worker',
          'notifier',
          'portfolio-reconcile',
        ].flatMap((f) => [`${f}-errors`, `${f}-throttles`]),
        ...['5xx', 'latency', 'errors', 'throttles'].map((a) => `api-${a}`),
      ]
        .map((n) => `${p}-${n}`)
        .sort(),
    );
    const queue = (q: unknown) => [{ Name: 'QueueName', Value: getAtt(s.id(q as never), 'QueueName') }];
    const { score, scoreDlq, failedInvocations } = s.stack.platform.queues;
    expect(alarms[`${p}-score-dlq-messages`]).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: queue(scoreDlq),
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    expect(alarms[`${p}-failed-invocations`]).toMatchObject({
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: queue(failedInvocations),
      Threshold: 1,
    });
    expect(alarms[`${p}-score-oldest-message`]).toMatchObject({
      MetricName: 'ApproximateAgeOfOldestMessage',
      Dimensions: queue(score),
      Threshold: STAGE_DEFAULTS.dev.oldestMessageAlarmSeconds,
    });
    for (const [name, f] of Object.entries(functionsOf(s))) {
      for (const metric of ['Errors', 'Throttles']) {
        expect(alarms[`${p}-${name}-${metric.toLowerCase()}`]).toMatchObject({
          Namespace: 'AWS/Lambda',
          MetricName: metric,
          Dimensions: [{ Name: 'FunctionName', Value: ref(s.id(f.fn)) }],
          Statistic: 'Sum',
          Threshold: 1,
        });
      }
    }
  });

  it('notify the SNS topic on ALARM and OK, and name their runbook section in docs/operations.md', () => {
    const s = dev();
    const topic = ref(s.id(s.stack.platform.monitoring.topic));
    const operations = readFileSync(path.join(REPO_ROOT, 'docs', 'operations.md'), 'utf8');
    for (const [name, a] of Object.entries(alarmsOf(s))) {
      expect(a.AlarmActions, name).toEqual([topic]);
      expect(a.OKActions, name).toEqual([topic]);
      const anchor = /Runbook: docs\/operations\.md#(alarm-[a-z-]+)$/.exec(a.AlarmDescription as string)?.[1];
      expect(anchor, name).toBeDefined();
      expect(operations, name).toContain(`<a id="${anchor}"></a>`);
      expect(a.TreatMissingData, name).toBe('notBreaching');
    }
  });

  it('have a topic that enforces TLS, lets this account’s alarms publish, and mails the configured address', () => {
    const s = prod();
    const topic = ref(s.id(s.stack.platform.monitoring.topic));
    s.template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [topic],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
          }),
        ]),
      },
    });
    s.template.hasResourceProperties('AWS::SNS::Subscription', {
      TopicArn: topic,
      Protocol: 'email',
      Endpoint: 'ops@example.com',
    });
    dev().template.resourceCountIs('AWS::SNS::Subscription', 0);
  });

  it('include a pipeline dashboard: queue depth, oldest message, scored per minute, errors and p99 per function', () => {
    const s = dev();
    s.template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    const body = JSON.stringify(
      Object.values(s.template.findResources('AWS::CloudWatch::Dashboard'))[0]?.Properties.DashboardBody,
    );
    for (const text of [
      'Score queue depth',
      'ApproximateNumberOfMessagesVisible',
      'ApproximateNumberOfMessagesNotVisible',
      'ApproximateAgeOfOldestMessage',
      'Suppliers scored per minute',
      `\\"${METRICS_NAMESPACE}\\",\\"SuppliersScored\\",\\"service\\",\\"mineral-risk-dev\\"`,
      'ingest: invocations, errors, throttles',
      'score: duration p50 / p99',
      'rescore: duration p50 / p99',
      'Rescore queue depth (segments)',
      'Oldest rescore segment (s)',
      `\\"${METRICS_NAMESPACE}\\",\\"RescoreSuppliersChanged\\",\\"service\\",\\"mineral-risk-dev\\"`,
      'rescore-worker: invocations, errors, throttles',
      'rescore-worker: duration p50 / p99',
      'Notify queue depth (messages)',
      'Webhook attempts per minute',
      `\\"${METRICS_NAMESPACE}\\",\\"DeliveriesDead\\",\\"service\\",\\"mineral-risk-dev\\"`,
      'notifier: invocations, errors, throttles',
      '\\"stat\\":\\"p99\\"',
    ])
      expect(body).toContain(text);
  });
});

describe('stack', () => {
  it('is named per stage and exports what the runbooks use', () => {
    expect(dev().stack.stackName).toBe('MineralRisk-dev');
    expect(prod().stack.stackName).toBe('MineralRisk-prod');
    const outputs = Object.keys(dev().template.toJSON().Outputs);
    expect(outputs).toEqual(
      expect.arrayContaining([
        'TableName',
        'UploadsBucketName',
        'ScoreQueueUrl',
        'ScoreDlqUrl',
        'ScoreDlqArn',
        'FailedInvocationsQueueUrl',
        'RescoreQueueUrl',
        'RescoreDlqUrl',
        'RescoreDlqArn',
        'AlarmTopicArn',
        'DashboardName',
        'RescoreFunctionName',
        'RescoreWorkerFunctionName',
        'NotifyQueueUrl',
        'NotifyDlqUrl',
        'NotifyDlqArn',
        'ChangeEventBusName',
        'ChangeEventArchiveArn',
        'NotifierFunctionName',
      ]),
    );
  });

  it('creates one HTTP API, and a user pool for its tokens unless an external issuer is configured', () => {
    const s = dev();
    for (const type of ['AWS::ApiGatewayV2::Api', 'AWS::Cognito::UserPool'])
      expect(Object.keys(s.template.findResources(type))).toHaveLength(1);
  });
});
