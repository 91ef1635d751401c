/**
 * A scenario job's answers (zod), for the OpenAPI document and the typed client: POST /v1/scenarios's 202 for a
 * large portfolio and GET /v1/scenarios/{jobId} (functions/api/routes/scenarios.ts).
 */
import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import * as z from 'zod';
import { SCENARIO } from '../pipeline/scenario-job.ts';
import { scenarioResult } from './response-schemas.ts';

extendZodWithOpenApi(z);

const jobFields = {
  jobId: z.string().describe('GET /v1/scenarios/{jobId} (the Location header) follows it'),
  status: z.enum(['running', 'completed', 'failed']),
  asOf: z.string().describe('YYYY-MM-DD'),
  buyerCountry: z.string(),
  createdAt: z.string().describe('ISO 8601'),
  expiresAt: z.string().describe(`ISO 8601: the job and its answer are kept ${SCENARIO.ttlSeconds / 3600} hours`),
  progress: z.object({
    segmentsDone: z.number().int().describe('scan segments finished (each counted once)'),
    segmentsTotal: z.number().int(),
    suppliersExamined: z.number().int().describe('your suppliers the finished segments scored'),
  }),
};

export const scenarioJobAccepted = z.object(jobFields).openapi('ScenarioJobAccepted');

export const scenarioJob = z
  .object({
    ...jobFields,
    completedAt: z.string().nullable(),
    failure: z.string().optional().describe('why a failed job failed: ask again'),
    result: scenarioResult.optional().describe('once completed: the same answer an inline scenario gives'),
  })
  .openapi('ScenarioJob');
