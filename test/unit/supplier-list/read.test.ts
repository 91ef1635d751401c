import { describe, expect, it } from 'vitest';
import { SupplierListFormatError } from '../../../shared/supplier-list/errors.ts';
import type { Rejection } from '../../../shared/supplier-list/row.ts';
import { acceptedRows, readCsv, supplierRow, toCsv } from '../../helpers/supplier-csv.ts';

const HEADER = 'supplier_id,supplier_name,mineral,origin_country,share';
const utf8 = (s: string) => new TextEncoder().encode(s);
const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let i = 0;
  for (const p of parts) {
    out.set(p, i);
    i += p.length;
  }
  return out;
};

describe('encodings and line endings', () => {
  const rows = [
    supplierRow({ supplier_id: 'S1', supplier_name: 'Société Générale d’Aimants', share: '60%' }),
    supplierRow({ supplier_id: 'S1', supplier_name: 'Société Générale d’Aimants', origin_country: 'AU', share: '40%' }),
    supplierRow({ supplier_id: 'S2', supplier_name: '北方稀土', mineral: 'Nd', origin_country: 'China' }),
  ];

  it.each([
    ['LF, no BOM', { eol: '\n' as const }],
    ['CRLF, no BOM', { eol: '\r\n' as const }],
    ['LF with BOM', { eol: '\n' as const, bom: true }],
    ['CRLF with BOM', { eol: '\r\n' as const, bom: true }],
    ['CR only', { eol: '\r' as const }],
  ])('%s reads the same rows', async (_, opts) => {
    const list = await readCsv(toCsv(rows, opts));
    expect(list.rows).toBe(3);
    expect(list.rejected).toEqual([]);
    expect(list.suppliers.map((s) => s.supplier.supplierName)).toEqual(['Société Générale d’Aimants', '北方稀土']);
    // the BOM does not stick to the first column's name or value
    expect(list.suppliers.map((s) => s.supplier.supplierId)).toEqual(['S1', 'S2']);
    expect(list.ignoredColumns).toEqual([]);
  });

  it('a file without a final line break still reads its last row', async () => {
    const list = await readCsv(`${HEADER}\nA,,Co,CN,\nB,,Co,CN,`);
    expect(list.rows).toBe(2);
    expect(list.accepted).toBe(2);
  });

  it('a NUL byte makes the whole file a format error (binary content)', async () => {
    const bytes = concat(utf8(`${HEADER}\nA,,Co,CN,\n`), new Uint8Array([0x50, 0x4b, 0x00, 0x03]), utf8('\n'));
    await expect(readCsv(bytes)).rejects.toThrow(/binary content \(NUL byte\) at byte \d+/);
  });

  it('a NUL byte in a later chunk is found too', async () => {
    const bytes = concat(utf8(`${HEADER}\n${'A,,Co,CN,\n'.repeat(100)}`), new Uint8Array([0]));
    await expect(readCsv(bytes, { chunkSizes: [64] })).rejects.toThrow(SupplierListFormatError);
  });

  it('invalid UTF-8 (a Latin-1 export) is a format error', async () => {
    // "Société" in Latin-1: é is the lone byte 0xE9
    const bytes = concat(
      utf8(`${HEADER}\nA,Soci`),
      new Uint8Array([0xe9]),
      utf8('t\xe9,Co,CN,\n').subarray(0, 1),
      utf8(',Co,CN,\n'),
    );
    await expect(readCsv(bytes)).rejects.toThrow(/not a UTF-8 text file/);
  });

  it('a file cut inside a multi-byte character is a format error', async () => {
    const bytes = concat(utf8(`${HEADER}\nA,`), utf8('é').subarray(0, 1));
    await expect(readCsv(bytes)).rejects.toThrow(/ends inside a multi-byte character/);
  });

  it('random binary garbage is a format error', async () => {
    const bytes = new Uint8Array(512);
    let x = 12345;
    for (let i = 0; i < bytes.length; i++) {
      x = (x * 1103515245 + 12345) % 2 ** 31;
      bytes[i] = x & 0xff;
    }
    await expect(readCsv(bytes)).rejects.toThrow(SupplierListFormatError);
  });

  it.each([
    ['an empty file', ''],
    ['only line breaks', '\n\r\n\n'],
    ['only spaces', '   \n  '],
    ['only a BOM', '\uFEFF'],
  ])('%s is a format error', async (_, content) => {
    await expect(readCsv(content)).rejects.toThrow(
      new SupplierListFormatError('the file is empty: expected a header row and supplier rows'),
    );
  });

  it.each([
    ['with a line break', `${HEADER}\n`],
    ['without a line break', HEADER],
    ['followed by blank lines', `${HEADER}\r\n\r\n,,,,\r\n`],
  ])('a header only (%s) is an empty list, not an error', async (_, content) => {
    const list = await readCsv(content);
    expect(list).toMatchObject({ rows: 0, accepted: 0, rejected: [], suppliers: [] });
  });

  it.each([
    ['empty lines', `\n\r\n${HEADER}\nA,,Co,CN,\n`],
    ['a row of empty cells', `,,,,\n${HEADER}\nA,,Co,CN,\n`],
  ])('%s before the header are skipped', async (_, csv) => {
    const list = await readCsv(csv);
    expect(list.rows).toBe(1);
    expect(list.accepted).toBe(1);
  });
});

