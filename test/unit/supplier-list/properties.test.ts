import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inputRows } from '../../../shared/model/input-rows.ts';
import { COLUMNS, mapHeader } from '../../../shared/supplier-list/header.ts';
import { isRejection, validateRow } from '../../../shared/supplier-list/row.ts';
import { type CsvRow, csvField, csvLine, readCsv } from '../../helpers/supplier-csv.ts';

// Cells mixing valid and invalid values, so a random list has every kind of row: valid, invalid on its own, and
// invalid only with other rows (shares above 100%, conflicting supplier fields, duplicate lines).
const cell = {
  supplier_id: fc.constantFrom('S1', 'S2', 'SUP-3', 'sup 4', ''),
  supplier_name: fc.constantFrom('', 'Acme', 'Acme, Inc.', 'Two\nlines', 'Say "hi"', 'Ünïcödé 北方稀土', '=cmd'),
  supplier_country: fc.constantFrom('', 'DE', 'Germany', 'KR', 'Narnia'),
  annual_spend_usd: fc.constantFrom('', '1000000', '$1,000,000', '-5', 'lots', 'EUR 5'),
  tier: fc.constantFrom('', '1', '2', 'x'),
  mineral: fc.constantFrom('Co', 'cobalt', 'Dy', 'dysprosium', 'REE', 'rare earths', 'Nd', 'PGM', 'dysprosim', ''),
  origin_country: fc.constantFrom('CN', 'China', 'PRC', 'CD', 'DR Congo', 'AU', 'Türkiye', 'Congo', 'Austrlia', ''),
  processing_country: fc.constantFrom('', 'CN', 'MY', 'XX'),
  share: fc.constantFrom('', '0.3', '30%', '60', '1', '140%', 'abc'),
  alternative_sources: fc.constantFrom('', '0', '2', '-1'),
  inventory_days: fc.constantFrom('', '30', '90', '-5'),
  processor: fc.constantFrom('', '', 'MP Materials Corp.', 'Acme Refining'),
  // Mostly blank (the row gives a mineral); else a code or category that expands into several lines, or a bad one.
  hs_code: fc.constantFrom('', '', '', '', '', '8505.11', '8541', '7404', '9999', '85.05'),
  product_category: fc.constantFrom('', '', '', '', '', '', 'permanent magnets', 'magnetz'),
} satisfies Record<keyof CsvRow, fc.Arbitrary<string>>;

/** `rawName`: the name cell is written unquoted with a stray quote in it (`Acme "Best" Ltd`), as hand edits do. */
type Line = { kind: 'row'; cells: string[]; rawName?: boolean } | { kind: 'blank'; text: string };

const rowArb = fc.record(cell).map((r): string[] => COLUMNS.map((c) => r[c]));
const lineArb: fc.Arbitrary<Line> = fc.oneof(
  { weight: 12, arbitrary: rowArb.map((cells): Line => ({ kind: 'row', cells })) },
  // a row with a missing or an extra field
  { weight: 1, arbitrary: rowArb.map((cells): Line => ({ kind: 'row', cells: cells.slice(0, -1) })) },
  { weight: 1, arbitrary: rowArb.map((cells): Line => ({ kind: 'row', cells: [...cells, 'extra'] })) },
  {
    weight: 1,
    arbitrary: rowArb.map((cells): Line => ({ kind: 'row', cells: cells.with(1, 'Acme "Best" Ltd'), rawName: true })),
  },
  // blank lines: skipped, not counted
  { weight: 1, arbitrary: fc.constantFrom('', '   ', ',,,,,,,,,,').map((text): Line => ({ kind: 'blank', text })) },
);

const fileArb: fc.Arbitrary<File> = fc.record({
  lines: fc.array(lineArb, { maxLength: 40 }),
  eol: fc.constantFrom('\n', '\r\n'),
  bom: fc.boolean(),
  delimiter: fc.constantFrom(',', ';'),
});

interface File {
  lines: Line[];
  eol: string;
  bom: boolean;
  delimiter: string;
}

