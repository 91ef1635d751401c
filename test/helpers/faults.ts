/**
 * DynamoDB faults injected with SDK middleware, for the pipeline's fault tests. dynalite never throttles, never
 * returns UnprocessedItems and never dies halfway through a chunk, so these faults are produced in the client the
 * store uses (`startLocalRuntime({ onDynamoClient })`). Everything else in those tests is real: dynalite, the local
 * queue and the handlers.
 *
 * Where each middleware sits matters:
 * - throttling, crashes and poison are thrown in the `deserialize` step, i.e. inside the SDK's retry middleware
 *   (`finalizeRequest` step): the SDK's own retry strategy classifies them exactly as it would a service response.
 *   The request is never sent, as a throttled or refused request writes nothing.
 * - UnprocessedItems is injected in the `initialize` step, before the document client marshals the request: the
 *   withheld items are never written and come back, unmarshalled, as the service would return them.
 * - `observeWrites` only watches (outermost, `initialize`): it sees each call once, after the SDK's retries; and
 *   each attempt's real failure, right outside the SDK's deserializer.
 */
import {
  type DynamoDBClient,
  DynamoDBServiceException,
  ProvisionedThroughputExceededException,
} from '@aws-sdk/client-dynamodb';
import { isRetryable } from '../../shared/errors.ts';
import { SUPPLIER_SK, supplierIdOfPk } from '../../shared/store/keys.ts';

/** A seeded PRNG (mulberry32): the same faults on every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An attribute as a string, whether the input is marshalled (`{ S: 'x' }`) or not (`'x'`). */
function str(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && 'S' in value && typeof value.S === 'string') return value.S;
  return undefined;
}

/**
 * The supplier a call writes: a PutItem of a supplier item (an upload's write) or an UpdateItem of one (a rescore's);
 * undefined for batch records, rejections and reads.
 */
export function supplierWrite(commandName: string, input: unknown): { pk: string; supplierId: string } | undefined {
  if (!input || typeof input !== 'object') return undefined;
  const key =
    commandName === 'PutItemCommand' && 'Item' in input
      ? (input.Item as Record<string, unknown>)
      : commandName === 'UpdateItemCommand' && 'Key' in input
        ? (input.Key as Record<string, unknown>)
        : undefined;
  const pk = str(key?.pk);
  if (!key || str(key.sk) !== SUPPLIER_SK || pk === undefined) return undefined;
  return { pk, supplierId: supplierIdOfPk(pk) };
}

const isConditionFailure = (err: unknown) => (err as Error | undefined)?.name === 'ConditionalCheckFailedException';

let names = 0;
const uniqueName = (what: string) => `test-fault-${what}-${++names}`;

/** What every SDK output and service error carries. */
interface MetadataBearer {
  $metadata: { httpStatusCode?: number; attempts?: number };
}

type Middleware = Parameters<DynamoDBClient['middlewareStack']['add']>[0];
type Args = { input: object; request?: unknown };
type Next = (args: Args) => Promise<{ output: MetadataBearer; response: unknown }>;

/** Registers a middleware without fighting the stack's per-step generic types. */
function addMiddleware(
  client: DynamoDBClient,
  step: 'initialize' | 'deserialize',
  name: string,
  fn: (next: Next, commandName: string) => (args: Args) => Promise<{ output: MetadataBearer; response: unknown }>,
): void {
  const middleware = ((next: Next, context: { commandName?: string }) =>
    fn(next, context.commandName ?? '')) as unknown as Middleware;
  client.middlewareStack.add(middleware, { step, name: uniqueName(name), priority: 'high' } as never);
}

// ── observer (not a fault) ─────────────────────────────────────────────────────────────────────────────────────

export interface WriteLog {
  /** Successful supplier writes (PutItem, or UpdateItem for a rescore) per supplier pk: twice shows 2. */
  supplierPuts: Map<string, number>;
  /** Supplier writes refused by their condition (a duplicate or an older version). */
  conditionFailures: number;
  /** Calls (any command) that succeeded only after the SDK retried them, and those retries. */
  retriedCalls: number;
  retries: number;
  /**
   * Attempts that failed on the service's side without an injected fault (a connection dropped under load, a
   * timeout): the SDK retries these too, so `retries` is the injected faults plus these. Named, for the test's report.
   */
  serviceFailures: string[];
  /** BatchWriteItem calls made (the first and every resend of unprocessed items). */
  batchWrites: number;
  /** Supplier writes attempted (whatever the outcome), for "nothing after a crash" checks. */
  supplierPutAttempts: number;
  /** Supplier pks written more than once. */
  writtenTwice(): string[];
  /**
   * `read` run at a moment when no call is in flight (now, or when the last one ends): then every fault injected so
   * far belongs to a finished call, whose retries are counted — a write still backing off would be counted later.
   */
  whenIdle<T>(read: () => T): Promise<T>;
  reset(): void;
}

