/**
 * A small set of filled RMI workbooks (several templates, versions and languages) for the README's demo folder and
 * the benchmark: call sampleWorkbooks() and write each { name, bytes } where the demo wants them.
 */
import { buildWorkbook, type LookupSpec, type SmelterSpec, templateLookup, type WorkbookSpec } from './rmi-fixtures.ts';

/** A few filled workbooks of several templates, versions and languages: the demo folder's content. */
export async function sampleWorkbooks(): Promise<{ name: string; bytes: Uint8Array }[]> {
  const cmrtLookup = await templateLookup('CMRT');
  const emrtLookup = await templateLookup('EMRT');
  // One row per smelter (the Look-up repeats a CID for each alias), so every sample row is a distinct line.
  const pick = (rows: LookupSpec[], metal: string, n: number) =>
    rows.filter((r, i) => r.metal === metal && rows.findIndex((x) => x.cid === r.cid) === i).slice(0, n);
  const byCid = (rows: LookupSpec[]) => rows.map((r) => ({ metal: r.metal, cid: r.cid }) as SmelterSpec);
  const specs: { name: string; spec: WorkbookSpec }[] = [
    {
      name: 'acme-cmrt-6.5-en.xlsx',
      spec: {
        template: 'CMRT',
        language: 'English',
        company: 'Acme Capacitors Ltd',
        answers: { tantalum: 'Yes', tin: 'Yes', gold: 'Yes', tungsten: 'No' },
        smelters: [
          ...byCid(pick(cmrtLookup, 'Tantalum', 3)),
          ...byCid(pick(cmrtLookup, 'Tin', 3)),
          ...byCid(pick(cmrtLookup, 'Gold', 2)),
          { metal: 'Tin', lookup: 'Smelter not yet identified' },
        ],
      },
    },
    {
      name: 'borealis-cmrt-6.22-zh.xlsx',
      spec: {
        template: 'CMRT',
        version: '6.22',
        language: '中文 Chinese',
        company: 'Borealis Electronics Co',
        smelters: pick(cmrtLookup, 'Tungsten', 4).map((r) => ({
          metal: r.metal,
          lookup: r.alias,
          country: r.country,
          mineCountry: 'China',
        })),
      },
    },
    {
      name: 'cobaltia-emrt-2.1-en.xlsx',
      spec: {
        template: 'EMRT',
        language: 'English',
        company: 'Cobaltia Batteries GmbH',
        answers: { cobalt: 'Yes', lithium: 'Yes', mica: 'Yes' },
        smelters: [
          ...byCid(pick(emrtLookup, 'Cobalt', 3)),
          ...byCid(pick(emrtLookup, 'Lithium', 2)),
          ...byCid(pick(emrtLookup, 'Mica', 1)),
        ],
        mines: pick(emrtLookup, 'Cobalt', 1).map((r) => ({
          metal: 'Cobalt',
          smelter: r.standardName,
          country: 'CONGO, DEMOCRATIC REPUBLIC OF THE',
        })),
      },
    },
    {
      name: 'delta-emrt-1.3-zh.xlsx',
      spec: {
        template: 'EMRT',
        version: '1.3',
        language: '中文 Chinese',
        company: 'Delta Pigments Co',
        smelters: byCid(pick(emrtLookup, 'Cobalt', 2)),
      },
    },
    {
      name: 'eagle-amrt-1.3-en.xlsx',
      spec: {
        template: 'AMRT',
        language: 'English',
        company: 'Eagle Catalysts Inc',
        smelters: [
          {
            metal: 'Platinum',
            lookup: 'Smelter Not Listed',
            name: 'Example Platinum Refinery',
            country: 'SOUTH AFRICA',
          },
          { metal: 'Silver', lookup: 'Smelter Not Listed', name: 'Example Silver Refinery', country: 'MEXICO' },
          {
            metal: 'Zinc',
            lookup: 'Smelter Not Listed',
            name: 'Example Zinc Smelter',
            country: 'KOREA, REPUBLIC OF',
            recycled: 'Yes',
          },
        ],
      },
    },
  ];
  return Promise.all(specs.map(async (s) => ({ name: s.name, bytes: await buildWorkbook(s.spec) })));
}
