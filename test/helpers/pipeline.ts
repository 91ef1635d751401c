/**
 * The local pipeline as a test fixture: the runtime (dynalite, local S3, local queue, real handlers) with compressed
 * queue waits, a log of the store's writes, a log of the queue's deliveries, score-message factories, the CLI's
 * reading of a file as the oracle, and what the table actually holds.
 */
import { readFile } from 'node:fs/promises';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { scoreFile } from '../../bin/commands/score.ts';
import { type LocalRuntime, type LocalRuntimeOptions, startLocalRuntime } from '../../infra/local/runtime.ts';
import { inputRows } from '../../shared/model/input-rows.ts';
import type { ScoredSupplier, SupplierInput } from '../../shared/model/types.ts';
import type { ScoreMessage } from '../../shared/queue/message.ts';
import type { Rejection, RunSummary } from '../../shared/report/summary.ts';
import { SUPPLIER_SK } from '../../shared/store/keys.ts';
import { INPUT_ATTRIBUTE, inputOfItem } from '../../shared/store/supplier-items.ts';
import type { StoredSupplier } from '../../shared/store/supplier-port.ts';
import { observeWrites, seededRandom, type WriteLog } from './faults.ts';
import { type SqsRecordOptions, sqsRecord } from './sqs-events.ts';
import { type CsvRow, supplierRow, toCsv } from './supplier-csv.ts';
import { tempDir } from './temp.ts';

/** Queue waits compressed: the 360 s visibility timeout takes 180 ms, the 2 s batching window 1 ms. */
export const FAST = 0.0005;
/** A fixed "today" for messages without an as-of date. */
export const TODAY = '2026-11-10';

/** One delivery of a message to the score function, as the event source mapping made it. */
export interface Delivery {
  messageId: string;
  receiveCount: number;
  /** The invocation (numbered from 1) that received it, with up to batchSize messages. */
  invocation: number;
  /** Parsed from the body; null when the body is not a score message. */
  kind: ScoreMessage['kind'] | null;
  batchId: string | null;
  chunk: number | null;
  supplierIds: string[];
}

export interface DeliveryLog {
  all: Delivery[];
  /** Receives per message id. */
  receives(messageId: string): number;
  /** The delivery now holding a supplier (in a running invocation), if any. */
  holding(supplierId: string): Delivery | undefined;
}

export interface Pipeline extends LocalRuntime {
  /** Every supplier write, condition failure and SDK retry the store made. */
  writes: WriteLog;
  deliveries: DeliveryLog;
}

export interface PipelineOptions {
  timeScale?: number;
  today?: string;
  /** Add fault-injecting middleware to the store's DynamoDB client (see faults.ts). */
  faults?: (client: DynamoDBClient, deliveries: DeliveryLog) => void;
  uploadLimits?: LocalRuntimeOptions['uploadLimits'];
}

function parseMessage(body: string): Partial<ScoreMessage> | null {
  try {
    const json = JSON.parse(body) as unknown;
    return json && typeof json === 'object' ? (json as Partial<ScoreMessage>) : null;
  } catch {
    return null;
  }
}

/**
 * Starts the local runtime for a test, with a write log on its DynamoDB client and the score function attached to
 * the queue through a recorder of deliveries (the same handler the runtime attached, wrapped, not replaced).
 */
