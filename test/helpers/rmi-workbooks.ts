/**
 * Filled RMI workbooks for the wiring tests (CLI, API, ingest), built by the reader's fixtures builder: the sample
 * folder (CMRT 6.5 and 6.22, EMRT 2.1 and 1.3, AMRT 1.3; English and Chinese) and one workbook with mistakes, whose
 * rejections fall on several rows and cells of the Smelter List.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildWorkbook, templateLookup } from './rmi-fixtures.ts';
import { sampleWorkbooks } from './rmi-samples.ts';

export interface NamedWorkbook {
  name: string;
  bytes: Uint8Array;
}

/** CMRT 6.31 in Chinese: three good tin smelters by CID, a CID the look-up lacks, a smelter in no country. */
export async function workbookWithMistakes(company = 'Fulcrum Solder Co'): Promise<Uint8Array> {
  const tin = (await templateLookup('CMRT')).filter((r) => r.metal === 'Tin').slice(0, 3);
  return buildWorkbook({
    template: 'CMRT',
    version: '6.31',
    language: '中文 Chinese',
    company,
    smelters: [
      ...tin.map((r) => ({ metal: r.metal, cid: r.cid })),
      { metal: 'Tin', cid: 'CID999999' },
      { metal: 'Tantalum', lookup: 'Smelter Not Listed', name: 'Nowhere Refining', country: 'Atlantis' },
    ],
  });
}

let cached: Promise<NamedWorkbook[]> | undefined;

/** The sample folder and the workbook with mistakes, built once per test file. */
export function identityWorkbooks(): Promise<NamedWorkbook[]> {
  cached ??= (async () => [
    ...(await sampleWorkbooks()),
    { name: 'fulcrum-cmrt-6.31-zh.xlsx', bytes: await workbookWithMistakes() },
  ])();
  return cached;
}

/** Writes the workbooks into `dir` (created), returning their paths in name order. */
export function writeWorkbooks(dir: string, workbooks: readonly NamedWorkbook[]): string[] {
  mkdirSync(dir, { recursive: true });
  return [...workbooks]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((w) => {
      const path = join(dir, w.name);
      writeFileSync(path, w.bytes);
      return path;
    });
}
