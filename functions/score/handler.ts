import { setMaxListeners } from 'node:events';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { dynamoDbClient, requiredEnv } from '../../shared/aws-clients.ts';
import { changeEventsFromEnv } from '../../shared/changes/events-from-env.ts';
import { MineralRiskError } from '../../shared/errors.ts';
import { inputRows } from '../../shared/model/input-rows.ts';
import { type ScoreChunkDeps, scoreChunk } from '../../shared/pipeline/score-chunk.ts';
import { CurrentReference } from '../../shared/policy/current-reference.ts';
import { type ScoreMessage, scoreMessageSchema } from '../../shared/queue/message.ts';
import { parseRecord } from '../../shared/queue/parse-record.ts';
import { QUEUE_SETTINGS } from '../../shared/queue/settings.ts';
import { sqsBatchHandler } from '../../shared/queue/sqs-batch-handler.ts';
import { baselineTimeline } from '../../shared/reference/index.ts';
import { DynamoDbPolicyRevisions } from '../../shared/store/policy-revisions.ts';
import { trackedSupplierStore } from '../../shared/store/portfolio-tracked-store.ts';
import { emptyPutScoredResult, PartialWriteError } from '../../shared/store/supplier-port.ts';
import { telemetry } from '../../shared/telemetry.ts';

/** A message body that is not a valid score message: it can never succeed, and goes to the DLQ after its retries. */
export class InvalidScoreMessageError extends MineralRiskError {
  override readonly name = 'InvalidScoreMessageError';
  readonly retryable = false;
}

/**
 * A record still running as its invocation nears the function timeout. Failing it alone, before the timeout, keeps
 * the rest of the batch's results (a timeout fails the whole batch) and, on its last receive, lets its batch count it
 * as dead-lettered and close, which a timed-out invocation could not do.
 */
export class ScoreDeadlineError extends MineralRiskError {
  override readonly name = 'ScoreDeadlineError';
  readonly retryable = true;
}

/** Abort listeners one deadline signal may carry: the store's concurrent writes of a chunk, with room to spare. */
const WRITE_LISTENERS = 256;

/** Time kept before the function timeout to record the failure: at most 5 s, and a fifth of a short timeout. */
const DEADLINE_MARGIN_MS = 5_000;

/**
 * Runs `work` with a signal that aborts `margin` before the function timeout: writes not started then are skipped and
 * those in flight cancelled, so the work fails with what it did write (`PartialWriteError`). A write that ignores the
 * cancel (a stalled connection) is not waited for past half the margin: the record then fails with nothing counted.
 */
function beforeDeadline<T>(
  work: (signal: AbortSignal) => Promise<T>,
  context: Context | undefined,
  messageId: string,
): Promise<T> {
  const controller = new AbortController();
  // Every write in flight listens on this one signal (16 at a time per chunk, more across a batch's records): more
  // than Node's default 10 is expected, not a leak, and must not print a warning.
  setMaxListeners(WRITE_LISTENERS, controller.signal);
  if (!context) return work(controller.signal);
  const remaining = context.getRemainingTimeInMillis();
  const margin = Math.min(DEADLINE_MARGIN_MS, remaining / 5);
  const running = work(controller.signal);
  let abortTimer: ReturnType<typeof setTimeout> | undefined;
  let giveUpTimer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    abortTimer = setTimeout(
      () => {
        const error = new ScoreDeadlineError(`message ${messageId} was still being scored near the function timeout`);
        controller.abort(error);
        giveUpTimer = setTimeout(() => reject(error), margin / 2);
      },
      Math.max(0, remaining - margin),
    );
  });
  return Promise.race([running, deadline]).finally(() => {
    clearTimeout(abortTimer);
    clearTimeout(giveUpTimer);
  });
}

const parse = (record: SQSRecord): ScoreMessage =>
  parseRecord(record, scoreMessageSchema, (reason) => new InvalidScoreMessageError(reason));

/** SQS → score and store each message's suppliers; partial batch response so one bad message never fails the rest. */
export function createScoreHandler(deps: ScoreChunkDeps) {
  const { logger, metrics } = telemetry();
  const recordHandler = async (record: SQSRecord, context?: Context) => {
    let message: ScoreMessage | undefined;
    try {
      message = parse(record);
      const parsed = message;
      const result = await beforeDeadline((signal) => scoreChunk(deps, parsed, { signal }), context, record.messageId);
      metrics.addMetric('SuppliersScored', MetricUnit.Count, result.stored);
      metrics.addMetric('SuppliersSuperseded', MetricUnit.Count, result.superseded);
      return result;
    } catch (err) {
      // On the last receive, count the chunk as dead-lettered on its batch so the batch can still close. What its
      // deliveries did write counts as stored (or superseded); only the rest of its rows count as dead-lettered.
      const receives = Number(record.attributes.ApproximateReceiveCount);
      if (message?.batchId && message.chunk !== null && receives >= QUEUE_SETTINGS.maxReceiveCount) {
        const partial = err instanceof PartialWriteError ? err.partial : emptyPutScoredResult();
        const rows =
          message.suppliers.reduce((n, s) => n + inputRows(s.input), 0) - partial.rowsStored - partial.rowsSuperseded;
        await deps.store
          .recordChunkDeadLettered(message.tenant, message.batchId, message.chunk, { rows, partial })
          .catch((e) => logger.error('could not record dead-lettered chunk', { error: e as Error }));
      }
      logger.warn('score message failed', { messageId: record.messageId, receives, error: err as Error });
      throw err;
    }
  };
  return sqsBatchHandler(recordHandler, { logger, metrics });
}

let fromEnv: ReturnType<typeof createScoreHandler> | undefined;

function fromEnvironment() {
  const table = requiredEnv('TABLE_NAME');
  const client = dynamoDbClient();
  // Scores follow the live policy timeline: a revision reaches new scores within POLICY_CACHE_MS.
  const current = new CurrentReference(new DynamoDbPolicyRevisions(client, table), baselineTimeline);
  const { store, portfolio } = trackedSupplierStore(client, table);
  return createScoreHandler({
    store,
    portfolio: {
      folds: portfolio,
      onError: (error) => telemetry().logger.warn('portfolio fold failed', { error: error as Error }),
    },
    ref: () => current.get(),
    today: () => new Date().toISOString().slice(0, 10),
    events: changeEventsFromEnv(),
  });
}

/** Lambda entry: adapters built from the environment on first use. */
export const handler = (event: SQSEvent, context: Context) => {
  fromEnv ??= fromEnvironment();
  return fromEnv(event, context);
};
