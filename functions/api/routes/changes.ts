import type { ChangeRecord } from '../../../shared/changes/change-record.ts';
import { CHANGES_MAX_EXAMINED, changesQuery, historyQuery } from '../../../shared/http/changes-schemas.ts';
import { problem } from '../../../shared/http/problem.ts';
import { fittingResponse, json, queryParams } from '../../../shared/http/request.ts';
import { InvalidCursorError } from '../../../shared/store/errors.ts';
import type { ApiDeps, ApiRequest } from '../deps.ts';

/** A cursor the change log did not give out is the client's mistake (400), naming the parameter. */
async function readingCursor<T>(param: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (e) {
    if (e instanceof InvalidCursorError)
      throw problem(400, 'invalid cursor', [{ path: `query.${param}`, message: 'not a cursor from this API' }]);
    throw e;
  }
}

/**
 * GET /v1/changes: the tenant's change records after `since`, oldest first. Filters run in the change log's page (at
 * most CHANGES_MAX_EXAMINED records examined), so a filtered page may hold fewer than `limit`, even none, and still
 * say `more`. The cursor is always set: a poller keeps it and asks again.
 */
export async function listChanges(req: ApiRequest, deps: ApiDeps) {
  const q = queryParams(req.event, changesQuery);
  const tests: ((r: ChangeRecord) => boolean)[] = [];
  if (q.band !== undefined) tests.push((r) => r.before?.band === q.band || r.after?.band === q.band);
  if (q.minDelta !== undefined) {
    const min = q.minDelta;
    tests.push((r) => r.before === null || r.after === null || Math.abs(r.delta ?? 0) >= min);
  }
  if (q.supplierId !== undefined) tests.push((r) => r.supplierId === q.supplierId);
  const filter = tests.length > 0 ? (r: ChangeRecord) => tests.every((t) => t(r)) : undefined;
  return fittingResponse(q.limit, 1, async (limit) => {
    const page = await readingCursor('since', () =>
      deps.changes.listChanges(req.tenant, {
        limit,
        now: deps.now(),
        ...(q.since !== undefined ? { since: q.since } : {}),
        ...(filter ? { filter, maxExamined: CHANGES_MAX_EXAMINED } : {}),
      }),
    );
    return json(200, { items: page.items, cursor: page.cursor, more: page.more });
  });
}

/** GET /v1/suppliers/{supplierId}/history: its change records, oldest first; 404 if it never existed here. */
export async function supplierHistory(req: ApiRequest, deps: ApiDeps) {
  const q = queryParams(req.event, historyQuery);
  const supplierId = req.params.supplierId as string;
  return fittingResponse(q.limit, 1, async (limit) => {
    const page = await readingCursor('cursor', () =>
      deps.changes.supplierHistory(req.tenant, supplierId, {
        limit,
        ...(q.cursor !== undefined ? { cursor: q.cursor } : {}),
      }),
    );
    // No record and no supplier: nothing of that id was ever stored (a deleted one keeps its records).
    if (page.items.length === 0 && q.cursor === undefined && !(await deps.store.getSupplier(req.tenant, supplierId)))
      throw problem(404, 'no such supplier');
    return json(200, { supplierId, items: page.items, cursor: page.cursor });
  });
}