export async function startPipeline(options: PipelineOptions = {}): Promise<Pipeline> {
  const holding = new Map<string, Delivery>();
  const all: Delivery[] = [];
  const receives = new Map<string, number>();
  let invocations = 0;
  const deliveries: DeliveryLog = {
    all,
    receives: (id) => receives.get(id) ?? 0,
    holding: (id) => holding.get(id),
  };
  let writes: WriteLog | undefined;
  const today = options.today ?? TODAY;
  const runtime = await startLocalRuntime({
    timeScale: options.timeScale ?? FAST,
    today: () => today,
    ...(options.uploadLimits ? { uploadLimits: options.uploadLimits } : {}),
    onDynamoClient: (client) => {
      // The write log first: the outermost middleware of its step, it sees every call the store makes, including
      // those a fault injector answers without reaching dynalite.
      writes = observeWrites(client);
      options.faults?.(client, deliveries);
    },
  });
  if (!writes) throw new Error('onDynamoClient was not called');
  await runtime.queue.stop();
  runtime.queue.attach(async (event: SQSEvent, context) => {
    const invocation = ++invocations;
    const mine: Delivery[] = event.Records.map((record: SQSRecord) => {
      const m = parseMessage(record.body);
      const delivery: Delivery = {
        messageId: record.messageId,
        receiveCount: Number(record.attributes.ApproximateReceiveCount),
        invocation,
        kind: m?.kind ?? null,
        batchId: m?.batchId ?? null,
        chunk: m?.chunk ?? null,
        supplierIds: Array.isArray(m?.suppliers) ? m.suppliers.map((s) => s.input.supplierId) : [],
      };
      all.push(delivery);
      receives.set(record.messageId, (receives.get(record.messageId) ?? 0) + 1);
      for (const id of delivery.supplierIds) holding.set(id, delivery);
      return delivery;
    });
    try {
      return await runtime.handlers.score(event, context);
    } finally {
      for (const d of mine) for (const id of d.supplierIds) if (holding.get(id) === d) holding.delete(id);
    }
  });
  return Object.assign(runtime, { writes, deliveries });
}

// ── messages ───────────────────────────────────────────────────────────────────────────────────────────────────

/** A score message as ingest or rescore would send it; defaults: an upsert of batch `b-1`, chunk 0, as of TODAY. */
export function scoreMessage(
  overrides: Partial<ScoreMessage> & { suppliers: ScoreMessage['suppliers'] },
): ScoreMessage {
  return {
    v: 1,
    kind: 'upsert',
    tenant: 't-1',
    batchId: 'b-1',
    chunk: 0,
    asOf: TODAY,
    buyerCountry: 'US',
    ...overrides,
  };
}

/** A supplier as the CSV reader produces it (normalised): one line per [mineral, origin, processing]. */
export function supplierInput(id: string, lines: [string, string, string | null][]): SupplierInput {
  return {
    supplierId: id,
    supplierName: `Supplier ${id}`,
    supplierCountry: null,
    annualSpendUsd: null,
    tier: 1,
    alternativeSources: 0,
    inventoryDays: 0,
    exposures: lines.map(([mineral, originCountry, processingCountry]) => ({
      mineral,
      originCountry,
      processingCountry,
      share: 1 / lines.filter((l) => l[0] === mineral).length,
    })),
  };
}

/** An SQS record carrying a score message, as the event source mapping delivers it. */
export function scoreRecord(message: ScoreMessage | string, options: SqsRecordOptions = {}): SQSRecord {
  return sqsRecord(typeof message === 'string' ? message : JSON.stringify(message), options);
}

export const rowsOf = (message: ScoreMessage) => message.suppliers.reduce((n, s) => n + inputRows(s.input), 0);

// ── the oracle and the table ───────────────────────────────────────────────────────────────────────────────────

export interface CliJson {
  asOf: string;
  buyerCountry: string;
  modelVersion: string;
  dataVersion: string;
  results: ScoredSupplier[];
  rejected: Rejection[];
  summary: RunSummary;
}

/** The CLI's reading of a file (`mineral-risk score FILE --format json --out TMP`). */
export async function cliScore(file: string, options: { asOf: string; buyerCountry?: string }): Promise<CliJson> {
  const dir = tempDir('mineral-risk-cli-');
  try {
    const out = `${dir.path}/result.json`;
    const stderr = process.stderr.write;
    // The CLI prints its summary on stderr; the test reads the JSON instead.
    process.stderr.write = () => true;
    try {
      const code = await scoreFile(file, { ...options, format: 'json', out, progress: false });
      if (code !== 0) throw new Error(`the CLI exited ${code}`);
    } finally {
      process.stderr.write = stderr;
    }
    return JSON.parse(await readFile(out, 'utf8')) as CliJson;
  } finally {
    dir.remove();
  }
}

export interface TableFigures {
  /** Supplier items carrying the batch id. */
  suppliers: number;
  /** Their input rows (a purchase-ledger row that expanded into several lines counts once). */
  rows: number;
  supplierIds: string[];
}

