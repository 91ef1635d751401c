/**
 * The workbook's own Smelter Look-up tab (header row 4, data from row 5): A metal, B look-up name (alias),
 * C standard smelter name, D country (upper-case English), E smelter id (CID). Every uploaded workbook carries this
 * CID → country table, so a row giving only a CID or a look-up name still has a country.
 */
import type { Grid } from './sheets.ts';

export interface LookupEntry {
  metal: string;
  standardName: string;
  country: string;
  cid: string;
  /** The Look-up row, to name the cell a bad country came from. */
  row: number;
}

export interface SmelterLookup {
  byCid(cid: string): LookupEntry | undefined;
  byName(metal: string, name: string): LookupEntry | undefined;
}

const FIRST_ROW = 5;
const key = (s: string) => s.trim().toLowerCase().replace(/\s+/g, ' ');

export function readLookup(grid: Grid | undefined): SmelterLookup {
  const cids = new Map<string, LookupEntry>();
  const names = new Map<string, LookupEntry>();
  if (grid)
    for (let row = FIRST_ROW; row <= grid.rows; row++) {
      const cid = grid.text('E', row).trim().toUpperCase();
      const entry: LookupEntry = {
        metal: grid.text('A', row).trim(),
        standardName: grid.text('C', row).trim(),
        country: grid.text('D', row).trim(),
        cid,
        row,
      };
      if (entry.metal === '') continue;
      if (cid !== '' && !cids.has(cid)) cids.set(cid, entry);
      for (const name of [grid.text('B', row), entry.standardName]) {
        const k = `${key(entry.metal)}|${key(name)}`;
        if (name.trim() !== '' && !names.has(k)) names.set(k, entry);
      }
    }
  return {
    byCid: (cid) => cids.get(cid.trim().toUpperCase()),
    byName: (metal, name) => names.get(`${key(metal)}|${key(name)}`),
  };
}
