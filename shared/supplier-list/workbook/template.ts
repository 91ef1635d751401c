/**
 * Which RMI template and version a workbook is, from text that does not change with the Declaration's language: the
 * acronym in the title (Declaration D2, "(CMRT)"), the "Revision 6.5" stamp in the sheet headers, and the Revision
 * tab's history. Which versions the reader supports, and why others are refused, is decided here.
 */
import { WorkbookFormatError } from './errors.ts';
import type { Grid } from './sheets.ts';

export type Template = 'CMRT' | 'EMRT' | 'AMRT';

export const DECLARATION = 'Declaration';
export const SMELTER_LIST = 'Smelter List';
export const SMELTER_LOOKUP = 'Smelter Look-up';
export const MINE_LIST = 'Mine List';
export const REVISION = 'Revision';

/** Supported versions, as [lowest, below]: CMRT 6.x, EMRT 1.x and 2.x, AMRT from 1.2 (the versions the RMI lists). */
const SUPPORTED: Record<Template, { from: number[]; below: number[]; text: string }> = {
  CMRT: { from: [6, 0], below: [7, 0], text: 'CMRT 6.x (6.01 to 6.6)' },
  EMRT: { from: [1, 0], below: [3, 0], text: 'EMRT 1.x and 2.x (1.0 to 2.11)' },
  AMRT: { from: [1, 20], below: [2, 0], text: 'AMRT 1.2 to 1.3x' },
};

const TITLES: [RegExp, Template][] = [
  [/[(（]\s*CMRT\s*[)）]|Conflict Minerals Reporting Template/i, 'CMRT'],
  [/[(（]\s*EMRT\s*[)）]|Extended Minerals? Reporting Template/i, 'EMRT'],
  [/[(（]\s*AMRT\s*[)）]|Additional Minerals Reporting Template/i, 'AMRT'],
];

const REVISION_STAMP = /Revision\s+(\d+(?:\.\d+)*)/i;

export interface Detected {
  template: Template;
  version: string;
  /** Where the version was read (sheet and cell), for messages. */
  versionAt: { sheet: string; cell: string };
  declaration: Grid;
  smelters: Grid;
}

/** '6.01' → [6, 1]; '6.1' → [6, 10]: the digits after the point are hundredths, as the RMI numbers its versions. */
function versionKey(version: string): number[] {
  const [major, minor = '0'] = version.split('.');
  return [Number(major), Number(minor.padEnd(2, '0').slice(0, 2))];
}

const compare = (a: number[], b: number[]) =>
  (a[0] as number) - (b[0] as number) || (a[1] as number) - (b[1] as number);

function templateOf(declaration: Grid | undefined, revision: Grid | undefined): Template | undefined {
  const candidates = [declaration?.text('D', 2), declaration?.text('B', 2), revision?.text('B', 3)];
  for (const text of candidates) for (const [re, t] of TITLES) if (text && re.test(text)) return t;
  return undefined;
}

/** The "Revision x.y" stamp in the first rows of the Declaration and Smelter List headers, with its cell. */
function stampedVersion(grids: (Grid | undefined)[]): (Detected['versionAt'] & { version: string }) | undefined {
  for (const g of grids) {
    if (!g) continue;
    for (let row = 1; row <= 4; row++)
      for (let c = 0; c < 26; c++) {
        const column = String.fromCharCode(65 + c);
        const m = REVISION_STAMP.exec(g.text(column, row));
        if (m) return { sheet: g.sheet, cell: `${column}${row}`, version: m[1] as string };
      }
  }
  return undefined;
}

/** The Revision tab's latest entry (column B, the last number-like cell). */
function revisionTabVersion(revision: Grid | undefined): (Detected['versionAt'] & { version: string }) | undefined {
  if (!revision) return undefined;
  for (let row = revision.rows; row >= 1; row--) {
    const v = revision.text('B', row).trim();
    if (/^\d+(\.\d+)?[a-z]?$/.test(v)) return { sheet: revision.sheet, cell: `B${row}`, version: v };
  }
  return undefined;
}

/** Detect the template and version; throws WorkbookFormatError (with the cell) for an unknown or unsupported one. */
export function detectTemplate(sheets: Map<string, Grid>): Detected {
  const declaration = sheets.get(DECLARATION);
  const smelters = sheets.get(SMELTER_LIST);
  const revision = sheets.get(REVISION);
  if (!declaration || !smelters)
    throw new WorkbookFormatError(
      `not an RMI reporting template (CMRT, EMRT, AMRT): the workbook has no '${declaration ? SMELTER_LIST : DECLARATION}' tab`,
    );
  const template = templateOf(declaration, revision);
  if (!template)
    throw new WorkbookFormatError('not an RMI reporting template: the title names no CMRT, EMRT or AMRT', {
      sheet: DECLARATION,
      cell: 'D2',
    });
  const found = stampedVersion([declaration, smelters]) ?? revisionTabVersion(revision);
  if (!found)
    throw new WorkbookFormatError(`the ${template} version cannot be found: no "Revision x.y" in the sheet headers`, {
      sheet: DECLARATION,
    });
  const version = found.version.replace(/[a-z]$/, '');
  const key = versionKey(version);
  const supported = SUPPORTED[template];
  if (compare(key, supported.from) < 0 || compare(key, supported.below) >= 0)
    throw new WorkbookFormatError(
      `${template} ${version} is not supported: ask the supplier for the current template; this reader reads ${supported.text}`,
      { sheet: found.sheet, cell: found.cell },
    );
  return { template, version, versionAt: { sheet: found.sheet, cell: found.cell }, declaration, smelters };
}