/** What the table holds for a batch, read by a consistent scan (not through the batch record). */
export async function tableFigures(runtime: LocalRuntime, tenant: string, batchId: string): Promise<TableFigures> {
  const doc = DynamoDBDocumentClient.from(runtime.dynamo.client);
  const figures: TableFigures = { suppliers: 0, rows: 0, supplierIds: [] };
  let start: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(
      new ScanCommand({
        TableName: runtime.dynamo.tableName,
        ConsistentRead: true,
        FilterExpression: 'sk = :sk AND tenant = :t AND batchId = :b',
        ExpressionAttributeValues: { ':sk': SUPPLIER_SK, ':t': tenant, ':b': batchId },
        ProjectionExpression: 'supplierId, #input, #i',
        ExpressionAttributeNames: { '#input': 'input', '#i': INPUT_ATTRIBUTE },
        ExclusiveStartKey: start,
      }),
    );
    for (const item of page.Items ?? []) {
      figures.suppliers++;
      figures.rows += inputRows(inputOfItem(item));
      figures.supplierIds.push(item.supplierId as string);
    }
    start = page.LastEvaluatedKey;
  } while (start);
  figures.supplierIds.sort();
  return figures;
}

/** A tenant's stored suppliers of one batch, read back through the store (the API's path). */
export async function storedOfBatch(runtime: LocalRuntime, tenant: string, batchId: string): Promise<StoredSupplier[]> {
  const out: StoredSupplier[] = [];
  let cursor: string | null = null;
  do {
    const page: { items: StoredSupplier[]; cursor: string | null } = await runtime.store.listSuppliers(tenant, {
      limit: 1000,
      ...(cursor ? { cursor } : {}),
    });
    out.push(...page.items.filter((s) => s.batchId === batchId));
    cursor = page.cursor;
  } while (cursor);
  return out;
}

/** Every rejection recorded for a batch, in row order, through the store. */
export async function allRejections(runtime: LocalRuntime, tenant: string, batchId: string): Promise<Rejection[]> {
  const out: Rejection[] = [];
  let after: number | null = 0;
  while (after !== null) {
    const page: { items: Rejection[]; next: number | null } = await runtime.store.listRejections(tenant, batchId, {
      limit: 500,
      after,
    });
    out.push(...page.items);
    after = page.next;
  }
  return out;
}

// ── generated uploads ──────────────────────────────────────────────────────────────────────────────────────────

const MINERALS = ['cobalt', 'lithium', 'nickel', 'graphite', 'neodymium', 'dysprosium', 'gallium', 'tungsten', 'Ho'];
const COUNTRIES = ['CN', 'AU', 'DR Congo', 'CL', 'ID', 'US', 'CA', 'BRA', 'South Africa', 'JP', 'MM'];
const FAULTS: Partial<CsvRow>[] = [
  { mineral: 'unobtainium' },
  { origin_country: 'Atlantis' },
  { share: '140%' },
  { tier: 'x' },
  { inventory_days: '-5' },
  { supplier_id: '' },
  { annual_spend_usd: 'lots' },
];

/**
 * A seeded supplier list of exactly `rows` data rows: suppliers of `rowsPerSupplier` rows (default 1–3, one per
 * mineral), with about one row in `invalidEvery` carrying one of several faults. The CLI's reading of the file is
 * the expected result.
 */
export function generateSupplierCsv(
  rows: number,
  options: { seed?: number; invalidEvery?: number; rowsPerSupplier?: [number, number] } = {},
): string {
  const random = seededRandom(options.seed ?? 7);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)] as T;
  const [least, most] = options.rowsPerSupplier ?? [1, 3];
  if (least < 1 || most > MINERALS.length || least > most) throw new RangeError('rowsPerSupplier out of range');
  const out: Partial<CsvRow>[] = [];
  for (let n = 1; out.length < rows; n++) {
    const id = `GEN-${String(n).padStart(6, '0')}`;
    const lines = Math.min(rows - out.length, least + Math.floor(random() * (most - least + 1)));
    const first = Math.floor(random() * MINERALS.length);
    for (let j = 0; j < lines; j++) {
      const row: Partial<CsvRow> = supplierRow({
        supplier_id: id,
        supplier_name: `Generated Supplier ${n}`,
        mineral: MINERALS[(first + j) % MINERALS.length] as string,
        origin_country: pick(COUNTRIES),
        processing_country: random() < 0.3 ? '' : pick(COUNTRIES),
        share: '100%',
      });
      const fault = options.invalidEvery && random() < 1 / options.invalidEvery ? pick(FAULTS) : null;
      out.push(fault ? { ...row, ...fault } : row);
    }
  }
  return toCsv(out);
}
