/**
 * Scenario jobs through fakes of their ports: a job's segments, in any order and redelivered, give the inline answer;
 * a segment counts once; an assembler that died is replaced by the next turn; a job is its tenant's alone and a day's.
 */
import { describe, expect, it } from 'vitest';
import { limitListed, runScenario } from '../../../shared/model/scenario.ts';
import type { SupplierInput } from '../../../shared/model/types.ts';
import {
  SCENARIO,
  ScenarioJobNotQueuedError,
  type ScenarioSegmentMessage,
  scenarioJobState,
  scenarioSegmentMessageSchema,
  startScenarioJob,
} from '../../../shared/pipeline/scenario-job.ts';
import { processScenarioSegment } from '../../../shared/pipeline/scenario-segment.ts';
import { referenceData } from '../../../shared/reference/index.ts';
import { fakeQueue } from '../../helpers/fake-ports.ts';
import { FakeScenarioJobs, FakeTenantScan } from '../../helpers/fake-scenario-jobs.ts';
import { context, line, supplier } from '../../helpers/supplier-input.ts';

const ref = referenceData();
const TODAY = '2026-12-05';
const request = {
  add: [
    { country: 'China', kind: 'export_ban' as const, minerals: ['gallium', 'germanium'], effectiveFrom: '2026-12-01' },
  ],
};
const MINERALS = ['gallium', 'germanium', 'cobalt', 'lithium', 'nickel'];
const ORIGINS = ['CN', 'CD', 'AU', 'CL', 'ID'];

function suppliersOf(prefix: string, n: number): SupplierInput[] {
  return Array.from({ length: n }, (_, i) =>
    supplier({
      supplierId: `${prefix}-${String(i).padStart(4, '0')}`,
      supplierName: `${prefix} ${i}`,
      annualSpendUsd: i % 5 === 0 ? null : 1000 + i * 37.25,
      exposures: [line(MINERALS[i % MINERALS.length] as string, ORIGINS[(i * 3) % ORIGINS.length] as string)],
    }),
  );
}

function world(o: { segments?: number } = {}) {
  const acme = suppliersOf('ACME', 240);
  const other = suppliersOf('OTHER', 90);
  const scan = new FakeTenantScan([
    ...acme.map((input) => ({ tenant: 'acme', input })),
    ...other.map((input) => ({ tenant: 'other', input })),
  ]);
  const jobs = new FakeScenarioJobs();
  const queue = fakeQueue();
  let clock = Date.parse(`${TODAY}T10:00:00Z`);
  const now = () => new Date(clock);
  let ids = 0;
  const deps = { jobs, queue, now, newId: () => `job-${++ids}` };
  const segDeps = { jobs, scan, reference: { at: async () => ref }, now };
  const started = (body: typeof request = request, tenant = 'acme') =>
    startScenarioJob(deps, {
      tenant,
      asOf: TODAY,
      buyerCountry: 'US',
      revision: 0,
      baseDataVersion: ref.dataVersion,
      createdBy: 'alice',
      request: body,
      segments: o.segments ?? 4,
    });
  const start = async () => (await started()).job;
  const messages = () =>
    queue.sent.map((e) => scenarioSegmentMessageSchema.parse(JSON.parse(e.body)) as ScenarioSegmentMessage);
  return { acme, jobs, queue, scan, deps, segDeps, start, started, messages, advance: (ms: number) => (clock += ms) };
}

const inline = (inputs: SupplierInput[]) =>
  limitListed(runScenario(ref, request, inputs, context(TODAY, 'US')), SCENARIO.maxListed);

