/** The file as a whole cannot be read as a supplier list (empty, binary, no header, required column missing). */
export class SupplierListFormatError extends Error {
  override readonly name = 'SupplierListFormatError';
}
