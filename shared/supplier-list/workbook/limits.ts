/**
 * The limits of the RMI workbook reader, defined once. A filled CMRT/EMRT is 1.5–3 MB zipped, ~10 MB of XML, under
 * 100 zip entries, a Smelter List of ~2,500 template rows and ~34 used columns: every limit leaves a wide margin
 * above that and stays far below what would strain a 1 GB Lambda.
 */

/** A workbook file larger than this is refused before it is opened. */
export const MAX_WORKBOOK_BYTES = 25 * 1024 * 1024;
/** Zip entries (parts) of one workbook; the RMI templates have ~80. */
export const MAX_ZIP_ENTRIES = 2_000;
/** Declared (and actual) uncompressed size of one part; the templates' largest sheet is 5.8 MB. */
export const MAX_ENTRY_BYTES = 64 * 1024 * 1024;
/** Declared uncompressed size of all parts together. */
export const MAX_TOTAL_BYTES = 256 * 1024 * 1024;
/** Uncompressed ÷ compressed size of one part; the templates' parts reach ~15; zip bombs reach 1,000. */
export const MAX_COMPRESSION_RATIO = 200;
/** Parts smaller than this are not held to the ratio (a tiny part of repeated bytes compresses very well). */
export const RATIO_FLOOR_BYTES = 1024 * 1024;
/** Rows (highest row number) of a sheet the reader reads; the Smelter List template has 2,504. */
export const MAX_SHEET_ROWS = 20_000;
/** Columns (highest column) of a sheet the reader reads; the Smelter List template uses 34 (A–AH). */
export const MAX_SHEET_COLUMNS = 128;
/** A cell this long or longer was probably cut by Excel's 255-character limits (a paste, a list validation). */
export const TRUNCATED_CELL_LENGTH = 255;
