/**
 * The limits on one supplier, defined once: the CSV/JSON reader (uploads and the CLI) and the API's schemas apply the
 * same ones, so a supplier accepted by one is accepted by the other, and any accepted supplier fits in one queue
 * message (a test checks the largest possible one against SQS's 256 KiB).
 */
export const MAX_SUPPLIER_ID_LENGTH = 128;
export const MAX_SUPPLIER_NAME_LENGTH = 512;
/** Exposure lines (mineral × origin × processing) of one supplier. */
export const MAX_EXPOSURES_PER_SUPPLIER = 500;
export const MAX_TIER = 10;
export const MAX_ALTERNATIVE_SOURCES = 1000;
export const MAX_INVENTORY_DAYS = 3650;
/** A line's declared processor (a company name, matched against entity-level measures). */
export const MAX_PROCESSOR_LENGTH = 200;