describe('quoting and row numbers', () => {
  it('quoted fields keep commas, quotes and line breaks; a multi-line record is ONE data row', async () => {
    const csv = [
      HEADER,
      'A,"Acme, Inc.",Co,CN,',
      'B,"Two\nline ""name""\r\nhere",Co,CN,',
      'C,,dysprosim,CN,', // data row 3, physical line 6
      '',
    ].join('\n');
    const list = await readCsv(csv);
    expect(list.rows).toBe(3);
    expect(list.suppliers.map((s) => s.supplier.supplierName)).toEqual(['Acme, Inc.', 'Two\nline "name"\r\nhere']);
    expect(list.rejected.map((r) => [r.row, r.field])).toEqual([[3, 'mineral']]);
  });

  it('blank lines and rows of empty cells are skipped and not counted', async () => {
    const csv = `${HEADER}\nA,,Co,CN,\n\n,,,,\n   \nB,,Co,XX,\n\r\nC,,Co,CN,\n`;
    const list = await readCsv(csv);
    expect(list.rows).toBe(3);
    expect(list.rejected.map((r) => [r.row, r.field])).toEqual([[2, 'origin_country']]);
    expect(acceptedRows(list)).toEqual([1, 3]);
  });

  it('detects a semicolon-delimited file (decimal commas stay inside cells)', async () => {
    const csv = toCsv(
      [
        supplierRow({ supplier_id: 'S1', supplier_name: 'Müller, Schmidt & Co', share: '35%' }),
        supplierRow({ supplier_id: 'S1', supplier_name: 'Müller, Schmidt & Co', origin_country: 'AU', share: '65%' }),
      ],
      {
        delimiter: ';',
        header: [
          'Supplier ID',
          'Supplier Name',
          'Supplier Country',
          'Annual Spend USD',
          'Tier',
          'Mineral',
          'Origin Country',
          'Processing Country',
          'Share',
          'Alternative Sources',
          'Inventory Days',
          'Processor',
        ],
      },
    );
    expect(csv.split('\n')[1]).toContain('S1;Müller, Schmidt & Co;DE;');
    const list = await readCsv(csv);
    expect(list.delimiter).toBe(';');
    expect(list.rejected).toEqual([]);
    expect(list.suppliers[0]?.supplier.supplierName).toBe('Müller, Schmidt & Co');
    expect(list.suppliers[0]?.supplier.exposures.map((e) => e.share)).toEqual([0.35, 0.65]);
  });

  it('detects a tab-delimited file', async () => {
    const list = await readCsv('supplier_id\tmineral\torigin_country\nA\tCo\tCD\n');
    expect(list.delimiter).toBe('\t');
    expect(list.accepted).toBe(1);
  });

  it('a comma file read with a semicolon in the header row is a format error with a hint', async () => {
    await expect(readCsv('supplier_id:mineral:origin_country\nA:Co:CN\n')).rejects.toThrow(
      /missing required column.*is the delimiter a comma\?/,
    );
  });

  it('rejects a row with more or fewer fields than the header, with its row number', async () => {
    const csv = `${HEADER}\nA,,Co,CN,\nB,,Co,CN,,extra\nC,,Co\nD,,Co,CN,\n`;
    const list = await readCsv(csv);
    expect(list.rows).toBe(4);
    expect(list.rejected).toEqual([
      {
        row: 2,
        field: '(row)',
        value: 'B,,Co,CN,,extra',
        message: 'row has 6 field(s) but the header has 5: check delimiters and quotes',
      },
      {
        row: 3,
        field: '(row)',
        value: 'C,,Co',
        message: 'row has 3 field(s) but the header has 5: check delimiters and quotes',
      },
    ]);
    expect(acceptedRows(list)).toEqual([1, 4]);
  });

  it('a stray quote inside an unquoted field is a literal character, not a record swallowing the next rows', async () => {
    const csv = `${HEADER}\nA,Acme "Best" Ltd,Co,CN,\nB,,"Co"x,CN,\nC,,Co,CN,\nD,,Co,CN,\n`;
    const list = await readCsv(csv);
    expect(list.rows).toBe(4);
    expect(list.suppliers[0]?.supplier.supplierName).toBe('Acme "Best" Ltd');
    expect(list.rejected.map((r) => [r.row, r.field, r.value])).toEqual([[2, 'mineral', '"Co"x']]);
    expect(acceptedRows(list)).toEqual([1, 3, 4]);
  });

  it('a quote left open at the end rejects the rest as one malformed row, numbered after the rows before it', async () => {
    const csv = `${HEADER}\nA,,Co,CN,\nB,,Co,CN,\nC,"unterminated,Co,CN,\nD,,Co,CN,\n`;
    const list = await readCsv(csv);
    expect(list.rows).toBe(3);
    expect(list.accepted).toBe(2);
    expect(list.rejected).toHaveLength(1);
    expect(list.rejected[0]).toMatchObject({ row: 3, field: '(row)' });
    expect(list.rejected[0]?.message).toMatch(/^malformed CSV record near line \d+: Quote Not Closed/);
  });

  it('an unreadable header is a format error', async () => {
    await expect(readCsv('supplier_id,"mineral,origin_country\n')).rejects.toThrow(/header row is not readable CSV/);
  });

  it('a runaway record longer than 64 KiB is a format error, in one chunk or many', async () => {
    const csv = `${HEADER}\nA,,Co,CN,\nB,"${'x'.repeat(70_000)},Co,CN,\nC,,Co,CN,\n`;
    await expect(readCsv(csv)).rejects.toThrow(/longer than 64 KiB/);
    await expect(readCsv(csv, { chunkSizes: [4096] })).rejects.toThrow(/longer than 64 KiB/);
  });

  it('a large file with a missing required column fails promptly instead of hanging', async () => {
    const csv = `supplier_id,origin_country\n${'A,CN\n'.repeat(100_000)}`;
    await expect(readCsv(csv, { chunkSizes: [65_536] })).rejects.toThrow(
      new SupplierListFormatError('missing required column(s): mineral'),
    );
  });

  it('a large file with binary content after the header fails promptly instead of hanging', async () => {
    const bytes = concat(utf8(`${HEADER}\n${'A,,Co,CN,\n'.repeat(20_000)}`), new Uint8Array([0, 1, 2]));
    await expect(readCsv(bytes, { chunkSizes: [16_384] })).rejects.toThrow(/NUL byte/);
  });
});

describe('streaming callbacks', () => {
  it('reports each rejection as it happens, the same ones it returns', async () => {
    const seen: Rejection[] = [];
    const list = await readCsv(`${HEADER}\nA,,Co,XX,\nB,,Co,CN,\nC,,zz,CN,\n`, { onReject: (r) => seen.push(r) });
    expect(seen).toEqual(list.rejected);
    expect(seen.map((r) => r.row)).toEqual([1, 3]);
  });

  it('reports progress in bytes, at most every 64 KiB, never past the end', async () => {
    const csv = `${HEADER}\n${'A,,Co,CN,\n'.repeat(30_000)}`;
    const total = utf8(csv).length;
    const progress: number[] = [];
    await readCsv(csv, { chunkSizes: [10_000], onProgress: (b) => progress.push(b) });
    expect(progress.length).toBeGreaterThanOrEqual(Math.floor(total / 70_000));
    expect(
      progress.every((b, i) => b <= total && (i === 0 ? b >= 65_536 : b - (progress[i - 1] as number) >= 65_536)),
    ).toBe(true);
  });
});
