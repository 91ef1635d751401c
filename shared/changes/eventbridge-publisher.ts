/**
 * The change event publisher on Amazon EventBridge (issue 10): one `SupplierRiskChanged` event per record on the
 * stage's custom bus, `Source`/`DetailType` from CHANGE_EVENT, `Detail` the change record as JSON, `Time` the time of
 * the change. PutEvents takes at most 10 entries and 256 KB of entries per call (an entry counts 14 bytes of Time
 * plus the UTF-8 bytes of Source, DetailType, Detail and Resources — the EventBridge user guide's "Calculating
 * PutEvents event entry size"). Entries EventBridge failed (FailedEntryCount) are sent again with backoff a few
 * times; then ChangeEventsUnpublishedError (retryable) is thrown, and the writer's message is retried: events are at
 * least once, and the notifier's deliveries are idempotent per change. Built from a writer's environment by
 * events-from-env.ts.
 */
import { type EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { MineralRiskError } from '../errors.ts';
import { backoffMs } from '../store/retry.ts';
import type { ChangeRecord } from './change-record.ts';
import { CHANGE_EVENT, type ChangeEventPublisher } from './events.ts';

/** EventBridge's limit on the entries of one PutEvents call, together. */
export const MAX_PUT_BYTES = 256 * 1024;
/** Calls per group of entries: the first and the resends of what EventBridge failed. */
const MAX_ATTEMPTS = 4;

/** Some events were not taken after every resend (throttling, an outage): the writer's message is retried. */
export class ChangeEventsUnpublishedError extends MineralRiskError {
  override readonly name = 'ChangeEventsUnpublishedError';
  readonly retryable = true;
  constructor(
    message: string,
    /** The change ids not published. */
    readonly changeIds: string[],
    cause?: unknown,
  ) {
    super(message, { cause });
  }
}

/** A change record too large for one event (256 KB): sending it again cannot help. The others were published. */
export class ChangeEventTooLargeError extends MineralRiskError {
  override readonly name = 'ChangeEventTooLargeError';
  readonly retryable = false;
  constructor(readonly changeIds: string[]) {
    super(`change event(s) larger than ${MAX_PUT_BYTES} bytes not published: ${changeIds.join(', ')}`);
  }
}

/** The size EventBridge counts for an entry. */
export function entrySize(entry: PutEventsRequestEntry): number {
  const bytes = (s: string | undefined) => (s === undefined ? 0 : Buffer.byteLength(s, 'utf8'));
  return (
    (entry.Time ? 14 : 0) +
    bytes(entry.Source) +
    bytes(entry.DetailType) +
    bytes(entry.Detail) +
    (entry.Resources ?? []).reduce((n, r) => n + bytes(r), 0)
  );
}

/** Entries in calls of at most 10 and MAX_PUT_BYTES together, in order. */
export function putGroups<T extends { size: number }>(entries: readonly T[]): T[][] {
  const groups: T[][] = [];
  let group: T[] = [];
  let bytes = 0;
  for (const e of entries) {
    if (group.length >= CHANGE_EVENT.maxEntriesPerPut || (group.length > 0 && bytes + e.size > MAX_PUT_BYTES)) {
      groups.push(group);
      group = [];
      bytes = 0;
    }
    group.push(e);
    bytes += e.size;
  }
  if (group.length > 0) groups.push(group);
  return groups;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class EventBridgeChangePublisher implements ChangeEventPublisher {
  constructor(
    private readonly client: Pick<EventBridgeClient, 'send'>,
    private readonly eventBusName: string,
  ) {}

  private entryOf(record: ChangeRecord): PutEventsRequestEntry {
    return {
      EventBusName: this.eventBusName,
      Source: CHANGE_EVENT.source,
      DetailType: CHANGE_EVENT.detailType,
      Detail: JSON.stringify(record),
      Time: new Date(record.at),
      Resources: [],
    };
  }

  async publish(records: readonly ChangeRecord[]): Promise<void> {
    const entries = records.map((record) => {
      const entry = this.entryOf(record);
      return { changeId: record.changeId, entry, size: entrySize(entry) };
    });
    const tooLarge = entries.filter((e) => e.size > MAX_PUT_BYTES);
    const unpublished: string[] = [];
    let cause: unknown;
    for (const group of putGroups(entries.filter((e) => e.size <= MAX_PUT_BYTES))) {
      try {
        await this.put(group);
      } catch (e) {
        if (!(e instanceof ChangeEventsUnpublishedError)) throw e;
        unpublished.push(...e.changeIds);
        cause ??= e;
      }
    }
    if (unpublished.length > 0)
      throw new ChangeEventsUnpublishedError(
        `${unpublished.length} change event(s) not published after ${MAX_ATTEMPTS} attempts`,
        unpublished,
        cause,
      );
    if (tooLarge.length > 0) throw new ChangeEventTooLargeError(tooLarge.map((e) => e.changeId));
  }

  /** One group, resending the entries EventBridge failed; throws ChangeEventsUnpublishedError with what is left. */
  private async put(group: { changeId: string; entry: PutEventsRequestEntry }[]): Promise<void> {
    let pending = group;
    let last = '';
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      if (attempt > 0) await sleep(backoffMs(attempt - 1, 100));
      try {
        const r = await this.client.send(new PutEventsCommand({ Entries: pending.map((p) => p.entry) }));
        if (!r.FailedEntryCount) return;
        // Result entries are in the order of the request's: a failed one carries an ErrorCode.
        const results = r.Entries ?? [];
        const failed = pending.filter((_, i) => results[i]?.ErrorCode !== undefined || results[i] === undefined);
        const first = results.find((e) => e.ErrorCode);
        last = first ? `${first.ErrorCode}: ${first.ErrorMessage ?? ''}` : 'entries failed';
        pending = failed;
        if (pending.length === 0) return;
      } catch (e) {
        // The SDK already retried throttling and 5xx (SDK_MAX_ATTEMPTS); a few more tries, then the writer retries.
        last = e instanceof Error ? e.message : String(e);
      }
    }
    throw new ChangeEventsUnpublishedError(
      `EventBridge did not take ${pending.length} event(s): ${last}`,
      pending.map((p) => p.changeId),
    );
  }
}
