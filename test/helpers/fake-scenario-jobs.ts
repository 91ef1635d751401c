/**
 * In-memory fakes of the scenario job ports: the job store (first partial stored wins, a segment counts once, a
 * finished job stays finished) and a parallel scan over a list of (tenant, supplier) items. The ports' semantics,
 * nothing more; `failNextResult` makes the next putResult throw (an assembler dying before it stored the answer).
 */
import type { ScenarioResult } from '../../shared/model/scenario.ts';
import type { ScenarioPartial } from '../../shared/model/scenario-partial.ts';
import type { SupplierInput } from '../../shared/model/types.ts';
import type {
  ScenarioJob,
  ScenarioJobStore,
  ScenarioJobView,
  TenantSupplierScan,
} from '../../shared/store/scenario-jobs-port.ts';

const key = (tenant: string, jobId: string) => `${tenant}/${jobId}`;

export class FakeScenarioJobs implements ScenarioJobStore {
  readonly views = new Map<string, ScenarioJobView>();
  readonly partials = new Map<string, Map<number, ScenarioPartial>>();
  readonly results = new Map<string, ScenarioResult>();
  readonly ties = new Map<string, { jobId: string; expiresAt: number }>();
  failNextResult = false;

  async createJob(job: ScenarioJob) {
    const k = key(job.tenant, job.jobId);
    if (this.views.has(k)) throw new Error(`job ${job.jobId} exists`);
    this.views.set(k, { job, status: 'running', segmentsDone: [], examined: 0, completedAt: null, failure: null });
    this.partials.set(k, new Map());
  }

  async getJob(tenant: string, jobId: string) {
    const v = this.views.get(key(tenant, jobId));
    return v ? structuredClone(v) : null;
  }

  async putPartial(job: ScenarioJob, segment: number, partial: ScenarioPartial) {
    const parts = this.partials.get(key(job.tenant, job.jobId));
    if (!parts || parts.has(segment)) return false;
    parts.set(segment, structuredClone(partial));
    return true;
  }

  async countSegment(job: ScenarioJob, segment: number, examined: number) {
    const v = this.views.get(key(job.tenant, job.jobId));
    if (v?.status !== 'running' || v.segmentsDone.includes(segment)) return null;
    v.segmentsDone = [...v.segmentsDone, segment].sort((a, b) => a - b);
    v.examined += examined;
    return v.segmentsDone.length;
  }

  async readPartials(job: ScenarioJob) {
    return [...(this.partials.get(key(job.tenant, job.jobId))?.values() ?? [])].map((p) => structuredClone(p));
  }

  async putResult(job: ScenarioJob, result: ScenarioResult, at: string) {
    if (this.failNextResult) {
      this.failNextResult = false;
      throw new Error('fake store: the assembler died');
    }
    const k = key(job.tenant, job.jobId);
    const v = this.views.get(k);
    if (v?.status !== 'running') return;
    this.results.set(k, structuredClone(result));
    v.status = 'completed';
    v.completedAt = at;
  }

  async getResult(job: ScenarioJob) {
    const r = this.results.get(key(job.tenant, job.jobId));
    return r ? structuredClone(r) : null;
  }

  async tieRequest(job: ScenarioJob, requestKey: string, replacing: string | null) {
    const k = key(job.tenant, requestKey);
    const tie = this.ties.get(k);
    const now = Math.floor(Date.parse(job.createdAt) / 1000);
    const free = replacing === null ? !tie || tie.expiresAt <= now : tie?.jobId === replacing;
    if (free) this.ties.set(k, { jobId: job.jobId, expiresAt: job.expiresAt });
    return free;
  }

  async requestJob(tenant: string, requestKey: string, nowSeconds: number) {
    const tie = this.ties.get(key(tenant, requestKey));
    return tie && tie.expiresAt > nowSeconds ? tie.jobId : null;
  }

  async failJob(job: ScenarioJob, reason: string, at: string) {
    const v = this.views.get(key(job.tenant, job.jobId));
    if (v?.status !== 'running') return;
    v.status = 'failed';
    v.failure = reason;
    v.completedAt = at;
  }
}

/** The items of a table, each in the segment its position hashes to; pages of `limit` items in that segment. */
export class FakeTenantScan implements TenantSupplierScan {
  pages = 0;
  constructor(readonly items: readonly { tenant: string; input: SupplierInput }[]) {}

  async scanTenant(tenant: string, segment: number, totalSegments: number, cursor: string | null, limit: number) {
    this.pages++;
    const mine = this.items.map((item, i) => ({ item, i })).filter(({ i }) => (i * 7919) % totalSegments === segment);
    const from = cursor === null ? 0 : Number(cursor);
    const page = mine.slice(from, from + limit);
    const next = from + limit < mine.length ? String(from + limit) : null;
    return { items: page.filter(({ item }) => item.tenant === tenant).map(({ item }) => item.input), cursor: next };
  }
}
