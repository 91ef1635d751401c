import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readWorkbook, WorkbookFormatError } from '../../../../shared/supplier-list/workbook/read-workbook.ts';
import { buildWorkbook, type TemplateName, templateLanguages } from '../../../helpers/rmi-fixtures.ts';

/** The versions in use (the brief's reference/rmi/README.md) the reader supports. */
const SUPPORTED: Record<TemplateName, string[]> = {
  CMRT: ['6.01', '6.1', '6.22', '6.31', '6.4', '6.5', '6.6'],
  EMRT: ['1.1', '1.2', '1.3', '2.0', '2.1', '2.11'],
  AMRT: ['1.2', '1.3', '1.31'],
};
const REFUSED: Record<TemplateName, string[]> = {
  CMRT: ['5.12', '4.2', '7.0'],
  EMRT: ['3.0'],
  AMRT: ['1.1', '2.0'],
};

const cmrtLanguages = await templateLanguages('CMRT');
const emrtLanguages = await templateLanguages('EMRT');

describe('template, version and language detection', () => {
  it('the saved blank templates offer English and Chinese (and more) in their translation sheet', () => {
    for (const langs of [cmrtLanguages, emrtLanguages]) {
      expect(langs).toContain('English');
      expect(langs).toContain('中文 Chinese');
    }
  });

  it('detects every supported template × version × language, with or without header stamps', async () => {
    const cases = fc.oneof(
      ...(Object.keys(SUPPORTED) as TemplateName[]).map((template) =>
        fc.record({
          template: fc.constant(template),
          version: fc.constantFrom(...SUPPORTED[template]),
          language: fc.constantFrom(...(template === 'EMRT' ? emrtLanguages : cmrtLanguages)),
          stamp: fc.boolean(),
          company: fc.string({ minLength: 1, maxLength: 30 }).filter((s) => /^[\p{L}\p{N}][\p{L}\p{N} .&-]*$/u.test(s)),
        }),
      ),
    );
    await fc.assert(
      fc.asyncProperty(cases, async (spec) => {
        const list = await readWorkbook(await buildWorkbook(spec));
        expect(list.workbook).toMatchObject({
          template: spec.template,
          version: spec.version,
          language: spec.language,
          company: spec.company.trim(),
          supplierId: spec.company.trim().replace(/\s+/g, ' '),
        });
        expect(list.rows).toBe(0);
      }),
      { numRuns: 12 },
    );
  }, 180_000);

  it.each((Object.keys(REFUSED) as TemplateName[]).flatMap((t) => REFUSED[t].map((v) => [t, v] as const)))(
    '%s %s is refused at the cell holding the version, naming the versions read',
    async (template, version) => {
      const err = await readWorkbook(await buildWorkbook({ template, version, company: 'Old Co' })).catch(
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(WorkbookFormatError);
      const e = err as WorkbookFormatError;
      expect(e.sheet).toBe('Declaration');
      expect(e.cell).toBe('J3');
      expect(e.message).toMatch(
        new RegExp(`^Declaration!J3: ${template} ${version.replace('.', '\\.')} is not supported`),
      );
      expect(e.message).toMatch(new RegExp(`reads ${template} `));
    },
    30_000,
  );

  it('without header stamps, the Revision tab gives the version, and a refusal names its cell', async () => {
    const err = await readWorkbook(
      await buildWorkbook({ template: 'CMRT', version: '5.12', stamp: false, company: 'X' }),
    )
      .then(() => undefined)
      .catch((e: unknown) => e as WorkbookFormatError);
    expect(err?.sheet).toBe('Revision');
    expect(err?.cell).toMatch(/^B\d+$/);
  });

  it('a workbook whose titles (Declaration D2, Revision B3) name no RMI template is refused at Declaration!D2', async () => {
    const bytes = await buildWorkbook({
      template: 'CMRT',
      company: 'X',
      edits: [
        { sheet: 'Declaration', cell: 'D2', value: { cached: 'Some Other Template' } },
        { sheet: 'Revision', cell: 'B3', value: 'Some Other Template' },
      ],
    });
    const err = await readWorkbook(bytes).catch((e: unknown) => e as WorkbookFormatError);
    expect(err).toMatchObject({ sheet: 'Declaration', cell: 'D2' });
  });
});

describe('the supplier a workbook is for', () => {
  it('is the company in D8, or the supplier id given, which wins', async () => {
    const bytes = await buildWorkbook({ template: 'EMRT', company: '  Cobaltia GmbH ' });
    expect((await readWorkbook(bytes)).workbook.supplierId).toBe('Cobaltia GmbH');
    const given = await readWorkbook(bytes, { supplierId: 'SUP-42' });
    expect(given.workbook).toMatchObject({ supplierId: 'SUP-42', company: 'Cobaltia GmbH' });
  });

  it("a company name becomes an id with '/' written '-'; the name stays as written", async () => {
    const list = await readWorkbook(await buildWorkbook({ template: 'CMRT', company: 'Acme Co./Ltd' }));
    expect(list.workbook).toMatchObject({ supplierId: 'Acme Co.-Ltd', company: 'Acme Co./Ltd' });
  });

  it('no company and no id, or a company name too long for an id, is refused at Declaration!D8', async () => {
    for (const company of [null, 'Acme '.repeat(30)]) {
      const err = await readWorkbook(await buildWorkbook({ template: 'CMRT', company })).catch(
        (e: unknown) => e as WorkbookFormatError,
      );
      expect(err).toBeInstanceOf(WorkbookFormatError);
      expect(err).toMatchObject({ sheet: 'Declaration', cell: 'D8' });
    }
  });
});
