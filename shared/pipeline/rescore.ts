import { MODEL_VERSION } from '../model/score.ts';
import { chunkMessages } from '../queue/message.ts';
import type { ScoreQueue } from '../queue/port.ts';
import { sendMessages } from '../queue/send-messages.ts';
import type { ReferenceData } from '../reference/index.ts';
import type { StoredSupplier, SupplierStore } from '../store/port.ts';

export interface RescoreDeps {
  store: SupplierStore;
  queue: ScoreQueue;
  ref: ReferenceData;
}

export interface RescoreResult {
  asOf: string;
  /** Suppliers whose next policy change date had come. */
  duePolicy: number;
  /** Suppliers scored with another model or reference-data version. */
  staleVersion: number;
  messages: number;
}

/**
 * Queue for rescoring every stored supplier whose score may have changed as of `asOf`: a policy event started,
 * lapsed or was suspended since it was scored (its next change date has come), or the model or reference data
 * changed. Rescore messages are conditional on the input version read here, so a newer upload always wins.
 */
export async function rescoreDue(deps: RescoreDeps, asOf: string): Promise<RescoreResult> {
  const result: RescoreResult = { asOf, duePolicy: 0, staleVersion: 0, messages: 0 };
  const seen = new Set<string>();
  const queueAll = async (items: StoredSupplier[]) => {
    const byTenantBuyer = new Map<string, StoredSupplier[]>();
    for (const s of items) {
      const key = `${s.tenant}|${s.result.buyerCountry}`;
      if (seen.has(`${s.tenant}|${s.supplierId}`)) continue;
      seen.add(`${s.tenant}|${s.supplierId}`);
      const list = byTenantBuyer.get(key) ?? [];
      list.push(s);
      byTenantBuyer.set(key, list);
    }
    for (const list of byTenantBuyer.values()) {
      const first = list[0] as StoredSupplier;
      const bodies = [
        ...chunkMessages(
          { v: 1, kind: 'rescore', tenant: first.tenant, batchId: null, asOf, buyerCountry: first.result.buyerCountry },
          list.map((s) => ({ inputVersion: s.inputVersion, input: s.input })),
        ),
      ].map((m) => m.body);
      result.messages += await sendMessages(deps.queue, bodies);
    }
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
    const page = await deps.store.scoredWithOtherVersions(MODEL_VERSION, deps.ref.dataVersion, {
      limit: 500,
      ...(cursor ? { cursor } : {}),
    });
    result.staleVersion += page.items.length;
    await queueAll(page.items);
    cursor = page.cursor;
  } while (cursor);
  return result;
}
