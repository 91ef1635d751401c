/** The portfolio and scenario answers (shared/model/portfolio.ts, scenario.ts), part of the API's response bodies. */
import * as z from 'zod';
import { band, countryCode, isoDate } from './schema-primitives.ts';

const bandTotals = z.object({ suppliers: z.number().int(), spendUsd: z.number() });
export const spendByBand = z
  .object({ low: bandTotals, medium: bandTotals, high: bandTotals, critical: bandTotals })
  .openapi('SpendByBand');

export const portfolioExposure = z
  .object({
    groupBy: z.enum(['mineral', 'country', 'mineral,country', 'country,mineral']).describe('as asked for'),
    groups: z.array(
      z.object({
        key: z.object({ mineral: z.string().optional(), country: z.string().optional() }),
        suppliers: z.number().int(),
        spendUsd: z.number(),
        spendWeightedScore: z.number().nullable(),
        maxScore: z.number(),
      }),
    ),
    concentration: z.array(
      z.object({
        mineral: z.string(),
        spendUsd: z.number(),
        origins: z.number().int(),
        sourcingHhi: z.number().nullable().describe('0–1; 1 = all of the spend from one country'),
      }),
    ),
    spendByBand,
    totals: z.object({
      suppliers: z.number().int(),
      spendUsd: z.number(),
      spendWeightedScore: z.number().nullable(),
      unallocatedSpendUsd: z.number(),
    }),
    freshness: z
      .object({
        updatedAt: z
          .string()
          .nullable()
          .describe('when a supplier write last changed the aggregates this answer is read from (null: never)'),
        reconciledAt: z
          .string()
          .nullable()
          .describe('when the aggregates were last recounted from every stored supplier (daily; null: not yet)'),
        readAt: z.string().describe('when the aggregates were read (a read is reused for up to a second)'),
        complete: z
          .boolean()
          .describe(
            'false right after a very large upload: more changes were pending than one read takes, so the answer holds the oldest of them; each read folds what it took, so asking again soon gives a fuller answer',
          ),
      })
      .describe(
        'the answer is read from aggregates kept up to date as scores are written, and recounted daily to repair any missed update',
      ),
  })
  .openapi('PortfolioExposure');

const scenarioPortfolio = z.object({ spendWeightedScore: z.number().nullable(), spendByBand });

export const scenarioResult = z
  .object({
    asOf: isoDate,
    buyerCountry: countryCode,
    baseDataVersion: z.string(),
    scenarioDataVersion: z.string(),
    suppliers: z.array(
      z.object({
        supplierId: z.string(),
        supplierName: z.string().nullable(),
        base: z.object({ score: z.number(), band }),
        scenario: z.object({ score: z.number(), band }),
        delta: z.number(),
        topDriver: z.string().nullable(),
      }),
    ),
    suppliersOmitted: z
      .number()
      .int()
      .describe(
        'suppliers left out of the list, the smallest changes, when it would pass 10,000 suppliers or 5 MiB; the portfolio counts all',
      ),
    portfolio: z.object({ base: scenarioPortfolio, scenario: scenarioPortfolio, delta: scenarioPortfolio }),
  })
  .openapi('ScenarioResult');
