/**
 * The local runtime's stand-in for the stage's change event bus and its one rule (issue 10): every published change
 * becomes a `SupplierRiskChanged` event in the envelope EventBridge gives a rule's SQS target — version, id,
 * detail-type, source, account, time, region, resources, detail — and is sent, as JSON, as one message body to the
 * target queue (the local notify queue). Same shape as in AWS, so the notifier cannot tell the two apart.
 *
 * Like PutEvents, publish() resolves once the events are on the target queue (or throws, retryable, when the queue
 * did not take them); like a rule, a record whose source and detail type would not match is not sent (there are
 * none: the publisher only makes matching ones). The events published are kept, in order, for tests to read.
 */
import { randomUUID } from 'node:crypto';
import type { ChangeRecord } from '../../shared/changes/change-record.ts';
import { ChangeEventsUnpublishedError, ChangeEventTooLargeError } from '../../shared/changes/eventbridge-publisher.ts';
import { CHANGE_EVENT, type ChangeEventPublisher, type SupplierRiskChangedEvent } from '../../shared/changes/events.ts';
import type { ScoreQueue } from '../../shared/queue/port.ts';
import { sendMessages } from '../../shared/queue/send-messages.ts';

export const LOCAL_ACCOUNT = '000000000000';
export const LOCAL_REGION = 'local';

/** The event EventBridge would deliver for a record (a new id each time: a republished change is a new event). */
export function localChangeEvent(record: ChangeRecord, id: string = randomUUID()): SupplierRiskChangedEvent {
  return {
    version: '0',
    id,
    'detail-type': CHANGE_EVENT.detailType,
    source: CHANGE_EVENT.source,
    account: LOCAL_ACCOUNT,
    // EventBridge's time is to the second, as the entry's Time.
    time: `${new Date(record.at).toISOString().slice(0, 19)}Z`,
    region: LOCAL_REGION,
    resources: [],
    detail: record,
  };
}

export class LocalEventBus implements ChangeEventPublisher {
  readonly published: SupplierRiskChangedEvent[] = [];

  constructor(
    /** The rule's target: the local notify queue. */
    private readonly target: ScoreQueue,
    readonly name = 'mineral-risk-local-changes',
  ) {}

  async publish(records: readonly ChangeRecord[]): Promise<void> {
    const events = records.map((r) => localChangeEvent(r));
    const refused: string[] = [];
    try {
      // Without a message group: an EventBridge rule gives an SQS target a fixed group at most, never the tenant.
      await sendMessages(
        this.target,
        events.map((event) => ({ event, body: JSON.stringify(event) })),
        {
          onSent: ({ event }) => this.published.push(event),
          onRejected: ({ event }) => refused.push(event.detail.changeId),
        },
      );
    } catch (e) {
      throw new ChangeEventsUnpublishedError(
        `the local bus could not deliver to its target: ${(e as Error).message}`,
        records.map((r) => r.changeId),
        e,
      );
    }
    // The queue refused the body itself (too large): sending it again cannot help.
    if (refused.length > 0) throw new ChangeEventTooLargeError(refused);
  }
}
