import { WORKBOOK_MEDIA_TYPE, WORKBOOK_MEDIA_TYPES } from '../supplier-list/workbook/read-workbook.ts';
import type { UploadFormat } from './key.ts';

export { WORKBOOK_MEDIA_TYPE, WORKBOOK_MEDIA_TYPES };

const WORKBOOK_TYPES = new Set(WORKBOOK_MEDIA_TYPES.map((t) => t.toLowerCase()));

/** An .xlsx, or a macro-enabled .xlsm (read as data: its macros are never expanded nor run); media types ignore case. */
export const isWorkbookMediaType = (type: string): boolean => WORKBOOK_TYPES.has(type.toLowerCase());

/** The content type each upload format is sent and stored with (inline bodies, presigned PUTs, S3 objects). */
export const UPLOAD_MEDIA_TYPES: Readonly<Record<UploadFormat, string>> = {
  csv: 'text/csv',
  json: 'application/json',
  xlsx: WORKBOOK_MEDIA_TYPE,
};
