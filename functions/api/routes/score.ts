import { problem } from '../../../shared/http/problem.ts';
import { json, jsonBody } from '../../../shared/http/request.ts';
import { SCORE_MAX_LINES, scoreRequest } from '../../../shared/http/schemas.ts';
import { MODEL_VERSION } from '../../../shared/model/score.ts';
import { cachedScorer } from '../../../shared/model/scorer-cache.ts';
import { normaliseSupplier } from '../../../shared/model/supplier-input.ts';
import type { ScoredSupplier } from '../../../shared/model/types.ts';
import type { Rejection } from '../../../shared/supplier-list/row.ts';
import { scoringContext } from '../context.ts';
import type { ApiDeps, ApiRequest } from '../deps.ts';

/**
 * Stateless scoring at decision time, in the CLI's JSON result shape. A supplier with invalid fields is reported in
 * `rejected` (row = its 1-based position in `suppliers`) and the others are still scored.
 */
export async function scoreNow(req: ApiRequest, deps: ApiDeps) {
  const body = jsonBody(req.event, scoreRequest);
  const lines = body.suppliers.reduce((n, s) => n + s.exposures.length, 0);
  if (lines > SCORE_MAX_LINES)
    throw problem(
      413,
      `the request holds ${lines} exposure lines; one request may score at most ${SCORE_MAX_LINES}: split it, or upload a batch`,
    );
  const ctx = scoringContext(deps, body.asOf, body.buyerCountry);
  const scorer = cachedScorer(deps.ref, ctx);
  const results: ScoredSupplier[] = [];
  const rejected: Rejection[] = [];
  let rows = 0;
  let scoredRows = 0;
  let expanded = 0;
  body.suppliers.forEach((s, i) => {
    rows += s.exposures.length;
    const n = normaliseSupplier(s, `suppliers[${i}]`);
    if (!n.ok) {
      const first = n.errors[0];
      rejected.push({
        row: i + 1,
        field: first?.path ?? `suppliers[${i}]`,
        value: first?.value ?? '',
        message: n.errors.map((e) => `${e.path}: ${e.message}`).join('; '),
      });
      return;
    }
    scoredRows += s.exposures.length;
    // HS codes and categories expand into several lines each: the limit holds on the lines scored.
    expanded += n.input.exposures.length;
    if (expanded > SCORE_MAX_LINES)
      throw problem(
        413,
        `the request's exposures expand into more than ${SCORE_MAX_LINES} lines (HS codes and product categories count each mineral); split it, or upload a batch`,
      );
    results.push(scorer.score(n.input));
  });
  return json(200, {
    asOf: ctx.asOf,
    buyerCountry: ctx.buyerCountry,
    modelVersion: MODEL_VERSION,
    dataVersion: deps.ref.dataVersion,
    results,
    rejected,
    summary: { rows, suppliers: results.length, scored: scoredRows, rejected: rows - scoredRows },
  });
}
