/** Plain-text views of policy timelines and rescore runs for the operator CLI (bin/policy.ts). Pure. */

export interface TimelineLike {
  asOf: string;
  dataVersion: string;
  policyEvents: {
    id: string;
    country: string;
    kind: string;
    effectiveFrom: string;
    effectiveUntil: string | null;
    state: string;
    suspendedBy?: string;
    revision: number;
  }[];
}

export interface RunLike {
  runId: string;
  status: string;
  dryRun: boolean;
  asOf: string;
  segments: number;
  segmentsDone: number;
  counts: Record<string, number>;
  tenants: Record<
    string,
    { examined: number; changed: number; up: number; down: number; bandChanges: number; maxAbsDelta: number }
  >;
  createdAt?: string;
  createdBy?: string;
}

const pad = (s: string | number, n: number) => String(s).padEnd(n);
const padL = (s: string | number, n: number) => String(s).padStart(n);

export function formatTimeline(t: TimelineLike): string {
  const rows = t.policyEvents.map(
    (e) =>
      `${pad(e.id, 24)} ${pad(e.country, 3)} ${pad(e.kind, 17)} ${pad(e.effectiveFrom, 10)} → ${pad(e.effectiveUntil ?? 'open', 10)}  ${pad(e.state + (e.suspendedBy ? ` by ${e.suspendedBy}` : ''), 36)} ${e.revision === 0 ? 'baseline' : `r${e.revision}`}`,
  );
  return [`as of ${t.asOf}, data ${t.dataVersion}`, ...rows].join('\n');
}

export function formatRun(r: RunLike): string {
  const c = r.counts;
  const verb = r.dryRun ? 'would change' : 'changed';
  const head = `${r.dryRun ? 'dry run' : 'run'} ${r.runId} as of ${r.asOf}: ${r.status} (${r.segmentsDone}/${r.segments} segments); examined ${c.examined ?? 0}, rescored ${c.rescored ?? 0}, ${verb} ${c.changed ?? 0}, unchanged ${c.unchanged ?? 0}, failed ${c.failed ?? 0}`;
  const tenants = Object.entries(r.tenants).sort(([a], [b]) => (a < b ? -1 : 1));
  if (tenants.length === 0) return head;
  const table = [
    `  ${pad('tenant', 20)} ${padL('rescored', 9)} ${padL(verb, 13)} ${padL('up', 6)} ${padL('down', 6)} ${padL('band moves', 11)} ${padL('max |Δ|', 8)}`,
    ...tenants.map(
      ([t, m]) =>
        `  ${pad(t, 20)} ${padL(m.examined, 9)} ${padL(m.changed, 13)} ${padL(m.up, 6)} ${padL(m.down, 6)} ${padL(m.bandChanges, 11)} ${padL(m.maxAbsDelta.toFixed(1), 8)}`,
    ),
  ];
  return [head, ...table].join('\n');
}

export function formatRuns(runs: readonly RunLike[]): string {
  if (runs.length === 0) return 'no rescore runs';
  return runs
    .map(
      (r) =>
        `${pad(r.runId, 40)} ${r.dryRun ? 'dry ' : ''}as of ${r.asOf} by ${r.createdBy ?? '?'} at ${r.createdAt ?? '?'}`,
    )
    .join('\n');
}
