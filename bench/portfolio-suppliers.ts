/**
 * The portfolio benchmarks' suppliers (bench/portfolio.child.ts, bench/portfolio-first-read.child.ts): deterministic,
 * 1–4 lines over a dozen minerals and fifteen countries, some undeclared origins and spends.
 */
import type { SupplierInput } from '../shared/model/types.ts';
import { prng } from './generate.ts';

const MINERALS = [
  'dysprosium',
  'neodymium',
  'gallium',
  'germanium',
  'cobalt',
  'lithium',
  'graphite',
  'nickel',
  'tungsten',
  'antimony',
  'tantalum',
  'manganese',
];
const COUNTRIES = ['CN', 'CD', 'AU', 'CL', 'AR', 'ID', 'ZA', 'BR', 'RU', 'US', 'CA', 'MM', 'VN', 'RW', 'GA'];

/** Deterministic suppliers: 1–4 lines over the minerals and countries above, some undeclared origins. */
export function* suppliers(count: number, seed: number, prefix: string): Generator<SupplierInput> {
  const r = prng(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)] as T;
  for (let i = 0; i < count; i++) {
    const lines = 1 + Math.floor(r() * 4);
    const exposures = Array.from({ length: lines }, () => ({
      mineral: pick(MINERALS),
      originCountry: r() < 0.1 ? null : pick(COUNTRIES),
      processingCountry: r() < 0.5 ? 'CN' : null,
      share: r() < 0.2 ? null : Math.round(r() * 100) / 400,
    }));
    yield {
      supplierId: `${prefix}-${String(i).padStart(7, '0')}`,
      supplierName: `Supplier ${i}`,
      supplierCountry: pick(COUNTRIES),
      annualSpendUsd: r() < 0.05 ? null : Math.round(r() * 5_000_000_00) / 100,
      tier: 1 + Math.floor(r() * 3),
      alternativeSources: Math.floor(r() * 3),
      inventoryDays: Math.floor(r() * 90),
      exposures,
    };
  }
}
