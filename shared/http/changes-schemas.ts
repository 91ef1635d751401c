/**
 * GET /v1/changes and GET /v1/suppliers/{supplierId}/history (issue 10): the queries the routes validate and the
 * bodies they answer (zod, plain: `.meta({ id })` names the document's components without bringing the OpenAPI
 * generator into the function's bundle). The record is shared/changes/change-record.ts's ChangeRecord, as stored.
 */
import * as z from 'zod';
import { CHANGE_LOG } from '../changes/port.ts';
import { supplierId } from './schemas.ts';

const bandEnum = z.enum(['low', 'medium', 'high', 'critical']);
/** Cursors of the change log (shared/store/change-log.ts): a sort key, base64url; far below a request line's limit. */
const cursor = z.string().min(1).max(1024);

export const changesQuery = z.object({
  since: cursor.optional().describe('the cursor of an earlier page; none: the oldest record kept (90 days)'),
  limit: z.coerce.number().int().min(1).max(CHANGE_LOG.maxPageSize).default(100),
  band: bandEnum.optional().describe('the band before or after the change is this one'),
  // Written as a number ("" is not 0); the document says so (a transform has no JSON Schema of its own).
  minDelta: z
    .string()
    .regex(/^\d+(\.\d+)?([eE][+-]?\d+)?$/, 'a number of points, 0 to 100')
    .transform(Number)
    .pipe(z.number().max(100, 'at most 100'))
    .optional()
    .meta({ type: 'number', minimum: 0, maximum: 100 })
    .describe('|delta| at least this many points; new and deleted suppliers always pass'),
  supplierId: supplierId.optional().describe('one supplier only'),
});

export const historyQuery = z.object({
  limit: z.coerce.number().int().min(1).max(CHANGE_LOG.maxPageSize).default(100),
  cursor: cursor.optional(),
});

/** Records a filtered page of GET /v1/changes examines at most (the port's maxExamined). */
export const CHANGES_MAX_EXAMINED = 2_000;

const dateTime = z.string().describe('ISO 8601 date-time (UTC)');

const scoreSummary = z
  .object({
    score: z.number().describe('0–100'),
    band: bandEnum,
    worst: z
      .object({ mineral: z.string(), originCountry: z.string(), processingCountry: z.string().nullable() })
      .nullable()
      .describe('the line that drives the score'),
  })
  .meta({ id: 'ScoreSummary' });

const changeCause = z
  .union([
    z.object({ kind: z.literal('upload'), batchId: z.string() }),
    z.object({
      kind: z.literal('policy'),
      fromRevision: z.number().int(),
      toRevision: z.number().int(),
      eventIds: z.array(z.string()).describe('the policy events and agreements the revisions changed'),
    }),
    z.object({ kind: z.enum(['api', 'date', 'data', 'model', 'delete']) }),
  ])
  .describe(
    'why the score changed: an upload (its batch), the API (PUT or DELETE), policy revisions, a date (a measure started or lapsed, a suspension ended), another release of the reference data or of the model, a delete',
  )
  .meta({ id: 'ChangeCause' });

const driverMove = z
  .object({
    text: z.string(),
    sources: z.array(z.string()),
    mineral: z.string().nullable(),
    country: z.string().nullable(),
    before: z.number().nullable().describe('points before; null: it was not a driver'),
    after: z.number().nullable().describe('points after; null: it is no longer a driver'),
  })
  .meta({ id: 'DriverMove' });

export const changeRecord = z
  .object({
    changeId: z.string().describe('stable: {supplierId}@{sequence}, however often the change is written or delivered'),
    tenant: z.string(),
    supplierId: z.string(),
    at: dateTime,
    cause: changeCause,
    before: scoreSummary.nullable().describe('null: the supplier was new'),
    after: scoreSummary.nullable().describe('null: the supplier was deleted'),
    delta: z.number().nullable().describe('after − before, in points; null for a new or deleted supplier'),
    drivers: z.array(driverMove).describe('the drivers whose points moved, largest move first'),
    modelVersion: z.string().nullable(),
    dataVersion: z.string().nullable(),
  })
  .meta({ id: 'ChangeRecord' });

export const changePage = z
  .object({
    items: z.array(changeRecord).describe('oldest first, in the order they were recorded'),
    cursor: z
      .string()
      .describe(
        'always set: pass it as ?since= next time (also when this page was empty); records written later come after it',
      ),
    more: z.boolean().describe('more records are there already: ask again at once; false: you are up to date'),
  })
  .meta({ id: 'ChangePage' });

export const supplierHistory = z
  .object({
    supplierId: z.string(),
    items: z.array(changeRecord).describe("the supplier's change records, oldest first: its score over time"),
    cursor: z.string().nullable().describe('pass as ?cursor= for the next page; null on the last'),
  })
  .meta({ id: 'SupplierHistory' });
