import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { combine } from '../../../bin/commands/combine.ts';
import type { InputOutcome, ReadInput } from '../../../bin/commands/input-outcome.ts';
import type { SupplierInput } from '../../../shared/model/types.ts';
import type { Rejection } from '../../../shared/supplier-list/row.ts';

const supplier = (supplierId: string, mineral: string): SupplierInput => ({
  supplierId,
  supplierName: null,
  supplierCountry: null,
  annualSpendUsd: null,
  tier: 1,
  alternativeSources: 0,
  inventoryDays: 0,
  exposures: [{ mineral, originCountry: 'CN', processingCountry: null, share: 1 }],
});

/** A read file: its suppliers (distinct within the file, as the readers make them), rows balanced. */
const readInput = (name: string, ids: string[], rejected: number): ReadInput => {
  const distinct = [...new Set(ids)];
  const rejections: Rejection[] = Array.from({ length: rejected }, (_, i) => ({
    row: i + 1,
    field: 'mineral',
    value: 'x',
    message: 'bad',
  }));
  return {
    name,
    format: 'csv',
    list: {
      rows: distinct.length + rejected,
      accepted: distinct.length,
      rejectedCount: rejected,
      rejected: rejections,
      suppliers: distinct.map((id, i) => ({ supplier: supplier(id, `m-${name}`), rows: [i + 1] })),
      delimiter: ',',
      ignoredColumns: [],
    },
  };
};

type Spec = { ids: string[]; rejected: number } | { unreadable: true };

const specArb: fc.Arbitrary<Spec> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({ ids: fc.array(fc.constantFrom('A', 'B', 'C', 'D'), { maxLength: 4 }), rejected: fc.nat(3) }),
  },
  { weight: 1, arbitrary: fc.constant({ unreadable: true as const }) },
);

const outcomesOf = (specs: Spec[]): InputOutcome[] =>
  specs.map((spec, i) =>
    'unreadable' in spec
      ? { name: `file-${i}.xlsx`, format: 'xlsx', error: 'not a workbook' }
      : readInput(`file-${i}`, spec.ids, spec.rejected),
  );

describe('many files, one run', () => {
  it('counts every line once, each supplier once, the last file’s lines for a supplier in several', () => {
    fc.assert(
      fc.property(fc.array(specArb, { minLength: 1, maxLength: 6 }).map(outcomesOf), (outcomes) => {
        const run = combine(outcomes, true);
        const read = outcomes.filter((o): o is ReadInput => 'list' in o);
        expect(run.summary.rows).toBe(run.summary.scored + run.summary.rejected);
        expect(run.summary.rows).toBe(read.reduce((n, o) => n + o.list.rows, 0));
        const ids = run.suppliers.map((s) => s.supplierId);
        expect(new Set(ids).size).toBe(ids.length);
        expect(run.summary.suppliers).toBe(ids.length);
        for (const s of run.suppliers) {
          const last = read.filter((o) => o.list.suppliers.some((x) => x.supplier.supplierId === s.supplierId)).at(-1);
          expect(s.exposures[0]?.mineral).toBe(`m-${last?.name}`);
        }
        // Every rejection, named by its file.
        expect(run.rejected).toHaveLength(read.reduce((n, o) => n + o.list.rejected.length, 0));
        for (const r of run.rejected) expect(read.map((o) => o.name)).toContain(r.file);
        for (const r of run.replaced) expect(r.files.length).toBeGreaterThan(1);
      }),
    );
  });

  it('one list alone is reported as read: no file names, its own counts', () => {
    const only = readInput('suppliers.csv', ['A', 'B'], 2);
    const run = combine([only], false);
    expect(run.rejected).toEqual(only.list.rejected);
    expect(run.summary).toEqual({ rows: 4, suppliers: 2, scored: 2, rejected: 2 });
  });

  it('merges a supplier met again in a workbook: each template replaces only its minerals; a CSV still replaces', () => {
    const line = (mineral: string, origin: string) => ({
      mineral,
      originCountry: origin,
      processingCountry: null,
      share: null,
    });
    const workbook = (name: string, template: 'CMRT' | 'EMRT', version: string, lines: string[][]): ReadInput => {
      const base = readInput(name, ['ACME'], 0);
      const [s] = base.list.suppliers;
      const exposures = lines.map(([m, o]) => line(m as string, o as string));
      return {
        ...base,
        format: 'xlsx',
        list: {
          ...base.list,
          suppliers: [{ supplier: { ...(s?.supplier as SupplierInput), tier: null, exposures }, rows: [1] }],
          workbook: { template, version, metals: [], declaredNo: [] } as never,
        },
      };
    };
    const cmrt = workbook('a-cmrt.xlsx', 'CMRT', '6.5', [
      ['tin', 'ID'],
      ['tantalum', 'CD'],
    ]);
    const emrt = workbook('b-emrt.xlsx', 'EMRT', '2.1', [
      ['cobalt', 'CD'],
      ['lithium', 'AU'],
    ]);
    const cmrtAgain = workbook('c-cmrt.xlsx', 'CMRT', '6.5', [['tungsten', 'CN']]);
    const csv = readInput('d.csv', ['ACME'], 0);

    const run = combine([cmrt, emrt, cmrtAgain], true);
    expect(run.suppliers).toHaveLength(1);
    expect(run.suppliers[0]?.exposures.map((e) => e.mineral).sort()).toEqual(['cobalt', 'lithium', 'tungsten']);
    expect(run.replaced).toEqual([
      { supplierId: 'ACME', files: ['a-cmrt.xlsx', 'b-emrt.xlsx', 'c-cmrt.xlsx'], merged: true },
    ]);
    // Either order of two templates gives the same lines.
    const other = combine([emrt, cmrt], true)
      .suppliers[0]?.exposures.map((e) => e.mineral)
      .sort();
    expect(other).toEqual(
      combine([cmrt, emrt], true)
        .suppliers[0]?.exposures.map((e) => e.mineral)
        .sort(),
    );

    const replaced = combine([cmrt, emrt, csv], true);
    expect(replaced.suppliers[0]?.exposures.map((e) => e.mineral)).toEqual(['m-d.csv']);
    expect(replaced.replaced[0]?.merged).toBe(false);
  });
});
