import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCountry } from '../../../../shared/model/normalise.ts';
import type { Answer } from '../../../../shared/supplier-list/workbook/declaration.ts';
import { readLookup } from '../../../../shared/supplier-list/workbook/lookup.ts';
import { readMineList } from '../../../../shared/supplier-list/workbook/mine-list.ts';
import { parseRmiCountry } from '../../../../shared/supplier-list/workbook/rmi-country.ts';
import {
  type CellRejection,
  mapSmelterList,
  parseOrigins,
  RECYCLED_ORIGIN,
  type WorkbookLine,
} from '../../../../shared/supplier-list/workbook/smelter-lines.ts';
import { gridOf } from '../../../helpers/rmi-fixtures.ts';

/** A small Look-up tab: two tin smelters (one with an alias), a cobalt refiner, a gold refiner. */
const LOOKUP = readLookup(
  gridOf('Smelter Look-up', {
    A5: 'Tin',
    B5: 'Alpha Tin Alias',
    C5: 'Alpha Tin Smelter',
    D5: 'INDONESIA',
    E5: 'CID000001',
    A6: 'Tin',
    B6: 'Beta Tin',
    C6: 'Beta Tin',
    D6: 'BOLIVIA (PLURINATIONAL STATE OF)',
    E6: 'CID000002',
    A7: 'Cobalt',
    B7: 'Gamma Cobalt',
    C7: 'Gamma Cobalt Refinery',
    D7: 'CONGO, DEMOCRATIC REPUBLIC OF THE',
    E7: 'CID000003',
    A8: 'Gold',
    B8: 'Delta Gold',
    C8: 'Delta Gold',
    D8: 'SWITZERLAND',
    E8: 'CID000004',
    A9: 'Tin',
    B9: 'Broken Country Tin',
    C9: 'Broken Country Tin',
    D9: 'ATLANTIS',
    E9: 'CID000005',
  }),
);

/** Smelter List rows from row 5: each row as { column letter: text }. */
function smelterGrid(rows: Record<string, string>[]) {
  const cells: Record<string, string> = {};
  rows.forEach((r, i) => {
    for (const [column, v] of Object.entries(r)) cells[`${column}${5 + i}`] = v;
  });
  return gridOf('Smelter List', cells);
}

function map(rows: Record<string, string>[], answers: Record<string, Answer> = {}, mines?: Record<string, string>) {
  return mapSmelterList({
    grid: smelterGrid(rows),
    lookup: LOOKUP,
    answers: new Map(Object.entries(answers).map(([metal, answer]) => [metal, { answer, cell: 'D26' }])),
    mines: mines ? readMineList(gridOf('Mine List', mines)) : undefined,
  });
}
const linesOf = (r: ReturnType<typeof map>) => r.items.flatMap((i) => ('line' in i ? [i.line] : [])) as WorkbookLine[];
const rejectionsOf = (r: ReturnType<typeof map>) =>
  r.items.flatMap((i) => ('rejection' in i ? [i.rejection] : [])) as CellRejection[];
const iso = (name: string) => {
  const c = parseRmiCountry(name);
  if (!c.ok) throw new Error(c.message);
  return c.value;
};

describe('smelter identification', () => {
  it('a row giving only a CID takes metal, standard name and country from the Look-up tab', () => {
    const r = map([{ A: 'CID000003' }]);
    expect(rejectionsOf(r)).toEqual([]);
    expect(linesOf(r)).toMatchObject([
      {
        mineral: 'cobalt',
        processor: 'Gamma Cobalt Refinery',
        processingCountry: iso('CONGO, DEMOCRATIC REPUBLIC OF THE'),
        originCountry: null,
        at: { processing: { sheet: 'Smelter Look-up', cell: 'D7' } },
      },
    ]);
  });

  it('a look-up name (alias) resolves to the standard name and its country, whatever its case', () => {
    const r = map([{ B: 'Tin', C: 'alpha TIN alias' }]);
    expect(linesOf(r)).toMatchObject([
      { mineral: 'tin', processor: 'Alpha Tin Smelter', processingCountry: iso('INDONESIA') },
    ]);
  });

  it("the row's own country (E) wins over the Look-up's", () => {
    const r = map([{ B: 'Tin', C: 'Beta Tin', E: 'PERU' }]);
    expect(linesOf(r)).toMatchObject([{ processingCountry: iso('PERU'), at: { processing: { cell: 'E5' } } }]);
  });

  it.each(['Smelter not yet identified', 'SMELTER NOT YET IDENTIFIED', 'smelter not yet identified'])(
    "'%s' is a line of unknown processing country and no processor",
    (text) => {
      const [line] = linesOf(map([{ B: 'Tin', C: text }]));
      expect(line).toMatchObject({ mineral: 'tin', processingCountry: null, processor: null, originCountry: null });
    },
  );

  it("'Smelter Not Listed' takes the typed name (D) and country (E)", () => {
    const r = map([{ B: 'Cobalt', C: 'smelter not listed', D: 'Omega Refinery', E: 'FINLAND' }]);
    expect(linesOf(r)).toMatchObject([{ processor: 'Omega Refinery', processingCountry: iso('FINLAND') }]);
  });
});

