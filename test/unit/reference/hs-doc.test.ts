/** docs/hs-codes.md is in step with the HS mapping: one row per entry, with the data's codes, minerals and source. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HS_DOC_FILE, hsDocCells } from '../../../bin/hs-codes-doc.ts';
import { hsMapping } from '../../../shared/reference/hs-codes.ts';

describe('docs/hs-codes.md', () => {
  it('has a row for every entry, as the data says (regenerate: npx tsx bin/hs-codes-doc.ts)', () => {
    const rows = new Map(
      readFileSync(HS_DOC_FILE, 'utf8')
        .split('\n')
        .filter((l) => l.startsWith('| `'))
        .map((l) => {
          const cells = l
            .slice(1, -1)
            .split('|')
            .map((c) => c.trim());
          return [cells[0], cells] as const;
        }),
    );
    expect(rows.size).toBe(hsMapping.length);
    for (const e of hsMapping) expect(rows.get(`\`${e.id}\``), e.id).toEqual(hsDocCells(e));
  });
});
