import { CfnOutput, RemovalPolicy, Stack, type StackProps, Tags } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { StageConfig } from '../config.ts';
import { Api } from './api.ts';
import { DataStore } from './data-store.ts';
import { Monitoring } from './monitoring.ts';
import { Notifications } from './notify.ts';
import { Pipeline } from './pipeline.ts';
import { PortfolioReconcile } from './portfolio-reconcile.ts';
import { Queues } from './queues.ts';
import { ScenarioWorker } from './scenario-worker.ts';
import { StageKey } from './stage-key.ts';
import { Uploads } from './uploads.ts';

export interface MineralRiskStackProps extends StackProps {
  config: StageConfig;
}

/**
 * What every part of the system builds on: the pipeline and the HTTP API (`Api`, infra/stacks/api.ts) take these,
 * make their functions with `PipelineFunction` and add their alarms and widgets to `monitoring`.
 */
export interface Platform {
  config: StageConfig;
  removalPolicy: RemovalPolicy;
  /** The stage's KMS key: the uploads bucket and every log group. */
  key: StageKey;
  data: DataStore;
  uploads: Uploads;
  queues: Queues;
  monitoring: Monitoring;
}

/**
 * One stage of mineral-risk: table, uploads, queues, the pipeline functions (rescore planner and workers included),
 * the HTTP API, change delivery (event bus, archive, notifier), alarms and dashboard.
 */
export class MineralRiskStack extends Stack {
  readonly platform: Platform;
  readonly pipeline: Pipeline;
  readonly api: Api;
  readonly scenarios: ScenarioWorker;
  readonly notifications: Notifications;
  readonly portfolio: PortfolioReconcile;

  constructor(scope: Construct, id: string, props: MineralRiskStackProps) {
    const { config } = props;
    super(scope, id, {
      description: `mineral-risk (${config.stage}): supplier critical-mineral risk scoring pipeline`,
      terminationProtection: config.deletionProtection,
      ...props,
    });
    Tags.of(this).add('project', 'mineral-risk');
    Tags.of(this).add('stage', config.stage);

    const removalPolicy = config.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const monitoring = new Monitoring(this, 'Monitoring', { config });
    const key = new StageKey(this, 'StageKey', { prefix: config.prefix, removalPolicy });
    this.platform = {
      config,
      removalPolicy,
      key,
      data: new DataStore(this, 'Data', { removalPolicy, deletionProtection: config.deletionProtection }),
      uploads: new Uploads(this, 'Uploads', { config, removalPolicy, autoDeleteObjects: !config.retainData, key }),
      queues: new Queues(this, 'Queues', { prefix: config.prefix }),
      monitoring,
    };
    this.pipeline = new Pipeline(this, 'Pipeline', this.platform);
    this.portfolio = new PortfolioReconcile(this, 'Portfolio', this.platform);
    this.api = new Api(this, 'Api', this.platform);
    this.scenarios = new ScenarioWorker(this, 'Scenarios', this.platform);
    this.notifications = new Notifications(this, 'Notifications', this.platform);
    // The writers of change records publish their events.
    for (const writer of [this.pipeline.score, this.pipeline.rescoreWorker, this.api.function])
      this.notifications.allowPublish(writer);

    const outputs: Record<string, [string, string]> = {
      TableName: [this.platform.data.table.tableName, 'DynamoDB table (suppliers, scores, batches)'],
      UploadsBucketName: [this.platform.uploads.bucket.bucketName, 'Supplier lists go under uploads/{tenant}/'],
      ScoreQueueUrl: [this.platform.queues.score.queueUrl, 'Score queue'],
      ScoreDlqUrl: [this.platform.queues.scoreDlq.queueUrl, 'Score dead-letter queue (inspect, redrive)'],
      ScoreDlqArn: [this.platform.queues.scoreDlq.queueArn, 'Score dead-letter queue ARN (start-message-move-task)'],
      RescoreQueueUrl: [this.platform.queues.rescore.queueUrl, 'Rescore queue (one message per segment of a run)'],
      RescoreDlqUrl: [this.platform.queues.rescoreDlq.queueUrl, 'Rescore dead-letter queue (inspect, redrive)'],
      RescoreDlqArn: [
        this.platform.queues.rescoreDlq.queueArn,
        'Rescore dead-letter queue ARN (start-message-move-task)',
      ],
      ScenarioQueueUrl: [this.platform.queues.scenario.queueUrl, 'Scenario queue (one message per segment of a job)'],
      ScenarioDlqUrl: [this.platform.queues.scenarioDlq.queueUrl, 'Scenario dead-letter queue (inspect, redrive)'],
      ScenarioDlqArn: [
        this.platform.queues.scenarioDlq.queueArn,
        'Scenario dead-letter queue ARN (start-message-move-task)',
      ],
      ScenarioWorkerFunctionName: [this.scenarios.worker.fn.functionName, 'Scenario worker (scenario queue consumer)'],
      RecountDlqUrl: [
        this.platform.queues.recountDlq.queueUrl,
        'Portfolio recount dead-letter queue (inspect, redrive)',
      ],
      RecountDlqArn: [
        this.platform.queues.recountDlq.queueArn,
        'Portfolio recount dead-letter queue ARN (start-message-move-task)',
      ],
      FailedInvocationsQueueUrl: [
        this.platform.queues.failedInvocations.queueUrl,
        'Failed ingest/rescore invocations and undelivered schedule events',
      ],
      NotifyQueueUrl: [this.platform.queues.notify.queueUrl, 'Notify queue (change events, webhook attempts)'],
      NotifyDlqUrl: [this.platform.queues.notifyDlq.queueUrl, 'Notify dead-letter queue (inspect, redrive)'],
      NotifyDlqArn: [this.platform.queues.notifyDlq.queueArn, 'Notify dead-letter queue ARN (start-message-move-task)'],
      ChangeEventBusName: [this.notifications.bus.eventBusName, 'Event bus of SupplierRiskChanged events'],
      ChangeEventBusArn: [this.notifications.bus.eventBusArn, 'Event bus ARN (rules of other targets, replays)'],
      ChangeEventArchiveArn: [this.notifications.archive.archiveArn, 'Archive of the change events (start-replay)'],
      NotifierFunctionName: [this.notifications.notifier.fn.functionName, 'Notifier (notify queue consumer)'],
      StageKeyArn: [key.key.keyArn, 'KMS key of the uploads bucket and the log groups'],
      AlarmTopicArn: [monitoring.topic.topicArn, 'Subscribe to receive alarms'],
      DashboardName: [monitoring.dashboard.dashboardName, 'CloudWatch dashboard of the pipeline'],
      IngestFunctionName: [this.pipeline.ingest.fn.functionName, 'Ingest function'],
      ScoreFunctionName: [this.pipeline.score.fn.functionName, 'Score function'],
      RescoreFunctionName: [this.pipeline.rescore.fn.functionName, 'Rescore planner (invoke on demand)'],
      PortfolioReconcileFunctionName: [
        this.portfolio.reconcile.fn.functionName,
        'Portfolio aggregates recount (daily; invoke on demand)',
      ],
      RescoreWorkerFunctionName: [
        this.pipeline.rescoreWorker.fn.functionName,
        'Rescore worker (rescore queue consumer)',
      ],
      ...this.api.outputs(),
    };
    for (const [name, [value, description]] of Object.entries(outputs))
      new CfnOutput(this, name, { value, description });
  }
}
