/**
 * A local queue kept on disk: an append-only journal of JSON lines (one record per line, see journal-image.ts),
 * replayed at start and compacted as it grows.
 *
 * Durability point: `append()` resolves once its records are written and `fdatasync`ed. Appends made while a write
 * is running are written together by the next one (group commit: one write and one sync for all of them). The
 * queue awaits it for sends (a message is on disk before `send` resolves) and for receives (the handler sees a
 * message only once its receive is counted on disk). Deletes and dead-letterings are appended without waiting: a
 * crash in the fraction of a millisecond before they are synced can only bring a message back, which at-least-once
 * delivery allows (the score function is idempotent), as when Lambda dies before the ESM deletes a batch.
 *
 * A crash can leave a torn last line: only lines ending in a newline count, and a torn tail is cut off at start. A
 * bad line anywhere else is refused (`JournalCorruptError`), never skipped: it would drop messages silently.
 *
 * Compaction rewrites the file as the live messages and dead letters alone once the file is at least `compactBytes`
 * and more than twice what they take: written to a temporary file, synced, renamed over the journal (atomic) and
 * the directory synced. A crash before the rename leaves the old journal whole.
 */
import { createReadStream } from 'node:fs';
import { type FileHandle, mkdir, open, rename, stat, truncate } from 'node:fs/promises';
import { dirname } from 'node:path';
import { MineralRiskError } from '../../../shared/errors.ts';
import {
  type HeadRecord,
  JournalImage,
  type JournalRecord,
  parseRecord,
  type RecoveredMessage,
} from './journal-image.ts';
import { type JournalLock, lockJournal } from './journal-lock.ts';
import type { DeadLetter } from './types.ts';

/** A line of the journal is not a record it writes (and not a torn last line): refusing beats losing messages. */
export class JournalCorruptError extends MineralRiskError {
  override readonly name = 'JournalCorruptError';
  readonly retryable = false;
  constructor(
    readonly path: string,
    readonly line: number,
    why: string,
  ) {
    super(`queue journal ${path}, line ${line}: ${why}; move the file away to start with an empty queue`);
  }
}

/** The journal could not be written (disk full, I/O error): the queue takes no more messages, as in an outage. */
export class JournalWriteError extends MineralRiskError {
  override readonly name = 'JournalWriteError';
  readonly retryable = true;
}

/** An append after `close()`. */
export class JournalClosedError extends MineralRiskError {
  override readonly name = 'JournalClosedError';
  readonly retryable = false;
}

export interface QueueJournalOptions {
  /** The queue's name, kept in the first line: a journal is opened by its own queue only. */
  queue: string;
  /** Compact once the file is at least this large (and more than twice its live content). Default 4 MiB. */
  compactBytes?: number;
}

export interface QueueJournalStats {
  /** Size of the file now. */
  bytes: number;
  /** About what a compaction would leave. */
  liveBytes: number;
  compactions: number;
}

/** What the journal held at open. */
export interface Recovered {
  messages: RecoveredMessage[];
  deadLetters: DeadLetter[];
  /** Lines replayed. */
  records: number;
  /** Bytes of a torn last line cut off. */
  tornBytes: number;
}

interface Waiter {
  resolve: () => void;
  reject: (error: Error) => void;
}

const DEFAULT_COMPACT_BYTES = 4 * 2 ** 20;
/** Lines per write during a compaction: bounded memory, however large the queue. */
const COMPACT_WRITE_BYTES = 2 ** 20;

const line = (record: JournalRecord) => `${JSON.stringify(record)}\n`;

export class QueueJournal {
  private readonly image = new JournalImage();
  private readonly head: HeadRecord;
  private readonly compactBytes: number;
  private handle!: FileHandle;
  private lock!: JournalLock;
  private bytes = 0;
  private compactions = 0;
  private pending: string[] = [];
  private waiting: Waiter[] = [];
  private writing: Waiter[] = [];
  /** Whether the writer loop runs; set and cleared synchronously with its checks, so no append is left behind. */
  private active = false;
  private running: Promise<void> = Promise.resolve();
  private failure: Error | undefined;
  private closed = false;
  recovered!: Recovered;

  private constructor(
    readonly path: string,
    options: QueueJournalOptions,
  ) {
    this.head = { op: 'head', v: 1, queue: options.queue };
    this.compactBytes = options.compactBytes ?? DEFAULT_COMPACT_BYTES;
  }

  /** Opens (or creates) the journal at `path`, replays it, and cuts off a torn last line. */
  static async open(path: string, options: QueueJournalOptions): Promise<QueueJournal> {
    const journal = new QueueJournal(path, options);
    await mkdir(dirname(path), { recursive: true });
    journal.lock = await lockJournal(path);
    try {
      await journal.load();
    } catch (err) {
      await (journal.handle as FileHandle | undefined)?.close().catch(() => undefined);
      await journal.lock.release();
      throw err;
    }
    return journal;
  }

  private async load(): Promise<void> {
    const path = this.path;
    const { records, validBytes, totalBytes } = await this.replay();
    if (validBytes < totalBytes) await truncate(path, validBytes);
    this.recovered = {
      messages: this.image.messages(),
      deadLetters: [...this.image.deadLetters],
      records,
      tornBytes: totalBytes - validBytes,
    };
    this.bytes = validBytes;
    this.handle = await open(path, 'a');
    if (validBytes === 0) {
      // A new journal (or one whose head line was torn): its head is the first line, synced with its directory.
      await this.append([this.head]);
      await syncDirectory(dirname(path));
    }
    await this.append([]); // compacts now if the journal left by the last run is due
  }

