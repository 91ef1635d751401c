/** Building blocks shared by the API's response schemas (response-schemas.ts, portfolio-schemas.ts, reference-schemas.ts). */
import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import * as z from 'zod';

extendZodWithOpenApi(z);

export const isoDate = z.string().describe('YYYY-MM-DD');
export const dateTime = z.string().describe('ISO 8601 date-time (UTC)');
export const countryCode = z.string().describe('ISO 3166-1 alpha-2');
export const stage = z.enum(['mining', 'processing']);
export const band = z.enum(['low', 'medium', 'high', 'critical']).openapi('Band');
/** Which flows through its country a measure stops (docs/model.md 2.2); absent = `all`. */
export const measureStage = z
  .enum(['all', 'mining', 'raw', 'processing'])
  .describe(
    'the flows it stops: all (default) every flow through the country; mining its mine output; raw unprocessed ore and concentrate leaving it (a line mined there and processed elsewhere); processing its processed output',
  );