describe('a scenario job', () => {
  it('queues one message per segment, and its segments in any order answer exactly as inline', async () => {
    const w = world();
    const job = await w.start();
    const msgs = w.messages();
    expect(msgs.map((m) => m.segment).sort()).toEqual([0, 1, 2, 3]);
    const outcomes = [];
    for (const m of [msgs[2], msgs[0], msgs[3], msgs[1]])
      outcomes.push((await processScenarioSegment(w.segDeps, m as ScenarioSegmentMessage, { pageLimit: 17 })).outcome);
    expect(outcomes).toEqual(['counted', 'counted', 'counted', 'assembled']);
    const state = await scenarioJobState(w.deps, 'acme', job.jobId);
    expect(state?.view).toMatchObject({ status: 'completed', segmentsDone: [0, 1, 2, 3], examined: w.acme.length });
    expect(state?.result).toEqual(inline(w.acme));
  });

  it('counts a redelivered segment once and answers the same', async () => {
    const w = world();
    const job = await w.start();
    const [m0, m1, m2, m3] = w.messages() as ScenarioSegmentMessage[];
    for (const m of [m0, m1, m1, m0, m2]) await processScenarioSegment(w.segDeps, m as ScenarioSegmentMessage);
    expect((await w.jobs.getJob('acme', job.jobId))?.segmentsDone).toEqual([0, 1, 2]);
    expect((await processScenarioSegment(w.segDeps, m3 as ScenarioSegmentMessage)).outcome).toBe('assembled');
    expect((await processScenarioSegment(w.segDeps, m3 as ScenarioSegmentMessage)).outcome).toBe('ended');
    const state = await scenarioJobState(w.deps, 'acme', job.jobId);
    expect(state?.view.examined).toBe(w.acme.length);
    expect(state?.result).toEqual(inline(w.acme));
  });

  it('is assembled by the next turn when the last segment counted died before storing the answer', async () => {
    const w = world({ segments: 2 });
    const job = await w.start();
    const [m0, m1] = w.messages() as ScenarioSegmentMessage[];
    await processScenarioSegment(w.segDeps, m0 as ScenarioSegmentMessage);
    w.jobs.failNextResult = true;
    await expect(processScenarioSegment(w.segDeps, m1 as ScenarioSegmentMessage)).rejects.toThrow(/died/);
    expect((await scenarioJobState(w.deps, 'acme', job.jobId))?.view.status).toBe('running');
    // SQS redelivers the message: counted already, every segment is, no answer yet → this turn assembles.
    expect((await processScenarioSegment(w.segDeps, m1 as ScenarioSegmentMessage)).outcome).toBe('assembled');
    expect((await scenarioJobState(w.deps, 'acme', job.jobId))?.result).toEqual(inline(w.acme));
  });

  it('keeps the first partial a segment stored when two turns run it at once', async () => {
    const w = world({ segments: 1 });
    const job = await w.start();
    const [m0] = w.messages() as ScenarioSegmentMessage[];
    const turns = await Promise.all([
      processScenarioSegment(w.segDeps, m0 as ScenarioSegmentMessage),
      processScenarioSegment(w.segDeps, m0 as ScenarioSegmentMessage),
    ]);
    // The one that counted assembles; the other may too (it saw every segment counted, no answer yet): same answer.
    expect(turns.map((t) => t.outcome)).toContain('assembled');
    expect(w.jobs.partials.get(`acme/${job.jobId}`)?.size).toBe(1);
    const state = await scenarioJobState(w.deps, 'acme', job.jobId);
    expect(state?.view.examined).toBe(w.acme.length);
    expect(state?.result).toEqual(inline(w.acme));
  });

  it('is not found by another tenant, nor after a day', async () => {
    const w = world({ segments: 1 });
    const job = await w.start();
    expect(await scenarioJobState(w.deps, 'other', job.jobId)).toBeNull();
    expect(await scenarioJobState(w.deps, 'acme', job.jobId)).not.toBeNull();
    w.advance(SCENARIO.ttlSeconds * 1000);
    expect(await scenarioJobState(w.deps, 'acme', job.jobId)).toBeNull();
  });

  it('fails, and says so, when the queue refuses its segments', async () => {
    const w = world();
    w.queue.sendBatch = fakeQueue({ refuse: (b) => b.includes('"segment":2') }).sendBatch;
    await expect(w.start()).rejects.toBeInstanceOf(ScenarioJobNotQueuedError);
    expect((await w.jobs.getJob('acme', 'job-1'))?.status).toBe('failed');
  });

  it('fails when the workers rebuild other reference data than the job was asked on', async () => {
    const w = world({ segments: 1 });
    const job = await w.start();
    const [m0] = w.messages() as ScenarioSegmentMessage[];
    const deps = { ...w.segDeps, reference: { at: async () => ({ ...ref, dataVersion: 'other-data' }) } };
    expect((await processScenarioSegment(deps, m0 as ScenarioSegmentMessage)).outcome).toBe('failed');
    expect((await scenarioJobState(w.deps, 'acme', job.jobId))?.view).toMatchObject({ status: 'failed' });
  });
});

