import { problem } from '../../../shared/http/problem.ts';
import { json, jsonBody } from '../../../shared/http/request.ts';
import { scenarioRequest } from '../../../shared/http/schemas.ts';
import { buildScenarioData, runScenario } from '../../../shared/model/scenario.ts';
import { scoringContext } from '../context.ts';
import type { ApiDeps, ApiRequest } from '../deps.ts';
import { allSuppliers } from '../tenant-suppliers.ts';

/** Suppliers listed in a scenario's answer at most: about 2.5 MB, under Lambda's 6 MB response limit. */
export const SCENARIO_MAX_LISTED = 10_000;

/** What-if: hypothetical policy events applied to the tenant's stored suppliers. Stores nothing. */
export async function scenario(req: ApiRequest, deps: ApiDeps) {
  const { asOf, buyerCountry, ...request } = jsonBody(req.event, scenarioRequest);
  const ctx = scoringContext(deps, asOf, buyerCountry);
  const { errors } = buildScenarioData(deps.ref, request);
  if (errors.length > 0) throw problem(422, 'the scenario has invalid events', errors);
  const suppliers = await allSuppliers(deps.store, req.tenant);
  return json(
    200,
    runScenario(
      deps.ref,
      request,
      suppliers.map((s) => s.input),
      ctx,
      { maxListed: SCENARIO_MAX_LISTED },
    ),
  );
}
