/**
 * Port of the scenario jobs (shared/pipeline/scenario-job.ts): a job record with its progress counters, one partial
 * result per scan segment, and the assembled result, all kept for a day. Plus the scan of one tenant's suppliers.
 */
import type { ScenarioRequest, ScenarioResult } from '../model/scenario.ts';
import type { ScenarioPartial } from '../model/scenario-partial.ts';
import type { SupplierInput } from '../model/types.ts';

export interface ScenarioJob {
  tenant: string;
  jobId: string;
  request: ScenarioRequest;
  asOf: string;
  buyerCountry: string;
  /** The policy revision the base timeline was at when the job was asked for: every segment scores against it. */
  revision: number;
  /** The base reference data's version at that revision (a check that the workers rebuilt the same one). */
  baseDataVersion: string;
  /** Parallel scan segments, one message each. */
  segments: number;
  createdAt: string;
  createdBy: string;
  /** Epoch seconds: the job and its pieces are deleted after this (TTL), and read as absent already. */
  expiresAt: number;
}

export type ScenarioJobStatus = 'running' | 'completed' | 'failed';

export interface ScenarioJobView {
  job: ScenarioJob;
  status: ScenarioJobStatus;
  /** Segments counted (each once); the job is assembled when they are all counted. */
  segmentsDone: number[];
  /** Suppliers the counted segments examined. */
  examined: number;
  completedAt: string | null;
  /** Why a failed job failed. */
  failure: string | null;
}

export interface ScenarioJobStore {
  /** Creates the job (its id is new: an existing one is an error). */
  createJob(job: ScenarioJob): Promise<void>;
  /** The job and its progress, or null (never made, or another tenant's). */
  getJob(tenant: string, jobId: string): Promise<ScenarioJobView | null>;
  /** Stores a segment's partial unless one is stored already (first wins: false). */
  putPartial(job: ScenarioJob, segment: number, partial: ScenarioPartial): Promise<boolean>;
  /** Counts a segment done, once: the segments done after it, or null when it was counted before. */
  countSegment(job: ScenarioJob, segment: number, examined: number, at: string): Promise<number | null>;
  /** Every stored partial (one per segment that stored one). */
  readPartials(job: ScenarioJob): Promise<ScenarioPartial[]>;
  /** Stores the result and marks the job completed (a second assembly of the same result changes nothing). */
  putResult(job: ScenarioJob, result: ScenarioResult, at: string): Promise<void>;
  getResult(job: ScenarioJob): Promise<ScenarioResult | null>;
  /** Marks a running job failed, with the reason. */
  failJob(job: ScenarioJob, reason: string, at: string): Promise<void>;
  /**
   * Ties a request key (shared/model/scenario-key.ts) to `job` until the job expires, if the key is untied (never
   * tied, or its job expired: `job.createdAt` is now) or, with `replacing`, still tied to that job (a failed one);
   * true when it is tied to `job` now.
   */
  tieRequest(job: ScenarioJob, key: string, replacing: string | null): Promise<boolean>;
  /** The id of the job a request key is tied to, unless that job has expired by `nowSeconds`; null: none. */
  requestJob(tenant: string, key: string, nowSeconds: number): Promise<string | null>;
}

export interface TenantSupplierScan {
  /** One page of one segment of a parallel scan, keeping one tenant's live suppliers (their inputs). */
  scanTenant(
    tenant: string,
    segment: number,
    totalSegments: number,
    cursor: string | null,
    limit: number,
  ): Promise<{ items: SupplierInput[]; cursor: string | null }>;
}