describe('the same scenario asked again', () => {
  it('while its job runs answers with that job: same id, no second scan queued, whatever the key order', async () => {
    const w = world();
    const first = await w.started();
    const [event] = request.add;
    if (!event) throw new Error('the request adds an event');
    const reordered = {
      add: [{ effectiveFrom: event.effectiveFrom, minerals: event.minerals, kind: event.kind, country: event.country }],
    };
    const again = await w.started(reordered);
    expect(first.reused).toBe(false);
    expect(again).toMatchObject({ reused: true, job: { jobId: first.job.jobId }, view: { status: 'running' } });
    expect(w.messages()).toHaveLength(4);
    // One segment done: a request now sees the progress.
    const [m0] = w.messages() as ScenarioSegmentMessage[];
    await processScenarioSegment(w.segDeps, m0 as ScenarioSegmentMessage);
    expect((await w.started()).view.segmentsDone).toEqual([0]);
  });

  it('after its job completed answers with that job until it expires, then starts a new one', async () => {
    const w = world({ segments: 1 });
    const first = await w.started();
    for (const m of w.messages()) await processScenarioSegment(w.segDeps, m);
    w.advance(SCENARIO.ttlSeconds * 1000 - 1000);
    expect(await w.started()).toMatchObject({
      reused: true,
      job: { jobId: first.job.jobId },
      view: { status: 'completed' },
    });
    w.advance(1000);
    const later = await w.started();
    expect(later.reused).toBe(false);
    expect(later.job.jobId).not.toBe(first.job.jobId);
    expect(w.messages()).toHaveLength(2);
  });

  it('after its job failed starts a new one', async () => {
    const w = world({ segments: 2 });
    const refusing = fakeQueue({ refuse: () => true }).sendBatch;
    const sendBatch = w.queue.sendBatch;
    w.queue.sendBatch = refusing;
    await expect(w.started()).rejects.toBeInstanceOf(ScenarioJobNotQueuedError);
    w.queue.sendBatch = sendBatch;
    const next = await w.started();
    expect(next).toMatchObject({ reused: false, job: { jobId: 'job-2' }, view: { status: 'running' } });
    expect(await w.started()).toMatchObject({ reused: true, job: { jobId: 'job-2' } });
  });

  it('is another request for another tenant, body, as-of date, buyer, revision or data', async () => {
    const w = world({ segments: 1 });
    const base = {
      tenant: 'acme',
      asOf: TODAY,
      buyerCountry: 'US',
      revision: 0,
      baseDataVersion: ref.dataVersion,
      createdBy: 'alice',
      request,
      segments: 1,
    };
    const variants = [
      base,
      { ...base, tenant: 'other' },
      { ...base, request: { ...request, remove: ['CN-2025-70'] } },
      { ...base, asOf: '2026-12-06' },
      { ...base, buyerCountry: 'DE' },
      { ...base, revision: 1 },
      { ...base, baseDataVersion: 'other-data' },
      // Another person asking the same is the same request.
      { ...base, createdBy: 'bob' },
    ];
    const ids = [];
    for (const v of variants) ids.push((await startScenarioJob(w.deps, v)).job.jobId);
    expect(new Set(ids.slice(0, 7)).size).toBe(7);
    expect(ids[7]).toBe(ids[0]);
  });

  it('twice at once starts one job; the other request answers with it', async () => {
    const w = world({ segments: 2 });
    const [a, b] = await Promise.all([w.started(), w.started()]);
    expect(a.job.jobId).toBe(b.job.jobId);
    const segments = w.messages();
    expect(segments).toHaveLength(2);
    expect(new Set(segments.map((m) => m.jobId))).toEqual(new Set([a.job.jobId]));
    // The loser's job, created before it lost the tie, ends without queueing anything.
    const loser = a.job.jobId === 'job-1' ? 'job-2' : 'job-1';
    expect((await w.jobs.getJob('acme', loser))?.status).toBe('failed');
  });
});
