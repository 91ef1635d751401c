/**
 * What a queue journal says, record by record: the messages still on the queue (with their receive counts) and the
 * dead letters. Replay at start and the running queue apply the same records here, so the image always equals what
 * replaying the file would give, and a compaction writes it out as the new file.
 */
import type { DeadLetter } from './types.ts';

/** The journal's first line: what the file is, so a stray file is refused rather than misread. */
export interface HeadRecord {
  op: 'head';
  v: 1;
  queue: string;
}

/**
 * A message accepted by SendMessage(Batch). Written again by a compaction with its receive count (`rc`) and first
 * receive (`fr`), which is how a compacted file keeps them.
 */
export interface SendRecord {
  op: 'send';
  id: string;
  body: string;
  md5: string;
  ts: number;
  rc?: number;
  fr?: number;
  /** Sent with DelaySeconds: receivable from this time (epoch ms, the queue's scaled delay). */
  va?: number;
}

/** One ReceiveMessage: each message's receive count goes up by one. */
export interface ReceiveRecord {
  op: 'recv';
  ids: string[];
  at: number;
}

/** DeleteMessage(Batch): processed, gone for good. */
export interface DeleteRecord {
  op: 'del';
  ids: string[];
}

/** The redrive policy moved a message to the DLQ: it leaves the queue and the letter is kept. */
export interface DeadLetterRecord {
  op: 'dlq';
  letter: DeadLetter;
}

export type JournalRecord = HeadRecord | SendRecord | ReceiveRecord | DeleteRecord | DeadLetterRecord;

/** The send record of a message just sent. */
export function sendRecordOf(message: {
  messageId: string;
  body: string;
  md5OfBody: string;
  sentTimestamp: number;
  visibleAt?: number | undefined;
}): SendRecord {
  const record: SendRecord = {
    op: 'send',
    id: message.messageId,
    body: message.body,
    md5: message.md5OfBody,
    ts: message.sentTimestamp,
  };
  if (message.visibleAt !== undefined) record.va = message.visibleAt;
  return record;
}

/** A message as recovered from the journal: on the queue, or in flight when the process ended. */
export interface RecoveredMessage {
  messageId: string;
  body: string;
  md5OfBody: string;
  sentTimestamp: number;
  receiveCount: number;
  firstReceiveTimestamp: number | undefined;
  /** A delayed message's first receivable time (epoch ms); undefined: receivable at once. */
  visibleAt?: number;
}

interface LiveEntry {
  record: SendRecord;
  /** Bytes of its line in the file: what a compaction keeps for it. */
  bytes: number;
}

export class JournalImage {
  /** In send order (a Map keeps insertion order), so recovered messages come back in the order they were sent. */
  private readonly live = new Map<string, LiveEntry>();
  private readonly letters: DeadLetter[] = [];
  /** About what a compacted file would take: the live messages' and dead letters' lines. */
  private bytes = 0;

  /** Applies one record; `bytes` is the size of its line. Records about unknown messages change nothing. */
  apply(record: JournalRecord, bytes: number): void {
    switch (record.op) {
      case 'head':
        return;
      case 'send':
        if (this.live.has(record.id)) return;
        this.live.set(record.id, { record: { ...record }, bytes });
        this.bytes += bytes;
        return;
      case 'recv':
        for (const id of record.ids) {
          const entry = this.live.get(id);
          if (!entry) continue;
          entry.record.rc = (entry.record.rc ?? 0) + 1;
          entry.record.fr ??= record.at;
        }
        return;
      case 'del':
        for (const id of record.ids) this.drop(id);
        return;
      case 'dlq':
        this.drop(record.letter.messageId);
        this.letters.push(record.letter);
        this.bytes += bytes;
        return;
    }
  }

  get liveBytes(): number {
    return this.bytes;
  }

  get messageCount(): number {
    return this.live.size;
  }

  messages(): RecoveredMessage[] {
    return [...this.live.values()].map(({ record }) => ({
      messageId: record.id,
      body: record.body,
      md5OfBody: record.md5,
      sentTimestamp: record.ts,
      receiveCount: record.rc ?? 0,
      firstReceiveTimestamp: record.fr,
      ...(record.va === undefined ? {} : { visibleAt: record.va }),
    }));
  }

  get deadLetters(): readonly DeadLetter[] {
    return this.letters;
  }

  /** The records a compacted file holds: every live message (counts included), then every dead letter. */
  snapshot(): JournalRecord[] {
    const records: JournalRecord[] = [];
    for (const { record } of this.live.values()) records.push({ ...record });
    for (const letter of this.letters) records.push({ op: 'dlq', letter });
    return records;
  }

  private drop(id: string): void {
    const entry = this.live.get(id);
    if (!entry) return;
    this.live.delete(id);
    this.bytes -= entry.bytes;
  }
}

/** Reads one line as a record, or undefined when it is not one this journal writes. */
export function parseRecord(line: string): JournalRecord | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const r = value as Record<string, unknown>;
  const isNumber = (x: unknown) => typeof x === 'number' && Number.isFinite(x);
  const isIds = (x: unknown) => Array.isArray(x) && x.every((id) => typeof id === 'string');
  switch (r.op) {
    case 'head':
      return r.v === 1 && typeof r.queue === 'string' ? (r as unknown as HeadRecord) : undefined;
    case 'send':
      return typeof r.id === 'string' &&
        typeof r.body === 'string' &&
        typeof r.md5 === 'string' &&
        isNumber(r.ts) &&
        (r.rc === undefined || isNumber(r.rc)) &&
        (r.fr === undefined || isNumber(r.fr)) &&
        (r.va === undefined || isNumber(r.va))
        ? (r as unknown as SendRecord)
        : undefined;
    case 'recv':
      return isIds(r.ids) && isNumber(r.at) ? (r as unknown as ReceiveRecord) : undefined;
    case 'del':
      return isIds(r.ids) ? (r as unknown as DeleteRecord) : undefined;
    case 'dlq': {
      const letter = r.letter as Record<string, unknown> | null;
      return typeof letter === 'object' &&
        letter !== null &&
        typeof letter.messageId === 'string' &&
        typeof letter.body === 'string'
        ? (r as unknown as DeadLetterRecord)
        : undefined;
    }
    default:
      return undefined;
  }
}
