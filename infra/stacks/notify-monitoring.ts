import { Duration } from 'aws-cdk-lib';
import { GraphWidget, Metric, TextWidget } from 'aws-cdk-lib/aws-cloudwatch';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { StageConfig } from '../config.ts';
import type { Monitoring } from './monitoring.ts';
import { METRICS_NAMESPACE } from './pipeline-function.ts';

const ONE_MINUTE = Duration.minutes(1);
const ONE_HOUR = Duration.hours(1);

/**
 * The notifier's alarms and dashboard rows (issue 10), through the stage's Monitoring: messages in the notify DLQ
 * (the store or the queue was down for every receive: those deliveries are stuck), a notify message waiting too
 * long (the notifier stalled), dead deliveries across tenants (DeliveriesDead, a Powertools metric of
 * functions/notifier: endpoints down for a day, gone or refusing), and the notifier's errors and throttles.
 */
export function watchNotifications(
  monitoring: Monitoring,
  props: { queues: { notify: IQueue; notifyDlq: IQueue }; notifier: IFunction; config: StageConfig },
): void {
  const { notify, notifyDlq } = props.queues;
  const { config } = props;
  const metric = (metricName: string, label?: string, period = ONE_MINUTE) =>
    new Metric({
      namespace: METRICS_NAMESPACE,
      metricName,
      dimensionsMap: { service: config.prefix },
      statistic: 'Sum',
      period,
      ...(label === undefined ? {} : { label }),
    });
  monitoring.alarm(
    'notify-dlq-messages',
    notifyDlq.metricApproximateNumberOfMessagesVisible({ period: ONE_MINUTE, statistic: 'Maximum' }),
    1,
    'Notify messages failed every receive and are in the notify DLQ: their changes were not fanned out, or their deliveries not attempted (the table or the queue was failing).',
    'alarm-notify-dlq-messages',
  );
  monitoring.alarm(
    'notify-oldest-message',
    notify.metricApproximateAgeOfOldestMessage({ period: ONE_MINUTE, statistic: 'Maximum' }),
    config.notifyOldestMessageAlarmSeconds,
    `A notify message has waited ${config.notifyOldestMessageAlarmSeconds} s or more for 5 minutes: webhooks are stalled or far behind.`,
    'alarm-notify-oldest-message',
    5,
  );
  monitoring.alarm(
    'dead-deliveries',
    metric('DeliveriesDead', undefined, ONE_HOUR),
    config.deadDeliveriesAlarmCount,
    `${config.deadDeliveriesAlarmCount} or more webhook deliveries were dead-lettered in an hour (endpoints down for a day, gone, redirecting or refused): tenants are missing changes.`,
    'alarm-dead-deliveries',
  );
  monitoring.watchFunction('notifier', props.notifier);

  monitoring.dashboard.addWidgets(
    new TextWidget({
      markdown: `# ${config.prefix} webhooks\nChange event bus → rule → notify queue → notifier → tenants' endpoints. Delivery log: \`GET /v1/webhooks/{id}/deliveries\`; runbooks in docs/notifications.md.`,
      width: 24,
      height: 2,
    }),
  );
  monitoring.dashboard.addWidgets(
    new GraphWidget({
      title: 'Notify queue depth (messages)',
      left: [
        notify.metricApproximateNumberOfMessagesVisible({ period: ONE_MINUTE, statistic: 'Maximum', label: 'waiting' }),
        notify.metricApproximateNumberOfMessagesNotVisible({
          period: ONE_MINUTE,
          statistic: 'Maximum',
          label: 'in flight',
        }),
      ],
      right: [
        notifyDlq.metricApproximateNumberOfMessagesVisible({ period: ONE_MINUTE, statistic: 'Maximum', label: 'DLQ' }),
      ],
      width: 8,
    }),
    new GraphWidget({
      title: 'Webhook attempts per minute',
      left: [
        metric('DeliveriesDelivered', 'delivered'),
        metric('DeliveriesFailed', 'failed (retry scheduled)'),
        metric('DeliveriesDead', 'dead'),
      ],
      right: [metric('DeliveryHops', 'hops of waiting retries')],
      width: 8,
    }),
    new GraphWidget({
      title: 'Oldest notify message (s)',
      left: [notify.metricApproximateAgeOfOldestMessage({ period: ONE_MINUTE, statistic: 'Maximum', label: 'age' })],
      leftAnnotations: [{ value: config.notifyOldestMessageAlarmSeconds, label: 'alarm' }],
      width: 8,
    }),
  );
}
