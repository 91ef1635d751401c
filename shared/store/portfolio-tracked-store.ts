/**
 * The one composition of the store that the writers of scores use (the score and rescore workers, the API, the local
 * runtime): the supplier store by item type (dynamodb-supplier-store.ts) with the portfolio aggregates following its
 * writes (shared/portfolio/record-contributions.ts), and those aggregates, which the API reads and the score worker
 * folds. Handlers build it here instead of each newing and wrapping the pieces.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { withPortfolioAggregates } from '../portfolio/record-contributions.ts';
import { DynamoDbSupplierStore } from './dynamodb-supplier-store.ts';
import { DynamoDbPortfolioAggregates } from './portfolio-aggregates.ts';

export interface TrackedSupplierStore {
  /** The supplier store; every write it makes is followed by its portfolio delta. */
  store: DynamoDbSupplierStore;
  /** The aggregates those deltas go to (read, folded). */
  portfolio: DynamoDbPortfolioAggregates;
}

export function trackedSupplierStore(client: DynamoDBClient, tableName: string): TrackedSupplierStore {
  const portfolio = new DynamoDbPortfolioAggregates(client, tableName);
  return { store: withPortfolioAggregates(new DynamoDbSupplierStore(client, tableName), portfolio), portfolio };
}
