import { MODEL_VERSION } from '../model/score.ts';
import { chunkMessages } from '../queue/message.ts';
import type { ScoreQueue } from '../queue/port.ts';
import { QueueUnavailableError, sendMessages } from '../queue/send-messages.ts';
import type { ReferenceData } from '../reference/index.ts';
import type { StoredSupplier, SupplierStore } from '../store/port.ts';

export interface RescoreDeps {
  store: SupplierStore;
  queue: ScoreQueue;
  /** The reference data, or where to read the current one (the live policy timeline, read fresh). */
  ref: ReferenceData | (() => Promise<ReferenceData>);
}

/** A supplier whose rescore could not be queued; it stays due and is tried again on the next run. */
export interface RescoreFailure {
  tenant: string;
  supplierId: string;
  reason: string;
  /** Whether a later run can succeed (the queue was unavailable) or not (the queue refused its message). */
  retryable: boolean;
}

/** Failures listed in the result at most (all are counted). */
const MAX_LISTED_FAILURES = 20;

export interface RescoreResult {
  asOf: string;
  /** Suppliers whose next policy change date had come. */
  duePolicy: number;
  /** Suppliers scored with another model or reference-data version. */
  staleVersion: number;
  messages: number;
  /** Suppliers queued for rescoring; queued + failed = the distinct suppliers found. */
  queued: number;
  failed: number;
  /** The first failures, with tenant, supplier and reason. */
  failures: RescoreFailure[];
}

type Item = { inputVersion: number; input: StoredSupplier['input'] };

/**
 * Queue for rescoring every stored supplier whose score may have changed as of `asOf`: a policy event started,
 * lapsed or was suspended since it was scored (its next change date has come), or the model or reference data
 * changed. Rescore messages are conditional on the input version read here, so a newer upload always wins.
 *
 * One supplier's or one tenant's failure stops no one else: a message the queue refuses is split into one message
 * per supplier, so only the supplier it cannot carry fails; a queue outage fails that tenant's remaining suppliers
 * and the run goes on with the next tenant. Failures are counted and listed, never thrown here.
 */
export async function rescoreDue(deps: RescoreDeps, asOf: string): Promise<RescoreResult> {
  const ref = typeof deps.ref === 'function' ? await deps.ref() : deps.ref;
  const result: RescoreResult = {
    asOf,
    duePolicy: 0,
    staleVersion: 0,
    messages: 0,
    queued: 0,
    failed: 0,
    failures: [],
  };
  const seen = new Set<string>();
  /** Suppliers queued or failed: each is counted once, as one or the other. */
  const accounted = new Set<Item>();
  const fail = (tenant: string, suppliers: readonly Item[], reason: string, retryable: boolean) => {
    for (const s of suppliers) {
      accounted.add(s);
      result.failed++;
      if (result.failures.length < MAX_LISTED_FAILURES)
        result.failures.push({ tenant, supplierId: s.input.supplierId, reason, retryable });
    }
  };

  const queueGroup = async (tenant: string, buyerCountry: string, suppliers: Item[]) => {
    const base = { v: 1, kind: 'rescore', tenant, batchId: null, asOf, buyerCountry } as const;
    const send = async (items: Item[], maxBytes?: number) => {
      const refused: Item[][] = [];
      const chunks = chunkMessages(base, items, 0, maxBytes);
      // Which suppliers each message carries, to split a refused one (and count what an outage left unsent).
      const withItems = (function* () {
        let at = 0;
        for (const m of chunks) {
          yield { body: m.body, items: items.slice(at, at + m.suppliers) };
          at += m.suppliers;
        }
      })();
      const sent = await sendMessages(deps.queue, withItems, {
        groupId: tenant,
        onSent: (m) => {
          result.queued += m.items.length;
          for (const s of m.items) accounted.add(s);
        },
        onRejected: (m, err) => {
          if (m.items.length > 1) refused.push(m.items);
          else fail(tenant, m.items, err.message, false);
        },
      });
      result.messages += sent.sent;
      // One message per supplier: only the supplier the queue cannot take fails.
      for (const items of refused) await send(items, 1);
    };
    try {
      await send(suppliers);
    } catch (err) {
      if (!(err instanceof QueueUnavailableError)) throw err;
      // What was neither sent nor refused is unsent: count it against this tenant and go on with the next.
      fail(
        tenant,
        suppliers.filter((s) => !accounted.has(s)),
        err.message,
        true,
      );
    }
  };

  const queueAll = async (items: StoredSupplier[]) => {
    const groups = new Map<string, { tenant: string; buyerCountry: string; items: Item[] }>();
    for (const s of items) {
      if (seen.has(`${s.tenant}|${s.supplierId}`)) continue;
      seen.add(`${s.tenant}|${s.supplierId}`);
      const key = `${s.tenant}|${s.result.buyerCountry}`;
      let g = groups.get(key);
      if (!g) {
        g = { tenant: s.tenant, buyerCountry: s.result.buyerCountry, items: [] };
        groups.set(key, g);
      }
      g.items.push({ inputVersion: s.inputVersion, input: s.input });
    }
    for (const g of groups.values()) await queueGroup(g.tenant, g.buyerCountry, g.items);
  };

  let cursor: string | null | undefined;
  do {
    const page = await deps.store.dueForRescore(asOf, { limit: 500, ...(cursor ? { cursor } : {}) });
    result.duePolicy += page.items.length;
    await queueAll(page.items);
    cursor = page.cursor;
  } while (cursor);

  cursor = undefined;
  do {
    // Against the release's data only: policy revisions are rescored by their own runs, for what they move.
    const page = await deps.store.scoredWithOtherVersions(MODEL_VERSION, ref.referenceVersion, {
      limit: 500,
      ...(cursor ? { cursor } : {}),
    });
    result.staleVersion += page.items.length;
    await queueAll(page.items);
    cursor = page.cursor;
  } while (cursor);
  return result;
}
