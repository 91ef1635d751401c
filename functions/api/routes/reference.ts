import { json, queryParams } from '../../../shared/http/request.ts';
import { policyEventsQuery } from '../../../shared/http/schemas.ts';
import { governanceRisk } from '../../../shared/model/governance.ts';
import { MODEL_VERSION } from '../../../shared/model/score.ts';
import { eventState } from '../../../shared/policy/states.ts';
import { itemKey } from '../../../shared/policy/types.ts';
import { allCountries } from '../../../shared/reference/countries.ts';
import type { ApiDeps, ApiRequest } from '../deps.ts';

export async function referenceMinerals(_req: ApiRequest, deps: ApiDeps) {
  const ref = deps.ref;
  const items = [...ref.minerals.values()].map((m) => {
    const v = ref.vulnerability.get(m.id);
    return {
      id: m.id,
      name: m.name,
      symbol: m.symbol ?? null,
      isGroup: m.isGroup,
      groups: m.groups,
      covers: m.covers,
      aliases: m.aliases,
      usCritical2025: m.usCritical2025,
      vulnerability: v
        ? {
            substitutionIndex: v.substitutionIndex,
            eolRecyclingInputRate: v.eolRecyclingInputRate,
            source: v.source,
            year: v.year,
          }
        : null,
      shares: {
        mining: ref.stageShares(m.id, 'mining'),
        processing: ref.stageShares(m.id, 'processing'),
      },
    };
  });
  return json(200, { dataVersion: ref.dataVersion, items });
}

export async function referenceCountries(_req: ApiRequest, deps: ApiDeps) {
  const items = allCountries.map((c) => {
    const g = deps.ref.governance.get(c.code);
    const risk = governanceRisk(deps.ref, c.code);
    return {
      code: c.code,
      alpha3: c.alpha3,
      name: c.name,
      governance: g ?? null,
      governanceRisk: risk.risk,
      governanceDefaulted: !risk.known,
    };
  });
  return json(200, { dataVersion: deps.ref.dataVersion, items });
}

/** The effective timeline (shipped ⊕ revisions), each item with its state on `asOf` and the revision that set it. */
export async function referencePolicyEvents(req: ApiRequest, deps: ApiDeps) {
  const asOf = queryParams(req.event, policyEventsQuery).asOf ?? deps.today();
  const { timeline, ref } = await deps.policy.current.current();
  return json(200, {
    asOf,
    dataVersion: ref.dataVersion,
    policyRevision: timeline.revision,
    policyEvents: ref.policyEvents.map((e) => ({ ...e, ...eventState(ref, timeline, e, asOf) })),
    agreements: ref.declaredAgreements.map((a) => ({
      ...a,
      inForce: a.effectiveFrom <= asOf && (a.effectiveUntil === null || asOf <= a.effectiveUntil),
      revision: timeline.setBy.get(itemKey('agreement', a.id)) ?? 0,
    })),
  });
}

export async function health(_req: ApiRequest, deps: ApiDeps) {
  return json(200, { status: 'ok', modelVersion: MODEL_VERSION, dataVersion: deps.ref.dataVersion });
}
