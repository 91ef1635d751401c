import type { Rejection } from '../supplier-list/row.ts';

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
