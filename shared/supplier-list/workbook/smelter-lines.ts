/**
 * The Smelter List (header row 4, data from row 5; columns by position, never by header text) → exposure lines of
 * the one supplier that sent the workbook, or rejections naming sheet, row and column. Pure: grids in, lines out.
 * The rules are documented in docs/rmi.md ("Mapping").
 */

import { type CellRejection, cellProblem, type Place } from './cell-checks.ts';
import { type Answer, parseAnswer } from './declaration.ts';
import type { SmelterLookup } from './lookup.ts';
import { mapMetal } from './metals.ts';
import { type MineOrigins, originsFromMines } from './mine-list.ts';
import { parseRmiCountry } from './rmi-country.ts';
import type { Grid } from './sheets.ts';
import { SMELTER_LIST, SMELTER_LOOKUP } from './template.ts';

/** The origin a recycled/scrap-fed line declares (the model reads it as a scrap-fed line). */
export const RECYCLED_ORIGIN = 'recycled';

export interface WorkbookLine {
  /** Smelter List row the line comes from. */
  row: number;
  metal: string;
  mineral: string;
  /** ISO alpha-2, `recycled`, or null (unknown: the world mining mix). */
  originCountry: string | null;
  /** ISO alpha-2, or null (unknown: the world processing mix). */
  processingCountry: string | null;
  processor: string | null;
  /** Where each value was read, to name the cell of a later rejection. */
  at: { mineral: Place; origin: Place; processing: Place; processor: Place };
}

export interface MetalTally {
  metal: string;
  mineral: string | null;
  /** Smelter List rows naming the metal. */
  smelters: number;
  lines: number;
  scored: boolean;
  notScored?: string;
}

export type SmelterItem = { line: WorkbookLine } | { rejection: CellRejection };

export interface SmelterListResult {
  /** Lines and rejections in sheet order (Smelter List rows, with Mine List problems at the row that used them). */
  items: SmelterItem[];
  metals: MetalTally[];
  smelterRows: number;
  notScoredRows: number;
  declaredNoRows: number;
  /** Lines identical to an earlier line of the same metal (merged: they add nothing). */
  mergedLines: number;
}

const FIRST_ROW = 5;
/** Columns the reader uses: A CID, B metal, C look-up, D name, E country, N mine, O mine country, P 100% recycled. */
const READ_COLUMNS = ['A', 'B', 'C', 'D', 'E', 'N', 'O', 'P', 'R'] as const;
const INPUT_COLUMNS = 'ABCDEFGHIJKLMNOPQ'.split('');
const NOT_YET_IDENTIFIED = 'smelter not yet identified';
const NOT_LISTED = 'smelter not listed';
/** "recycled"/"scrap" as the templates ask for it, in English and in the Chinese instructions (回收/报废). */
const RECYCLED_WORD = /\b(recycled|recycling|scrap)\b|回收|报废|報廢/i;

const norm = (s: string) => s.trim().toLowerCase().replace(/\s+/g, ' ');

export type { CellRejection, Place } from './cell-checks.ts';

export interface SmelterListInput {
  grid: Grid;
  lookup: SmelterLookup;
  answers: Map<string, { answer: Answer; cell: string }>;
  mines: MineOrigins | undefined;
}

/** A mine-country cell → origins: one country, several (separated), recycled, or a reason for the first bad part. */
export function parseOrigins(raw: string): { ok: true; values: (string | null)[] } | { ok: false; message: string } {
  const s = raw.trim();
  if (s === '') return { ok: true, values: [] };
  const whole = RECYCLED_WORD.test(s) && !/[,;\n、，；]/.test(s) ? null : parseRmiCountry(s);
  if (whole === null) return { ok: true, values: [RECYCLED_ORIGIN] };
  if (whole.ok) return { ok: true, values: [whole.value] };
  const values: (string | null)[] = [];
  for (const group of s.split(/[;\n、，；|]+/)) {
    const g = group.trim();
    if (g === '') continue;
    const asOne = parseRmiCountry(g);
    const parts = asOne.ok ? [g] : g.split(',');
    for (const part of parts) {
      const p = part.trim();
      if (p === '') continue;
      if (RECYCLED_WORD.test(p)) {
        values.push(RECYCLED_ORIGIN);
        continue;
      }
      const c = parseRmiCountry(p);
      if (!c.ok) return { ok: false, message: `mine country: ${c.message}` };
      values.push(c.value);
    }
  }
  return { ok: true, values };
}