/**
 * Watches the store's calls without changing them: which suppliers were written and how often, and how many calls
 * the SDK retried. Not a fault and not a mock: it passes every call and result through untouched.
 */
export function observeWrites(client: DynamoDBClient): WriteLog {
  let inFlight = 0;
  const idleWaiters: (() => void)[] = [];
  const log: WriteLog = {
    supplierPuts: new Map(),
    conditionFailures: 0,
    retriedCalls: 0,
    retries: 0,
    serviceFailures: [],
    batchWrites: 0,
    supplierPutAttempts: 0,
    writtenTwice: () => [...log.supplierPuts].filter(([, n]) => n > 1).map(([pk]) => pk),
    whenIdle: (read) =>
      inFlight === 0 ? Promise.resolve(read()) : new Promise((resolve) => idleWaiters.push(() => resolve(read()))),
    reset() {
      log.supplierPuts.clear();
      log.conditionFailures = 0;
      log.retriedCalls = 0;
      log.retries = 0;
      log.serviceFailures = [];
      log.batchWrites = 0;
      log.supplierPutAttempts = 0;
    },
  };
  addMiddleware(client, 'initialize', 'observe', (next, commandName) => async (args) => {
    const put = supplierWrite(commandName, args.input);
    if (put) log.supplierPutAttempts++;
    if (commandName === 'BatchWriteItemCommand') log.batchWrites++;
    const countRetries = (metadata: { attempts?: number } | undefined) => {
      const attempts = metadata?.attempts ?? 1;
      if (attempts > 1) {
        log.retriedCalls++;
        log.retries += attempts - 1;
      }
    };
    inFlight++;
    try {
      const result = await next(args);
      countRetries(result.output.$metadata);
      if (put) log.supplierPuts.set(put.pk, (log.supplierPuts.get(put.pk) ?? 0) + 1);
      return result;
    } catch (err) {
      countRetries((err as MetadataBearer).$metadata);
      if (put && isConditionFailure(err)) log.conditionFailures++;
      throw err;
    } finally {
      inFlight--;
      if (inFlight === 0) for (const wake of idleWaiters.splice(0)) wake();
    }
  });
  // Right outside the SDK's deserializer: inside the retry middleware and inside every injector (`deserialize`, high
  // priority, which throw before they reach it), it sees what dynalite and the connection to it did on each attempt.
  const attempts = ((next: Next) => async (args: Args) => {
    try {
      return await next(args);
    } catch (err) {
      if (isRetryable(err)) log.serviceFailures.push(`${(err as Error).name}: ${(err as Error).message}`);
      throw err;
    }
  }) as unknown as Middleware;
  client.middlewareStack.addRelativeTo(attempts, {
    relation: 'before',
    toMiddleware: 'deserializerMiddleware',
    name: uniqueName('observe-attempts'),
  } as never);
  return log;
}

// ── fault injectors (mocks, used only to inject faults no local service can produce) ──────────────────────────

export interface ThrottleStats {
  /** ProvisionedThroughputExceededException responses injected. */
  injected: number;
}

/**
 * MOCK used only to inject a fault no local service can produce: dynalite never throttles. A `fraction` of the
 * matching calls fail with ProvisionedThroughputExceededException (HTTP 400, as DynamoDB sends it), an error name
 * the SDK's retry strategy classifies as THROTTLING, so it retries them with its throttling backoff. Each attempt
 * is drawn separately, as a real throttle would be.
 */
