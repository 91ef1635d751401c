/**
 * The revision the policy and store benchmarks record, as an operator would: "China extends its suspension of Ann. 46
 * clause 2 to 2027-11-27" (it reaches US buyers only). Records it and starts its run as the admin route does.
 */
import type { LocalPolicy } from '../infra/local/runtime.ts';
import { planPolicyRun } from '../shared/pipeline/rescore-run.ts';
import { recordRevision } from '../shared/policy/record-revision.ts';
import { baselineTimeline } from '../shared/reference/index.ts';
import type { PolicyEvent } from '../shared/reference/types.ts';

export const BENCH_REVISED_EVENT = 'CN-2024-46-C2-SUSP';

export async function extendSuspension(p: LocalPolicy, asOf: string) {
  const e = baselineTimeline.policyEvents.find((x) => x.id === BENCH_REVISED_EVENT) as PolicyEvent;
  const { id: _id, source: _s, ...rest } = e;
  const recorded = await recordRevision(
    { store: p.store, baseline: baselineTimeline, now: () => new Date() },
    {
      kind: 'policy-event',
      id: e.id,
      action: 'put',
      body: {
        ...rest,
        effectiveUntil: '2027-11-27',
        reason: 'China extends its suspension of Ann. 46 clause 2 to 2027-11-27',
        source: 'benchmark',
        sourceUrl: 'https://example.org/bench',
        sourceDate: asOf,
      },
    },
    { actor: 'bench' },
  );
  const started = await planPolicyRun(
    { runs: p.runs, queue: p.rescoreQueue, now: () => new Date(), policy: p.store, baseline: baselineTimeline },
    { asOf, createdBy: 'bench' },
  );
  if (!started) throw new Error('no run started');
  return { recorded, started };
}
