import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeMetadataText,
  encodeMetadataText,
  InvalidUploadKeyError,
  parseUploadKey,
  UPLOAD_FORMATS,
  uploadKey,
} from '../../../shared/uploads/key.ts';
import { INLINE_UPLOAD_BYTES, UPLOAD_LIMITS, uploadLimitBytes } from '../../../shared/uploads/limits.ts';

const segment = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/);

describe('upload keys', () => {
  it('name the tenant, batch and format of every upload format, and read back the same', () => {
    fc.assert(
      fc.property(segment, segment, fc.constantFrom(...UPLOAD_FORMATS), (tenant, batchId, format) => {
        const key = uploadKey(tenant, batchId, format);
        expect(key).toBe(`uploads/${tenant}/${batchId}.${format}`);
        expect(parseUploadKey(key)).toEqual({ tenant, batchId, format });
      }),
    );
  });

  it('a workbook is .xlsx; an extension no reader takes is no upload', () => {
    expect(parseUploadKey('uploads/acme/b-1.XLSX').format).toBe('xlsx');
    for (const key of ['uploads/acme/b-1.xls', 'uploads/acme/b-1.xlsm', 'uploads/acme/b-1.zip'])
      expect(() => parseUploadKey(key)).toThrow(InvalidUploadKeyError);
  });
});

describe('metadata text', () => {
  it('any supplier id travels as ASCII header text and decodes to itself', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', minLength: 1 }), (id) => {
        const value = encodeMetadataText(id);
        expect(value).toMatch(/^[\x20-\x7e]+$/);
        expect(decodeMetadataText(value)).toBe(id);
      }),
    );
  });

  it('a value that is not percent-encoding is refused, not guessed at', () => {
    expect(decodeMetadataText('%E0%A4%A')).toBeNull();
  });
});

describe('upload limits', () => {
  it('each format has its limit; the inline limit is below every presigned one', () => {
    expect(uploadLimitBytes('csv')).toBe(UPLOAD_LIMITS.csvBytes);
    expect(uploadLimitBytes('json')).toBe(UPLOAD_LIMITS.jsonBytes);
    expect(uploadLimitBytes('xlsx')).toBe(UPLOAD_LIMITS.xlsxBytes);
    for (const format of UPLOAD_FORMATS) expect(INLINE_UPLOAD_BYTES).toBeLessThan(uploadLimitBytes(format));
    // Base64 adds a third: an inline workbook at the limit still fits API Gateway's 10 MB payload.
    expect(Math.ceil(INLINE_UPLOAD_BYTES / 3) * 4).toBeLessThan(10 * 1024 * 1024);
  });
});