describe('metals and the declaration', () => {
  it('gold is counted, not scored; a metal outside the catalogue is counted with the reason', () => {
    const r = map([{ A: 'CID000004' }, { B: 'Mica', C: 'Smelter Not Listed', D: 'M', E: 'INDIA' }, { A: 'CID000001' }]);
    expect(linesOf(r).map((l) => l.mineral)).toEqual(['tin']);
    expect(r.notScoredRows).toBe(2);
    expect(r.metals.find((m) => m.metal === 'gold')).toMatchObject({ scored: false, smelters: 1, lines: 0 });
    expect(r.metals.find((m) => m.metal === 'gold')?.notScored).toMatch(/not a critical mineral/);
    expect(r.metals.find((m) => m.metal === 'mica')?.notScored).toMatch(/not in the model's mineral catalogue/);
  });

  it('a metal answered "No" to question 1 carries no exposure, and its rows are counted', () => {
    const r = map([{ A: 'CID000001' }, { A: 'CID000002' }, { A: 'CID000003' }], { tin: 'No', cobalt: 'Yes' });
    expect(linesOf(r).map((l) => l.mineral)).toEqual(['cobalt']);
    expect(r.declaredNoRows).toBe(2);
  });

  it('identical lines of one metal are merged and counted, not rejected', () => {
    const r = map([
      { B: 'Tin', C: 'Smelter not yet identified' },
      { B: 'Tin', C: 'Smelter not yet identified' },
    ]);
    expect(linesOf(r)).toHaveLength(1);
    expect(rejectionsOf(r)).toEqual([]);
    expect(r.mergedLines).toBe(1);
  });
});

describe('origins', () => {
  it('the mine country (O) is the origin; several countries make several lines of the same smelter', () => {
    const r = map([{ A: 'CID000001', O: 'China; KOREA, REPUBLIC OF' }]);
    expect(linesOf(r).map((l) => l.originCountry)).toEqual([iso('China'), iso('KOREA, REPUBLIC OF')]);
    expect(new Set(linesOf(r).map((l) => l.processor))).toEqual(new Set(['Alpha Tin Smelter']));
  });

  it.each([
    ['O', 'Recycled'],
    ['O', 'scrap'],
    ['O', '回收'],
    ['N', 'recycled / scrap'],
    ['P', 'Yes'],
  ])('%s = %s is a recycled line', (column, text) => {
    const [line] = linesOf(map([{ A: 'CID000001', [column]: text }]));
    expect(line?.originCountry).toBe(RECYCLED_ORIGIN);
  });

  it('P = Yes (100% recycled) wins over a mine country', () => {
    expect(linesOf(map([{ A: 'CID000001', O: 'China', P: 'Yes' }])).map((l) => l.originCountry)).toEqual([
      RECYCLED_ORIGIN,
    ]);
  });

  it("the Mine List gives a smelter's origins, by metal and smelter name", () => {
    const r = map(
      [{ A: 'CID000003' }],
      {},
      {
        A5: 'Cobalt',
        B5: 'Gamma Cobalt Refinery',
        F5: 'ZAMBIA',
        A6: 'Cobalt',
        B6: 'GAMMA COBALT  refinery',
        F6: 'CONGO, DEMOCRATIC REPUBLIC OF THE',
        A7: 'Nickel',
        B7: 'Gamma Cobalt Refinery',
        F7: 'RUSSIAN FEDERATION',
      },
    );
    expect(linesOf(r).map((l) => l.originCountry)).toEqual([iso('ZAMBIA'), iso('CONGO, DEMOCRATIC REPUBLIC OF THE')]);
    expect(linesOf(r)[0]?.at.origin).toEqual({ sheet: 'Mine List', cell: 'F5' });
  });

  it('no mine country is an unknown origin (the world mining mix)', () => {
    expect(linesOf(map([{ A: 'CID000002' }]))[0]?.originCountry).toBeNull();
  });

  it('parseOrigins: every part of a list is a country the parser knows, or the list is refused', () => {
    const names = ['CHINA', 'PERU', 'Australia', 'CONGO, DEMOCRATIC REPUBLIC OF THE', 'VIET NAM', 'recycled'];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...names), { minLength: 1, maxLength: 4 }), (parts) => {
        const r = parseOrigins(parts.join('; '));
        expect(r.ok).toBe(true);
        if (r.ok) expect(r.values).toEqual(parts.map((p) => (p === 'recycled' ? RECYCLED_ORIGIN : iso(p))));
      }),
    );
    expect(parseOrigins('China; Atlantis')).toMatchObject({ ok: false });
  });
});

