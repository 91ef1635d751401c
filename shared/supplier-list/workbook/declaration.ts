/**
 * What the Declaration tab says: the language chosen (D3), the company (D8) and each metal's answer to question 1
 * ("is the metal intentionally added or used?"). A metal answered "No" carries no exposure. Answers are read in every
 * template language (the words come from the templates' own translation sheet, L).
 */

import { mapMetal } from './metals.ts';
import type { Grid } from './sheets.ts';
import type { Template } from './template.ts';

export type Answer = 'Yes' | 'No' | 'Unknown';

export interface Declaration {
  language: string | null;
  company: string | null;
  /** RMI metal key → the answer to question 1 and its cell; absent = not answered. */
  answers: Map<string, { answer: Answer; cell: string }>;
}

const NO = new Set(['no', '否', 'いいえ', '아니오', '아니요', 'non', 'não', 'nein', 'hayır']);
const YES = new Set(['yes', '是', 'はい', '예', 'oui', 'sim', 'ja', 'si', 'sì', 'evet']);
const UNKNOWN = new Set([
  'unknown',
  '未知',
  '不明',
  '파악되지 않음',
  'inconnu',
  'desconhecido',
  'nicht bekannt',
  'desconocido',
  'ignoto',
  'bilinmiyor',
]);

export function parseAnswer(raw: string): Answer | null {
  const k = raw.trim().toLowerCase();
  if (NO.has(k)) return 'No';
  if (YES.has(k)) return 'Yes';
  if (UNKNOWN.has(k)) return 'Unknown';
  return null;
}

/** CMRT question 1 lists its metals in this fixed order, with labels in the chosen language. */
const CMRT_ORDER = ['tantalum', 'tin', 'gold', 'tungsten'];

/** Question 1's row: the first cell of column B (rows 20–60) numbered "1)", in any language. */
function questionOneRow(grid: Grid): number | undefined {
  for (let row = 20; row <= Math.min(60, grid.rows); row++) if (/^\s*1\s*[)）.]/.test(grid.text('B', row))) return row;
  return undefined;
}

export function readDeclaration(grid: Grid, template: Template): Declaration {
  const language = grid.text('D', 3).trim() || null;
  const company = grid.text('D', 8).trim() || null;
  const answers = new Map<string, { answer: Answer; cell: string }>();
  const q1 = questionOneRow(grid);
  if (q1 !== undefined)
    for (let i = 0; i < 12; i++) {
      const row = q1 + 1 + i;
      const label = grid.text('B', row).trim();
      if (label === '' || /^\s*2\s*[)）.]/.test(label)) break;
      const metal = template === 'CMRT' ? CMRT_ORDER[i] : mapMetal(label)?.metal;
      if (!metal) continue;
      const answer = parseAnswer(grid.text('D', row));
      if (answer) answers.set(metal, { answer, cell: `D${row}` });
    }
  return { language, company, answers };
}
