import { Aws, Duration, Validations } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  MathExpression,
  Metric,
  TextWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { StageConfig } from '../config.ts';
import { METRICS_NAMESPACE } from './pipeline-function.ts';

const RUNBOOK = 'docs/operations.md';
const ONE_MINUTE = Duration.minutes(1);
const FIVE_MINUTES = Duration.minutes(5);

export interface MonitoringProps {
  config: StageConfig;
}

/**
 * Alarms, their SNS topic and the pipeline dashboard. Every alarm notifies the topic on ALARM and on OK, and its
 * description names its runbook section in docs/operations.md. Other parts of the system (the HTTP API) add their
 * alarms and widgets through `watchFunction`, `alarm` and `dashboard.addWidgets`.
 */
export class Monitoring extends Construct {
  readonly topic: Topic;
  readonly dashboard: Dashboard;
  readonly alarms: Alarm[] = [];
  private readonly config: StageConfig;
  private readonly action: SnsAction;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    this.config = props.config;
    this.topic = new Topic(this, 'AlarmTopic', {
      displayName: `${props.config.prefix} alarms`,
      enforceSSL: true,
    });
    // CloudWatch alarms of this account publish; the topic policy otherwise only denies requests without TLS.
    this.topic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowCloudWatchAlarmsOfThisAccount',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
          ArnLike: { 'aws:SourceArn': `arn:${Aws.PARTITION}:cloudwatch:${Aws.REGION}:${Aws.ACCOUNT_ID}:alarm:*` },
        },
      }),
    );
    if (props.config.alarmEmail) {
      this.topic.addSubscription(new EmailSubscription(props.config.alarmEmail));
      Validations.of(this.topic).acknowledge({
        id: 'Serverless-SNSRedrivePolicy',
        reason:
          'The email subscription of the alarm topic: SNS retries email delivery itself, and an alarm that could not be mailed stays visible in ALARM state and in the alarm history.',
      });
    }
    this.action = new SnsAction(this.topic);
    this.dashboard = new Dashboard(this, 'Dashboard', { dashboardName: `${props.config.prefix}-pipeline` });
  }

  /** A static-threshold alarm on `metric` (≥ threshold), notifying the topic; `name` is suffixed to the prefix. */
  alarm(
    name: string,
    metric: IMetric,
    threshold: number,
    description: string,
    runbookAnchor: string,
    evaluationPeriods = 1,
  ): Alarm {
    const alarm = new Alarm(this, `Alarm-${name}`, {
      alarmName: `${this.config.prefix}-${name}`,
      alarmDescription: `${description} Runbook: ${RUNBOOK}#${runbookAnchor}`,
      metric,
      threshold,
      evaluationPeriods,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(this.action);
    alarm.addOkAction(this.action);
    this.alarms.push(alarm);
    return alarm;
  }

  /** Errors and throttles alarms for one function, and a dashboard row with its invocations, errors and p99. */
  watchFunction(name: string, fn: IFunction): void {
    const errors = fn.metricErrors({ period: FIVE_MINUTES, statistic: 'Sum' });
    const throttles = fn.metricThrottles({ period: FIVE_MINUTES, statistic: 'Sum' });
    this.alarm(
      `${name}-errors`,
      errors,
      1,
      `The ${name} function failed an invocation (an error thrown by the handler, a timeout or an out-of-memory) in the last 5 minutes.`,
      'alarm-function-errors',
    );
    this.alarm(
      `${name}-throttles`,
      throttles,
      1,
      `Lambda throttled the ${name} function in the last 5 minutes (account or function concurrency exhausted).`,
      'alarm-function-throttles',
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: `${name}: invocations, errors, throttles`,
        left: [
          fn.metricInvocations({ period: ONE_MINUTE, statistic: 'Sum', label: 'invocations' }),
          fn.metricErrors({ period: ONE_MINUTE, statistic: 'Sum', label: 'errors' }),
          fn.metricThrottles({ period: ONE_MINUTE, statistic: 'Sum', label: 'throttles' }),
        ],
        width: 12,
      }),
      new GraphWidget({
        title: `${name}: duration p50 / p99 (ms)`,
        left: [
          fn.metricDuration({ period: ONE_MINUTE, statistic: 'p50', label: 'p50' }),
          fn.metricDuration({ period: ONE_MINUTE, statistic: 'p99', label: 'p99' }),
        ],
        width: 12,
      }),
    );
  }

  /**
   * The rescore runs' alarms and dashboard rows: segments in the rescore DLQ, a segment waiting too long, and the
   * rescore queue's depth, its oldest message and the suppliers the workers changed (RescoreSuppliersChanged,
   * RescoreFailures: Powertools metrics of functions/rescore-worker).
   */
  watchRescore(queues: { rescore: IQueue; rescoreDlq: IQueue }): void {
    const { rescore, rescoreDlq } = queues;
    const seconds = this.config.rescoreOldestMessageAlarmSeconds;
    this.alarm(
      'rescore-dlq-messages',
      rescoreDlq.metricApproximateNumberOfMessagesVisible({ period: ONE_MINUTE, statistic: 'Maximum' }),
      1,
      'A segment of a rescore run failed every receive and is in the rescore DLQ: its run cannot complete, and the rest of that segment is not rescored.',
      'alarm-rescore-dlq-messages',
    );
    this.alarm(
      'rescore-oldest-message',
      rescore.metricApproximateAgeOfOldestMessage({ period: ONE_MINUTE, statistic: 'Maximum' }),
      seconds,
      `A rescore segment has waited ${seconds} s or more for 5 minutes: rescore runs are stalled or far behind.`,
      'alarm-rescore-oldest-message',
      5,
    );
    const metric = (metricName: string, label: string) =>
      new Metric({
        namespace: METRICS_NAMESPACE,
        metricName,
        dimensionsMap: { service: this.config.prefix },
        statistic: 'Sum',
        period: ONE_MINUTE,
        label,
      });
    this.dashboard.addWidgets(
      new TextWidget({
        markdown: `# ${this.config.prefix} rescore runs\nPolicy revision or schedule → planner → rescore queue (one message per segment) → rescore workers → table. Progress of a run: \`GET /v1/admin/rescore-runs/{runId}\`.`,
        width: 24,
        height: 2,
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Rescore queue depth (segments)',
        left: [
          rescore.metricApproximateNumberOfMessagesVisible({
            period: ONE_MINUTE,
            statistic: 'Maximum',
            label: 'waiting',
          }),
          rescore.metricApproximateNumberOfMessagesNotVisible({
            period: ONE_MINUTE,
            statistic: 'Maximum',
            label: 'in flight',
          }),
        ],
        right: [
          rescoreDlq.metricApproximateNumberOfMessagesVisible({
            period: ONE_MINUTE,
            statistic: 'Maximum',
            label: 'DLQ',
          }),
        ],
        width: 8,
      }),
      new GraphWidget({
        title: 'Oldest rescore segment (s)',
        left: [rescore.metricApproximateAgeOfOldestMessage({ period: ONE_MINUTE, statistic: 'Maximum', label: 'age' })],
        leftAnnotations: [{ value: seconds, label: 'alarm' }],
        width: 8,
      }),
      new GraphWidget({
        title: 'Rescore: suppliers changed, failures',
        left: [metric('RescoreSuppliersChanged', 'changed')],
        right: [metric('RescoreFailures', 'failed')],
        width: 8,
      }),
    );
  }

  /** The pipeline's queue alarms and the dashboard's first rows: queue depth, oldest message, scored per minute. */
  watchPipeline(queues: { score: IQueue; scoreDlq: IQueue; failedInvocations: IQueue }): void {
    const { score, scoreDlq, failedInvocations } = queues;
    this.alarm(
      'score-dlq-messages',
      scoreDlq.metricApproximateNumberOfMessagesVisible({ period: ONE_MINUTE, statistic: 'Maximum' }),
      1,
      'Score messages failed every receive and are in the score DLQ: their suppliers are not scored.',
      'alarm-score-dlq-messages',
    );
    this.alarm(
      'score-oldest-message',
      score.metricApproximateAgeOfOldestMessage({ period: ONE_MINUTE, statistic: 'Maximum' }),
      this.config.oldestMessageAlarmSeconds,
      `A score message has waited ${this.config.oldestMessageAlarmSeconds} s or more for 5 minutes: scoring is stalled or far behind.`,
      'alarm-score-oldest-message',
      5,
    );
    this.alarm(
      'failed-invocations',
      failedInvocations.metricApproximateNumberOfMessagesVisible({ period: ONE_MINUTE, statistic: 'Maximum' }),
      1,
      'An upload could not be ingested, or a rescore run failed, after all retries.',
      'alarm-failed-invocations',
    );

    const scored = (metricName: string, label: string) =>
      new Metric({
        namespace: METRICS_NAMESPACE,
        metricName,
        dimensionsMap: { service: this.config.prefix },
        statistic: 'Sum',
        period: ONE_MINUTE,
        label,
      });
    this.dashboard.addWidgets(
      new TextWidget({
        markdown: `# ${this.config.prefix} pipeline\nUpload → ingest → score queue → score → table. Alarms and runbooks: \`${RUNBOOK}\`.`,
        width: 24,
        height: 2,
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Score queue depth (messages)',
        left: [
          score.metricApproximateNumberOfMessagesVisible({
            period: ONE_MINUTE,
            statistic: 'Maximum',
            label: 'waiting',
          }),
          score.metricApproximateNumberOfMessagesNotVisible({
            period: ONE_MINUTE,
            statistic: 'Maximum',
            label: 'in flight',
          }),
        ],
        right: [
          scoreDlq.metricApproximateNumberOfMessagesVisible({ period: ONE_MINUTE, statistic: 'Maximum', label: 'DLQ' }),
          failedInvocations.metricApproximateNumberOfMessagesVisible({
            period: ONE_MINUTE,
            statistic: 'Maximum',
            label: 'failed invocations',
          }),
        ],
        width: 8,
      }),
      new GraphWidget({
        title: 'Oldest score message (s)',
        left: [score.metricApproximateAgeOfOldestMessage({ period: ONE_MINUTE, statistic: 'Maximum', label: 'age' })],
        leftAnnotations: [{ value: this.config.oldestMessageAlarmSeconds, label: 'alarm' }],
        width: 8,
      }),
      new GraphWidget({
        title: 'Suppliers scored per minute',
        left: [
          scored('SuppliersScored', 'scored'),
          scored('SuppliersSuperseded', 'superseded (newer input stored)'),
          new MathExpression({
            expression: 'read - rejected',
            usingMetrics: { read: scored('RowsRead', 'rows read'), rejected: scored('RowsRejected', 'rows rejected') },
            label: 'rows accepted by ingest',
            period: ONE_MINUTE,
          }),
        ],
        width: 8,
      }),
    );
  }
}
