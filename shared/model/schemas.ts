// zod/mini: the same validation as zod, tree-shakable, so the queue functions' bundles carry only what they use
// (the full zod adds ~450 KB and ~25 ms to a cold start; the API keeps it for OpenAPI).
import * as z from 'zod/mini';

const text = (min: number, max: number) => z.string().check(z.minLength(min), z.maxLength(max));
const iso2 = () => z.string().check(z.length(2));

/** Normalised supplier input, as the core scores it (ids, ISO codes, fractions). Carried on the score queue. */
export const exposureSchema = z.object({
  mineral: text(1, 64),
  originCountry: z.nullable(iso2()),
  processingCountry: z.nullable(iso2()),
  share: z.nullable(z.number().check(z.gte(0), z.lte(1))),
  // Optional: messages queued before it existed still parse.
  processor: z.optional(z.nullable(text(1, 200))),
  // Optional, as processor: a scrap-fed line (docs/model.md 2.8).
  recycled: z.optional(z.literal(true)),
  // Optional: where a purchase line's HS code or product category put it (docs/model.md 2.17).
  inferredFrom: z.optional(z.object({ kind: z.enum(['hs', 'category']), code: text(1, 64), entry: text(1, 64) })),
});

export const supplierInputSchema = z.object({
  supplierId: text(1, 128),
  supplierName: z.nullable(z.string()),
  supplierCountry: z.nullable(iso2()),
  annualSpendUsd: z.nullable(z.number().check(z.gte(0))),
  tier: z.nullable(z.int().check(z.gte(1), z.lte(10))),
  alternativeSources: z.int().check(z.gte(0)),
  inventoryDays: z.int().check(z.gte(0)),
  exposures: z.array(exposureSchema).check(z.minLength(1)),
});

export const isoDateSchema = z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/));
