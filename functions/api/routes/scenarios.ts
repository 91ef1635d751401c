import { problem } from '../../../shared/http/problem.ts';
import { fittingResponse, json, jsonBody } from '../../../shared/http/request.ts';
import { scenarioRequest } from '../../../shared/http/schemas.ts';
import { buildScenarioData, limitListed, runScenario } from '../../../shared/model/scenario.ts';
import { scoringContext } from '../context.ts';
import type { ApiDeps, ApiRequest } from '../deps.ts';
import { allSuppliers } from '../tenant-suppliers.ts';

/** Suppliers listed in a scenario's answer at most (fewer when their rows would pass the response limit). */
export const SCENARIO_MAX_LISTED = 10_000;

/** What-if: hypothetical policy events applied to the tenant's stored suppliers. Stores nothing. */
export async function scenario(req: ApiRequest, deps: ApiDeps) {
  const { asOf, buyerCountry, ...request } = jsonBody(req.event, scenarioRequest);
  const ctx = scoringContext(deps, asOf, buyerCountry);
  const { errors } = buildScenarioData(deps.ref, request);
  if (errors.length > 0) throw problem(422, 'the scenario has invalid events', errors);
  const suppliers = await allSuppliers(deps.store, req.tenant);
  const result = runScenario(
    deps.ref,
    request,
    suppliers.map((s) => s.input),
    ctx,
  );
  // What a long list leaves out is the smallest changes; fewer rows still when long names make them large.
  return fittingResponse(SCENARIO_MAX_LISTED, 0, (max) => json(200, limitListed(result, max)));
}
