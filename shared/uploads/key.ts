import { MineralRiskError } from '../errors.ts';

/**
 * Upload object keys carry the tenant, batch and format: `uploads/{tenant}/{batchId}.{csv|json|xlsx}`. The API writes
 * them from the verified token's tenant (never from the request), so ingest can trust the key's tenant, and the
 * extension tells ingest which reader the object is for (an RMI workbook is `.xlsx`).
 */
const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

export class InvalidUploadKeyError extends MineralRiskError {
  override readonly name = 'InvalidUploadKeyError';
  readonly retryable = false;
}

/** What an upload is: a supplier-list CSV, the same rows as a JSON array, or an RMI reporting workbook. */
export type UploadFormat = 'csv' | 'json' | 'xlsx';
export const UPLOAD_FORMATS: readonly UploadFormat[] = ['csv', 'json', 'xlsx'];

export function uploadKey(tenant: string, batchId: string, format: UploadFormat = 'csv'): string {
  if (!SEGMENT.test(tenant)) throw new InvalidUploadKeyError(`tenant '${tenant}' is not a valid key segment`);
  if (!SEGMENT.test(batchId)) throw new InvalidUploadKeyError(`batch id '${batchId}' is not a valid key segment`);
  return `uploads/${tenant}/${batchId}.${format}`;
}

export function parseUploadKey(key: string): { tenant: string; batchId: string; format: UploadFormat } {
  const m = /^uploads\/([^/]+)\/([^/]+)\.(csv|json|xlsx)$/i.exec(key);
  if (!m || !SEGMENT.test(m[1] as string) || !SEGMENT.test(m[2] as string))
    throw new InvalidUploadKeyError(`upload key '${key}' is not uploads/{tenant}/{batchId}.csv|json|xlsx`);
  return { tenant: m[1] as string, batchId: m[2] as string, format: (m[3] as string).toLowerCase() as UploadFormat };
}

/**
 * User metadata an upload may carry (x-amz-meta-*): scoring date, buyer country, and for a workbook the supplier id
 * its lines belong to (else the company named in its Declaration).
 */
export const UPLOAD_METADATA = { asOf: 'as-of', buyerCountry: 'buyer-country', supplierId: 'supplier-id' } as const;

/** S3 metadata travels in HTTP headers (ASCII): a supplier id, which may be any Unicode text, is stored percent-encoded. */
export const encodeMetadataText = (text: string): string => encodeURIComponent(text);

/** The text of a percent-encoded metadata value; null when it is not one (written by something else). */
export function decodeMetadataText(value: string): string | null {
  try {
    return decodeURIComponent(value);
  } catch {
    return null;
  }
}
