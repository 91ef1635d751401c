import { MineralRiskError } from '../errors.ts';
/** The file as a whole cannot be read as a supplier list (empty, binary, no header, required column missing). */
export class SupplierListFormatError extends MineralRiskError {
  override readonly name = 'SupplierListFormatError';
  readonly retryable = false;
}
