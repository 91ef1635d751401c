/**
 * The API's response bodies (zod), for the OpenAPI document and the typed client generated from it. They describe
 * what the routes return (shared/model types, the CLI's JSON result, the store's records as the routes present
 * them); test/unit/http/openapi.test.ts holds them equal to those types and the end-to-end tests parse every
 * response with them.
 */
import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import * as z from 'zod';
import { band, countryCode, dateTime, isoDate, stage } from './schema-primitives.ts';

extendZodWithOpenApi(z);

export * from './portfolio-schemas.ts';
export * from './reference-schemas.ts';
export { band } from './schema-primitives.ts';

// --- the scored supplier (shared/model/types.ts) ---

export const measureInForce = z
  .object({
    id: z.string().describe('a policy event id (GET /v1/reference/policy-events)'),
    kind: z.string(),
    state: z.enum(['active', 'suspended', 'announced']),
    suspendedBy: z.string().optional(),
    lapsedSuspension: z.string().optional(),
    stage: z
      .enum(['mining', 'raw', 'processing'])
      .optional()
      .describe("the flows it stops when not every flow through its country (the event's `stage`)"),
    entity: z
      .string()
      .optional()
      .describe('for an entity-level measure: the listed entity this supplier or its line processor matched'),
    flowShare: z
      .number()
      .optional()
      .describe('for a `raw` measure on a line processed where not stated: the part of the flow it stops, 0–1'),
  })
  .openapi('MeasureInForce');

export const stageRisk = z
  .object({
    stage,
    country: z.string().describe('ISO alpha-2, or WORLD for the world mix'),
    risk: z.number().describe('0–1'),
    worldShare: z.number().nullable().describe("the country's share of world supply at this stage, 0–1"),
    measures: z.array(measureInForce),
    agreement: z.string().nullable().describe('buyer-country agreement in force with this country'),
  })
  .openapi('StageRisk');

/** Where a line came from when its row gave an HS code or product category instead of a mineral. */
export const inferredFrom = z
  .object({
    kind: z.enum(['hs', 'category']),
    code: z.string().describe('HS 2022 code as 8505.11 or 8541, or the product category'),
    entry: z.string().describe('id of the HS mapping entry that expanded it (docs/model.md 2.17)'),
  })
  .openapi('InferredFrom');

export const lineRisk = z
  .object({
    originCountry: z
      .string()
      .describe(
        'ISO alpha-2; WORLD: origin unknown or undeclared share, scored at the world mining mix; RECYCLED: fed by scrap',
      ),
    processingCountry: z.string().nullable(),
    share: z.number().describe('fraction of the mineral this line carries'),
    risk: z.number().describe('0–1: the riskier of its stages'),
    stages: z.array(stageRisk),
    inferredFrom: inferredFrom.optional(),
  })
  .openapi('LineRisk');

export const mineralRisk = z
  .object({
    mineral: z.string(),
    name: z.string(),
    score: z.number().describe('0–100'),
    band,
    supplyRisk: z.number(),
    vulnerability: z.number(),
    lines: z.array(lineRisk),
  })
  .openapi('MineralRisk');

export const driver = z
  .object({
    points: z.number().describe('points of the score this driver accounts for (negative for mitigants)'),
    text: z.string(),
    mineral: z.string().nullable(),
    country: z.string().nullable(),
    sources: z.array(z.string()),
  })
  .openapi('Driver');

export const scoredSupplier = z
  .object({
    supplierId: z.string(),
    supplierName: z.string().nullable(),
    supplierCountry: z.string().nullable(),
    annualSpendUsd: z.number().nullable(),
    tier: z.number().int().nullable(),
    score: z.number().describe('0–100'),
    band,
    asOf: isoDate,
    buyerCountry: countryCode,
    modelVersion: z.string(),
    dataVersion: z.string(),
    worst: z
      .object({ mineral: z.string(), originCountry: z.string(), processingCountry: z.string().nullable() })
      .nullable(),
    minerals: z.array(mineralRisk),
    mitigation: z.object({ alternativeSources: z.number(), inventoryDays: z.number(), factor: z.number() }),
    drivers: z.array(driver),
  })
  .openapi('ScoredSupplier');

// --- suppliers ---

export const exposure = z
  .object({
    mineral: z.string(),
    originCountry: z.string().nullable().describe('ISO alpha-2; null = unknown (the world mining mix)'),
    processingCountry: z.string().nullable(),
    share: z.number().nullable(),
    processor: z.string().nullable().optional().describe('the company that processes this line, if declared'),
    recycled: z.literal(true).optional().describe('fed by end-of-life scrap: no mining stage (originCountry null)'),
    inferredFrom: inferredFrom.optional(),
  })
  .openapi('Exposure');

export const supplierInput = z
  .object({
    supplierId: z.string(),
    supplierName: z.string().nullable(),
    supplierCountry: z.string().nullable(),
    annualSpendUsd: z.number().nullable(),
    tier: z.number().int().nullable(),
    alternativeSources: z.number().int(),
    inventoryDays: z.number().int(),
    exposures: z.array(exposure),
  })
  .openapi('SupplierInput');

