import { SupplierListFormatError } from '../errors.ts';

/** `name` of the subclasses below (the base class types it as its own literal, so it is set at construction). */
function named(error: Error, name: string): void {
  Object.defineProperty(error, 'name', { value: name, configurable: true, writable: true });
}

/**
 * The file as a whole cannot be read as an RMI workbook (not a workbook, unknown template, unsupported version, no
 * supplier): a SupplierListFormatError, so every caller that rejects a bad CSV file rejects it the same way. `sheet`
 * and `cell` name the place when there is one (`Declaration`, `D8`); the message starts with it.
 */
export class WorkbookFormatError extends SupplierListFormatError {
  readonly sheet: string | undefined;
  readonly cell: string | undefined;

  constructor(message: string, place: { sheet?: string; cell?: string } = {}) {
    super(place.sheet ? `${place.sheet}${place.cell ? `!${place.cell}` : ''}: ${message}` : message);
    this.sheet = place.sheet;
    this.cell = place.cell;
    named(this, 'WorkbookFormatError');
  }
}

/**
 * The workbook's zip container is refused before any part of it is expanded: too large, too many parts, a part whose
 * size or compression ratio is that of a zip bomb, an encrypted or unusual part, or a sheet past the row/column caps.
 */
export class WorkbookTooLargeError extends WorkbookFormatError {
  constructor(message: string, place: { sheet?: string; cell?: string } = {}) {
    super(message, place);
    named(this, 'WorkbookTooLargeError');
  }
}
