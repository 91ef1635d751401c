/**
 * Change events and webhooks on one machine (issue 10): the in-process bus (event-bus.ts, the stand-in for the
 * stage's EventBridge bus and its rule), the notify queue, and the real notifier handler as its consumer — the same
 * handler and use cases as in AWS, delivering in `local` mode (http and loopback receivers allowed, everything else
 * as in AWS, shared/webhooks/destination.ts).
 *
 * The local runtime (runtime.ts) may already hold a notify queue (the API queues test deliveries and retries there):
 * pass it as `queue` and the notifier is attached to it; otherwise one is opened here, on disk under `dataDir` like
 * the other queues. The notifier's retry schedule runs compressed by the queue's `timeScale`.
 */
import { createNotifierHandler } from '../../functions/notifier/handler.ts';
import type { NotifyDeps } from '../../shared/notify/attempt.ts';
import { NOTIFIER_TIMEOUT_SECONDS, NOTIFY_QUEUE_SETTINGS } from '../../shared/notify/settings.ts';
import { type DeliveryOptions, deliver } from '../../shared/webhooks/deliver.ts';
import type { WebhookStore } from '../../shared/webhooks/port.ts';
import { openLocalQueue } from './durable-queue.ts';
import { LocalEventBus } from './event-bus.ts';
import type { LocalQueue } from './queue.ts';

export const LOCAL_NOTIFY_QUEUE = 'mineral-risk-notify';

export interface LocalNotificationsOptions {
  /** The webhook endpoints and their delivery log (the runtime's DynamoDbWebhookStore on dynalite). */
  webhooks: WebhookStore;
  /** The runtime's notify queue, if it has one: the notifier is attached to it (and detached by stop()). */
  queue?: LocalQueue;
  /** Without `queue`: keep the queue opened here on disk under this directory (as the runtime's queues). */
  dataDir?: string;
  /** Without `queue`: the time scale of the queue opened here (default 1). With `queue`, that queue's. */
  timeScale?: number;
  /** deliver's options; default `local` mode. Tests add a CA for a local https receiver, or a resolver. */
  deliveryOptions?: DeliveryOptions;
  /** The attempt itself; default shared/webhooks/deliver.ts. */
  deliver?: NotifyDeps['deliver'];
  now?: () => Date;
}

export interface LocalNotifications {
  /** Where writers publish notable changes: the in-process bus, whose rule sends them to `queue`. */
  publisher: LocalEventBus;
  queue: LocalQueue;
  /** Detaches the notifier; closes the queue if it was opened here. */
  stop(): Promise<void>;
}

export async function startLocalNotifications(options: LocalNotificationsOptions): Promise<LocalNotifications> {
  const owned = options.queue === undefined;
  const queue =
    options.queue ??
    (await openLocalQueue(
      {
        name: LOCAL_NOTIFY_QUEUE,
        settings: NOTIFY_QUEUE_SETTINGS,
        timeScale: options.timeScale ?? 1,
        functionName: 'mineral-risk-notifier',
        functionTimeoutSeconds: NOTIFIER_TIMEOUT_SECONDS,
      },
      options.dataDir,
    ));
  queue.attach(
    createNotifierHandler({
      webhooks: options.webhooks,
      queue,
      deliver: options.deliver ?? deliver,
      deliveryOptions: options.deliveryOptions ?? { mode: 'local' },
      now: options.now ?? (() => new Date()),
      timeScale: queue.timeScale,
    }),
  );
  return {
    publisher: new LocalEventBus(queue),
    queue,
    async stop() {
      if (owned) await queue.close();
      else await queue.stop();
    },
  };
}
