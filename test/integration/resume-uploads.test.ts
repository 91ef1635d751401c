/**
 * An upload stored while its ObjectCreated event was never handled (the process died first) is ingested when the
 * runtime starts again on the same data directory, as S3's at-least-once delivery would; a finished one is not.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { needsIngest } from '../../infra/local/resume-uploads.ts';
import { startLocalRuntime } from '../../infra/local/runtime.ts';
import type { BatchRecord } from '../../shared/store/batch-port.ts';
import { FAST, TODAY } from '../helpers/pipeline.ts';
import { supplierRow, toCsv } from '../helpers/supplier-csv.ts';
import { tempDir } from '../helpers/temp.ts';

const dir = tempDir('mineral-risk-resume-');
afterAll(() => dir.remove());

const batch = (overrides: Partial<BatchRecord>) =>
  ({ status: 'ingesting', uploadETag: null, ...overrides }) as BatchRecord;

describe('which uploads get their event again', () => {
  it('those whose batch does not exist or is still ingesting, unless another object claimed it', () => {
    expect(needsIngest(null, '"abc"')).toBe(true);
    expect(needsIngest(batch({}), '"abc"')).toBe(true);
    expect(needsIngest(batch({ uploadETag: '"abc"' }), 'abc')).toBe(true); // died mid-ingest: ingest is idempotent
    expect(needsIngest(batch({ uploadETag: '"other"' }), '"abc"')).toBe(false); // a second PUT to the key
    for (const status of ['scoring', 'completed', 'completed_with_errors', 'failed'] as const)
      expect(needsIngest(batch({ status, uploadETag: '"abc"' }), '"abc"')).toBe(false);
  });
});

describe('an upload whose event was lost', () => {
  it('is ingested and scored when the runtime starts again on its data directory, once', async () => {
    const dataDir = `${dir.path}/data`;
    const rows = Array.from({ length: 30 }, (_, i) => supplierRow({ supplier_id: `RES-${i}` }));
    const file = dir.file('list.csv', toCsv([...rows, supplierRow({ supplier_id: 'RES-BAD', mineral: 'kryptonite' })]));

    // The first run stores the upload but never handles its event, as if killed between the two.
    const first = await startLocalRuntime({ dataDir, timeScale: FAST, today: () => TODAY, autoIngest: false });
    await first.upload(file, { tenant: 'acme', batchId: 'lost-event' });
    expect(await first.store.getBatch('acme', 'lost-event')).toBeNull();
    await first.stop();

    const second = await startLocalRuntime({ dataDir, timeScale: FAST, today: () => TODAY });
    expect(second.resumed).toEqual({ messages: 0, uploads: 1 });
    const done = await second.waitForBatch('acme', 'lost-event', { timeoutMs: 10_000 });
    expect(done).toMatchObject({ status: 'completed', rows: 31, rejected: 1, rowsStored: 30, suppliersStored: 30 });
    await second.stop();

    const third = await startLocalRuntime({ dataDir, timeScale: FAST, today: () => TODAY });
    expect(third.resumed).toEqual({ messages: 0, uploads: 0 });
    await third.stop();
  });
});
