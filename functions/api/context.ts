import { problem } from '../../shared/http/problem.ts';
import { parseCountry } from '../../shared/model/normalise.ts';
import type { ScoringContext } from '../../shared/model/types.ts';
import type { ApiDeps } from './deps.ts';

/** The scoring context of a request: as-of date (default today) and buyer country (default US). */
export function scoringContext(
  deps: ApiDeps,
  asOf: string | undefined,
  buyerCountry: string | undefined,
): ScoringContext {
  const buyer = parseCountry(buyerCountry ?? 'US');
  if (!buyer.ok) throw problem(422, buyer.message, [{ path: 'buyerCountry', message: buyer.message }]);
  return { asOf: asOf ?? deps.today(), buyerCountry: buyer.value, endUse: 'civil' };
}
