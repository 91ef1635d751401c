/**
 * The API's request and response shapes (zod): one source of truth for validation and the OpenAPI document.
 */
import * as z from 'zod';
import { MAX_EXPOSURES_PER_SUPPLIER, MAX_SUPPLIER_ID_LENGTH, MAX_SUPPLIER_NAME_LENGTH } from '../model/limits.ts';
import { MAX_LIST_CURSOR_CHARS } from '../store/list-cursor.ts';
import { idProblem, textProblem } from '../text/safe-text.ts';

const date = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD')
  .refine((d) => {
    const t = Date.parse(`${d}T00:00:00Z`);
    return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === d;
  }, 'must be a calendar date');

export const exposureInput = z.object({
  mineral: z.string().min(1).max(64).describe('name, symbol or alias: dysprosium, Dy, REE, rare earths'),
  originCountry: z.string().min(1).max(64).describe('ISO alpha-2/alpha-3, English name or alias'),
  processingCountry: z.string().max(64).nullish().describe('where it is refined; unknown = the world mix'),
  share: z
    .union([z.number().min(0).max(100), z.string().max(16)])
    .nullish()
    .describe('fraction 0–1, a percentage above 1, or "35%"'),
});

export const supplierFields = {
  supplierName: z
    .string()
    .max(MAX_SUPPLIER_NAME_LENGTH)
    .superRefine((name, ctx) => {
      const bad = textProblem(name);
      if (bad) ctx.addIssue({ code: 'custom', message: bad });
    })
    .nullish(),
  supplierCountry: z.string().max(64).nullish(),
  annualSpendUsd: z.number().nonnegative().max(1e15).nullish(),
  tier: z.number().int().min(1).max(10).nullish(),
  alternativeSources: z.number().int().min(0).max(1000).nullish(),
  inventoryDays: z.number().int().min(0).max(3650).nullish(),
  exposures: z.array(exposureInput).min(1).max(MAX_EXPOSURES_PER_SUPPLIER),
};

/** A supplier id (and the shape of any id in a path): what the CSV contract allows. */
export const supplierId = z
  .string()
  .min(1)
  .max(MAX_SUPPLIER_ID_LENGTH)
  .regex(/^[^/]*$/, 'no slashes (an id is a path segment)')
  .superRefine((id, ctx) => {
    const bad = idProblem(id);
    if (bad) ctx.addIssue({ code: 'custom', message: bad });
  });

/** `?sync=true` scores and stores inline; absent or `false` queues. Anything else is a 400, not a silent queue. */
export const putSupplierQuery = z.object({ sync: z.enum(['true', 'false']).optional() });

/** PUT /v1/suppliers/{supplierId}: the id comes from the path; a body id, if present, must match. */
export const putSupplierBody = z.object({ supplierId: supplierId.optional(), ...supplierFields }).strict();

export const scoreRequest = z
  .object({
    suppliers: z
      .array(z.object({ supplierId, ...supplierFields }).strict())
      .min(1)
      .max(100),
    asOf: date.optional(),
    buyerCountry: z.string().max(64).optional(),
  })
  .strict();

export const batchCreateRequest = z
  .object({
    /** Ask for a presigned upload URL instead of sending the file inline. */
    upload: z.literal('presigned'),
    format: z.enum(['csv', 'json']).default('csv'),
    asOf: date.optional(),
    buyerCountry: z.string().max(64).optional(),
  })
  .strict();

export const listSuppliersQuery = z.object({
  band: z.enum(['low', 'medium', 'high', 'critical']).optional(),
  mineral: z.string().max(64).optional(),
  country: z.string().max(64).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  // One index key, base64url: short enough that any request carrying it fits API Gateway's 10,240-byte request line
  // and headers (shared/store/list-cursor.ts).
  cursor: z.string().max(MAX_LIST_CURSOR_CHARS).optional(),
});

export const paginationQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: z.string().max(64).optional(),
});

export const portfolioQuery = z.object({
  groupBy: z.enum(['mineral', 'country', 'mineral,country', 'country,mineral']).default('mineral'),
});

export const scoringDefaults = z.object({ asOf: date.optional(), buyerCountry: z.string().max(64).optional() });

export const scenarioRequest = z
  .object({
    add: z
      .array(
        z
          .object({
            id: z.string().min(1).max(64).optional(),
            country: z.string().min(1).max(64),
            kind: z.enum(['export_licensing', 'export_quota', 'export_ban']),
            minerals: z.array(z.string().min(1).max(64)).min(1).max(100),
            effectiveFrom: z.string().max(10),
            effectiveUntil: z.string().max(10).nullish(),
            destination: z
              .union([
                z.literal('all'),
                z.object({ country: z.string().max(64) }).strict(),
                z.object({ country: z.string().max(64), military: z.literal(true) }).strict(),
              ])
              .optional(),
            title: z.string().max(200).optional(),
          })
          .strict(),
      )
      .max(50)
      .optional(),
    modify: z
      .array(
        z
          .object({
            id: z.string().min(1).max(64),
            effectiveFrom: z.string().max(10).optional(),
            effectiveUntil: z.string().max(10).nullish(),
          })
          .strict(),
      )
      .max(50)
      .optional(),
    remove: z.array(z.string().min(1).max(64)).max(50).optional(),
    asOf: date.optional(),
    buyerCountry: z.string().max(64).optional(),
  })
  .strict();
