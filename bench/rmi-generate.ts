/**
 * Workbooks for `npm run bench -- rmi`: seeded, deterministic RMI workbooks filled by the reader's fixtures builder
 * (test/helpers/rmi-fixtures.ts, copies of the blank templates): CMRT, EMRT and AMRT of several versions, Declarations
 * in English and Chinese, each from its own company, with smelters named by CID and by look-up name, some not yet
 * identified, some recycled, mine countries, questions answered No, and a few mistakes (an unknown CID, an unknown
 * country). Building a workbook (re-zipping ~10 MB of sheet XML) takes about a second, much longer than reading one,
 * so `distinct` workbooks are built and written as many times as needed, each copy under its own file name: reading
 * a copy costs what reading its original does (nothing is cached between files).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  buildWorkbook,
  type LookupSpec,
  type SmelterSpec,
  type TemplateName,
  templateLookup,
  type WorkbookSpec,
} from '../test/helpers/rmi-fixtures.ts';
import { prng } from './generate.ts';

export const RMI_GENERATOR_VERSION = 1;
export const RMI_SEED = 20261203;

const VERSIONS: Record<TemplateName, string[]> = {
  CMRT: ['6.01', '6.1', '6.22', '6.31', '6.4', '6.5'],
  EMRT: ['1.3', '2.0', '2.1'],
  AMRT: ['1.2', '1.3'],
};
const METALS: Record<TemplateName, string[]> = {
  CMRT: ['Tantalum', 'Tin', 'Tungsten', 'Gold'],
  EMRT: ['Cobalt', 'Lithium', 'Nickel', 'Mica', 'Copper'],
  AMRT: ['Platinum', 'Silver', 'Zinc'],
};
const LANGUAGES = ['English', '中文 Chinese'];
const MINE_COUNTRIES = ['China', 'Australia', 'CONGO, DEMOCRATIC REPUBLIC OF THE', 'Chile', 'Indonesia', 'Brazil'];
const REFINERY_COUNTRIES = ['SOUTH AFRICA', 'MEXICO', 'KOREA, REPUBLIC OF', 'CHINA', 'PERU', 'RUSSIAN FEDERATION'];

export interface GeneratedWorkbooks {
  workbooks: number;
  distinct: number;
  bytes: number;
  /** Smelter List rows written, over all the files. */
  smelterRows: number;
  /** The mix, in words. */
  mix: string;
}

/** One workbook's spec: a template, version and language, a company, 20–60 smelter rows. */
function spec(i: number, random: () => number, lookups: Record<TemplateName, LookupSpec[]>): WorkbookSpec {
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)] as T;
  const template: TemplateName = i % 5 < 3 ? 'CMRT' : i % 5 === 3 ? 'EMRT' : 'AMRT';
  const version = pick(VERSIONS[template]);
  const lookup = lookups[template];
  const smelters: SmelterSpec[] = [];
  const rows = 20 + Math.floor(random() * 41);
  for (let r = 0; r < rows; r++) {
    const metal = pick(METALS[template]);
    const known = lookup.filter((l) => l.metal.toLowerCase() === metal.toLowerCase());
    const l = known.length > 0 ? pick(known) : undefined;
    const roll = random();
    if (template === 'AMRT' || !l)
      smelters.push({
        metal,
        lookup: 'Smelter Not Listed',
        name: `Refinery ${i}-${r}`,
        country: pick(REFINERY_COUNTRIES),
        ...(roll < 0.15 ? { recycled: 'Yes' } : {}),
      });
    else if (roll < 0.5)
      smelters.push({ metal, cid: l.cid, ...(random() < 0.3 ? { mineCountry: pick(MINE_COUNTRIES) } : {}) });
    else if (roll < 0.8) smelters.push({ metal, lookup: l.alias, country: l.country });
    else if (roll < 0.88) smelters.push({ metal, lookup: 'Smelter not yet identified' });
    else if (roll < 0.94)
      smelters.push({ metal, cid: l.cid, mine: 'recycled', mineCountry: 'recycled', recycled: 'Yes' });
    // Mistakes: a CID the look-up does not hold, a country nobody has.
    else if (roll < 0.97) smelters.push({ metal, cid: `CID9${String(i * 100 + r).padStart(5, '0')}` });
    else smelters.push({ metal, lookup: 'Smelter Not Listed', name: `Unknown ${r}`, country: 'Atlantis' });
  }
  return {
    template,
    version,
    language: LANGUAGES[i % 2] as string,
    company: `Bench Supplier ${String(i + 1).padStart(4, '0')} ${template}`,
    ...(template === 'CMRT' && random() < 0.3 ? { answers: { tungsten: 'No' } } : {}),
    smelters,
  };
}

/** Writes `count` workbooks into `dir` (`rmi-0001.xlsx`…), built from `distinct` specs (default 100). */
export async function generateWorkbooks(
  dir: string,
  count: number,
  seed: number,
  distinct = Math.min(count, 100),
): Promise<GeneratedWorkbooks> {
  const random = prng(seed);
  const lookups = {
    CMRT: await templateLookup('CMRT'),
    EMRT: await templateLookup('EMRT'),
    AMRT: await templateLookup('AMRT'),
  };
  const built: { bytes: Uint8Array; rows: number }[] = [];
  for (let i = 0; i < distinct; i++) {
    const s = spec(i, random, lookups);
    built.push({ bytes: await buildWorkbook(s), rows: s.smelters?.length ?? 0 });
  }
  let bytes = 0;
  let smelterRows = 0;
  for (let i = 0; i < count; i++) {
    const b = built[i % distinct] as (typeof built)[number];
    await writeFile(join(dir, `rmi-${String(i + 1).padStart(4, '0')}.xlsx`), b.bytes);
    bytes += b.bytes.length;
    smelterRows += b.rows;
  }
  return {
    workbooks: count,
    distinct,
    bytes,
    smelterRows,
    mix: `${distinct} distinct: CMRT ${VERSIONS.CMRT.join('/')}, EMRT ${VERSIONS.EMRT.join('/')}, AMRT ${VERSIONS.AMRT.join('/')} (3:1:1), English and Chinese Declarations`,
  };
}
