import { json, queryParams } from '../../../shared/http/request.ts';
import { portfolioQuery } from '../../../shared/http/schemas.ts';
import { exposureOfAggregate, type GroupDimension } from '../../../shared/model/portfolio.ts';
import type { ApiDeps, ApiRequest } from '../deps.ts';

/**
 * The tenant's spend-weighted exposure, grouped by mineral and/or origin country, read from its portfolio aggregates
 * (kept up to date as scores are written, recounted daily): one small read whatever the number of suppliers.
 */
export async function exposure(req: ApiRequest, deps: ApiDeps) {
  const q = queryParams(req.event, portfolioQuery);
  const groupBy = q.groupBy.split(',') as GroupDimension[];
  const stored = await deps.portfolio.read(req.tenant);
  return json(200, {
    groupBy: q.groupBy,
    ...exposureOfAggregate(stored.aggregate, groupBy),
    freshness: {
      updatedAt: stored.updatedAt,
      reconciledAt: stored.reconciledAt,
      readAt: stored.readAt,
      complete: stored.complete,
    },
  });
}
