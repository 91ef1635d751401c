import type { Rejection } from '../supplier-list/row.ts';
import { rejectionPlace } from '../supplier-list/workbook/read-workbook.ts';

/** Counts that always balance: rows = scored + rejected (scored counts rows, suppliers counts suppliers). */
export interface RunSummary {
  rows: number;
  suppliers: number;
  scored: number;
  rejected: number;
}

export interface RunHeader {
  asOf: string;
  buyerCountry: string;
  modelVersion: string;
  dataVersion: string;
}

export type { Rejection };

/** Where a rejection is, in a report: a workbook's cell (`Smelter List!E17`), a CSV's row and field (`row 7, mineral`). */
export const rejectedAt = (r: Rejection): string => (r.sheet ? rejectionPlace(r) : `row ${r.row}, ${r.field}`);
