/** An in-memory fake of the upload reader port: objects put by key, streamed back in pieces. */
import type { UploadObject, UploadReader } from '../../shared/uploads/port.ts';

export const BUCKET = 'uploads';

/** Uploaded objects by key; each open streams the bytes in small pieces and records whether it was discarded. */
export class FakeUploads implements UploadReader {
  readonly objects = new Map<string, { bytes: Buffer; eTag: string; metadata: Record<string, string> }>();
  discarded = 0;

  /** A text is stored as its UTF-8 bytes. */
  put(key: string, body: string | Uint8Array, o: { eTag?: string; metadata?: Record<string, string> } = {}) {
    const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body);
    this.objects.set(key, { bytes, eTag: o.eTag ?? '"e-1"', metadata: o.metadata ?? {} });
    return { bucket: BUCKET, key };
  }

  async open(_bucket: string, key: string): Promise<UploadObject> {
    const o = this.objects.get(key);
    if (!o) throw new Error(`no object ${key}`);
    return {
      body: (async function* () {
        for (let i = 0; i < o.bytes.length; i += 4096) yield o.bytes.subarray(i, i + 4096);
      })(),
      discard: () => {
        this.discarded++;
      },
      size: o.bytes.length,
      eTag: o.eTag,
      metadata: o.metadata,
    };
  }
}
