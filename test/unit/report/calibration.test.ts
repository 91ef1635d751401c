/**
 * The calibration report (bin/calibrate.ts, shared/report/calibration*.ts, rank-correlation.ts): Spearman with
 * ties, the ranking, the world-mix line, the benchmark data, and the block of docs/model.md against what the
 * script prints now.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { calibrationBenchmark, notAssessed } from '../../../shared/reference/data/calibration-benchmark.ts';
import { minerals } from '../../../shared/reference/data/minerals.ts';
import { referenceData } from '../../../shared/reference/index.ts';
import {
  calibrate,
  disagreementReason,
  usListMinerals,
  worldMixExposures,
} from '../../../shared/report/calibration.ts';
import {
  calibrationSection,
  currentSection,
  replaceSection,
  sectionParams,
} from '../../../shared/report/calibration-section.ts';
import { averageRanks, pearson, spearman } from '../../../shared/report/rank-correlation.ts';

describe('averageRanks', () => {
  it('ranks the largest value 1 and gives tied values the average of the ranks they span', () => {
    expect(averageRanks([10, 20, 20, 5])).toEqual([3, 1.5, 1.5, 4]);
    expect(averageRanks([7, 7, 7])).toEqual([2, 2, 2]);
    expect(averageRanks([1, 2, 3, 3, 3, 4])).toEqual([6, 5, 3, 3, 3, 1]);
    expect(averageRanks([])).toEqual([]);
  });
});

describe('spearman', () => {
  it('is 1 for the same order and −1 for the reverse, whatever the scale', () => {
    expect(spearman([1, 2, 3, 4], [10, 200, 3000, 40000])).toBeCloseTo(1, 12);
    expect(spearman([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1, 12);
  });

  it('equals the textbook shortcut 1 − 6Σd²/(n(n²−1)) when there are no ties', () => {
    const x = [106, 100, 86, 101, 99, 103, 97, 113, 112, 110];
    const y = [7, 27, 2, 50, 28, 29, 20, 12, 6, 17];
    const rx = averageRanks(x);
    const ry = averageRanks(y);
    const d2 = rx.reduce((s, r, i) => s + (r - (ry[i] as number)) ** 2, 0);
    const n = x.length;
    expect(d2).toBe(194);
    expect(spearman(x, y)).toBeCloseTo(1 - (6 * d2) / (n * (n * n - 1)), 12);
    expect(spearman(x, y)).toBeCloseTo(-29 / 165, 12);
  });

  it('uses average ranks with ties: x = (1, 2, 2, 3), y = (1, 2, 3, 4) gives √0.9, not the shortcut', () => {
    // Ranks (1, 2.5, 2.5, 4) against (1, 2, 3, 4): Σ dx·dy = 4.5, Σ dx² = 4.5, Σ dy² = 5, ρ = 4.5/√22.5 = √0.9.
    expect(spearman([1, 2, 2, 3], [1, 2, 3, 4])).toBeCloseTo(Math.sqrt(0.9), 12);
    // The shortcut would give 1 − 6·0.5/(4·15) = 0.95.
    expect(spearman([1, 2, 2, 3], [1, 2, 3, 4])).not.toBeCloseTo(0.95, 3);
  });

  it('is undefined (NaN) for a constant series', () => {
    expect(spearman([1, 1, 1], [1, 2, 3])).toBeNaN();
    expect(pearson([1], [2])).toBeNaN();
    expect(() => pearson([1, 2], [1])).toThrow();
  });
});

describe('worldMixExposures', () => {
  const ref = referenceData();

  it('shares: one line per producing country at its share, the rest of the world on ZZ, adding up to 1', () => {
    for (const mineral of usListMinerals()) {
      const lines = worldMixExposures(ref, mineral, 'shares');
      const total = lines.reduce((s, l) => s + (l.share ?? 0), 0);
      expect(total, mineral).toBeCloseTo(1, 9);
      expect(new Set(lines.map((l) => l.originCountry)).size, mineral).toBe(lines.length);
      for (const l of lines) expect(l.processingCountry).toBeNull();
    }
    // Gallium: China's share of primary output divided by the rows' sum (100.3%), as the model divides it.
    const ga = worldMixExposures(ref, 'gallium', 'shares');
    const cn = ga.find((l) => l.originCountry === 'CN');
    const { shares, divisor } = ref.stageShares('gallium', 'mining');
    expect(cn?.share).toBeCloseTo((shares.find((s) => s.country === 'CN')?.sharePct ?? 0) / divisor, 12);
    // No share data at all: the whole mineral from the rest of the world.
    expect(worldMixExposures(ref, 'metallurgical_coal', 'shares')).toEqual([
      { mineral: 'metallurgical_coal', originCountry: 'ZZ', processingCountry: null, share: 1 },
    ]);
  });

  it("remainder: nothing declared, so the model's own world-mix line carries the whole mineral", () => {
    const c = calibrate(
      ref,
      { asOf: '2026-12-03', buyerCountry: 'US', endUse: 'civil' },
      ['gallium'],
      calibrationBenchmark,
      'remainder',
    );
    expect(c.rows[0]?.score).toBeGreaterThan(0);
  });
});

describe('the benchmark data', () => {
  it('has one sourced row per US-list mineral the EU assessed, and names the ones it did not', () => {
    const us = new Set(usListMinerals());
    expect(us.size).toBe(60);
    const ids = calibrationBenchmark.map((b) => b.mineral);
    expect(new Set(ids).size).toBe(ids.length);
    for (const b of calibrationBenchmark) {
      expect(us.has(b.mineral), b.mineral).toBe(true);
      expect(b.source.length, b.mineral).toBeGreaterThan(0);
      expect(b.year, b.mineral).toBe(2023);
      expect(b.value, b.mineral).toBeGreaterThan(0);
    }
    const covered = new Set([...ids, ...notAssessed.map((n) => n.mineral)]);
    expect([...us].filter((m) => !covered.has(m))).toEqual([]);
    expect(covered.size).toBe(60);
  });
});

describe('calibrate', () => {
  const ref = referenceData();
  const c = calibrate(
    ref,
    { asOf: '2026-12-03', buyerCountry: 'US', endUse: 'civil' },
    usListMinerals(),
    calibrationBenchmark,
  );

  it('ranks every US-list mineral once, riskiest first, and compares those the benchmark covers', () => {
    expect(c.rows.map((r) => r.mineral).sort()).toEqual(usListMinerals().sort());
    for (let i = 1; i < c.rows.length; i++)
      expect((c.rows[i] as { score: number }).score).toBeLessThanOrEqual((c.rows[i - 1] as { score: number }).score);
    expect(c.compared).toBe(calibrationBenchmark.length);
    expect(c.rho).toBeGreaterThanOrEqual(-1);
    expect(c.rho).toBeLessThanOrEqual(1);
    // ρ is Spearman over exactly the compared rows.
    const both = c.rows.filter((r) => r.benchmark !== null);
    expect(c.rho).toBeCloseTo(
      spearman(
        both.map((r) => r.score),
        both.map((r) => r.benchmark?.value ?? 0),
      ),
      12,
    );
  });

  it('lists the largest disagreements each way, with a reason and the facts behind it', () => {
    expect(c.higher.length).toBeLessThanOrEqual(5);
    expect(c.lower.length).toBeLessThanOrEqual(5);
    const gap = (r: (typeof c.rows)[number]) => (r.comparedBenchmarkRank ?? 0) - (r.comparedRank ?? 0);
    for (const r of c.higher) expect(gap(r)).toBeGreaterThan(0);
    for (const r of c.lower) expect(gap(r)).toBeLessThan(0);
    for (let i = 1; i < c.higher.length; i++)
      expect(gap(c.higher[i] as (typeof c.rows)[number])).toBeLessThanOrEqual(
        gap(c.higher[i - 1] as (typeof c.rows)[number]),
      );
    for (const r of [...c.higher, ...c.lower]) {
      const text = disagreementReason(r, c.higher.includes(r) ? 'higher' : 'lower', '2023-03');
      expect(text).toMatch(/\(.*V \d\.\d\d\)$/);
    }
  });

  it('names a measure announced after the benchmark as such', () => {
    const ga = c.rows.find((r) => r.mineral === 'gallium');
    expect(ga && disagreementReason(ga, 'higher', '2023-03')).toMatch(/announced after the benchmark/);
    expect(ga && disagreementReason(ga, 'higher', '2099-12')).not.toMatch(/announced after the benchmark/);
  });
});

describe('the Calibration section of docs/model.md', () => {
  const doc = readFileSync(new URL('../../../docs/model.md', import.meta.url), 'utf8');
  const block = currentSection(doc);
  const params = sectionParams(doc);

  it('has one generated block, with its parameters in the first marker', () => {
    expect(block).not.toBeNull();
    expect(params).not.toBeNull();
  });

  it('lists every US-list mineral once in its table', () => {
    const names = (block ?? '')
      .split('\n')
      .filter((l) => /^\|\s+[\d.]+\s+\|/.test(l))
      .map((l) => l.split('|')[2]?.trim());
    const expected = minerals.filter((m) => m.usCritical2025).map((m) => m.name);
    expect([...names].sort()).toEqual([...expected].sort());
  });

  it('is what `npm run calibrate -- --write` produces now for its date (regenerate it when this fails)', () => {
    if (!params) throw new Error('no calibration block');
    expect(block).toBe(calibrationSection(referenceData(), params));
  });

  it('replaceSection swaps the block and keeps the rest of the document', () => {
    const other = '<!-- calibration:begin as-of=2000-01-01 buyer=US world-mix=shares -->\nx\n<!-- calibration:end -->';
    const next = replaceSection(doc, other);
    expect(currentSection(next)).toBe(other);
    expect(next.startsWith(doc.slice(0, doc.indexOf('<!-- calibration:begin')))).toBe(true);
    expect(() => replaceSection('no markers', other)).toThrow();
  });
});
