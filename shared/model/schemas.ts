import { z } from 'zod';

/** Normalised supplier input, as the core scores it (ids, ISO codes, fractions). Used on the queue and in the API. */
export const exposureSchema = z.object({
  mineral: z.string().min(1),
  originCountry: z.string().length(2),
  processingCountry: z.string().length(2).nullable(),
  share: z.number().min(0).max(1).nullable(),
});

export const supplierInputSchema = z.object({
  supplierId: z.string().min(1).max(128),
  supplierName: z.string().max(512).nullable(),
  supplierCountry: z.string().length(2).nullable(),
  annualSpendUsd: z.number().nonnegative().nullable(),
  tier: z.number().int().min(1).max(10).nullable(),
  alternativeSources: z.number().int().min(0),
  inventoryDays: z.number().int().min(0),
  exposures: z.array(exposureSchema).min(1),
});

export const isoDateSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