/** A stored score read with other versions than it was computed with (shared/model/stored-score.ts). */
export const recomputedWith = z
  .object({
    modelVersion: z.string(),
    dataVersion: z.string(),
    stored: z
      .object({ score: z.number(), band, modelVersion: z.string(), dataVersion: z.string() })
      .describe('the score as stored, and the versions that computed it'),
  })
  .nullable()
  .describe(
    'null: `score` is the stored score, recomputed on read with the model and data versions that computed it (a policy revision of the running data release is rebuilt as it was). Otherwise the running model, or the running data release, is not the one that computed it: `score` is the stored input scored with these versions (its as-of date and buyer as stored) and may differ from `stored` until a rescore writes it',
  )
  .openapi('RecomputedWith');

export const supplierView = z
  .object({
    supplier: supplierInput.describe('the input as normalised and stored'),
    score: scoredSupplier.describe(
      'the full breakdown, recomputed on read from the stored input (the store keeps only its summary)',
    ),
    recomputedWith,
    inputVersion: z.number().int(),
    updatedAt: dateTime,
    nextChangeDate: isoDate.nullable().describe('first date the score could change by policy alone'),
  })
  .openapi('SupplierView');

export const supplierQueued = z
  .object({ supplierId: z.string(), status: z.literal('queued'), inputVersion: z.number().int() })
  .openapi('SupplierQueued');

export const supplierPage = z
  .object({
    items: z.array(supplierView),
    cursor: z
      .string()
      .nullable()
      .describe(
        'pass as ?cursor= for the next page; null on the last. With a filter, a page reads at most 2,000 suppliers: it may hold fewer items than limit, even none, and still have a cursor',
      ),
  })
  .openapi('SupplierPage');

// --- scoring ---

export const rejection = z
  .object({
    row: z.number().int(),
    field: z.string(),
    value: z.string(),
    message: z.string(),
    sheet: z.string().optional().describe("a workbook's sheet ('Smelter List'); row is then the sheet's row"),
    cell: z.string().optional().describe("a workbook's cell ('E17')"),
  })
  .openapi('Rejection');

export const scoreResult = z
  .object({
    asOf: isoDate,
    buyerCountry: countryCode,
    modelVersion: z.string(),
    dataVersion: z.string(),
    results: z.array(scoredSupplier),
    rejected: z.array(rejection),
    summary: z.object({
      rows: z.number().int(),
      suppliers: z.number().int(),
      scored: z.number().int(),
      rejected: z.number().int(),
    }),
  })
  .openapi('ScoreResult');

// --- batches ---

export const batchView = z
  .object({
    batchId: z.string(),
    status: z
      .enum(['ingesting', 'scoring', 'completed', 'completed_with_errors', 'failed'])
      .describe(
        'ingesting: waiting for the upload or reading it; failed: the file was refused, or no upload was read within 90 minutes (failure says why)',
      ),
    asOf: isoDate.nullable(),
    buyerCountry: countryCode,
    counts: z
      .object({
        rows: z.number().int().nullable().describe('null until ingest has read the whole file'),
        accepted: z.number().int().nullable(),
        rejected: z.number().int().nullable().describe('all rejected rows; GET …/errors lists the first 10,000'),
        suppliers: z.number().int().nullable(),
        suppliersScored: z.number().int(),
        rowsScored: z.number().int(),
        suppliersSuperseded: z.number().int().describe('not written: a newer version of the supplier is stored'),
        rowsSuperseded: z.number().int(),
        rowsDeadLettered: z.number().int().describe('rows whose message failed every retry (in the DLQ)'),
        rowsNotQueued: z.number().int().describe('accepted rows ingest could not queue (see failure)'),
        suppliersNotQueued: z.number().int(),
        rowsPending: z
          .number()
          .int()
          .nullable()
          .describe('rows still being scored; 0 once the batch has completed; null until rows is known'),
      })
      .describe(
        'rows = rowsScored + rowsSuperseded + rejected + rowsDeadLettered + rowsNotQueued + rowsPending, always',
      ),
    failure: z.string().nullable(),
    createdAt: dateTime,
    completedAt: dateTime.nullable(),
    links: z.object({ self: z.string(), errors: z.string() }),
  })
  .openapi('Batch');

export const batchCreated = batchView
  .extend({
    upload: z
      .object({
        method: z.literal('PUT'),
        url: z.string(),
        headers: z
          .record(z.string(), z.string())
          .describe(
            'send every one of these headers with the PUT, with exactly these values, and no other x-amz-* header: the URL is signed for them (S3 answers 403 otherwise); if-none-match: * makes a second PUT 412',
          ),
        expiresAt: dateTime,
        maxBytes: z
          .number()
          .int()
          .describe('the largest file ingest accepts in this format; a larger one fails the batch, unread'),
      })
      .optional()
      .describe('present when a presigned upload was asked for'),
  })
  .openapi('BatchCreated');

export const rejectionPage = z
  .object({ items: z.array(rejection), cursor: z.string().nullable() })
  .openapi('RejectionPage');

export const health = z
  .object({ status: z.literal('ok'), modelVersion: z.string(), dataVersion: z.string() })
  .openapi('Health');

/** API Gateway's own answers (authorizer refusals, payload too large, a failed function): not problem+json. */
export const gatewayMessage = z.object({ message: z.string() }).openapi('GatewayMessage');
