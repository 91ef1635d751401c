import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCountry } from '../../../../shared/model/normalise.ts';
import { readWorkbook, rejectionPlace } from '../../../../shared/supplier-list/workbook/read-workbook.ts';
import { buildWorkbook, type LookupSpec, type SmelterSpec, templateLookup } from '../../../helpers/rmi-fixtures.ts';
import { sampleWorkbooks } from '../../../helpers/rmi-samples.ts';
import { readCsv, supplierRow, toCsv } from '../../../helpers/supplier-csv.ts';

/** One Look-up row per smelter (the tab repeats a CID for each alias), with countries the plain parser reads. */
function smelters(rows: LookupSpec[], metals: string[]): LookupSpec[] {
  const seen = new Set<string>();
  return rows.filter((r) => {
    const key = `${r.cid}|${r.standardName}`;
    if (!metals.includes(r.metal) || seen.has(r.cid) || seen.has(r.standardName) || !parseCountry(r.country).ok)
      return false;
    seen.add(r.cid);
    seen.add(r.standardName);
    return key !== '';
  });
}

const cmrt = smelters(await templateLookup('CMRT'), ['Tantalum', 'Tin', 'Tungsten', 'Gold']);
const emrt = smelters(await templateLookup('EMRT'), ['Cobalt', 'Lithium', 'Nickel', 'Copper']);
const MINE_COUNTRIES = ['', 'China', 'Peru', 'Rwanda', 'Australia', 'Brazil'];

describe('a workbook scores as the equivalent CSV', () => {
  it('its suppliers equal those of the hand-built CSV read by readSupplierList', async () => {
    const row = (pool: LookupSpec[]) =>
      fc.record({ smelter: fc.constantFrom(...pool), byCid: fc.boolean(), mine: fc.constantFrom(...MINE_COUNTRIES) });
    const spec = fc.constantFrom('CMRT' as const, 'EMRT' as const).chain((template) =>
      fc.record({
        template: fc.constant(template),
        language: fc.constantFrom('English', '中文 Chinese'),
        rows: fc.uniqueArray(row(template === 'CMRT' ? cmrt : emrt), {
          minLength: 1,
          maxLength: 12,
          selector: (r) => r.smelter.cid,
        }),
      }),
    );
    await fc.assert(
      fc.asyncProperty(spec, async ({ template, language, rows }) => {
        const company = `${template} Supplier Ltd`;
        const specRows: SmelterSpec[] = rows.map(({ smelter, byCid, mine }) => ({
          ...(byCid ? { cid: smelter.cid } : { metal: smelter.metal, lookup: smelter.alias || smelter.standardName }),
          ...(mine ? { mineCountry: mine } : {}),
        }));
        const list = await readWorkbook(await buildWorkbook({ template, language, company, smelters: specRows }));

        // The same lines, written by hand as the CSV contract: gold is left out (not a critical mineral).
        const csvRows = rows
          .filter(({ smelter }) => smelter.metal !== 'Gold')
          .map(({ smelter, mine }) =>
            supplierRow({
              supplier_id: company,
              supplier_name: company,
              supplier_country: '',
              annual_spend_usd: '',
              tier: '',
              alternative_sources: '',
              inventory_days: '',
              mineral: smelter.metal,
              origin_country: mine,
              processing_country: smelter.country,
              processor: smelter.standardName,
            }),
          );
        expect(list.rejected).toEqual([]);
        const expected = csvRows.length === 0 ? [] : (await readCsv(toCsv(csvRows))).suppliers.map((s) => s.supplier);
        expect(list.suppliers.map((s) => s.supplier)).toEqual(expected);
        expect(list.rows).toBe(list.accepted + list.rejectedCount);
      }),
      { numRuns: 6 },
    );
  }, 180_000);
});

