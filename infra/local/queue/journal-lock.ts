/**
 * One process per journal: two appending to one file would interleave lines, and one's compaction would rename the
 * file out from under the other's appends. A lock file beside the journal holds the owner's pid. A lock left by a
 * killed process (its pid no longer runs) is taken over: `kill -9` must not keep the queue locked.
 */
import { open, readFile, unlink } from 'node:fs/promises';
import { MineralRiskError } from '../../../shared/errors.ts';

/** Another live process has the journal open. */
export class JournalLockedError extends MineralRiskError {
  override readonly name = 'JournalLockedError';
  readonly retryable = false;
}

export interface JournalLock {
  release(): Promise<void>;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // it runs, as another user
  }
};

export async function lockJournal(journalPath: string): Promise<JournalLock> {
  const path = `${journalPath}.lock`;
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return { release: () => unlink(path).catch(() => undefined) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw err;
    }
    const owner = Number((await readFile(path, 'utf8').catch(() => '')).trim());
    // This process's own lock is taken over too: a second open in one process is how tests look at what a crash
    // leaves on disk, and the runtime opens each journal once.
    if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && alive(owner))
      throw new JournalLockedError(
        `queue journal ${journalPath} is in use by process ${owner}: one runtime per data directory`,
      );
    await unlink(path).catch(() => undefined); // stale: its process is gone
  }
}
