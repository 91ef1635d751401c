/**
 * One supplier's CMRT and EMRT are one supplier: the CLI over a folder of both and the S3 pipeline with one upload
 * after the other both keep the CMRT's tin lines and add the EMRT's cobalt and lithium, and score them alike. The
 * CLI's summary says the second workbook was merged with the first.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scoreFile } from '../../bin/commands/score.ts';
import { type LocalRuntime, startLocalRuntime } from '../../infra/local/runtime.ts';
import { type CliJson, cliScore } from '../helpers/pipeline.ts';
import { buildWorkbook, templateLookup } from '../helpers/rmi-fixtures.ts';
import { workbookWithMistakes, writeWorkbooks } from '../helpers/rmi-workbooks.ts';
import { storedResult } from '../helpers/stored.ts';
import { tempDir } from '../helpers/temp.ts';

const AS_OF = '2026-11-28';
const COMPANY = 'Fulcrum Solder Co';
const tmp = tempDir('mineral-risk-rmi-merge-');
let runtime: LocalRuntime;
let files: string[];
let cli: CliJson;

const minerals = (exposures: readonly { mineral: string }[] | undefined) =>
  [...new Set((exposures ?? []).map((e) => e.mineral))].sort();

beforeAll(async () => {
  const lookup = await templateLookup('EMRT');
  const first = (metal: string) => lookup.filter((r) => r.metal === metal).slice(0, 2);
  const emrt = await buildWorkbook({
    template: 'EMRT',
    language: 'English',
    company: COMPANY,
    smelters: [...first('Cobalt'), ...first('Lithium')].map((r) => ({ metal: r.metal, cid: r.cid })),
  });
  files = writeWorkbooks(`${tmp.path}/in`, [
    { name: 'a-cmrt.xlsx', bytes: await workbookWithMistakes(COMPANY) },
    { name: 'b-emrt.xlsx', bytes: emrt },
  ]);
  cli = await cliScore(`${tmp.path}/in`, { asOf: AS_OF, buyerCountry: 'DE' });
  runtime = await startLocalRuntime({ timeScale: 0.0005, today: () => AS_OF });
  for (const [i, file] of files.entries()) {
    const batchId = `m-${i}`;
    await runtime.upload(file, { tenant: 'acme', batchId, asOf: AS_OF, buyerCountry: 'DE' });
    const b = await runtime.waitForBatch('acme', batchId, { timeoutMs: 30_000 });
    expect(b.status, `${batchId}: ${b.failure}`).toBe('completed');
  }
}, 180_000);

afterAll(async () => {
  await runtime?.stop();
  tmp.remove();
});

describe("a supplier's CMRT, then its EMRT", () => {
  it('the CLI scores one supplier with both templates’ lines, and says the EMRT was merged with the CMRT', async () => {
    expect(cli.results).toHaveLength(1);
    expect(minerals(cli.results[0]?.minerals)).toEqual(['cobalt', 'lithium', 'tin']);
    const out = `${tmp.path}/table.txt`;
    await scoreFile(`${tmp.path}/in`, { asOf: AS_OF, buyerCountry: 'DE', out, progress: false });
    expect(await readFile(out, 'utf8')).toContain(
      `supplier ${COMPANY} is in a-cmrt.xlsx, b-emrt.xlsx: b-emrt.xlsx merged with a-cmrt.xlsx`,
    );
  });

  it('the pipeline stores both templates’ lines for the supplier, scored exactly as the CLI scores the folder', async () => {
    const stored = await runtime.store.getSupplier('acme', COMPANY);
    expect(stored?.batchId).toBe('m-1');
    expect(minerals(stored?.input.exposures)).toEqual(['cobalt', 'lithium', 'tin']);
    expect(stored && storedResult(stored)).toEqual(cli.results[0]);
  });
});