export function mapSmelterList(input: SmelterListInput): SmelterListResult {
  const { grid, lookup, answers, mines } = input;
  const items: SmelterItem[] = [];
  const tallies = new Map<string, MetalTally>();
  const seen = new Set<string>();
  let smelterRows = 0;
  let notScoredRows = 0;
  let declaredNoRows = 0;
  let mergedLines = 0;
  const at = (column: string, row: number): Place => ({ sheet: SMELTER_LIST, cell: `${column}${row}` });
  const reject = (row: number, field: string, value: string, message: string, place: Place) =>
    items.push({ rejection: { row, field, value, message, ...place } });

  for (let row = FIRST_ROW; row <= grid.rows; row++) {
    const cell = (column: string) => grid.text(column, row).trim();
    if (INPUT_COLUMNS.every((c) => cell(c) === '')) continue;
    smelterRows++;
    const bad = READ_COLUMNS.map((c) => [c, grid.text(c, row)] as const).find(([, v]) => cellProblem(v) !== null);
    if (bad) {
      reject(row, '(row)', bad[1], cellProblem(bad[1]) as string, at(bad[0], row));
      continue;
    }
    const cid = cell('A');
    const byCid = cid !== '' ? lookup.byCid(cid) : undefined;
    if (cid !== '' && !byCid) {
      reject(row, 'processor', cid, `smelter id '${cid}' is not in the workbook's ${SMELTER_LOOKUP} tab`, at('A', row));
      continue;
    }
    const rawMetal = cell('B') || byCid?.metal || '';
    if (rawMetal === '') {
      reject(row, 'mineral', '', 'metal missing', at('B', row));
      continue;
    }
    const mapping = mapMetal(rawMetal);
    if (!mapping) {
      reject(row, 'mineral', rawMetal, `unknown metal '${rawMetal}'`, at('B', row));
      continue;
    }
    let tally = tallies.get(mapping.metal);
    if (!tally) {
      tally = {
        metal: mapping.metal,
        mineral: mapping.mineral,
        smelters: 0,
        lines: 0,
        scored: mapping.mineral !== null,
      };
      if (mapping.mineral === null) tally.notScored = mapping.notScored;
      tallies.set(mapping.metal, tally);
    }
    tally.smelters++;
    if (mapping.mineral === null) {
      notScoredRows++;
      continue;
    }
    const declared = answers.get(mapping.metal);
    if (declared?.answer === 'No') {
      declaredNoRows++;
      continue;
    }

    const lookupName = cell('C');
    const special = norm(lookupName);
    const unidentified = cid === '' && special === NOT_YET_IDENTIFIED;
    const listed = cid === '' && lookupName !== '' && special !== NOT_YET_IDENTIFIED && special !== NOT_LISTED;
    const entry = byCid ?? (listed ? lookup.byName(rawMetal, lookupName) : undefined);
    if (listed && !entry && cell('E') === '') {
      reject(
        row,
        'processor',
        lookupName,
        `'${lookupName}' is not a ${mapping.metal} smelter of the workbook's ${SMELTER_LOOKUP} tab, and no smelter country is given`,
        at('C', row),
      );
      continue;
    }
    if (special === NOT_LISTED && cell('D') === '') {
      reject(row, 'processor', '', 'smelter name missing (the look-up says the smelter is not listed)', at('D', row));
      continue;
    }

    // Processing country: the row's own column E, else the Look-up's country for the CID or name.
    let processingCountry: string | null = null;
    let processingAt = at('E', row);
    const rawCountry = cell('E') || entry?.country || '';
    if (cell('E') === '' && entry) processingAt = { sheet: SMELTER_LOOKUP, cell: `D${entry.row}` };
    if (rawCountry === '' && !unidentified) {
      reject(row, 'processing_country', '', 'smelter country missing', at('E', row));
      continue;
    }
    if (rawCountry !== '') {
      const c = parseRmiCountry(rawCountry);
      if (!c.ok) {
        reject(row, 'processing_country', rawCountry, `smelter country: ${c.message}`, processingAt);
        continue;
      }
      processingCountry = c.value;
    }

    const processor = unidentified ? null : entry?.standardName || cell('R') || cell('D') || lookupName || null;
    const processorColumn = entry ? (byCid ? 'A' : 'C') : cell('R') ? 'R' : cell('D') ? 'D' : 'C';

    // Origins: P = Yes (100% recycled) → recycled; else column O (and N's "recycled"), plus the Mine List (EMRT 2.x).
    let origins: { value: string | null; at: Place }[] = [];
    if (parseAnswer(cell('P')) === 'Yes') origins = [{ value: RECYCLED_ORIGIN, at: at('P', row) }];
    else {
      const o = parseOrigins(cell('O'));
      if (!o.ok) {
        reject(row, 'origin_country', cell('O'), o.message, at('O', row));
        continue;
      }
      origins = o.values.map((value) => ({ value, at: at('O', row) }));
      if (origins.length === 0 && RECYCLED_WORD.test(cell('N')))
        origins = [{ value: RECYCLED_ORIGIN, at: at('N', row) }];
      if (mines) {
        const names = [processor, lookupName, cell('D'), cell('R')].filter((n): n is string => !!n);
        const fromMines = originsFromMines(mines, mapping.metal, names);
        for (const r of fromMines.rejections) items.push({ rejection: r });
        for (const m of fromMines.origins) origins.push(m);
      }
    }
    if (origins.length === 0) origins = [{ value: null, at: at('O', row) }];

    for (const origin of origins) {
      const key = `${mapping.mineral}|${origin.value ?? ''}|${processingCountry ?? ''}|${processor ?? ''}`;
      if (seen.has(key)) {
        mergedLines++;
        continue;
      }
      seen.add(key);
      tally.lines++;
      items.push({
        line: {
          row,
          metal: mapping.metal,
          mineral: mapping.mineral,
          originCountry: origin.value,
          processingCountry,
          processor,
          at: {
            mineral: at('B', row),
            origin: origin.at,
            processing: processingAt,
            processor: at(processorColumn, row),
          },
        },
      });
    }
  }
  return { items, metals: [...tallies.values()], smelterRows, notScoredRows, declaredNoRows, mergedLines };
}
