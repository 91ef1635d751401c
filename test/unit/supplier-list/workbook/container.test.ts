import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SupplierListFormatError } from '../../../../shared/supplier-list/errors.ts';
import {
  MAX_COMPRESSION_RATIO,
  MAX_ENTRY_BYTES,
  MAX_SHEET_COLUMNS,
  MAX_SHEET_ROWS,
  MAX_WORKBOOK_BYTES,
  MAX_ZIP_ENTRIES,
} from '../../../../shared/supplier-list/workbook/limits.ts';
import {
  looksLikeWorkbook,
  readWorkbook,
  WorkbookFormatError,
  WorkbookTooLargeError,
} from '../../../../shared/supplier-list/workbook/read-workbook.ts';
import { buildWorkbook } from '../../../helpers/rmi-fixtures.ts';
import { craftZip, workbookParts, zerosBomb } from '../../../helpers/rmi-zip.ts';

const MIB = 1024 * 1024;

/** Run `read`, expecting `kind` of error; returns it with the time taken and the memory it grew by. */
async function refused(read: () => Promise<unknown>, kind: typeof WorkbookFormatError = WorkbookTooLargeError) {
  const before = process.memoryUsage();
  const started = performance.now();
  const err = await read().then(
    () => undefined,
    (e: unknown) => e,
  );
  const ms = performance.now() - started;
  const after = process.memoryUsage();
  expect(err).toBeInstanceOf(kind);
  expect(err).toBeInstanceOf(SupplierListFormatError);
  return {
    err: err as WorkbookTooLargeError,
    ms,
    grewMiB: (after.heapUsed + after.arrayBuffers - before.heapUsed - before.arrayBuffers) / MIB,
  };
}

/** A workbook's parts stored, with one part replaced by raw deflate data declaring `declaredSize`. */
async function workbookWith(part: string, data: Uint8Array, declaredSize: number): Promise<Uint8Array> {
  const parts = workbookParts(await buildWorkbook({ template: 'CMRT', company: 'Bomb Co' }));
  return craftZip(
    Object.entries(parts).map(([name, bytes]) =>
      name === part ? { name, data, method: 8 as const, declaredSize } : { name, data: bytes },
    ),
  );
}

describe('the zip container guard', () => {
  it('refuses a 1 GiB-of-zeros part that declares its size, before expanding anything', async () => {
    const bomb = zerosBomb(1024);
    const zip = craftZip([
      { name: '[Content_Types].xml', data: new TextEncoder().encode('<Types/>') },
      { name: 'xl/workbook.xml', data: bomb, method: 8, declaredSize: 1024 * MIB },
    ]);
    const { err, ms, grewMiB } = await refused(() => readWorkbook(zip, { supplierId: 'S1' }));
    expect(err.message).toMatch(/xl\/workbook\.xml.*(zip bomb)/);
    expect(ms).toBeLessThan(2_000);
    expect(grewMiB).toBeLessThan(64);
  });

  it('refuses a part whose header lies about its size, stopping at the declared size', async () => {
    // 1 GiB of zeros declaring 8 MiB: within the part and ratio limits, so only the capped expansion catches it.
    const declared = 8 * MIB;
    const bomb = zerosBomb(1024);
    expect(declared / bomb.length).toBeLessThan(MAX_COMPRESSION_RATIO);
    const zip = await workbookWith('xl/worksheets/sheet5.xml', bomb, declared);
    const { err, ms, grewMiB } = await refused(() => readWorkbook(zip));
    expect(err.message).toMatch(/sheet5\.xml.*expands past the 8388608 bytes its header declares/);
    expect(ms).toBeLessThan(5_000);
    expect(grewMiB).toBeLessThan(256);
  });

  it('refuses a compression ratio beyond the limit', async () => {
    const bomb = zerosBomb(16);
    const zip = await workbookWith('xl/worksheets/sheet5.xml', bomb, 16 * MIB);
    const { err } = await refused(() => readWorkbook(zip));
    expect(err.message).toMatch(new RegExp(`expands \\d+ times, more than the ${MAX_COMPRESSION_RATIO} allowed`));
  });

  it('refuses a part declaring more than the part limit, and too many parts', async () => {
    const big = craftZip([
      { name: 'xl/workbook.xml', data: new Uint8Array(10), method: 8, declaredSize: MAX_ENTRY_BYTES + 1 },
    ]);
    expect((await refused(() => readWorkbook(big))).err.message).toMatch(/more than the 64 MiB one part may/);
    const many = craftZip(
      Array.from({ length: MAX_ZIP_ENTRIES + 1 }, (_, i) => ({ name: `p${i}.xml`, data: new Uint8Array(1) })),
    );
    expect((await refused(() => readWorkbook(many))).err.message).toMatch(/2001 parts/);
  });

  it('refuses an encrypted part, an unusual compression method, a name outside the archive, a repeated name', async () => {
    const one = (e: Partial<Parameters<typeof craftZip>[0][number]>) =>
      craftZip([{ name: 'xl/workbook.xml', data: new Uint8Array(4), ...e }]);
    const cases: [Uint8Array, RegExp][] = [
      [one({ flags: 1 }), /encrypted/],
      [one({ method: 12 as 0 }), /compression method 12/],
      [one({ name: '../evil.xml' }), /outside the archive/],
      [
        craftZip([
          { name: 'a.xml', data: new Uint8Array(1) },
          { name: 'a.xml', data: new Uint8Array(1) },
        ]),
        /appears twice/,
      ],
    ];
    for (const [zip, message] of cases) {
      const { err } = await refused(() => readWorkbook(zip), WorkbookFormatError);
      expect(err).not.toBeInstanceOf(WorkbookTooLargeError);
      expect(err.message).toMatch(message);
      expect(looksLikeWorkbook(zip)).toBe(true);
    }
  });

  it('refuses a file larger than the workbook limit without reading it', async () => {
    const huge = new Uint8Array(MAX_WORKBOOK_BYTES + 1);
    huge.set([0x50, 0x4b, 0x03, 0x04]);
    const { err, ms } = await refused(() => readWorkbook(huge));
    expect(err.message).toMatch(/more than the 25 MiB/);
    expect(looksLikeWorkbook(huge)).toBe(true);
    expect(ms).toBeLessThan(1_000);
  });

  it('refuses a sheet with rows or columns past the caps, naming the sheet', async () => {
    const rows = await buildWorkbook({
      template: 'CMRT',
      company: 'Wide Co',
      edits: [{ sheet: 'Smelter List', cell: `A${MAX_SHEET_ROWS + 1}`, value: 'x' }],
    });
    const r = await refused(() => readWorkbook(rows));
    expect(r.err).toMatchObject({ sheet: 'Smelter List' });
    expect(r.err.message).toMatch(/^Smelter List: the sheet has rows past row 20000/);
    const columns = await buildWorkbook({
      template: 'CMRT',
      company: 'Wide Co',
      edits: [{ sheet: 'Smelter List', cell: 'XFD5', value: 'x' }],
    });
    const c = await refused(() => readWorkbook(columns));
    expect(c.err.message).toMatch(new RegExp(`cells past column ${MAX_SHEET_COLUMNS}`));
  });
});