  /**
   * Applies the records to the image now and writes them; resolves once they are synced to disk (with an empty
   * list: once everything appended before is). Rejects with `JournalWriteError` if the journal cannot be written.
   */
  append(records: readonly JournalRecord[]): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.closed) return Promise.reject(new JournalClosedError(`queue journal ${this.path} is closed`));
    for (const record of records) {
      const text = line(record);
      this.image.apply(record, Buffer.byteLength(text));
      this.pending.push(text);
    }
    if (!this.active && this.pending.length === 0 && !this.compactionDue()) return Promise.resolve();
    const done = new Promise<void>((resolve, reject) => this.waiting.push({ resolve, reject }));
    this.run();
    return done;
  }

  /** Appends without waiting for the sync: a failure shows on the next `append` (the journal stays failed). */
  record(records: readonly JournalRecord[]): void {
    this.append(records).catch(() => undefined);
  }

  stats(): QueueJournalStats {
    return { bytes: this.bytes, liveBytes: this.image.liveBytes, compactions: this.compactions };
  }

  /** Writes what is pending, then closes the file; later appends reject. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.append([]).catch(() => undefined);
    this.closed = true;
    await this.running;
    await this.handle.close();
    await this.lock.release();
  }

  // ── writing ──────────────────────────────────────────────────────────────────────────────────────────────────

  /** The one writer: pending lines in one write and one sync, then a compaction if due, until nothing is left. */
  private run(): void {
    if (this.active) return;
    this.active = true;
    this.running = this.loop();
  }

  private async loop(): Promise<void> {
    try {
      for (;;) {
        if (this.pending.length > 0) {
          const text = this.pending.join('');
          this.pending = [];
          this.writing = this.waiting;
          this.waiting = [];
          const written = await writeAll(this.handle, Buffer.from(text, 'utf8'));
          await this.handle.datasync();
          this.bytes += written;
        } else if (this.compactionDue()) {
          // Nothing is pending here, so the image is exactly what the file holds: the snapshot may replace it.
          this.writing = this.waiting;
          this.waiting = [];
          await this.compact();
        } else if (this.waiting.length > 0) {
          this.writing = this.waiting;
          this.waiting = [];
        } else {
          this.active = false;
          break;
        }
        for (const waiter of this.writing.splice(0)) waiter.resolve();
      }
    } catch (error) {
      this.failure = new JournalWriteError(`queue journal ${this.path} could not be written: ${String(error)}`, {
        cause: error,
      });
      for (const waiter of [...this.writing.splice(0), ...this.waiting.splice(0)]) waiter.reject(this.failure);
      this.pending = [];
      this.active = false;
    }
  }

  private compactionDue(): boolean {
    return this.bytes >= this.compactBytes && this.bytes > 2 * this.image.liveBytes;
  }

  private async compact(): Promise<void> {
    const records = [this.head, ...this.image.snapshot()];
    const temporary = `${this.path}.compact`;
    const out = await open(temporary, 'w');
    let written = 0;
    try {
      let chunk: string[] = [];
      let chunkBytes = 0;
      for (const record of records) {
        const text = line(record);
        chunk.push(text);
        chunkBytes += text.length;
        if (chunkBytes >= COMPACT_WRITE_BYTES) {
          written += await writeAll(out, Buffer.from(chunk.join(''), 'utf8'));
          chunk = [];
          chunkBytes = 0;
        }
      }
      written += await writeAll(out, Buffer.from(chunk.join(''), 'utf8'));
      await out.datasync();
    } finally {
      await out.close();
    }
    await rename(temporary, this.path);
    await syncDirectory(dirname(this.path));
    await this.handle.close();
    this.handle = await open(this.path, 'a');
    this.bytes = written;
    this.compactions += 1;
  }

  // ── reading ──────────────────────────────────────────────────────────────────────────────────────────────────

  /** Applies every whole line to the image; returns where the whole lines end (a torn tail follows them). */
  private async replay(): Promise<{ records: number; validBytes: number; totalBytes: number }> {
    const size = await stat(this.path).then(
      (s) => s.size,
      () => 0,
    );
    let carry: Buffer = Buffer.alloc(0);
    let validBytes = 0;
    let lineNo = 0;
    if (size > 0) {
      for await (const chunk of createReadStream(this.path) as AsyncIterable<Buffer>) {
        const buffer = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
        let start = 0;
        for (let end = buffer.indexOf(10, start); end >= 0; end = buffer.indexOf(10, start)) {
          lineNo += 1;
          this.replayLine(buffer.toString('utf8', start, end), lineNo, end + 1 - start);
          start = end + 1;
        }
        validBytes += start;
        carry = buffer.subarray(start);
      }
    }
    return { records: lineNo, validBytes, totalBytes: validBytes + carry.length };
  }

  private replayLine(text: string, lineNo: number, bytes: number): void {
    const record = parseRecord(text);
    if (!record) throw new JournalCorruptError(this.path, lineNo, 'not a queue journal record');
    if (lineNo === 1) {
      if (record.op !== 'head') throw new JournalCorruptError(this.path, 1, 'not a queue journal (no head line)');
      if (record.queue !== this.head.queue)
        throw new JournalCorruptError(this.path, 1, `the journal of queue '${record.queue}', not '${this.head.queue}'`);
    }
    this.image.apply(record, bytes);
  }
}

async function writeAll(handle: FileHandle, buffer: Buffer): Promise<number> {
  let offset = 0;
  while (offset < buffer.length) {
    const { bytesWritten } = await handle.write(buffer, offset, buffer.length - offset);
    offset += bytesWritten;
  }
  return buffer.length;
}

/** A rename or a new file is durable once its directory is synced. */
async function syncDirectory(path: string): Promise<void> {
  const directory = await open(path, 'r');
  try {
    await directory.sync();
  } finally {
    await directory.close();
  }
}
