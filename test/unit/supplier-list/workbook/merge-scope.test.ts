/**
 * A workbook speaks for its template's minerals: merging it into the supplier keeps every other line, keeps none of
 * its minerals' earlier lines, is idempotent, and CMRT/EMRT/AMRT of disjoint scopes merge in any order alike.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Exposure, SupplierInput } from '../../../../shared/model/types.ts';
import { mergeWorkbookSupplier, workbookScope } from '../../../../shared/supplier-list/workbook/merge-scope.ts';
import { supplier } from '../../../helpers/supplier-input.ts';

const MINERALS = ['tin', 'tantalum', 'tungsten', 'cobalt', 'copper', 'graphite', 'lithium', 'nickel', 'manganese'];

const exposure: fc.Arbitrary<Exposure> = fc.record({
  mineral: fc.constantFrom(...MINERALS),
  originCountry: fc.constantFrom(null, 'CD', 'CN', 'AU', 'CL'),
  processingCountry: fc.constantFrom(null, 'CN', 'FI', 'MY'),
  share: fc.constantFrom(null, 0.5, 1),
});

const supplierOf = (exposures: fc.Arbitrary<Exposure[]>): fc.Arbitrary<SupplierInput> =>
  fc.record({
    supplierId: fc.constant('ACME'),
    supplierName: fc.constantFrom(null, 'Acme'),
    supplierCountry: fc.constantFrom(null, 'DE'),
    annualSpendUsd: fc.constantFrom(null, 1_000_000),
    tier: fc.constantFrom(null, 1, 2),
    alternativeSources: fc.constantFrom(0, 2),
    inventoryDays: fc.constantFrom(0, 30),
    exposures,
  });

/** A workbook's supplier: lines of its scope only, and no supplier-level field beyond the id and name. */
const workbookOf = (scope: readonly string[]) =>
  fc
    .array(exposure, { maxLength: 6 })
    .map((es) => es.map((e, i) => ({ ...e, mineral: scope[i % scope.length] as string })))
    .map((exposures) => supplier({ supplierId: 'ACME', supplierName: 'Acme', tier: null, exposures }));

const CMRT = ['tin', 'tantalum', 'tungsten'];
const EMRT = ['cobalt', 'copper', 'graphite', 'lithium', 'nickel'];
const previous = fc.option(supplierOf(fc.array(exposure, { maxLength: 8 })), { nil: null });
const key = (e: Exposure) => JSON.stringify([e.mineral, e.originCountry, e.processingCountry, e.share]);
const lines = (s: SupplierInput) => s.exposures.map(key).sort();

describe('the minerals a workbook speaks for', () => {
  const info = (
    template: 'CMRT' | 'EMRT' | 'AMRT',
    version: string,
    metals: string[] = [],
    declaredNo: string[] = [],
  ) => ({
    template,
    version,
    metals: metals.map((metal) => ({ metal }) as never),
    declaredNo,
  });

  it("are its template and version's metals as mineral ids, gold and mica (not scored) left out", () => {
    expect([...workbookScope(info('CMRT', '6.4'), null)].sort()).toEqual(['tantalum', 'tin', 'tungsten']);
    expect([...workbookScope(info('EMRT', '1.3'), null)]).toEqual(['cobalt']);
    expect([...workbookScope(info('EMRT', '2.0'), null)].sort()).toEqual(EMRT.slice().sort());
  });

  it("an AMRT's are the metals it reports and those answered No; any workbook's own lines count too", () => {
    const amrt = workbookScope(info('AMRT', '1.3', ['manganese', 'silver'], ['zinc']), null);
    expect([...amrt].sort()).toEqual(['manganese', 'silver', 'zinc']);
    const own = workbookScope(info('EMRT', '1.3'), {
      ...({} as SupplierInput),
      exposures: [{ mineral: 'nickel', originCountry: null, processingCountry: null, share: null }],
    });
    expect([...own].sort()).toEqual(['cobalt', 'nickel']);
  });
});

describe('merging a workbook into its supplier', () => {
  it('keeps every earlier line outside the scope, none inside it, and adds all of the workbook', () => {
    fc.assert(
      fc.property(previous, workbookOf(CMRT), (prev, wb) => {
        const scope = new Set(CMRT);
        const merged = mergeWorkbookSupplier(prev, wb, scope);
        const outside = (prev?.exposures ?? []).filter((e) => !scope.has(e.mineral));
        expect(merged.exposures.filter((e) => !scope.has(e.mineral))).toEqual(outside);
        expect(merged.exposures.filter((e) => scope.has(e.mineral))).toEqual(wb.exposures);
      }),
    );
  });

  it('takes the id and name from the workbook and keeps what a workbook does not carry', () => {
    fc.assert(
      fc.property(supplierOf(fc.array(exposure, { maxLength: 4 })), workbookOf(EMRT), (prev, wb) => {
        const merged = mergeWorkbookSupplier(prev, wb, new Set(EMRT));
        expect(merged).toMatchObject({
          supplierId: wb.supplierId,
          supplierName: wb.supplierName,
          supplierCountry: prev.supplierCountry,
          annualSpendUsd: prev.annualSpendUsd,
          tier: prev.tier,
          alternativeSources: prev.alternativeSources,
          inventoryDays: prev.inventoryDays,
        });
      }),
    );
  });

  it('is idempotent: the same workbook twice is the same as once', () => {
    fc.assert(
      fc.property(previous, workbookOf(EMRT), (prev, wb) => {
        const once = mergeWorkbookSupplier(prev, wb, new Set(EMRT));
        expect(mergeWorkbookSupplier(once, wb, new Set(EMRT))).toEqual(once);
      }),
    );
  });

  it('gives the same lines in either order for workbooks of disjoint scopes (CMRT then EMRT = EMRT then CMRT)', () => {
    fc.assert(
      fc.property(previous, workbookOf(CMRT), workbookOf(EMRT), (prev, cmrt, emrt) => {
        const c = new Set(CMRT);
        const e = new Set(EMRT);
        const ce = mergeWorkbookSupplier(mergeWorkbookSupplier(prev, cmrt, c), emrt, e);
        const ec = mergeWorkbookSupplier(mergeWorkbookSupplier(prev, emrt, e), cmrt, c);
        expect(lines(ce)).toEqual(lines(ec));
        expect({ ...ce, exposures: [] }).toEqual({ ...ec, exposures: [] });
      }),
    );
  });
});
