/**
 * The API's request shapes (zod): one source of truth for validation and the OpenAPI document. `.meta()` adds what
 * only the document needs (JSON Schema patterns for rules checked in code, examples of names the reference data
 * knows) without bringing the OpenAPI generator into the functions' bundles.
 */
import * as z from 'zod';
import { DEFAULT_UPCOMING_DAYS, MAX_UPCOMING_DAYS } from '../changes/upcoming.ts';
import {
  MAX_EXPOSURES_PER_SUPPLIER,
  MAX_PROCESSOR_LENGTH,
  MAX_SUPPLIER_ID_LENGTH,
  MAX_SUPPLIER_NAME_LENGTH,
} from '../model/limits.ts';
import { MAX_LIST_CURSOR_CHARS } from '../store/list-cursor.ts';
import { idProblem, textProblem } from '../text/safe-text.ts';

/** Exposure lines one POST /v1/score may hold: each answers about 350 bytes, so 5,000 stay far under Lambda's 6 MB. */
export const SCORE_MAX_LINES = 5_000;

const date = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD')
  .refine((d) => {
    const t = Date.parse(`${d}T00:00:00Z`);
    return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === d;
  }, 'must be a calendar date')
  // The pattern alone would allow 2026-02-30; JSON Schema's `date` format is a calendar date.
  .meta({ format: 'date' });

/**
 * shared/text/safe-text.ts's rules as JSON Schema patterns (ECMA-262 with the `u` flag, as JSON Schema 2020-12 asks),
 * so a client can check an id or a name before sending it; test/contract/text-patterns.test.ts holds them equal.
 */
const NOT_TEXT = '\\p{Cs}\\p{Noncharacter_Code_Point}\\uFFFD';
/** An id: none of those, no control or bidirectional control, no slash, no white space at either end. */
export const ID_PATTERN = `^(?!\\s)(?![\\s\\S]*\\s$)[^/\\p{Cc}\\p{Bidi_Control}${NOT_TEXT}]*$`;
/** A name: none of those, no control character but TAB, LF and CR. */
export const NAME_PATTERN = `^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F${NOT_TEXT}]*$`;

/** JSON Schema counts code points; the API (and the CSV reader) count UTF-16 code units, as JavaScript does. */
const LENGTH_IN_CODE_UNITS = 'maxLength counts UTF-16 code units: a character beyond U+FFFF (an emoji) counts 2';

/** Names the reference data knows, for the document's examples (any alias or code is accepted). */
const MINERAL_EXAMPLES = ['dysprosium', 'Ga', 'REE', 'rare earths', 'lithium', 'cobalt', 'tungsten'];
const COUNTRY_EXAMPLES = ['CN', 'AU', 'CHN', 'China', 'DR Congo', 'US', 'DE'];
const mineralName = z.string().max(64).meta({ examples: MINERAL_EXAMPLES });
const countryName = z.string().max(64).meta({ examples: COUNTRY_EXAMPLES });

/** A line names its material by one of these (docs/model.md 2.17). */
const MATERIAL_FIELDS = ['mineral', 'hsCode', 'productCategory'] as const;