export function injectThrottling(
  client: DynamoDBClient,
  options: { fraction: number; commands?: readonly string[]; seed?: number },
): ThrottleStats {
  const random = seededRandom(options.seed ?? 1);
  // Default: every single-item write — supplier items (UpdateItem), their change records (PutItem), batch records.
  const commands = new Set(options.commands ?? ['PutItemCommand', 'UpdateItemCommand']);
  const stats: ThrottleStats = { injected: 0 };
  addMiddleware(client, 'deserialize', 'throttle', (next, commandName) => async (args) => {
    if (commands.has(commandName) && random() < options.fraction) {
      stats.injected++;
      throw new ProvisionedThroughputExceededException({
        message:
          'The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.',
        $metadata: { httpStatusCode: 400 },
      });
    }
    return next(args);
  });
  return stats;
}

export interface UnprocessedStats {
  /** BatchWriteItem calls that returned some of their items unprocessed. */
  calls: number;
  /** Items returned unprocessed (each resend counted again). */
  items: number;
}

/**
 * MOCK used only to inject a fault no local service can produce: dynalite always processes a whole BatchWriteItem.
 * On a `fraction` of the calls (at most `times` calls), up to half of the request's items (at least one) are withheld from the service and
 * returned as `UnprocessedItems`, as DynamoDB does under load: they are not written until the caller resends them.
 */
export function injectUnprocessedItems(
  client: DynamoDBClient,
  options: { fraction: number; seed?: number; times?: number },
): UnprocessedStats {
  const random = seededRandom(options.seed ?? 2);
  const stats: UnprocessedStats = { calls: 0, items: 0 };
  addMiddleware(client, 'initialize', 'unprocessed', (next, commandName) => async (args) => {
    const input = args.input as { RequestItems?: Record<string, unknown[]> };
    if (commandName !== 'BatchWriteItemCommand' || !input.RequestItems) return next(args);
    if (stats.calls >= (options.times ?? Number.POSITIVE_INFINITY) || random() >= options.fraction) return next(args);
    const kept: Record<string, unknown[]> = {};
    const withheld: Record<string, unknown[]> = {};
    for (const [table, requests] of Object.entries(input.RequestItems)) {
      const n = Math.max(1, Math.floor(requests.length * random() * 0.5));
      withheld[table] = requests.slice(requests.length - n);
      kept[table] = requests.slice(0, requests.length - n);
    }
    const total = Object.values(withheld).reduce((s, l) => s + l.length, 0);
    stats.calls++;
    stats.items += total;
    const sendable = Object.fromEntries(Object.entries(kept).filter(([, l]) => l.length > 0));
    const result =
      Object.keys(sendable).length > 0
        ? await next({ ...args, input: { ...input, RequestItems: sendable } })
        : { output: { $metadata: { httpStatusCode: 200 } }, response: {} };
    const output = result.output as MetadataBearer & { UnprocessedItems?: Record<string, unknown[]> };
    const unprocessed = { ...(output.UnprocessedItems ?? {}) };
    for (const [table, list] of Object.entries(withheld)) unprocessed[table] = [...(unprocessed[table] ?? []), ...list];
    return { ...result, output: { ...output, UnprocessedItems: unprocessed } };
  });
  return stats;
}

/** A Lambda process dying mid-chunk, as the SDK call in flight would see it: a non-retryable error. */
export class InjectedCrashError extends Error {
  override readonly name = 'InjectedCrash';
}

export interface CrashControl {
  /** Supplier writes that went through in scope before the crash. */
  readonly writtenBeforeCrash: number;
  /** True once the crash happened. */
  readonly crashed: boolean;
  /** Supplier writes refused because of the crash. */
  readonly refused: number;
  /** Stops refusing (the crashed process is gone; a fresh one handles the redelivery). */
  disarm(): void;
}

/**
 * MOCK used only to inject a fault no local service can produce: a function dying after part of a chunk was
 * written. The first `after` supplier writes in scope (`when(supplierId)`) go through; every later supplier write
 * in scope fails with a non-retryable error (the SDK does not retry it) until `disarm()`: what the dead process had
 * not written yet stays unwritten.
 */
export function injectCrash(
  client: DynamoDBClient,
  options: { after: number; when: (supplierId: string) => boolean },
): CrashControl {
  let started = 0;
  let written = 0;
  let crashed = false;
  let armed = true;
  let refused = 0;
  addMiddleware(client, 'deserialize', 'crash', (next, commandName) => async (args) => {
    const put = supplierWrite(commandName, args.input);
    if (!armed || !put || !options.when(put.supplierId)) return next(args);
    // Counted when sent, so with concurrent writes exactly `after` of them get through.
    if (crashed || started >= options.after) {
      crashed = true;
      refused++;
      throw new InjectedCrashError(`injected crash after ${options.after} supplier writes`);
    }
    started++;
    const result = await next(args);
    written++;
    return result;
  });
  return {
    get writtenBeforeCrash() {
      return written;
    },
    get crashed() {
      return crashed;
    },
    get refused() {
      return refused;
    },
    disarm() {
      armed = false;
    },
  };
}

