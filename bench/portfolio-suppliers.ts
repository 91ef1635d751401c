/**
 * The portfolio benchmarks' suppliers (bench/portfolio.child.ts, bench/portfolio-first-read.child.ts): deterministic,
 * 1–4 lines over a dozen minerals and fifteen countries, some undeclared origins and spends; and their stored items.
 */
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Scorer } from '../shared/model/score.ts';
import { storedScoreOf } from '../shared/model/stored-score.ts';
import type { ScoredSupplier, SupplierInput } from '../shared/model/types.ts';
import type { ScoredWrite } from '../shared/store/port.ts';
import { retryUnprocessed } from '../shared/store/retry.ts';
import { encodeSummary, toItem } from '../shared/store/supplier-items.ts';
import { prng } from './generate.ts';

const MINERALS = [
  'dysprosium',
  'neodymium',
  'gallium',
  'germanium',
  'cobalt',
  'lithium',
  'graphite',
  'nickel',
  'tungsten',
  'antimony',
  'tantalum',
  'manganese',
];
const COUNTRIES = ['CN', 'CD', 'AU', 'CL', 'AR', 'ID', 'ZA', 'BR', 'RU', 'US', 'CA', 'MM', 'VN', 'RW', 'GA'];

/** Deterministic suppliers: 1–4 lines over the minerals and countries above, some undeclared origins. */
export function* suppliers(count: number, seed: number, prefix: string): Generator<SupplierInput> {
  const r = prng(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)] as T;
  for (let i = 0; i < count; i++) {
    const lines = 1 + Math.floor(r() * 4);
    const exposures = Array.from({ length: lines }, () => ({
      mineral: pick(MINERALS),
      originCountry: r() < 0.1 ? null : pick(COUNTRIES),
      processingCountry: r() < 0.5 ? 'CN' : null,
      share: r() < 0.2 ? null : Math.round(r() * 100) / 400,
    }));
    yield {
      supplierId: `${prefix}-${String(i).padStart(7, '0')}`,
      supplierName: `Supplier ${i}`,
      supplierCountry: pick(COUNTRIES),
      annualSpendUsd: r() < 0.05 ? null : Math.round(r() * 5_000_000_00) / 100,
      tier: 1 + Math.floor(r() * 3),
      alternativeSources: Math.floor(r() * 3),
      inventoryDays: Math.floor(r() * 90),
      exposures,
    };
  }
}

/** A supplier's item as the pipeline stores it (compact: input, score summary, portfolio contribution). */
export function storedItem(tenant: string, input: SupplierInput, scorer: Scorer, at: string): Record<string, unknown> {
  const result = scorer.score(input);
  const write: ScoredWrite = { inputVersion: 1, input, result, nextChangeDate: null, batchId: null };
  // The summary is written by the change clauses of a real write (supplier-changes.ts); a loaded item needs it too.
  return { ...toItem(tenant, write, at), summary: encodeSummary(storedScoreOf(result as ScoredSupplier)) };
}

/** Writes items by BatchWriteItem as fast as the emulator takes them: 25 a request, 8 requests in flight. */
export function itemLoader(doc: DynamoDBDocumentClient, table: string) {
  let batch: Record<string, unknown>[] = [];
  let pending: Promise<void>[] = [];
  const send = (items: Record<string, unknown>[]) =>
    retryUnprocessed({ [table]: items.map((Item) => ({ PutRequest: { Item } })) }, async (RequestItems) => {
      const r = await doc.send(new BatchWriteCommand({ RequestItems }));
      return r.UnprocessedItems as typeof RequestItems | undefined;
    });
  return {
    async put(item: Record<string, unknown>) {
      batch.push(item);
      if (batch.length < 25) return;
      pending.push(send(batch));
      batch = [];
      if (pending.length >= 8) {
        await Promise.all(pending);
        pending = [];
      }
    },
    async flush() {
      if (batch.length > 0) pending.push(send(batch));
      batch = [];
      await Promise.all(pending);
      pending = [];
    },
  };
}