function render(f: File): string {
  const body = f.lines.map((l) =>
    l.kind === 'row'
      ? l.cells.map((c, i) => (l.rawName && i === 1 ? c : csvField(c, f.delimiter))).join(f.delimiter)
      : l.text.replaceAll(',', f.delimiter),
  );
  return `${f.bom ? '\uFEFF' : ''}${[csvLine(COLUMNS, f.delimiter), ...body].map((l) => `${l}${f.eol}`).join('')}`;
}

const CROSS_ROW = /^(shares of supplier|duplicate line|\w+ '.*' conflicts with)/s;

describe('supplier-list reading (properties)', () => {
  it('rows in = accepted + rejected; every row is accepted in exactly one supplier or rejected exactly once', async () => {
    await fc.assert(
      fc.asyncProperty(fileArb, async (f) => {
        const list = await readCsv(render(f));
        const dataLines = f.lines.filter((l) => l.kind === 'row');
        expect(list.rows).toBe(dataLines.length);
        expect(list.rows).toBe(list.accepted + list.rejected.length);

        const rejectedRows = list.rejected.map((r) => r.row);
        expect(new Set(rejectedRows).size).toBe(rejectedRows.length);
        for (const r of rejectedRows) expect(r >= 1 && r <= list.rows).toBe(true);

        // accepted: each row's lines sit in exactly one supplier, and the counts match (a row that gave an HS code or
        // category expanded into several lines, one data row each)
        const inRows = list.suppliers.reduce((n, s) => n + inputRows(s.supplier), 0);
        expect(inRows).toBe(list.accepted);
        for (const s of list.suppliers) expect(s.rows.length).toBe(s.supplier.exposures.length);
        const acceptedRows = list.suppliers.flatMap((s) => [...new Set(s.rows)]);
        expect(new Set(acceptedRows).size).toBe(acceptedRows.length);
        expect([...acceptedRows, ...rejectedRows].sort((a, b) => a - b)).toEqual(
          Array.from({ length: list.rows }, (_, i) => i + 1),
        );

        // a row valid on its own is only rejected for a reason spanning rows; a row invalid on its own is rejected
        const header = mapHeader([...COLUMNS]);
        dataLines.forEach((l, i) => {
          const alone = validateRow(l.kind === 'row' ? l.cells : [], header, i + 1, COLUMNS.length);
          const rejection = list.rejected.find((r) => r.row === i + 1);
          if (isRejection(alone)) expect(rejection).toEqual(alone);
          else if (rejection) expect(rejection.message).toMatch(CROSS_ROW);
          else {
            const owner = list.suppliers.find((s) => s.rows.includes(i + 1));
            expect(owner?.supplier.supplierId).toBe(alone.supplierId);
            const at = owner?.rows.indexOf(i + 1) ?? -1;
            const lines = [alone.exposure, ...(alone.expanded ?? [])];
            expect(owner?.supplier.exposures.slice(at, at + lines.length)).toEqual(lines);
          }
        });
      }),
      { numRuns: 150 },
    );
  });

  it('reading the same bytes in chunks of any size gives the same result (multi-byte characters split too)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fileArb,
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 8 }),
        async (f, sizes) => {
          const bytes = new TextEncoder().encode(render(f));
          const whole = await readCsv(bytes);
          const chunked = await readCsv(bytes, { chunkSizes: sizes });
          expect(chunked).toEqual(whole);
        },
      ),
      { numRuns: 120 },
    );
  });

  it('a chunk boundary inside every multi-byte character, the BOM and a CRLF changes nothing', async () => {
    const text = `\uFEFF${csvLine(COLUMNS)}\r\nS1,"Société, 北方稀土 🧲",DE,,1,Dy,Türkiye,,,,,,,\r\nS2,Ωmega,KR,,1,REE,PRC,CN,35%,,,,,\r\n`;
    const bytes = new TextEncoder().encode(text);
    const whole = await readCsv(bytes);
    expect(whole.rejected).toEqual([]);
    expect(whole.suppliers[0]?.supplier.supplierName).toBe('Société, 北方稀土 🧲');
    for (let cut = 1; cut < bytes.length; cut++) {
      const r = await readCsv(bytes, { chunkSizes: [cut, bytes.length] });
      expect(r, `cut at byte ${cut}`).toEqual(whole);
    }
    expect(await readCsv(bytes, { chunkSizes: [1] })).toEqual(whole);
  });
});
