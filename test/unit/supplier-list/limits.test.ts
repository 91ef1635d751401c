/** The limits a supplier list applies: lines per supplier as the API, stored rejections capped, rows bounded. */
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { MAX_EXPOSURES_PER_SUPPLIER } from '../../../shared/model/limits.ts';
import { SupplierListFormatError } from '../../../shared/supplier-list/errors.ts';
import { MAX_REJECTED_VALUE, readSupplierList } from '../../../shared/supplier-list/read.ts';

const MINERALS = [
  'cobalt',
  'lithium',
  'nickel',
  'graphite',
  'gallium',
  'tungsten',
  'germanium',
  'antimony',
  'tin',
  'manganese',
];
const COUNTRIES = [
  'CN',
  'AU',
  'CL',
  'ID',
  'US',
  'CA',
  'BR',
  'ZA',
  'JP',
  'MM',
  'PE',
  'AR',
  'MX',
  'IN',
  'KR',
  'DE',
  'FR',
  'PH',
  'VN',
  'TH',
];

/** `n` distinct lines of one supplier: mineral × origin × processing. */
function linesOf(id: string, n: number): string[] {
  const out: string[] = [];
  for (const m of MINERALS)
    for (const o of COUNTRIES)
      for (const p of COUNTRIES) {
        if (out.length === n) return out;
        out.push(`${id},${m},${o},${p}`);
      }
  return out;
}

const csv = (rows: string[]) => `supplier_id,mineral,origin_country,processing_country\n${rows.join('\n')}\n`;

describe('lines per supplier', () => {
  it(`rows beyond ${MAX_EXPOSURES_PER_SUPPLIER} of one supplier are rejected with their row numbers, wherever they are`, async () => {
    const big = linesOf('BIG', MAX_EXPOSURES_PER_SUPPLIER + 25);
    // Other suppliers' rows interleaved: the limit counts the supplier's own lines, not positions.
    const rows = big.flatMap((r, i) => (i % 100 === 0 ? [r, `S-${i},cobalt,CN,CN`] : [r]));
    const list = await readSupplierList(Readable.from([csv(rows)]));
    const bigRows = rows.flatMap((r, i) => (r.startsWith('BIG,') ? [i + 1] : []));
    expect(list.rejected.map((r) => r.row)).toEqual(bigRows.slice(MAX_EXPOSURES_PER_SUPPLIER));
    expect(list.rejected[0]?.message).toMatch(/already has 500 lines \(the first on row 1\)/);
    const stored = list.suppliers.find((s) => s.supplier.supplierId === 'BIG');
    expect(stored?.supplier.exposures).toHaveLength(MAX_EXPOSURES_PER_SUPPLIER);
    expect(list.rows).toBe(list.accepted + list.rejectedCount);
  });
});

describe('a file of bad rows', () => {
  it('keeps the first keepRejections, counts them all, and cuts long values', async () => {
    const long = 'x'.repeat(5000);
    const rows = Array.from({ length: 300 }, (_, i) => `S-${i},${i === 0 ? long : 'unobtainium'},CN,CN`);
    const seen: number[] = [];
    const list = await readSupplierList(Readable.from([csv(rows)]), {
      keepRejections: 50,
      onReject: (r) => seen.push(r.row),
    });
    expect(list.rejectedCount).toBe(300);
    expect(list.rejected).toHaveLength(50);
    expect(list.rejected.map((r) => r.row)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(seen).toHaveLength(300);
    expect(list.rejected[0]?.value.length).toBeLessThan(MAX_REJECTED_VALUE + 40);
    expect(list.rejected[0]?.value).toMatch(/… \(5000 characters\)$/);
    expect(list.rows).toBe(list.accepted + list.rejectedCount);
  });

  it('past maxRows the whole file fails, saying how to split it', async () => {
    const rows = Array.from({ length: 101 }, (_, i) => `S-${i},cobalt,CN,CN`);
    await expect(readSupplierList(Readable.from([csv(rows)]), { maxRows: 100 })).rejects.toThrow(
      SupplierListFormatError,
    );
    await expect(readSupplierList(Readable.from([csv(rows)]), { maxRows: 100 })).rejects.toThrow(
      /more than 100 rows.*split/,
    );
    expect((await readSupplierList(Readable.from([csv(rows.slice(0, 100))]), { maxRows: 100 })).rows).toBe(100);
  });
});

describe('names and ids', () => {
  it('a name or id the text rules refuse is a row rejection naming the field; the other rows stand', async () => {
    const list = await readSupplierList(
      Readable.from([
        'supplier_id,supplier_name,mineral,origin_country\nS-1,Nord\uffffmag,cobalt,CN\nS\u202e2,Fine,cobalt,CN\nS-3,Société,cobalt,CN\nS-4,Bad \ufffd,cobalt,CN\n',
      ]),
    );
    expect(list.rejected.map((r) => [r.row, r.field])).toEqual([
      [1, 'supplier_name'],
      [2, 'supplier_id'],
      [4, 'supplier_name'],
    ]);
    expect(list.suppliers.map((s) => s.supplier.supplierName)).toEqual(['Société']);
  });
});
