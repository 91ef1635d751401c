/**
 * The change event publishers: EventBridge's (with a fake client in place of the SDK's: no AWS from tests) and the
 * local runtime's in-process bus, whose events the notifier reads like those of an EventBridge rule.
 */
import type { PutEventsCommand, PutEventsCommandOutput } from '@aws-sdk/client-eventbridge';
import { describe, expect, it } from 'vitest';
import { LocalEventBus, localChangeEvent } from '../../../infra/local/event-bus.ts';
import {
  ChangeEventsUnpublishedError,
  ChangeEventTooLargeError,
  EventBridgeChangePublisher,
  entrySize,
  MAX_PUT_BYTES,
  putGroups,
} from '../../../shared/changes/eventbridge-publisher.ts';
import { CHANGE_EVENT } from '../../../shared/changes/events.ts';
import { changeEventSchema, notifyMessage, notifyMessageSchema } from '../../../shared/notify/message.ts';
import { change } from '../../helpers/fake-notify.ts';
import { fakeQueue } from '../../helpers/fake-ports.ts';

type Entries = NonNullable<PutEventsCommand['input']['Entries']>;

/** A stand-in for the SDK client: records each PutEvents call; `fail(entry, call)` makes an entry fail in it. */
function fakeClient(fail: (detail: string, call: number) => boolean = () => false, down = false) {
  const calls: Entries[] = [];
  return {
    calls,
    async send(command: PutEventsCommand): Promise<PutEventsCommandOutput> {
      const entries = command.input.Entries ?? [];
      calls.push(entries);
      if (down) throw new Error('ServiceUnavailable');
      const results = entries.map((e) =>
        fail(e.Detail ?? '', calls.length)
          ? { ErrorCode: 'ThrottlingException', ErrorMessage: 'slow down' }
          : { EventId: `id-${calls.length}` },
      );
      return {
        FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length,
        Entries: results,
        $metadata: {},
      };
    },
  };
}

const records = (n: number) =>
  Array.from({ length: n }, (_, i) => change({ changeId: `S-${i}@1`, supplierId: `S-${i}` }));

describe('the EventBridge publisher', () => {
  it('puts one event per record on the bus, 10 per call, Source, DetailType, Time and Detail set', async () => {
    const client = fakeClient();
    await new EventBridgeChangePublisher(client, 'mineral-risk-dev-changes').publish(records(23));
    expect(client.calls.map((c) => c.length)).toEqual([10, 10, 3]);
    const first = client.calls[0]?.[0];
    expect(first).toMatchObject({
      EventBusName: 'mineral-risk-dev-changes',
      Source: CHANGE_EVENT.source,
      DetailType: CHANGE_EVENT.detailType,
      Time: new Date(change().at),
      Resources: [],
    });
    expect(JSON.parse(first?.Detail ?? '')).toEqual(records(1)[0]);
  });

  it('resends only the entries EventBridge failed, then succeeds', async () => {
    const client = fakeClient((detail, call) => call === 1 && detail.includes('"S-3@1"'));
    await new EventBridgeChangePublisher(client, 'bus').publish(records(5));
    expect(client.calls.map((c) => c.length)).toEqual([5, 1]);
    expect(client.calls[1]?.[0]?.Detail).toContain('"S-3@1"');
  });

  it('an entry failing every time: a retryable error naming it, after the other calls went through', async () => {
    const client = fakeClient((detail) => detail.includes('"S-12@1"'));
    const error = await new EventBridgeChangePublisher(client, 'bus').publish(records(15)).catch((e) => e);
    expect(error).toBeInstanceOf(ChangeEventsUnpublishedError);
    expect(error).toMatchObject({ retryable: true, changeIds: ['S-12@1'] });
    expect(client.calls.map((c) => c.length)).toEqual([10, 5, 1, 1, 1]);
  });

  it('a call that throws every time: retryable, every change of the group named', async () => {
    const client = fakeClient(() => false, true);
    const error = await new EventBridgeChangePublisher(client, 'bus').publish(records(2)).catch((e) => e);
    expect(error).toMatchObject({ name: 'ChangeEventsUnpublishedError', changeIds: ['S-0@1', 'S-1@1'] });
  });

  it('groups stay within 256 KB; a record above it alone is not sent and fails as not retryable', async () => {
    const big = (id: string, kb: number) =>
      change({
        changeId: id,
        drivers: [{ text: 'x'.repeat(kb * 1024), sources: [], mineral: null, country: null, before: 1, after: 2 }],
      });
    expect(putGroups([{ size: 100_000 }, { size: 100_000 }, { size: 100_000 }]).map((g) => g.length)).toEqual([2, 1]);
    const client = fakeClient();
    const error = await new EventBridgeChangePublisher(client, 'bus')
      .publish([big('a@1', 120), big('b@1', 120), big('huge@1', 300), change()])
      .catch((e) => e);
    expect(error).toBeInstanceOf(ChangeEventTooLargeError);
    expect(error).toMatchObject({ retryable: false, changeIds: ['huge@1'] });
    for (const call of client.calls)
      expect(call.reduce((n, e) => n + entrySize(e), 0)).toBeLessThanOrEqual(MAX_PUT_BYTES);
    expect(client.calls.flat()).toHaveLength(3);
  });
});

describe('the local event bus', () => {
  it('sends each record as an EventBridge-shaped event to its target queue, which the notifier parses back', async () => {
    const queue = fakeQueue();
    const bus = new LocalEventBus(queue);
    await bus.publish(records(12));
    expect(queue.sent).toHaveLength(12);
    expect(queue.sent.every((e) => e.groupId === undefined)).toBe(true);
    const event = JSON.parse(queue.sent[0]?.body ?? '');
    expect(Object.keys(event)).toEqual([
      'version',
      'id',
      'detail-type',
      'source',
      'account',
      'time',
      'region',
      'resources',
      'detail',
    ]);
    expect(event).toMatchObject({
      version: '0',
      account: '000000000000',
      region: 'local',
      resources: [],
      detail: records(1)[0],
    });
    expect(event.time).toBe('2026-12-03T09:59:00Z');
    expect(changeEventSchema.safeParse(event).success).toBe(true);
    expect(notifyMessage(notifyMessageSchema.parse(event))).toMatchObject({ kind: 'event' });
    expect(bus.published.map((e) => e.detail.changeId)).toEqual(records(12).map((r) => r.changeId));
  });

  it('the target down: a retryable error naming the changes', async () => {
    const bus = new LocalEventBus(fakeQueue({ down: () => true }));
    await expect(bus.publish(records(1))).rejects.toBeInstanceOf(ChangeEventsUnpublishedError);
  }, 30_000);

  it('a new event id for every publication of the same change', () => {
    const r = change();
    expect(localChangeEvent(r).id).not.toBe(localChangeEvent(r).id);
  });
});
