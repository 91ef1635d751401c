import type { ChangeRecord } from '../../../shared/changes/change-record.ts';
import { publishNotable } from '../../../shared/changes/publish.ts';
import { problem, unavailable } from '../../../shared/http/problem.ts';
import { fittingResponse, json, jsonBody, queryParams } from '../../../shared/http/request.ts';
import {
  LIST_MAX_EXAMINED,
  listSuppliersQuery,
  putSupplierBody,
  putSupplierQuery,
} from '../../../shared/http/schemas.ts';
import { parseCountryOrUnknown, parseMineral } from '../../../shared/model/normalise.ts';
import { nextPolicyChange } from '../../../shared/model/policy.ts';
import { cachedScorer } from '../../../shared/model/scorer-cache.ts';
import { recomputeScore } from '../../../shared/model/stored-score.ts';
import { normaliseSupplier } from '../../../shared/model/supplier-input.ts';
import { referenceAtVersion } from '../../../shared/policy/reference-at-version.ts';
import { chunkMessages } from '../../../shared/queue/message.ts';
import { QueueUnavailableError, sendMessages } from '../../../shared/queue/send-messages.ts';
import { baselineTimeline } from '../../../shared/reference/index.ts';
import { decodeListCursor } from '../../../shared/store/list-cursor.ts';
import type { StoredSupplier } from '../../../shared/store/supplier-port.ts';
import { scoringContext } from '../context.ts';
import type { ApiDeps, ApiRequest } from '../deps.ts';

/**
 * A stored supplier as the API shows it: its full breakdown recomputed with the data it was scored with (any policy
 * revision of the running release can be rebuilt), else with the running data, saying so (`recomputedWith`).
 */
async function view(s: StoredSupplier, deps: ApiDeps) {
  const scoredWith = await referenceAtVersion(
    { store: deps.policy.store, baseline: baselineTimeline, running: deps.ref },
    s.summary.dataVersion,
  );
  const { result, recomputedWith } = recomputeScore(scoredWith ?? deps.ref, s.input, s.summary);
  return {
    supplier: s.input,
    score: result,
    recomputedWith,
    inputVersion: s.inputVersion,
    updatedAt: s.updatedAt,
    nextChangeDate: s.nextChangeDate,
  };
}

export async function putSupplier(req: ApiRequest, deps: ApiDeps) {
  const supplierId = req.params.supplierId as string;
  const { sync } = queryParams(req.event, putSupplierQuery);
  const body = jsonBody(req.event, putSupplierBody);
  if (body.supplierId !== undefined && body.supplierId !== supplierId)
    throw problem(422, 'supplierId in the body differs from the path', [
      { path: 'supplierId', message: `expected '${supplierId}'` },
    ]);
  const normalised = normaliseSupplier({ ...body, supplierId });
  if (!normalised.ok)
    throw problem(
      422,
      'some fields are invalid',
      normalised.errors.map((e) => ({ path: e.path, message: e.message })),
    );
  const input = normalised.input;
  const inputVersion = deps.now().getTime();
  const ctx = scoringContext(deps, undefined, undefined);
  if (sync !== 'true') {
    const messages = chunkMessages(
      { v: 1, kind: 'upsert', tenant: req.tenant, batchId: null, asOf: null, buyerCountry: ctx.buyerCountry },
      [{ inputVersion, input }],
    );
    let refused: Error | undefined;
    try {
      await sendMessages(deps.queue, messages, {
        groupId: req.tenant,
        onRejected: (_m, err) => {
          refused = err;
        },
      });
    } catch (err) {
      if (err instanceof QueueUnavailableError) throw unavailable('the score queue is unavailable: retry later');
      throw err;
    }
    // Every supplier the schema accepts fits a message and encodes safely: a refusal is this service's fault.
    if (refused) throw refused;
    return json(
      202,
      { supplierId, status: 'queued', inputVersion },
      { location: `/v1/suppliers/${encodeURIComponent(supplierId)}` },
    );
  }
  const result = cachedScorer(deps.ref, ctx).score(input);
  const changes: ChangeRecord[] = [];
  const written = await deps.store.putScored(
    req.tenant,
    'upsert',
    [
      {
        inputVersion,
        input,
        result,
        nextChangeDate: nextPolicyChange(
          deps.ref,
          input.exposures.map((e) => e.mineral),
          ctx,
        ),
        batchId: null,
      },
    ],
    { changes },
  );
  await announce(deps, changes);
  if (written.stored === 0)
    throw problem(
      409,
      'a newer version of this supplier is already stored, or another one written in the same millisecond: read it, then retry if needed',
    );
  return json(200, result);
}