export interface PoisonStats {
  /** Writes refused. */
  refused: number;
  /** The cause is fixed (say the item was trimmed): the supplier's writes go through again. */
  cure(): void;
}

/**
 * MOCK used only to inject a fault no local service can produce here: DynamoDB refusing one supplier's item on every
 * attempt (as it does for an item over 400 KB, which the queue's message size keeps dynalite from ever seeing). The
 * error is a non-retryable ValidationException, so the chunk holding the supplier fails on every delivery and goes
 * to the DLQ after maxReceiveCount receives.
 */
export function injectPoison(client: DynamoDBClient, options: { supplierIds: Iterable<string> }): PoisonStats {
  const poisoned = new Set(options.supplierIds);
  const stats: PoisonStats = { refused: 0, cure: () => poisoned.clear() };
  addMiddleware(client, 'deserialize', 'poison', (next, commandName) => async (args) => {
    const put = supplierWrite(commandName, args.input);
    if (put && poisoned.has(put.supplierId)) {
      stats.refused++;
      throw new DynamoDBServiceException({
        name: 'ValidationException',
        $fault: 'client',
        message: 'Item size has exceeded the maximum allowed size',
        $metadata: { httpStatusCode: 400 },
      });
    }
    return next(args);
  });
  return stats;
}

export interface HoldControl {
  /** Matching calls now held. */
  readonly held: number;
  /** Lets every held call (and every later one) through. */
  release(): void;
}

/**
 * MOCK used only to inject a fault no local service can produce on demand: a slow call. After `skip` matching calls
 * have gone through, every matching call waits (unsent) until `release()`, as a request stuck in a slow network or a
 * paused Lambda would; other calls carry on. It puts two invocations' steps in a chosen order.
 */
export function holdCalls(
  client: DynamoDBClient,
  options: { when: (commandName: string, input: Record<string, unknown>) => boolean; skip?: number },
): HoldControl {
  let seen = 0;
  let held = 0;
  let release!: () => void;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  addMiddleware(client, 'deserialize', 'hold', (next, commandName) => async (args) => {
    if (options.when(commandName, args.input as Record<string, unknown>) && ++seen > (options.skip ?? 0)) {
      held++;
      await released;
      held--;
    }
    return next(args);
  });
  return {
    get held() {
      return held;
    },
    release: () => release(),
  };
}

/**
 * MOCK used only to inject a fault no local service can produce on demand: a slow network. Every matching call waits
 * `ms` before it is sent, then goes through unchanged.
 */
export function delayCalls(
  client: DynamoDBClient,
  options: { when: (commandName: string, input: Record<string, unknown>) => boolean; ms: number },
): void {
  addMiddleware(client, 'deserialize', 'delay', (next, commandName) => async (args) => {
    if (options.when(commandName, args.input as Record<string, unknown>))
      await new Promise((resolve) => setTimeout(resolve, options.ms));
    return next(args);
  });
}

export interface OutageControl {
  /** While true, every call fails as throttled past the SDK's retries. */
  on: boolean;
  /** Calls failed so. */
  injected: number;
}

/**
 * MOCK used only to inject a fault no local service can produce: dynalite never throttles. While `on`, every call
 * fails with ProvisionedThroughputExceededException as it surfaces after the SDK's retries gave up (8 attempts). It is
 * thrown in the `initialize` step, outside the retry middleware, so a test need not wait out the SDK's backoff.
 */
export function injectThrottlingPastRetries(client: DynamoDBClient): OutageControl {
  const control: OutageControl = { on: false, injected: 0 };
  addMiddleware(client, 'initialize', 'outage', (next) => async (args) => {
    if (!control.on) return next(args);
    control.injected++;
    throw new ProvisionedThroughputExceededException({
      message: 'The level of configured provisioned throughput for the table was exceeded.',
      $metadata: { httpStatusCode: 400, attempts: 8, totalRetryDelay: 24_000 },
    });
  });
  return control;
}
