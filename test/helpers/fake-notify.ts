/**
 * The notifier's use cases through in-memory fakes: the API engineer's FakeWebhookStore (test/helpers/fake-webhooks.ts),
 * the fake queue of fake-ports.ts, a manual clock, and a scripted receiver in place of deliver() — a stand-in for
 * the network, injected so a test can make one endpoint fail, hang or vanish (the only "mock" here; deliver itself
 * is tested against real servers in test/integration/webhooks/deliver.test.ts).
 */
import type { ChangeRecord } from '../../shared/changes/change-record.ts';
import { CHANGE_EVENT, type SupplierRiskChangedEvent } from '../../shared/changes/events.ts';
import type { NotifyDeps } from '../../shared/notify/attempt.ts';
import type { DeliveryOptions, DeliveryRequest, DeliveryResult } from '../../shared/webhooks/deliver.ts';
import type { Webhook, WebhookFilters } from '../../shared/webhooks/port.ts';
import { type FakeQueue, fakeQueue } from './fake-ports.ts';
import { FakeWebhookStore } from './fake-webhooks.ts';

export const T0 = Date.parse('2026-12-03T10:00:00.000Z');

/** A whsec_ secret of 32 bytes (not a real one). */
export const secret = (n: number) => `whsec_${Buffer.alloc(32, n).toString('base64')}`;

export function change(o: Partial<ChangeRecord> = {}): ChangeRecord {
  return {
    changeId: 'S-1@4',
    tenant: 'acme',
    supplierId: 'S-1',
    at: '2026-12-03T09:59:00.000Z',
    cause: { kind: 'date' },
    before: { score: 48, band: 'medium', worst: { mineral: 'gallium', originCountry: 'CN', processingCountry: 'CN' } },
    after: { score: 61, band: 'high', worst: { mineral: 'gallium', originCountry: 'CN', processingCountry: 'CN' } },
    delta: 13,
    drivers: [
      { text: 'gallium from China', sources: ['MOFCOM'], mineral: 'gallium', country: 'CN', before: 20, after: 33 },
    ],
    modelVersion: 'm1',
    dataVersion: 'd1',
    ...o,
  };
}

/** The event as the rule hands it to the notify queue. */
export function changeEvent(record: ChangeRecord = change(), id = 'evt-1'): SupplierRiskChangedEvent {
  return {
    version: '0',
    id,
    'detail-type': CHANGE_EVENT.detailType,
    source: CHANGE_EVENT.source,
    account: '000000000000',
    time: record.at,
    region: 'local',
    resources: [],
    detail: record,
  };
}

export function webhook(o: Partial<Webhook> & { webhookId: string }): Webhook {
  return {
    tenant: 'acme',
    url: `https://hooks.example.com/${o.webhookId}`,
    description: null,
    filters: {} as WebhookFilters,
    secrets: [{ secret: secret(1), createdAt: '2026-11-01T00:00:00.000Z', expiresAt: null }],
    createdAt: '2026-11-01T00:00:00.000Z',
    updatedAt: '2026-11-01T00:00:00.000Z',
    createdBy: 'test',
    ...o,
  };
}

export interface Call {
  request: DeliveryRequest;
  options: DeliveryOptions;
  at: number;
}

/** What the receiver at a URL answers: a result, or a promise of one (a slow receiver). */
export type Answer = (request: DeliveryRequest) => DeliveryResult | Promise<DeliveryResult>;

export const ok = (status = 204, responseBody = ''): DeliveryResult => ({
  ok: true,
  status,
  durationMs: 12,
  responseBody,
});

export interface NotifyFixture {
  deps: NotifyDeps;
  store: FakeWebhookStore;
  queue: FakeQueue;
  calls: Call[];
  clock: { now: number };
  /** Sets the receiver at a URL (default: 204 for every URL). */
  answer(url: string, a: Answer): void;
}

export function notifyFixture(): NotifyFixture {
  const store = new FakeWebhookStore();
  const queue = fakeQueue();
  const calls: Call[] = [];
  const clock = { now: T0 };
  const answers = new Map<string, Answer>();
  const deps: NotifyDeps = {
    webhooks: store,
    queue,
    deliveryOptions: { mode: 'aws' },
    now: () => new Date(clock.now),
    // The nominal schedule: no jitter.
    random: () => 0.5,
    async deliver(request, options) {
      calls.push({ request, options, at: clock.now });
      const a = answers.get(request.url);
      return a ? a(request) : ok();
    },
  };
  return { deps, store, queue, calls, clock, answer: (url, a) => answers.set(url, a) };
}