describe('rejections name sheet, row and column', () => {
  const place = (r: CellRejection) => `${r.sheet}!${r.cell}: ${r.message}`;

  it.each([
    [{ B: 'Tin', C: 'Smelter Not Listed', D: 'X' }, 'Smelter List!E5: smelter country missing'],
    [{ A: 'CID999999' }, "Smelter List!A5: smelter id 'CID999999' is not in the workbook's Smelter Look-up tab"],
    [{ C: 'Beta Tin' }, 'Smelter List!B5: metal missing'],
    [{ B: 'Unobtainium', C: 'X', E: 'CHINA' }, "Smelter List!B5: unknown metal 'Unobtainium'"],
    [{ B: 'Tin', C: 'Smelter Not Listed', E: 'CHINA' }, 'Smelter List!D5: smelter name missing'],
    [{ B: 'Tin', C: 'No Such Smelter' }, "Smelter List!C5: 'No Such Smelter' is not a tin smelter"],
  ])('%j → %s', (row, expected) => {
    const [r] = rejectionsOf(map([row]));
    expect(r && place(r)).toContain(expected);
  });

  it.each(['#N/A', '#REF!', '#VALUE!'])('a saved formula error %s is rejected at its cell', (error) => {
    const [r] = rejectionsOf(map([{ B: 'Tin', C: 'Beta Tin', E: error }]));
    expect(r).toMatchObject({ sheet: 'Smelter List', cell: 'E5', value: error });
    expect(r?.message).toMatch(/formula's error/);
  });

  it('a 255-character cell is rejected as probably cut', () => {
    const [r] = rejectionsOf(map([{ B: 'Tin', C: 'Smelter Not Listed', D: 'x'.repeat(255), E: 'CHINA' }]));
    expect(r).toMatchObject({ sheet: 'Smelter List', cell: 'D5' });
    expect(r?.message).toMatch(/255/);
  });

  it("an unknown country is rejected where it was read: the row's E, or the Look-up's D", () => {
    const rows = rejectionsOf(map([{ B: 'Tin', C: 'Beta Tin', E: 'Narnia' }, { A: 'CID000005' }]));
    expect(rows.map((r) => `${r.sheet}!${r.cell}`)).toEqual(['Smelter List!E5', 'Smelter Look-up!D9']);
    expect(parseCountry('Narnia').ok).toBe(false);
  });

  it('a bad Mine List country is rejected once at its cell, and the smelter still makes its line', () => {
    const r = map(
      [{ A: 'CID000003' }, { A: 'CID000003', O: 'ZAMBIA' }],
      {},
      {
        A5: 'Cobalt',
        B5: 'Gamma Cobalt Refinery',
        F5: 'Mordor',
      },
    );
    expect(rejectionsOf(r).map((x) => `${x.sheet}!${x.cell}`)).toEqual(['Mine List!F5']);
    expect(linesOf(r).map((l) => l.originCountry)).toEqual([null, iso('ZAMBIA')]);
  });

  it('valid rows around bad ones still make their lines, in row order', () => {
    const r = map([{ A: 'CID000001' }, { A: 'CID999999' }, { A: 'CID000002' }, { B: 'Tin', E: '#N/A' }]);
    expect(r.items.map((i) => ('line' in i ? `line ${i.line.row}` : `rejected ${i.rejection.row}`))).toEqual([
      'line 5',
      'rejected 6',
      'line 7',
      'rejected 8',
    ]);
    expect(r.smelterRows).toBe(4);
  });
});
