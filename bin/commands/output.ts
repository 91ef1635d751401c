import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';

/** Buffered writer to a file or stdout that respects backpressure, so huge outputs stream in bounded memory. */
export class Output {
  private buffer: string[] = [];
  private size = 0;
  private constructor(
    private readonly stream: NodeJS.WritableStream,
    private readonly owned: WriteStream | null,
  ) {}

  static async open(path: string | undefined): Promise<Output> {
    if (!path || path === '-') return new Output(process.stdout, null);
    const file = createWriteStream(path);
    await once(file, 'open');
    return new Output(file, file);
  }

  write = (chunk: string): void => {
    this.buffer.push(chunk);
    this.size += chunk.length;
  };

  /**
   * Flush if more than 1 MiB is buffered; call between units of work. Returns a promise only when it flushes, so a
   * caller can skip the await (and its microtask) on the million calls that have nothing to do.
   */
  maybeFlush(): Promise<void> | undefined {
    return this.size >= 1 << 20 ? this.flush() : undefined;
  }

  async flush(): Promise<void> {
    if (this.buffer.length === 0) return;
    const data = this.buffer.join('');
    this.buffer = [];
    this.size = 0;
    if (!this.stream.write(data)) await once(this.stream, 'drain');
  }

  async close(): Promise<void> {
    await this.flush();
    if (this.owned) {
      this.owned.end();
      await once(this.owned, 'finish');
    }
  }
}
