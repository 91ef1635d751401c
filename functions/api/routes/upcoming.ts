import {
  createUpcomingPlanner,
  horizonOf,
  type UpcomingChanges,
  type UpcomingWindow,
} from '../../../shared/changes/upcoming.ts';
import { problem } from '../../../shared/http/problem.ts';
import { fittingResponse, json, queryParams } from '../../../shared/http/request.ts';
import { UPCOMING_MAX_EXAMINED, upcomingQuery } from '../../../shared/http/schemas.ts';
import { decodeListCursor } from '../../../shared/store/list-cursor.ts';
import type { StoredSupplier } from '../../../shared/store/supplier-port.ts';
import type { ApiDeps, ApiRequest } from '../deps.ts';

/** A supplier with its moves, as the route answers it (shared/http/upcoming-schemas.ts). */
export interface UpcomingSupplierView extends UpcomingChanges {
  supplierName: string | null;
}

/**
 * GET /v1/upcoming?days=: the tenant's suppliers whose score will move on a known date of the live policy timeline
 * within the window, each with its moves. A page reads at most `maxExamined` stored suppliers (in the supplier list's
 * order, highest stored score first) and answers those of them with a move, by first move date then id; its cursor
 * is the supplier list's, so a page may hold fewer than `limit`, even none, and still have one.
 */
export async function upcomingPage(req: ApiRequest, deps: ApiDeps, maxExamined = UPCOMING_MAX_EXAMINED) {
  const q = queryParams(req.event, upcomingQuery);
  if (q.cursor !== undefined && decodeListCursor(q.cursor) === null)
    throw problem(400, 'invalid cursor', [{ path: 'query.cursor', message: 'not a cursor from this API' }]);
  const today = deps.today();
  const horizon = horizonOf(today, q.days);
  // deps.ref is the live timeline here (the handler reads it per request): the one the rescore will use.
  const planner = createUpcomingPlanner(deps.ref);
  const found = new Map<string, UpcomingSupplierView>();
  const movesOf = (s: StoredSupplier): UpcomingSupplierView => {
    let v = found.get(s.supplierId);
    if (!v) {
      // Each supplier for the buyer country it is stored and rescored for.
      const window: UpcomingWindow = { today, horizon, buyerCountry: s.summary.buyerCountry };
      v = { ...planner.upcoming(s.input, window), supplierName: s.input.supplierName };
      found.set(s.supplierId, v);
    }
    return v;
  };
  // A page that would pass the response limit is read again with half the limit (the same first suppliers).
  return fittingResponse(q.limit, 1, async (limit) => {
    let examined = 0;
    const page = await deps.store.listSuppliers(req.tenant, {
      limit,
      ...(q.cursor ? { cursor: q.cursor } : {}),
      filter: (s) => {
        examined++;
        return movesOf(s).moves.length > 0;
      },
      maxExamined,
    });
    const items = page.items
      .map(movesOf)
      .sort(
        (a, b) =>
          (a.moves[0]?.date ?? '').localeCompare(b.moves[0]?.date ?? '') ||
          (a.supplierId < b.supplierId ? -1 : a.supplierId > b.supplierId ? 1 : 0),
      )
      .map(({ supplierId, supplierName, buyerCountry, current, moves }) => ({
        supplierId,
        supplierName,
        buyerCountry,
        current,
        moves,
      }));
    return json(200, {
      asOf: today,
      horizon,
      days: q.days,
      dataVersion: deps.ref.dataVersion,
      items,
      examined,
      cursor: page.cursor,
    });
  });
}

export const upcoming = (req: ApiRequest, deps: ApiDeps) => upcomingPage(req, deps);
