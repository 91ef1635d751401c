/**
 * The local runtime's queues: with a data directory each keeps a journal in DATA_DIR/queues/NAME.jsonl, so what was
 * queued (and in flight, and dead-lettered) when the process ended is there when it starts again; without one, the
 * queue is in memory as before. One process per data directory: dynalite's lock on DATA_DIR/dynamodb, taken first,
 * refuses a second runtime before it reaches the journals.
 */
import { join } from 'node:path';
import { QueueJournal } from './queue/journal.ts';
import { LocalQueue, type LocalQueueOptions } from './queue.ts';

export function queueJournalPath(dataDir: string, queueName: string): string {
  return join(dataDir, 'queues', `${queueName}.jsonl`);
}

/** A local queue, on disk when `dataDir` is given. Close it with `close()` (stop alone leaves the journal open). */
export async function openLocalQueue(options: LocalQueueOptions, dataDir: string | undefined): Promise<LocalQueue> {
  if (dataDir === undefined) return new LocalQueue(options);
  const journal = await QueueJournal.open(queueJournalPath(dataDir, options.name), { queue: options.name });
  return new LocalQueue({ ...options, journal });
}
