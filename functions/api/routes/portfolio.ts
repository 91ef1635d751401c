import { json, queryParams } from '../../../shared/http/request.ts';
import { portfolioQuery } from '../../../shared/http/schemas.ts';
import { type GroupDimension, portfolioExposure } from '../../../shared/model/portfolio.ts';
import { recomputeScore } from '../../../shared/model/stored-score.ts';
import type { ApiDeps, ApiRequest } from '../deps.ts';
import { allSuppliers } from '../tenant-suppliers.ts';

/** The tenant's spend-weighted exposure from its stored scores, grouped by mineral and/or origin country. */
export async function exposure(req: ApiRequest, deps: ApiDeps) {
  const q = queryParams(req.event, portfolioQuery);
  const groupBy = q.groupBy.split(',') as GroupDimension[];
  const suppliers = await allSuppliers(deps.store, req.tenant);
  return json(200, {
    groupBy: q.groupBy,
    ...portfolioExposure(
      suppliers.map((s) => recomputeScore(deps.ref, s.input, s.summary).result),
      groupBy,
    ),
  });
}
