/**
 * events/suppliers/purchase-ledger.csv, a purchase ledger (supplier, HS code or product category, spend), scores through
 * the CLI's reading path and shows in the portfolio: its spend weights the minerals its codes carry.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { portfolioExposure } from '../../../shared/model/portfolio.ts';
import { cliScore } from '../../helpers/pipeline.ts';

const LEDGER = fileURLToPath(new URL('../../../events/suppliers/purchase-ledger.csv', import.meta.url));

describe('events/suppliers/purchase-ledger.csv', () => {
  it('scores every row through the CLI, each line saying which code put it there', async () => {
    const out = await cliScore(LEDGER, { asOf: '2026-12-03' });
    expect(out.rejected).toEqual([]);
    expect(out.summary).toMatchObject({ rows: 13, scored: 13, rejected: 0, suppliers: 10 });
    for (const s of out.results) {
      for (const m of s.minerals)
        for (const l of m.lines) if (l.share > 0 && l.originCountry !== 'WORLD') expect(l.inferredFrom).toBeDefined();
      expect(s.drivers[0]?.text).toMatch(/^(recycled feed: .*)?inferred from (HS \d{4}(\.\d{2})?|product category)/);
    }
    const magnets = out.results.find((s) => s.supplierId === 'PL-001');
    expect(magnets?.minerals.map((m) => m.mineral)).toEqual(
      expect.arrayContaining(['neodymium', 'praseodymium', 'dysprosium', 'terbium', 'copper']),
    );
    // Copper scrap (HS 7404) is recycled feed.
    const scrap = out.results.find((s) => s.supplierId === 'PL-006');
    expect(scrap?.minerals[0]?.lines[0]?.originCountry).toBe('RECYCLED');
  });

  it('shows in the portfolio: all its spend allocated, over the minerals and origins its codes carry', async () => {
    const out = await cliScore(LEDGER, { asOf: '2026-12-03' });
    const spend = out.results.reduce((n, s) => n + (s.annualSpendUsd ?? 0), 0);
    expect(spend).toBe(40_450_000);
    const byMineral = portfolioExposure(out.results, ['mineral']);
    expect(byMineral.totals).toMatchObject({ suppliers: 10, spendUsd: spend, unallocatedSpendUsd: 0 });
    expect(byMineral.groups.reduce((n, g) => n + g.spendUsd, 0)).toBeCloseTo(spend, 0);
    // Lithium-ion cells (PL-002) and the electric cars (PL-009) both carry lithium; only they do.
    expect(byMineral.groups.find((g) => g.key.mineral === 'lithium')?.suppliers).toBe(2);
    const byCountry = portfolioExposure(out.results, ['country']);
    const countries = byCountry.groups.map((g) => g.key.country);
    // Unknown origins sit under WORLD, the scrap under RECYCLED, the one declared origin (China) under CN.
    expect(countries).toEqual(expect.arrayContaining(['WORLD', 'RECYCLED', 'CN']));
  });
});
