/**
 * The identity of a scenario request (issue 12): a hash of everything its answer depends on — the tenant, the
 * request in a canonical form (object keys sorted at every depth, so the same body written another way is the same
 * request), the as-of date and buyer, the policy revision and reference data it is scored against, and the model. Two
 * requests with the same key have the same answer, so a large one asked for again while its job runs or is kept is
 * answered by that job (shared/pipeline/scenario-job.ts). Pure.
 */
import { createHash } from 'node:crypto';
import type { ScenarioRequest } from './scenario.ts';
import { MODEL_VERSION } from './score.ts';

/** JSON with object keys sorted at every depth (array order kept: it is the request's). */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export interface ScenarioIdentity {
  tenant: string;
  request: ScenarioRequest;
  asOf: string;
  buyerCountry: string;
  /** The policy revision the base timeline is at. */
  revision: number;
  /** The base reference data's version at that revision. */
  baseDataVersion: string;
  /** The scoring model (default: the running one). */
  modelVersion?: string;
}

/** The request's key: 64 hex characters (SHA-256). */
export function scenarioRequestKey(identity: ScenarioIdentity): string {
  const { modelVersion = MODEL_VERSION, ...rest } = identity;
  return createHash('sha256')
    .update(canonicalJson({ v: 1, ...rest, modelVersion }))
    .digest('hex');
}
