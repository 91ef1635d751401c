/**
 * Ports of the rescore fan-out: the run records (one per run, one per segment) and the parallel scan of stored
 * suppliers the workers page through.
 */
import type { ChangeScope } from '../policy/targets.ts';
import type { PolicyRevision } from '../policy/types.ts';
import type { StoredSupplier } from './supplier-port.ts';

/** Why a run rescores: operators' revisions (from, to], or the daily schedule (dates reached, versions changed). */
export type RunCause =
  /** `eventIds`: the policy events and agreements the revisions (from, to] recorded (runs before issue 10: absent). */
  { kind: 'policy'; fromRevision: number; toRevision: number; eventIds?: string[] } | { kind: 'scheduled' };

/** A ChangeScope as JSON (sets as sorted arrays). */
export interface StoredScope {
  minerals: string[] | 'all';
  buyers: string[] | 'all';
  countries: string[] | 'any';
}

export interface RescoreRun {
  runId: string;
  cause: RunCause;
  /** Scores are computed as of this date. */
  asOf: string;
  /** Compute and count what would change; write nothing. */
  dryRun: boolean;
  /** Policy runs: which suppliers to rescore; null: those due by date or scored with another version. */
  scope: StoredScope | null;
  /** A dry run of a revision not recorded: scored with the timeline as it would be with it. */
  proposal?: PolicyRevision | null;
  /** Total segments of the table scan, each one a message and a resumable cursor. */
  segments: number;
  createdAt: string;
  createdBy: string;
}

export interface TenantMoves {
  examined: number;
  changed: number;
  up: number;
  down: number;
  bandChanges: number;
  /** Largest |new − old| score, 0.1 points. */
  maxAbsDelta: number;
}

export interface RunCounts {
  /** Suppliers read by the scan. */
  examined: number;
  /** Of those, the ones the run's scope or rule selected and scored again. */
  rescored: number;
  /** Score or band moved: written (or, in a dry run, would be). */
  changed: number;
  /** Same score and band: not written (at most a cheap next-change-date update). */
  unchanged: number;
  /** Unchanged but the next change date moved: that date alone written. */
  nextChangeOnly: number;
  /** A newer input arrived meanwhile: the newer write stands. */
  superseded: number;
  failed: number;
}

export const emptyRunCounts = (): RunCounts => ({
  examined: 0,
  rescored: 0,
  changed: 0,
  unchanged: 0,
  nextChangeOnly: 0,
  superseded: 0,
  failed: 0,
});

export interface SegmentProgress {
  segment: number;
  /** Where the scan resumes (opaque); null before the first page. */
  cursor: string | null;
  done: boolean;
  /** Pages recorded: the optimistic lock of the segment (one worker records each page once). */
  pages: number;
  counts: RunCounts;
  tenants: Record<string, TenantMoves>;
  /** The first failures: tenant, supplier, reason. */
  failures: { tenant: string; supplierId: string; reason: string }[];
  updatedAt: string;
}

export interface RunView extends RescoreRun {
  status: 'running' | 'completed';
  segmentsDone: number;
  counts: RunCounts;
  tenants: Record<string, TenantMoves>;
  failures: SegmentProgress['failures'];
  completedAt: string | null;
}

export interface RescoreRunStore {
  /** Creates the run and its segments (idempotent by runId: false if it existed). */
  createRun(run: RescoreRun): Promise<boolean>;
  getRun(runId: string): Promise<RescoreRun | null>;
  getSegment(runId: string, segment: number): Promise<SegmentProgress | null>;
  /** Records a page: only if the stored progress is still at `previousPages` (false: another worker got there). */
  recordSegment(runId: string, progress: SegmentProgress, previousPages: number): Promise<boolean>;
  /** Marks a segment done on the run (idempotent); returns how many are done. */
  completeSegment(runId: string, segment: number, at: string): Promise<number>;
  /** The run with its segments summed, or null. */
  viewRun(runId: string): Promise<RunView | null>;
  /** The latest runs, newest first. */
  listRuns(limit: number): Promise<RescoreRun[]>;
  /** The highest policy revision a run was started for (0: none). */
  plannedRevision(): Promise<number>;
  /** Raises the planned revision to `revision` (never lowers it). */
  markPlanned(revision: number): Promise<void>;
}

export interface SupplierScan {
  /** One page of a parallel scan of every tenant's stored suppliers (tombstones skipped). */
  scanSuppliers(
    segment: number,
    totalSegments: number,
    cursor: string | null,
    limit: number,
  ): Promise<{ items: StoredSupplier[]; cursor: string | null }>;
  /** Writes only the next change date of an unchanged supplier, if its input is still `inputVersion`. */
  updateNextChange(
    tenant: string,
    supplierId: string,
    inputVersion: number,
    nextChangeDate: string | null,
  ): Promise<boolean>;
}

export const storeScope = (s: ChangeScope): StoredScope => ({
  minerals: s.minerals === 'all' ? 'all' : [...s.minerals].sort(),
  buyers: s.buyers === 'all' ? 'all' : [...s.buyers].sort(),
  countries: s.countries === 'any' ? 'any' : [...s.countries].sort(),
});

export const loadScope = (s: StoredScope): ChangeScope => ({
  minerals: s.minerals === 'all' ? 'all' : new Set(s.minerals),
  buyers: s.buyers === 'all' ? 'all' : new Set(s.buyers),
  countries: s.countries === 'any' ? 'any' : new Set(s.countries),
});