/**
 * Publishes the notable changes a write made. The write stands whatever the bus says (the caller's request did what it
 * asked), so a refused publish is logged, not answered with an error; the record stays in GET /v1/changes.
 */
async function announce(deps: ApiDeps, changes: readonly ChangeRecord[]): Promise<void> {
  try {
    await publishNotable(deps.events, changes);
  } catch (err) {
    deps.log?.('change events not published (the records stay in the change log)', err);
  }
}

export async function getSupplier(req: ApiRequest, deps: ApiDeps) {
  const s = await deps.store.getSupplier(req.tenant, req.params.supplierId as string);
  if (!s) throw problem(404, `no supplier '${req.params.supplierId}'`);
  return json(200, await view(s, deps));
}

/**
 * 204 when a stored supplier was deleted; 404 when none was stored — its tombstone is written anyway, so a PUT queued
 * before this DELETE is not applied later; 409 when a newer PUT than this DELETE has already been stored.
 */
export async function deleteSupplier(req: ApiRequest, deps: ApiDeps) {
  const changes: ChangeRecord[] = [];
  const outcome = await deps.store.deleteSupplier(req.tenant, req.params.supplierId as string, deps.now().getTime(), {
    changes,
  });
  await announce(deps, changes);
  if (outcome === 'absent')
    throw problem(
      404,
      `no supplier '${req.params.supplierId}' (any write of it queued before now will not be applied)`,
    );
  if (outcome === 'newer')
    throw problem(409, `supplier '${req.params.supplierId}' was written again after this delete`);
  return { statusCode: 204, headers: {}, body: '' };
}

/**
 * Critical first, then high, medium and low: within critical and high by score, highest first, then by id; within
 * medium and low by id. `band` reads that band's index keys alone; mineral and country filter what is read.
 */
export async function listSuppliers(req: ApiRequest, deps: ApiDeps) {
  const q = queryParams(req.event, listSuppliersQuery);
  const mineral = q.mineral ? parseMineral(q.mineral) : null;
  if (mineral && !mineral.ok)
    throw problem(400, mineral.message, [{ path: 'query.mineral', message: mineral.message }]);
  // `country=unknown` lists suppliers with a line whose origin or processing country is unknown (the world mix).
  const country = q.country ? parseCountryOrUnknown(q.country) : null;
  if (country && !country.ok)
    throw problem(400, country.message, [{ path: 'query.country', message: country.message }]);
  const keep = (s: StoredSupplier) =>
    (!mineral?.ok || s.input.exposures.some((e) => e.mineral === mineral.value)) &&
    (!country?.ok ||
      s.input.exposures.some((e) => e.originCountry === country.value || e.processingCountry === country.value));
  if (q.cursor !== undefined && decodeListCursor(q.cursor) === null)
    throw problem(400, 'invalid cursor', [{ path: 'query.cursor', message: 'not a cursor from this API' }]);
  const filtered = mineral !== null || country !== null;
  // A filter that matches little must not read the whole tenant in one request: at most LIST_MAX_EXAMINED suppliers
  // are read per page, and the page says where to go on (fewer items than `limit`, even none, with a cursor).
  // Suppliers with hundreds of lines make large items: a page that would pass the response limit is read again
  // with half the limit (the same first suppliers, the cursor after the last one returned).
  return fittingResponse(q.limit, 1, async (limit) => {
    const page = await deps.store.listSuppliers(req.tenant, {
      limit,
      ...(q.cursor ? { cursor: q.cursor } : {}),
      ...(q.band ? { band: q.band } : {}),
      ...(filtered ? { filter: keep, maxExamined: LIST_MAX_EXAMINED } : {}),
    });
    return json(200, { items: await Promise.all(page.items.map((s) => view(s, deps))), cursor: page.cursor });
  });
}
