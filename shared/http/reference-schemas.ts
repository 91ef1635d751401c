/** The API's response bodies for the reference data (shared/reference/types.ts): GET /v1/reference/*. */
import * as z from 'zod';
import { countryCode, isoDate, measureStage, stage } from './schema-primitives.ts';

export const productionShare = z
  .object({
    mineral: z.string(),
    stage,
    country: countryCode,
    sharePct: z.number().describe('percent of world supply, 0–100'),
    note: z.string().optional(),
    proxyOf: z
      .string()
      .optional()
      .describe('set when no public source gives this mineral by country: the sourced series standing in for it'),
    source: z.string(),
    year: z.number().int(),
  })
  .openapi('ProductionShare');

const stageShares = z.object({
  shares: z.array(productionShare),
  basis: z.union([
    z.object({ kind: z.literal('own') }),
    z.object({ kind: z.literal('group'), group: z.string() }),
    z.object({ kind: z.literal('other_stage'), stage }),
    z.object({ kind: z.literal('none') }),
  ]),
  divisor: z.number(),
});

export const referenceMinerals = z
  .object({
    dataVersion: z.string(),
    items: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        symbol: z.string().nullable(),
        isGroup: z.boolean(),
        groups: z.array(z.string()),
        covers: z.array(z.string()),
        aliases: z.array(z.string()),
        usCritical2025: z.boolean(),
        vulnerability: z
          .object({
            substitutionIndex: z.number().nullable(),
            eolRecyclingInputRate: z.number().nullable(),
            source: z.string(),
            year: z.number().int(),
          })
          .nullable(),
        shares: z.object({ mining: stageShares, processing: stageShares }),
      }),
    ),
  })
  .openapi('ReferenceMinerals');

const wgiEstimate = z.number().nullable().describe('WGI estimate, about -2.5 weak … +2.5 strong; null = not estimated');

export const governance = z
  .object({
    country: countryCode,
    wgiCode: z.string().describe("the World Bank's own economy code (ZAR for the DR Congo)"),
    voiceAccountability: wgiEstimate,
    politicalStability: wgiEstimate,
    governmentEffectiveness: wgiEstimate,
    regulatoryQuality: wgiEstimate,
    ruleOfLaw: wgiEstimate,
    controlOfCorruption: wgiEstimate,
    vintage: z.string(),
    source: z.string(),
  })
  .openapi('Governance');

export const referenceCountries = z
  .object({
    dataVersion: z.string(),
    items: z.array(
      z.object({
        code: countryCode,
        alpha3: z.string(),
        name: z.string(),
        governance: governance.nullable(),
        governanceRisk: z.number(),
        governanceDefaulted: z
          .boolean()
          .describe('true when the WGI does not cover the country (the world mean is assumed)'),
      }),
    ),
  })
  .openapi('ReferenceCountries');

export const policyEvent = z
  .object({
    id: z.string(),
    country: countryCode,
    instrument: z.string(),
    kind: z.enum(['export_licensing', 'export_quota', 'export_ban', 'suspension']),
    minerals: z.array(z.string()),
    announced: z.string(),
    effectiveFrom: isoDate,
    effectiveUntil: isoDate.nullable(),
    destination: z.union([
      z.object({ kind: z.literal('all') }),
      z.object({ kind: z.literal('country'), country: countryCode }),
      z.object({ kind: z.literal('country_military'), country: countryCode }),
      z.object({ kind: z.literal('entities'), entities: z.array(z.string()) }),
    ]),
    stage: measureStage.optional(),
    suspends: z.array(z.string()).optional(),
    notes: z.string().optional(),
    source: z.string(),
  })
  .openapi('PolicyEvent');

const measureState = z
  .object({
    state: z
      .enum(['not_announced', 'announced', 'active', 'suspended', 'expired'])
      .describe('the measure on `asOf`, as the model reads it'),
    suspendedBy: z.string().optional().describe('for `suspended`: the suspension in force'),
    revision: z.number().int().describe('the policy revision that set this item (0: the shipped data)'),
  })
  .openapi('MeasureState');

export const agreement = z
  .object({
    id: z.string(),
    buyerCountry: countryCode,
    partnerCountry: countryCode,
    title: z.string(),
    effectiveFrom: isoDate,
    effectiveUntil: isoDate.nullable(),
    minerals: z.array(z.string()),
    source: z.string(),
  })
  .openapi('Agreement');

export const referencePolicyEvents = z
  .object({
    asOf: isoDate,
    dataVersion: z.string(),
    policyRevision: z.number().int().describe('the latest policy revision applied (0: the shipped timeline only)'),
    policyEvents: z.array(policyEvent.extend(measureState.shape)),
    agreements: z.array(
      agreement.extend({
        inForce: z.boolean().describe('in force on `asOf`'),
        revision: z.number().int().describe('the policy revision that set this item (0: the shipped data)'),
      }),
    ),
  })
  .openapi('ReferencePolicyEvents');