describe('what is a workbook', () => {
  it('looksLikeWorkbook: an .xlsx yes; a CSV, an empty zip, a zip without xl/workbook.xml no', async () => {
    expect(looksLikeWorkbook(await buildWorkbook({ template: 'EMRT', company: 'X' }))).toBe(true);
    expect(looksLikeWorkbook(new TextEncoder().encode('supplier_id,mineral\nS1,cobalt\n'))).toBe(false);
    expect(looksLikeWorkbook(craftZip([]))).toBe(false);
    expect(looksLikeWorkbook(craftZip([{ name: 'word/document.xml', data: new Uint8Array(1) }]))).toBe(false);
  });

  it('a file that is not a workbook is a WorkbookFormatError, not a crash', async () => {
    for (const bytes of [
      new TextEncoder().encode('supplier_id,mineral\n'),
      craftZip([{ name: '[Content_Types].xml', data: new Uint8Array(1) }]),
    ]) {
      const err = await readWorkbook(bytes).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(WorkbookFormatError);
    }
  });

  it('an .xlsm is read as data: its VBA project is never expanded nor run', async () => {
    const list = await readWorkbook(await buildWorkbook({ template: 'CMRT', company: 'Macro Co', macros: true }));
    expect(list.workbook.hasMacros).toBe(true);
    expect(list.workbook.template).toBe('CMRT');
  });
});

describe('damaged files', () => {
  it('a truncated or corrupted workbook is read or refused as a format error, never a crash', async () => {
    const bytes = await buildWorkbook({
      template: 'EMRT',
      company: 'Fuzz Co',
      smelters: [{ metal: 'Cobalt', lookup: 'Smelter not yet identified' }],
    });
    const damage = fc.oneof(
      fc.record({ cut: fc.integer({ min: 0, max: bytes.length - 1 }) }),
      fc.record({
        flips: fc.array(fc.tuple(fc.integer({ min: 0, max: bytes.length - 1 }), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 8,
        }),
      }),
    );
    await fc.assert(
      fc.asyncProperty(damage, async (d) => {
        const damaged = 'cut' in d ? bytes.slice(0, d.cut) : bytes.slice();
        if ('flips' in d) for (const [at, value] of d.flips) damaged[at] = value;
        const outcome = await readWorkbook(damaged).then(
          (list) => list,
          (e: unknown) => e,
        );
        if (outcome instanceof Error) expect(outcome).toBeInstanceOf(WorkbookFormatError);
        else expect(outcome).toHaveProperty('workbook');
      }),
      { numRuns: 25 },
    );
  }, 120_000);
});
