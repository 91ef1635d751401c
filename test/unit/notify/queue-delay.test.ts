/**
 * DelaySeconds on the local queue, which the notifier's retries and hops rely on: a delayed message is on the queue
 * but first received once its (scaled) delay has passed, a delay SQS would refuse fails its entry alone, and a
 * journaled delayed message stays delayed across a restart.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { QueueJournal } from '../../../infra/local/queue/journal.ts';
import { LocalQueue } from '../../../infra/local/queue.ts';
import { QUEUE_SETTINGS } from '../../../shared/queue/settings.ts';
import { tempDir } from '../../helpers/temp.ts';

/** 900 s → 180 ms. */
const SCALE = 0.0002;
const settings = { ...QUEUE_SETTINGS, maxBatchingWindowSeconds: 0 };

const queues: LocalQueue[] = [];
afterEach(async () => {
  await Promise.all(queues.splice(0).map((q) => q.close()));
});
const dir = tempDir('mineral-risk-delay-');
afterAll(() => dir.remove());

function receiving(queue: LocalQueue) {
  const received: { body: string; at: number }[] = [];
  queue.attach(async (event) => {
    for (const r of event.Records) received.push({ body: r.body, at: Date.now() });
  });
  return received;
}

describe('DelaySeconds on the local queue', () => {
  it('a delayed message arrives after its delay; the others at once', async () => {
    const queue = new LocalQueue({ name: 'notify', settings, timeScale: SCALE });
    queues.push(queue);
    const received = receiving(queue);
    const sentAt = Date.now();
    const { failed } = await queue.sendBatch([
      { id: 'now', body: 'now' },
      { id: 'later', body: 'later', delaySeconds: 900, groupId: 'acme' },
    ]);
    expect(failed).toEqual([]);
    await expect.poll(() => received.map((r) => r.body)).toEqual(['now']);
    expect(queue.stats()).toMatchObject({ invisible: 1 });
    await queue.drain({ timeoutMs: 5000 });
    expect(received.map((r) => r.body)).toEqual(['now', 'later']);
    expect((received[1]?.at ?? 0) - sentAt).toBeGreaterThanOrEqual(900 * 1000 * SCALE - 5);
  });

  it('a delay above 900 s, below 0 or not whole fails its entry (SenderFault); the others are sent', async () => {
    const queue = new LocalQueue({ name: 'notify', settings, timeScale: SCALE });
    queues.push(queue);
    const { failed } = await queue.sendBatch([
      { id: 'a', body: 'a', delaySeconds: 901 },
      { id: 'b', body: 'b', delaySeconds: 1.5 },
      { id: 'c', body: 'c', delaySeconds: 0 },
      { id: 'd', body: 'd', delaySeconds: -1 },
    ]);
    expect(failed.map((f) => [f.id, f.code, f.senderFault])).toEqual([
      ['a', 'InvalidParameterValue', true],
      ['b', 'InvalidParameterValue', true],
      ['d', 'InvalidParameterValue', true],
    ]);
    expect(failed[0]?.message).toMatch(/DelaySeconds/);
    expect(queue.stats().sent).toBe(1);
  });

  it('journaled: a delayed message comes back delayed after a restart, then arrives', async () => {
    const path = `${dir.path}/notify.jsonl`;
    const first = new LocalQueue({
      name: 'notify',
      settings,
      timeScale: SCALE,
      journal: await QueueJournal.open(path, { queue: 'notify' }),
    });
    await first.sendBatch([{ id: 'x', body: 'delayed', delaySeconds: 900 }]);
    await first.close();
    const restarted = new LocalQueue({
      name: 'notify',
      settings,
      timeScale: SCALE,
      journal: await QueueJournal.open(path, { queue: 'notify' }),
    });
    queues.push(restarted);
    expect(restarted.stats()).toMatchObject({ recovered: 1, visible: 0, invisible: 1 });
    const received = receiving(restarted);
    await restarted.drain({ timeoutMs: 5000 });
    expect(received.map((r) => r.body)).toEqual(['delayed']);
  });
});