export const exposureInput = z
  .object({
    mineral: mineralName
      .nullish()
      .describe('name, symbol or alias: dysprosium, Dy, REE, rare earths; or give hsCode or productCategory instead'),
    hsCode: z
      .string()
      .max(32)
      .meta({ examples: ['8505.11', '850760', '8541'] })
      .nullish()
      .describe(
        'instead of mineral: an HS 2022 code (4 or 6 digits, dots optional; 8–10-digit national lines are cut to 6), expanded into the minerals of its mapping entry (docs/model.md 2.17)',
      ),
    productCategory: z
      .string()
      .max(64)
      .meta({ examples: ['permanent magnets', 'lithium-ion batteries', 'semiconductors'] })
      .nullish()
      .describe('instead of mineral: a product category of the HS mapping, expanded likewise'),
    originCountry: countryName
      .nullish()
      .describe(
        'ISO alpha-2/alpha-3, English name or alias; absent, null, blank or "unknown" = the world mining mix; "recycled" or "scrap" = fed by end-of-life scrap (no mining stage)',
      ),
    processingCountry: countryName
      .nullish()
      .describe('where it is refined; absent, null, blank or "unknown" = the world processing mix'),
    share: z
      .union([
        z.number().min(0).max(100),
        z
          .string()
          .max(16)
          .meta({ examples: ['35%', '0.4'] }),
      ])
      .nullish()
      .describe('fraction 0–1, a percentage above 1, or "35%"'),
    processor: z
      .string()
      .max(MAX_PROCESSOR_LENGTH)
      .superRefine((name, ctx) => {
        const bad = textProblem(name);
        if (bad) ctx.addIssue({ code: 'custom', message: bad });
      })
      .meta({ pattern: NAME_PATTERN, description: LENGTH_IN_CODE_UNITS, examples: ['MP Materials'] })
      .nullish()
      .describe('the company that processes (smelts, refines) this line, matched against entity-level measures'),
  })
  // The shape says a line names its material by exactly one of three non-empty strings, as the document's oneOf
  // says; whether that name is known is a 422 of normalisation.
  .superRefine((e, ctx) => {
    const given = MATERIAL_FIELDS.filter((f) => e[f] != null && e[f] !== '');
    if (given.length === 0)
      ctx.addIssue({
        code: 'custom',
        path: ['mineral'],
        message: 'mineral is required (or hsCode, or productCategory)',
      });
    else if (given.length > 1)
      ctx.addIssue({
        code: 'custom',
        path: [given[1] as string],
        message: `give one of mineral, hsCode or productCategory, not ${given.join(' and ')}`,
      });
  })
  .meta({
    oneOf: MATERIAL_FIELDS.map((f) => ({
      type: 'object',
      required: [f],
      properties: { [f]: { type: 'string', minLength: 1 } },
    })),
  });

export const supplierFields = {
  supplierName: z
    .string()
    .max(MAX_SUPPLIER_NAME_LENGTH)
    .superRefine((name, ctx) => {
      const bad = textProblem(name);
      if (bad) ctx.addIssue({ code: 'custom', message: bad });
    })
    .meta({ pattern: NAME_PATTERN, description: LENGTH_IN_CODE_UNITS })
    .nullish(),
  supplierCountry: countryName.nullish(),
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
  })
  .meta({ pattern: ID_PATTERN, description: LENGTH_IN_CODE_UNITS });

/** `?sync=true` scores and stores inline; absent or `false` queues. Anything else is a 400, not a silent queue. */
export const putSupplierQuery = z.object({ sync: z.enum(['true', 'false']).optional() });

/** PUT /v1/suppliers/{supplierId}: the id comes from the path; a body id, if present, must match. */
export const putSupplierBody = z
  .object({
    supplierId: supplierId
      .meta({ description: `must equal the path's supplierId (422 otherwise); ${LENGTH_IN_CODE_UNITS}` })
      .optional(),
    ...supplierFields,
  })
  .strict();

export const scoreRequest = z
  .object({
    suppliers: z
      .array(z.object({ supplierId, ...supplierFields }).strict())
      .min(1)
      .max(100),
    asOf: date.optional(),
    buyerCountry: countryName.optional(),
  })
  .strict();

const presignedUpload = {
  /** Ask for a presigned upload URL instead of sending the file inline. */
  upload: z.literal('presigned'),
  asOf: date.optional(),
  buyerCountry: countryName.optional(),
};

/** A presigned upload of a supplier list (CSV or JSON), or of an RMI workbook with, optionally, its supplier. */
export const batchCreateRequest = z.union([
  z.object({ ...presignedUpload, format: z.enum(['csv', 'json']).default('csv') }).strict(),
  z
    .object({
      ...presignedUpload,
      format: z.literal('xlsx').describe('an RMI CMRT, EMRT or AMRT workbook'),
      supplierId: supplierId
        .optional()
        .describe("the supplier the workbook's lines belong to (default: the company its Declaration names)"),
    })
    .strict(),
]);

