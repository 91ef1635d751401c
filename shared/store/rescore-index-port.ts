/** Port of the rescore index: which stored suppliers (all tenants) a rescore has to look at. */
import type { StoredSupplier } from './supplier-port.ts';

export interface RescoreIndex {
  /**
   * Suppliers (all tenants) scored with another model version, or a data version not of this release
   * (`referenceVersion`; any policy revision on top of it counts as this release).
   */
  scoredWithOtherVersions(
    modelVersion: string,
    referenceVersion: string,
    options?: { limit?: number; cursor?: string; segment?: number; totalSegments?: number },
  ): Promise<{ items: StoredSupplier[]; cursor: string | null }>;
}