describe('a filled workbook, end to end', () => {
  const [tin1, tin2, tin3] = cmrt.filter((s) => s.metal === 'Tin');
  const [ta1] = cmrt.filter((s) => s.metal === 'Tantalum');
  const [gold1] = cmrt.filter((s) => s.metal === 'Gold');
  if (!tin1 || !tin2 || !tin3 || !ta1 || !gold1) throw new Error('the CMRT Look-up lacks tin, tantalum or gold');

  it('bad rows are rejected with sheet!cell; the valid rows of the same workbook still score', async () => {
    const list = await readWorkbook(
      await buildWorkbook({
        template: 'CMRT',
        language: 'English',
        company: 'Mixed Co',
        smelters: [
          { cid: tin1.cid },
          { metal: 'Tin', lookup: 'Smelter Not Listed', name: 'Nameless Tin' },
          { cid: 'CID999999' },
          { metal: 'Tin', lookup: 'Smelter Not Listed', name: 'Pasted Tin', country: { error: '#N/A' } },
          { metal: 'Tin', lookup: 'Smelter Not Listed', name: 'Far Tin', country: 'Atlantis' },
          { metal: 'Tin', lookup: '#REF!' },
          { cid: tin2.cid },
        ],
      }),
    );
    expect(list.rejected.map((r) => rejectionPlace(r))).toEqual([
      'Smelter List!E6',
      'Smelter List!A7',
      'Smelter List!E8',
      'Smelter List!E9',
      'Smelter List!C10',
    ]);
    expect(list.rejected[0]?.message).toBe('smelter country missing');
    expect(list.accepted).toBe(2);
    expect(list.suppliers[0]?.rows).toEqual([5, 11]);
    expect(list.rows).toBe(list.accepted + list.rejectedCount);
  });

  it('a CID row saved by Excel (cached look-ups in B, C, E, R) reads as the CID alone', async () => {
    const cachedRow: SmelterSpec = {
      cid: tin3.cid,
      metal: { cached: tin3.metal },
      lookup: { cached: tin3.standardName },
      country: { cached: tin3.country },
      standardName: { cached: tin3.standardName },
    };
    const [saved, bare] = await Promise.all([
      buildWorkbook({ template: 'CMRT', company: 'C', smelters: [cachedRow] }),
      buildWorkbook({ template: 'CMRT', company: 'C', smelters: [{ cid: tin3.cid }] }),
    ]);
    const a = await readWorkbook(saved);
    expect(a.rejected).toEqual([]);
    expect(a.suppliers).toEqual((await readWorkbook(bare)).suppliers);
  });

  it('a metal answered "No" (in the Declaration\'s language) carries no exposure; gold is counted', async () => {
    const list = await readWorkbook(
      await buildWorkbook({
        template: 'CMRT',
        language: '中文 Chinese',
        company: 'Decl Co',
        answers: { tin: 'No', tantalum: 'Yes' },
        smelters: [{ cid: tin1.cid }, { cid: ta1.cid }, { cid: gold1.cid }],
      }),
    );
    expect(list.suppliers[0]?.supplier.exposures.map((e) => e.mineral)).toEqual(['tantalum']);
    expect(list.workbook.declaredNo).toEqual(['tin']);
    expect(list.workbook.counts).toMatchObject({ smelterRows: 3, declaredNoRows: 1, notScoredRows: 1, lines: 1 });
    expect(list.workbook.metals.find((m) => m.metal === 'gold')).toMatchObject({ scored: false, smelters: 1 });
  });

  it('EMRT 2.x takes origins from the Mine List; EMRT 1.x has none to read', async () => {
    const [co] = emrt.filter((s) => s.metal === 'Cobalt');
    if (!co) throw new Error('no cobalt refiner in the EMRT Look-up');
    const spec = {
      template: 'EMRT' as const,
      company: 'Mines Co',
      smelters: [{ cid: co.cid }],
      mines: [{ metal: 'Cobalt', smelter: co.standardName, country: 'CONGO, DEMOCRATIC REPUBLIC OF THE' }],
    };
    const v2 = await readWorkbook(await buildWorkbook(spec));
    expect(v2.suppliers[0]?.supplier.exposures[0]?.originCountry).toBe('CD');
    const v1 = await readWorkbook(await buildWorkbook({ ...spec, version: '1.3' }));
    expect(v1.suppliers[0]?.supplier.exposures[0]?.originCountry).toBeNull();
  });

  it('keepRejections bounds the list, every rejection is counted; an aborted signal stops the read', async () => {
    const bytes = await buildWorkbook({
      template: 'CMRT',
      company: 'Bad Co',
      smelters: Array.from({ length: 5 }, () => ({ cid: 'CID999999' })),
    });
    const list = await readWorkbook(bytes, { keepRejections: 2 });
    expect(list.rejected).toHaveLength(2);
    expect(list.rejectedCount).toBe(5);
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    await expect(readWorkbook(bytes, { signal: controller.signal })).rejects.toThrow('stop');
  });
});

describe('the sample workbooks (demo folder)', () => {
  it('cover the three templates, several versions and two languages, and each scores some lines', async () => {
    const samples = await sampleWorkbooks();
    const lists = await Promise.all(samples.map((s) => readWorkbook(s.bytes)));
    expect(new Set(lists.map((l) => l.workbook.template))).toEqual(new Set(['CMRT', 'EMRT', 'AMRT']));
    expect(new Set(lists.map((l) => l.workbook.language))).toEqual(new Set(['English', '中文 Chinese']));
    expect(new Set(lists.map((l) => l.workbook.version)).size).toBeGreaterThanOrEqual(4);
    for (const l of lists) expect(l.accepted).toBeGreaterThan(0);
    expect(new Set(samples.map((s) => s.name)).size).toBe(samples.length);
  }, 60_000);
});
