import { problem } from '../../../shared/http/problem.ts';
import { fittingResponse, json, jsonBody, queryParams } from '../../../shared/http/request.ts';
import { listSuppliersQuery, putSupplierBody } from '../../../shared/http/schemas.ts';
import { parseCountry, parseMineral } from '../../../shared/model/normalise.ts';
import { nextPolicyChange } from '../../../shared/model/policy.ts';
import { cachedScorer } from '../../../shared/model/scorer-cache.ts';
import { normaliseSupplier } from '../../../shared/model/supplier-input.ts';
import { chunkMessages } from '../../../shared/queue/message.ts';
import { sendMessages } from '../../../shared/queue/send-messages.ts';
import type { StoredSupplier } from '../../../shared/store/port.ts';
import { TABLE } from '../../../shared/store/table.ts';
import { scoringContext } from '../context.ts';
import type { ApiDeps, ApiRequest } from '../deps.ts';

const view = (s: StoredSupplier) => ({
  supplier: s.input,
  score: s.result,
  inputVersion: s.inputVersion,
  updatedAt: s.updatedAt,
  nextChangeDate: s.nextChangeDate,
});

export async function putSupplier(req: ApiRequest, deps: ApiDeps) {
  const supplierId = req.params.supplierId as string;
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
  const sync = req.event.queryStringParameters?.sync === 'true';
  const ctx = scoringContext(deps, undefined, undefined);
  if (!sync) {
    const bodies = [
      ...chunkMessages(
        { v: 1, kind: 'upsert', tenant: req.tenant, batchId: null, asOf: null, buyerCountry: ctx.buyerCountry },
        [{ inputVersion, input }],
      ),
    ];
    await sendMessages(
      deps.queue,
      bodies.map((b) => b.body),
    );
    return json(
      202,
      { supplierId, status: 'queued', inputVersion },
      { location: `/v1/suppliers/${encodeURIComponent(supplierId)}` },
    );
  }
  const result = cachedScorer(deps.ref, ctx).score(input);
  const written = await deps.store.putScored(req.tenant, 'upsert', [
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
  ]);
  if (written.stored === 0)
    throw problem(
      409,
      'a newer version of this supplier is already stored, or another one written in the same millisecond: read it, then retry if needed',
    );
  return json(200, result);
}

export async function getSupplier(req: ApiRequest, deps: ApiDeps) {
  const s = await deps.store.getSupplier(req.tenant, req.params.supplierId as string);
  if (!s) throw problem(404, `no supplier '${req.params.supplierId}'`);
  return json(200, view(s));
}

export async function deleteSupplier(req: ApiRequest, deps: ApiDeps) {
  const removed = await deps.store.deleteSupplier(req.tenant, req.params.supplierId as string, deps.now().getTime());
  if (!removed) throw problem(404, `no supplier '${req.params.supplierId}'`);
  return { statusCode: 204, headers: {}, body: '' };
}

/** Suppliers read per filtered page at most: 20 BatchGetItem calls and their index queries, well within the timeout. */
export const LIST_MAX_EXAMINED = 2_000;

/** Highest score first; filters apply to the stored score's band, its minerals and its origin/processing countries. */
export async function listSuppliers(req: ApiRequest, deps: ApiDeps) {
  const q = queryParams(req.event, listSuppliersQuery);
  const mineral = q.mineral ? parseMineral(q.mineral) : null;
  if (mineral && !mineral.ok)
    throw problem(400, mineral.message, [{ path: 'query.mineral', message: mineral.message }]);
  const country = q.country ? parseCountry(q.country) : null;
  if (country && !country.ok)
    throw problem(400, country.message, [{ path: 'query.country', message: country.message }]);
  const keep = (s: StoredSupplier) =>
    (!q.band || s.result.band === q.band) &&
    (!mineral?.ok || s.input.exposures.some((e) => e.mineral === mineral.value)) &&
    (!country?.ok ||
      s.input.exposures.some((e) => e.originCountry === country.value || e.processingCountry === country.value));
  if (q.cursor !== undefined && !isListCursor(q.cursor))
    throw problem(400, 'invalid cursor', [{ path: 'query.cursor', message: 'not a cursor from this API' }]);
  const filtered = q.band !== undefined || mineral !== null || country !== null;
  // A filter that matches little must not read the whole tenant in one request: at most LIST_MAX_EXAMINED suppliers
  // are read per page, and the page says where to go on (fewer items than `limit`, even none, with a cursor).
  // Suppliers with hundreds of lines make large items: a page that would pass the response limit is read again
  // with half the limit (the same first suppliers, the cursor after the last one returned).
  return fittingResponse(q.limit, 1, async (limit) => {
    const page = await deps.store.listSuppliers(req.tenant, {
      limit,
      ...(q.cursor ? { cursor: q.cursor } : {}),
      ...(filtered ? { filter: keep, maxExamined: LIST_MAX_EXAMINED } : {}),
    });
    return json(200, { items: page.items.map(view), cursor: page.cursor });
  });
}

/** The store's list cursor: base64url JSON of { shard: last index key }. Anything else would fail in the query. */
function isListCursor(cursor: string): boolean {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return false;
  }
  if (!decoded || typeof decoded !== 'object' || Array.isArray(decoded)) return false;
  return Object.entries(decoded).every(
    ([shard, key]) =>
      /^\d+$/.test(shard) &&
      Number(shard) < TABLE.indexes.byScore.shards &&
      typeof key === 'string' &&
      key !== '' &&
      // DynamoDB's limit on a sort key is 1,024 bytes of UTF-8, not characters.
      Buffer.byteLength(key, 'utf8') <= 1024,
  );
}