/**
 * Suppliers read per page of GET /v1/suppliers filtered by mineral or country at most: 20 BatchGetItem calls and
 * their index queries, well within the timeout. A band alone is read from the index's keys of that band: no bound.
 */
export const LIST_MAX_EXAMINED = 2_000;

export const listSuppliersQuery = z.object({
  band: z
    .enum(['low', 'medium', 'high', 'critical'])
    .optional()
    .describe("only this band's suppliers (read from the index of that band alone: full pages)"),
  mineral: mineralName.optional(),
  country: countryName
    .optional()
    .describe('origin or processing country of a line; "unknown" for a line whose origin or processing is unknown'),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  // One index key, base64url: short enough that any request carrying it fits API Gateway's 10,240-byte request line
  // and headers (shared/store/list-cursor.ts).
  cursor: z.string().max(MAX_LIST_CURSOR_CHARS).optional(),
});

/**
 * Stored suppliers one page of GET /v1/upcoming reads at most (10 BatchGetItem calls and their index queries, and a
 * few cached scorings each: about 0.1 s of the core per 1,000), so a page stays far within the 29 s timeout.
 */
export const UPCOMING_MAX_EXAMINED = 1_000;

/** GET /v1/upcoming: the moves within `days` days after today, a page of the tenant's suppliers at a time. */
export const upcomingQuery = z.object({
  days: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_UPCOMING_DAYS)
    .default(DEFAULT_UPCOMING_DAYS)
    .describe('the window: dates after today up to today + days'),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  // The supplier list's cursor (shared/store/list-cursor.ts): the page goes on where that listing would.
  cursor: z.string().max(MAX_LIST_CURSOR_CHARS).optional(),
});

export const paginationQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: z.string().max(64).optional(),
});

export const portfolioQuery = z.object({
  groupBy: z.enum(['mineral', 'country', 'mineral,country', 'country,mineral']).default('mineral'),
});

export const policyEventsQuery = z.object({ asOf: date.optional() });

export const scoringDefaults = z.object({ asOf: date.optional(), buyerCountry: countryName.optional() });

/** POST /v1/batches with the file inline: scoring defaults, and a workbook's supplier. */
export const batchCreateQuery = scoringDefaults.extend({
  supplierId: supplierId
    .optional()
    .describe(
      'a workbook: the supplier its lines belong to (default: the company its Declaration names); a CSV or JSON list names its suppliers in its rows, and this is not used',
    ),
});

/** Scenario dates are checked with the events they belong to (422 naming the field), not by the schema. */
const scenarioDate = z
  .string()
  .max(10)
  .meta({ examples: ['2026-12-01', '2027-06-30'] });
/** Ids of the shipped timeline (GET /v1/reference/policy-events). */
const policyEventId = z
  .string()
  .min(1)
  .max(64)
  .meta({ examples: ['CN-2023-GA-GE', 'CN-2025-18', 'CD-2025-CO-BAN'] });

export const scenarioRequest = z
  .object({
    add: z
      .array(
        z
          .object({
            id: z.string().min(1).max(64).optional(),
            country: countryName.min(1),
            kind: z.enum(['export_licensing', 'export_quota', 'export_ban']),
            minerals: z.array(mineralName.min(1)).min(1).max(100),
            effectiveFrom: scenarioDate,
            effectiveUntil: scenarioDate.nullish(),
            destination: z
              .union([
                z.literal('all'),
                z.object({ country: countryName }).strict(),
                z.object({ country: countryName, military: z.literal(true) }).strict(),
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
            id: policyEventId,
            effectiveFrom: scenarioDate.optional(),
            effectiveUntil: scenarioDate.nullish(),
          })
          .strict(),
      )
      .max(50)
      .optional(),
    remove: z.array(policyEventId).max(50).optional(),
    asOf: date.optional(),
    buyerCountry: countryName.optional(),
  })
  .strict();
