/**
 * The local queue's journal on a real file: what a replay gives back, a torn last line after a crash, a corrupt
 * line, receive counts and dead letters across reopenings, and a compaction that keeps the file bounded. A "crash" is
 * opening the file again without closing the first journal: only what was synced may count.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { JournalClosedError, JournalCorruptError, QueueJournal } from '../../infra/local/queue/journal.ts';
import { JournalImage, type JournalRecord, sendRecordOf } from '../../infra/local/queue/journal-image.ts';
import { JournalLockedError } from '../../infra/local/queue/journal-lock.ts';
import { md5OfBody } from '../../infra/local/queue/records.ts';
import type { DeadLetter } from '../../infra/local/queue/types.ts';
import { tempDir } from '../helpers/temp.ts';

const dir = tempDir('mineral-risk-journal-');
afterAll(() => dir.remove());

let n = 0;
const newPath = () => join(dir.path, `q${++n}`, 'queue.jsonl');
const QUEUE = 'score';

const send = (id: string, body = `body of ${id}`, ts = 1000): JournalRecord =>
  sendRecordOf({ messageId: id, body, md5OfBody: md5OfBody(body), sentTimestamp: ts });

const letter = (id: string, body: string): DeadLetter => ({
  messageId: id,
  body,
  md5OfBody: md5OfBody(body),
  attributes: {
    ApproximateReceiveCount: '5',
    SentTimestamp: '1000',
    SenderId: 'AIDA',
    ApproximateFirstReceiveTimestamp: '1100',
    DeadLetterQueueSourceArn: 'arn:aws:sqs:us-east-1:123456789012:score',
  },
  messageAttributes: {},
  deadLetteredAt: 2000,
});

const ids = (j: QueueJournal) => j.recovered.messages.map((m) => m.messageId);

describe('replay', () => {
  it('gives back what is still on the queue, in send order, with receive counts, first receives and the DLQ', async () => {
    const path = newPath();
    const journal = await QueueJournal.open(path, { queue: QUEUE });
    expect(journal.recovered).toMatchObject({ messages: [], deadLetters: [], records: 0, tornBytes: 0 });
    await journal.append([send('a', 'alpha', 1), send('b', 'beta', 2), send('c', 'gamma', 3), send('d', 'delta', 4)]);
    await journal.append([{ op: 'recv', ids: ['a', 'b', 'c'], at: 10 }]);
    await journal.append([{ op: 'recv', ids: ['b'], at: 20 }]);
    await journal.append([{ op: 'del', ids: ['a'] }]);
    await journal.append([{ op: 'dlq', letter: letter('c', 'gamma') }]);
    await journal.close();
    await expect(journal.append([send('late')])).rejects.toBeInstanceOf(JournalClosedError);

    const again = await QueueJournal.open(path, { queue: QUEUE });
    expect(again.recovered.messages).toEqual([
      {
        messageId: 'b',
        body: 'beta',
        md5OfBody: md5OfBody('beta'),
        sentTimestamp: 2,
        receiveCount: 2,
        firstReceiveTimestamp: 10,
      },
      {
        messageId: 'd',
        body: 'delta',
        md5OfBody: md5OfBody('delta'),
        sentTimestamp: 4,
        receiveCount: 0,
        firstReceiveTimestamp: undefined,
      },
    ]);
    expect(again.recovered.deadLetters).toEqual([letter('c', 'gamma')]);
    await again.close();
  });

  it('an append is on disk once it resolves, without close (the process may be killed next)', async () => {
    const path = newPath();
    const journal = await QueueJournal.open(path, { queue: QUEUE });
    await journal.append([send('kept-1'), send('kept-2')]);
    await journal.append([{ op: 'recv', ids: ['kept-1'], at: 5 }]);
    // No close: a second journal on the file sees exactly what a restarted process would.
    const crashed = await QueueJournal.open(path, { queue: QUEUE });
    expect(crashed.recovered.messages.map((m) => [m.messageId, m.receiveCount])).toEqual([
      ['kept-1', 1],
      ['kept-2', 0],
    ]);
    await crashed.close();
    await journal.close();
  });

  it('bodies come back byte for byte: quotes, newlines, backslashes, non-ASCII, lone surrogates escaped', async () => {
    const path = newPath();
    const journal = await QueueJournal.open(path, { queue: QUEUE });
    const bodies = ['{"a":"b\\n"}', 'line\nbreak\r\n', 'Ünïcödé 🪨 漢字', '\\u0000 literal', 'tab\there'];
    await journal.append(bodies.map((body, i) => send(`m${i}`, body)));
    await journal.close();
    const again = await QueueJournal.open(path, { queue: QUEUE });
    expect(again.recovered.messages.map((m) => m.body)).toEqual(bodies);
    expect(readFileSync(path, 'utf8').split('\n').filter(Boolean)).toHaveLength(1 + bodies.length);
    await again.close();
  });
});

describe('after a crash', () => {
  it('a torn last line (no newline: its append never resolved) is cut off, and appends go on after it', async () => {
    const path = newPath();
    const journal = await QueueJournal.open(path, { queue: QUEUE });
    await journal.append([send('whole')]);
    await journal.close();
    const whole = statSync(path).size;
    // What a write cut short leaves: the start of a record, no newline. Even a complete record without its newline
    // counts as torn: its append had not resolved.
    appendFileSync(path, '{"op":"send","id":"torn","body":"half a bo');

    const reopened = await QueueJournal.open(path, { queue: QUEUE });
    expect(ids(reopened)).toEqual(['whole']);
    expect(reopened.recovered.tornBytes).toBeGreaterThan(0);
    expect(statSync(path).size).toBe(whole);
    await reopened.append([send('after')]);
    await reopened.close();

    appendFileSync(path, JSON.stringify(send('no-newline')));
    const third = await QueueJournal.open(path, { queue: QUEUE });
    expect(ids(third)).toEqual(['whole', 'after']);
    await third.close();
  });

  it('a bad line that is not the last is refused, naming the line, never skipped', async () => {
    const path = newPath();
    const journal = await QueueJournal.open(path, { queue: QUEUE });
    await journal.append([send('a'), send('b')]);
    await journal.close();
    const lines = readFileSync(path, 'utf8').split('\n');
    lines[1] = '{"op":"send","id":"a","bo';
    writeFileSync(path, lines.join('\n'));
    const error = await QueueJournal.open(path, { queue: QUEUE }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JournalCorruptError);
    expect(error).toMatchObject({ line: 2, path });
  });

  it("refuses a file that is not this queue's journal", async () => {
    const path = newPath();
    const journal = await QueueJournal.open(path, { queue: 'other-queue' });
    await journal.close();
    await expect(QueueJournal.open(path, { queue: QUEUE })).rejects.toThrow(/queue 'other-queue', not 'score'/);
    const stray = newPath();
    const first = await QueueJournal.open(stray, { queue: QUEUE });
    await first.close();
    writeFileSync(stray, `${JSON.stringify(send('x'))}\n`);
    await expect(QueueJournal.open(stray, { queue: QUEUE })).rejects.toThrow(/no head line/);
  });

  it('an empty or head-torn file starts a new journal', async () => {
    const path = newPath();
    const journal = await QueueJournal.open(path, { queue: QUEUE });
    await journal.close();
    writeFileSync(path, '{"op":"he');
    const again = await QueueJournal.open(path, { queue: QUEUE });
    expect(again.recovered.messages).toEqual([]);
    await again.append([send('fresh')]);
    await again.close();
    const third = await QueueJournal.open(path, { queue: QUEUE });
    expect(ids(third)).toEqual(['fresh']);
    await third.close();
  });
});

describe('one process per journal', () => {
  it('refuses a journal another live process holds, takes over the lock of a killed one, and frees it on close', async () => {
    const path = newPath();
    const journal = await QueueJournal.open(path, { queue: QUEUE });
    await journal.append([send('a')]);
    await journal.close();
    expect(existsSync(`${path}.lock`)).toBe(false);

    writeFileSync(`${path}.lock`, String(process.ppid)); // a process that runs: the test runner
    const error = await QueueJournal.open(path, { queue: QUEUE }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JournalLockedError);
    expect(String(error)).toContain(`process ${process.ppid}`);

    const gone = spawnSync(process.execPath, ['-e', '']).pid; // what kill -9 leaves: the lock of a finished process
    writeFileSync(`${path}.lock`, String(gone));
    const again = await QueueJournal.open(path, { queue: QUEUE });
    expect(ids(again)).toEqual(['a']);
    expect(readFileSync(`${path}.lock`, 'utf8')).toBe(String(process.pid));
    await again.close();
  });
});

describe('compaction', () => {
  it('keeps the file within about twice its live content, without losing a message, a count or a dead letter', async () => {
    const path = newPath();
    const compactBytes = 64 * 1024;
    const journal = await QueueJournal.open(path, { queue: QUEUE, compactBytes });
    const body = 'x'.repeat(500);
    let largest = 0;
    // 4,000 messages through a queue that never holds more than 50: about 2.2 MB of records in all.
    const appends: Promise<void>[] = [];
    for (let i = 0; i < 4000; i++) {
      appends.push(journal.append([send(`m${i}`, body, i)]));
      journal.record([{ op: 'recv', ids: [`m${i}`], at: i }]);
      if (i >= 50) journal.record([{ op: 'del', ids: [`m${i - 50}`] }]);
      if (i % 100 === 0) {
        await Promise.all(appends.splice(0));
        largest = Math.max(largest, statSync(path).size);
      }
    }
    journal.record([{ op: 'recv', ids: ['m3990'], at: 9999 }]);
    journal.record([{ op: 'dlq', letter: letter('m3999', body) }]);
    await Promise.all(appends);
    await journal.append([]);
    const stats = journal.stats();
    expect(stats.compactions).toBeGreaterThan(10);
    // Live: 49 messages of ~600 bytes and one dead letter; the file never grew far past the compaction threshold.
    expect(largest).toBeLessThan(compactBytes + 64 * 1024);
    expect(stats.bytes).toBe(statSync(path).size);
    await journal.close();

    const again = await QueueJournal.open(path, { queue: QUEUE, compactBytes });
    expect(again.recovered.messages.map((m) => m.messageId)).toEqual(
      Array.from({ length: 49 }, (_, k) => `m${3950 + k}`),
    );
    expect(again.recovered.messages.find((m) => m.messageId === 'm3990')).toMatchObject({
      receiveCount: 2,
      firstReceiveTimestamp: 3990,
    });
    expect(again.recovered.deadLetters.map((d) => d.messageId)).toEqual(['m3999']);
    await again.close();
  });

  it('a journal left large by the last run is compacted when opened', async () => {
    const path = newPath();
    const journal = await QueueJournal.open(path, { queue: QUEUE, compactBytes: 1 << 30 });
    for (let i = 0; i < 200; i++) journal.record([send(`m${i}`, 'y'.repeat(1000)), { op: 'del', ids: [`m${i}`] }]);
    await journal.append([send('last')]);
    await journal.close();
    expect(statSync(path).size).toBeGreaterThan(200_000);
    const again = await QueueJournal.open(path, { queue: QUEUE, compactBytes: 64 * 1024 });
    expect(ids(again)).toEqual(['last']);
    expect(statSync(path).size).toBeLessThan(200);
    expect(again.stats().compactions).toBe(1);
    await again.close();
  });

  it('the image a compaction writes replays to the same image', () => {
    const image = new JournalImage();
    const records: JournalRecord[] = [
      send('a'),
      send('b'),
      { op: 'recv', ids: ['a', 'b'], at: 7 },
      { op: 'recv', ids: ['a'], at: 8 },
      { op: 'dlq', letter: letter('b', 'body of b') },
      send('c'),
      { op: 'del', ids: ['c'] },
    ];
    for (const r of records) image.apply(r, JSON.stringify(r).length + 1);
    const replayed = new JournalImage();
    for (const r of image.snapshot()) replayed.apply(r, JSON.stringify(r).length + 1);
    expect(replayed.messages()).toEqual(image.messages());
    expect(replayed.deadLetters).toEqual(image.deadLetters);
    expect(image.messages()).toMatchObject([{ messageId: 'a', receiveCount: 2, firstReceiveTimestamp: 7 }]);
  });
});
