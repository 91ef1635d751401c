/**
 * The EMRT 2.x Mine List (header row 4, data from row 5): A metal, B the smelter sourced from the mine, C mine name,
 * F mine country. A smelter's mines give its lines their origin countries; a mine row with a bad country is rejected
 * once, at its own cell, and adds no origin.
 */
import { type CellRejection, cellProblem, type Place } from './cell-checks.ts';
import { mapMetal } from './metals.ts';
import { parseRmiCountry } from './rmi-country.ts';
import type { Grid } from './sheets.ts';
import { MINE_LIST } from './template.ts';

interface Mine {
  row: number;
  country: string;
}

export interface MineOrigins {
  /** metal|smelter name (lower case) → its mines. */
  readonly bySmelter: Map<string, Mine[]>;
  /** Mine rows already rejected, so a mine named by two smelters is reported once. */
  readonly reported: Set<number>;
}

const FIRST_ROW = 5;
const key = (metal: string, smelter: string) => `${metal}|${smelter.trim().toLowerCase().replace(/\s+/g, ' ')}`;

export function readMineList(grid: Grid | undefined): MineOrigins | undefined {
  if (!grid) return undefined;
  const bySmelter = new Map<string, Mine[]>();
  for (let row = FIRST_ROW; row <= grid.rows; row++) {
    const metal = mapMetal(grid.text('A', row))?.metal;
    const smelter = grid.text('B', row).trim();
    const country = grid.text('F', row).trim();
    if (!metal || smelter === '' || country === '') continue;
    const k = key(metal, smelter);
    const list = bySmelter.get(k) ?? [];
    list.push({ row, country });
    bySmelter.set(k, list);
  }
  return { bySmelter, reported: new Set() };
}

/** Origins of a smelter (known by any of `names`) from its mines, and the rejections of its mines' bad countries. */
export function originsFromMines(
  mines: MineOrigins,
  metal: string,
  names: string[],
): { origins: { value: string | null; at: Place }[]; rejections: CellRejection[] } {
  const origins: { value: string | null; at: Place }[] = [];
  const rejections: CellRejection[] = [];
  const used = new Set<number>();
  for (const name of names)
    for (const mine of mines.bySmelter.get(key(metal, name)) ?? []) {
      if (used.has(mine.row)) continue;
      used.add(mine.row);
      const place = { sheet: MINE_LIST, cell: `F${mine.row}` };
      const problem = cellProblem(mine.country);
      const parsed = problem ? null : parseRmiCountry(mine.country);
      if (parsed?.ok) {
        origins.push({ value: parsed.value, at: place });
        continue;
      }
      if (mines.reported.has(mine.row)) continue;
      mines.reported.add(mine.row);
      rejections.push({
        row: mine.row,
        field: 'origin_country',
        value: mine.country,
        message: problem ?? `mine country: ${parsed && !parsed.ok ? parsed.message : ''}`,
        ...place,
      });
    }
  return { origins, rejections };
}
