import { MAX_WORKBOOK_BYTES } from '../supplier-list/workbook/limits.ts';
import type { UploadFormat } from './key.ts';

/** The largest supplier-list file one upload may be, by format: ingest enforces it, the API tells clients. */
export interface UploadLimits {
  csvBytes: number;
  jsonBytes: number;
  /** An RMI workbook (.xlsx): read whole, in memory. */
  xlsxBytes: number;
  /** Data rows of one upload. */
  rows: number;
  /** Rejections stored per batch (the first ones, in row order); the rest are counted. */
  storedRejections: number;
}

/**
 * What one ingest invocation (4,096 MB, 15 minutes) handles with room to spare: a CSV is streamed but every
 * supplier is held until the file ends (about 0.4 KB per row; 256 MiB is about 3 million rows); a JSON array is
 * parsed whole. A larger file fails its batch at once with a message saying to split it, rather than running the
 * function out of memory on every retry.
 */
export const UPLOAD_LIMITS: UploadLimits = {
  csvBytes: 256 * 2 ** 20,
  jsonBytes: 64 * 2 ** 20,
  // The workbook reader's own bound (a filled template is 1.5–3 MB): ingest reads the workbook whole in memory, and
  // the reader expands only the parts it reads, each capped (shared/supplier-list/workbook/limits.ts).
  xlsxBytes: MAX_WORKBOOK_BYTES,
  // Bytes alone do not bound memory: a compact row ("S1,Dy,CN", 9 bytes) that is its own supplier costs ~690 bytes of
  // heap (measured, docs/benchmarks.md), 70× its size. 2 million such rows hold ~1.4 GB, within the function's memory.
  rows: 2_000_000,
  // A file of nothing but bad rows costs one item per rejection: the first 10,000 tell the analyst what to fix.
  storedRejections: 10_000,
};

export const uploadLimitBytes = (format: UploadFormat, limits: UploadLimits = UPLOAD_LIMITS): number =>
  format === 'json' ? limits.jsonBytes : format === 'xlsx' ? limits.xlsxBytes : limits.csvBytes;

/**
 * The largest body POST /v1/batches takes inline (decoded bytes; a workbook arrives base64-encoded, a third larger,
 * within API Gateway's 10 MB): larger files go through a presigned upload.
 */
export const INLINE_UPLOAD_BYTES = 5 * 2 ** 20;
