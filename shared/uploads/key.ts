import { MineralRiskError } from '../errors.ts';

/**
 * Upload object keys carry the tenant and batch: `uploads/{tenant}/{batchId}.{csv|json}`. The API writes them from
 * the verified token's tenant (never from the request), so ingest can trust the key's tenant.
 */
const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

export class InvalidUploadKeyError extends MineralRiskError {
  override readonly name = 'InvalidUploadKeyError';
  readonly retryable = false;
}

export function uploadKey(tenant: string, batchId: string, format: 'csv' | 'json' = 'csv'): string {
  if (!SEGMENT.test(tenant)) throw new InvalidUploadKeyError(`tenant '${tenant}' is not a valid key segment`);
  if (!SEGMENT.test(batchId)) throw new InvalidUploadKeyError(`batch id '${batchId}' is not a valid key segment`);
  return `uploads/${tenant}/${batchId}.${format}`;
}

export function parseUploadKey(key: string): { tenant: string; batchId: string; format: 'csv' | 'json' } {
  const m = /^uploads\/([^/]+)\/([^/]+)\.(csv|json)$/i.exec(key);
  if (!m || !SEGMENT.test(m[1] as string) || !SEGMENT.test(m[2] as string))
    throw new InvalidUploadKeyError(`upload key '${key}' is not uploads/{tenant}/{batchId}.csv|json`);
  return { tenant: m[1] as string, batchId: m[2] as string, format: (m[3] as string).toLowerCase() as 'csv' | 'json' };
}

/** User metadata an upload may carry (x-amz-meta-*): scoring date and buyer country. */
export const UPLOAD_METADATA = { asOf: 'as-of', buyerCountry: 'buyer-country' } as const;
