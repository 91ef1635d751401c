/** The largest supplier-list file one upload may be, by format: ingest enforces it, the API tells clients. */
export interface UploadLimits {
  csvBytes: number;
  jsonBytes: number;
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
  // Bytes alone do not bound memory: a compact row ("S1,Dy,CN", 9 bytes) that is its own supplier costs ~690 bytes of
  // heap (measured, docs/benchmarks.md), 70× its size. 2 million such rows hold ~1.4 GB, within the function's memory.
  rows: 2_000_000,
  // A file of nothing but bad rows costs one item per rejection: the first 10,000 tell the analyst what to fix.
  storedRejections: 10_000,
};

export const uploadLimitBytes = (format: 'csv' | 'json', limits: UploadLimits = UPLOAD_LIMITS): number =>
  format === 'json' ? limits.jsonBytes : limits.csvBytes;
