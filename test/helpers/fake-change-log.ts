/**
 * An in-memory ChangeLog (shared/changes/port.ts) over records in the order they were recorded: the feed from a
 * cursor (the position after the last record read; always given), filters examined at most `maxExamined` records a
 * page, `more` when records remain; a supplier's history oldest first in pages. Cursors it did not give out throw
 * InvalidCursorError, as the DynamoDB adapter's do.
 */
import type { ChangeRecord } from '../../shared/changes/change-record.ts';
import { CHANGE_LOG, type ChangeFeedPage, type ChangeLog } from '../../shared/changes/port.ts';
import { InvalidCursorError } from '../../shared/store/errors.ts';

const position = (cursor: string, prefix: string): number => {
  const m = new RegExp(`^${prefix}\\.(0|[1-9]\\d{0,8})$`).exec(cursor);
  if (!m) throw new InvalidCursorError('not a cursor of this change log');
  return Number(m[1]);
};

export class FakeChangeLog implements ChangeLog {
  readonly records: ChangeRecord[] = [];

  add(...records: ChangeRecord[]): this {
    this.records.push(...structuredClone(records));
    return this;
  }

  async listChanges(
    tenant: string,
    options: {
      since?: string;
      limit?: number;
      filter?: (r: ChangeRecord) => boolean;
      maxExamined?: number;
      now?: Date;
    } = {},
  ): Promise<ChangeFeedPage> {
    const mine = this.records.filter((r) => r.tenant === tenant);
    let at = options.since === undefined ? 0 : position(options.since, 'f');
    const limit = Math.min(options.limit ?? 100, CHANGE_LOG.maxPageSize);
    const maxExamined = options.maxExamined ?? Number.POSITIVE_INFINITY;
    const items: ChangeRecord[] = [];
    let examined = 0;
    while (at < mine.length && items.length < limit && examined < maxExamined) {
      const r = mine[at] as ChangeRecord;
      at++;
      examined++;
      if (!options.filter || options.filter(r)) items.push(structuredClone(r));
    }
    return { items, cursor: `f.${at}`, more: at < mine.length };
  }

  async supplierHistory(tenant: string, supplierId: string, options: { limit?: number; cursor?: string } = {}) {
    const mine = this.records.filter((r) => r.tenant === tenant && r.supplierId === supplierId);
    const from = options.cursor === undefined ? 0 : position(options.cursor, 'h');
    const to = from + (options.limit ?? 100);
    return {
      items: structuredClone(mine.slice(from, to)),
      cursor: to < mine.length ? `h.${to}` : null,
    };
  }
}
