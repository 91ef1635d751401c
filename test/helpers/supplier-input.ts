import type { Exposure, ScoringContext, SupplierInput } from '../../shared/model/types.ts';

/** A supplier with sensible defaults; override what the test is about. */
export function supplier(overrides: Partial<SupplierInput> = {}): SupplierInput {
  return {
    supplierId: 'SUP-TEST',
    supplierName: 'Test Supplier',
    supplierCountry: null,
    annualSpendUsd: null,
    tier: 1,
    alternativeSources: 0,
    inventoryDays: 0,
    exposures: [],
    ...overrides,
  };
}

export function line(
  mineral: string,
  originCountry: string | null,
  processingCountry: string | null = null,
  share: number | null = 1,
): Exposure {
  return { mineral, originCountry, processingCountry, share };
}

/** One mineral, one origin, all of it. */
export function singleLine(mineral: string, origin: string, processing: string | null = null): SupplierInput {
  return supplier({ exposures: [line(mineral, origin, processing, 1)] });
}

export function context(asOf: string, buyerCountry = 'US', endUse: ScoringContext['endUse'] = 'civil'): ScoringContext {
  return { asOf, buyerCountry, endUse };
}
