/**
 * GET /v1/upcoming's response (zod), for the OpenAPI document and the typed client: the shapes of
 * shared/changes/upcoming.ts as the route presents them (test/unit/changes/upcoming.test.ts holds them equal to its types).
 */
import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import * as z from 'zod';
import { band } from './response-schemas.ts';
import { UPCOMING_MAX_EXAMINED } from './schemas.ts';

extendZodWithOpenApi(z);

const isoDate = z.string().describe('YYYY-MM-DD');
const maxExamined = UPCOMING_MAX_EXAMINED.toLocaleString('en-US');

export const scorePoint = z.object({ score: z.number().describe('0–100'), band }).openapi('ScorePoint');

export const upcomingCause = z
  .object({
    type: z.enum(['policy-event', 'agreement']),
    id: z.string().describe('the item (GET /v1/reference/policy-events)'),
    kind: z.enum(['export_licensing', 'export_quota', 'export_ban', 'suspension', 'agreement']),
    country: z.string().describe("ISO alpha-2: the country taking the measure, or the agreement's partner"),
    change: z
      .enum([
        'announced',
        'takes_effect',
        'expires',
        'suspension_starts',
        'suspension_lapses',
        'agreement_starts',
        'agreement_ends',
      ])
      .describe(
        'what the item does that day: a measure announced ahead of its start counts as latent risk until it takes effect; expires, suspension_lapses and agreement_ends fall on the day after the last day in force',
      ),
    suspends: z.array(z.string()).optional().describe('for a suspension: the measures it holds, or held'),
    text: z.string().describe('in words'),
  })
  .openapi('UpcomingCause');

export const upcomingMove = z
  .object({
    date: isoDate.describe('YYYY-MM-DD: the first day of the new score'),
    causes: z
      .array(upcomingCause)
      .describe("the timeline items that start or end that day and bear on the supplier's minerals for its buyer"),
    from: scorePoint.describe("the score the day before: the current one, or the previous move's"),
    to: scorePoint.describe('the projected score on the date, as the daily rescore will compute it then'),
    delta: z.number().describe('to − from, in points'),
    deltaFromCurrent: z.number().describe('to − current, in points'),
  })
  .openapi('UpcomingMove');

export const upcomingSupplier = z
  .object({
    supplierId: z.string(),
    supplierName: z.string().nullable(),
    buyerCountry: z.string().describe('ISO 3166-1 alpha-2: the buyer country the supplier is stored and scored for'),
    current: scorePoint.describe('the score as of today with the live policy timeline'),
    moves: z.array(upcomingMove).describe('in date order; only dates on which the score or band moves'),
  })
  .openapi('UpcomingSupplier');

export const upcomingPage = z
  .object({
    asOf: isoDate.describe('YYYY-MM-DD, today (UTC): the current scores are as of this date; moves are after it'),
    horizon: isoDate.describe('YYYY-MM-DD: the last date of the window, asOf + days'),
    days: z.number().int(),
    dataVersion: z.string().describe('the reference data and policy revision the projections use'),
    items: z
      .array(upcomingSupplier)
      .describe('the suppliers of this page with at least one move, by first move date, then supplier id'),
    examined: z.number().int().describe(`stored suppliers this page read (at most ${maxExamined})`),
    cursor: z
      .string()
      .nullable()
      .describe(
        `pass as ?cursor= for the next page; null on the last. A page reads at most ${maxExamined} stored suppliers: it may hold fewer items than limit, even none, and still have a cursor`,
      ),
  })
  .openapi('UpcomingPage');
