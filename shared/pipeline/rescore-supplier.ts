/**
 * What a rescore run does with one stored supplier: skip it, leave it (same score and band), or write its new score.
 * Pure: scoring is microseconds and deterministic, so the decision is made here and the segment does the writes.
 */
import type { ChangeCause } from '../changes/change-record.ts';
import { nextPolicyChange } from '../model/policy.ts';
import { MODEL_VERSION } from '../model/score.ts';
import { cachedScorer } from '../model/scorer-cache.ts';
import type { ScoredSupplier, ScoringContext, SupplierInput } from '../model/types.ts';
import { type ReferenceData, referenceVersionOf } from '../reference/index.ts';
import type { RescoreRun } from '../store/rescore-port.ts';
import type { StoredSupplier } from '../store/supplier-port.ts';

export interface RescoreWrite {
  inputVersion: number;
  input: SupplierInput;
  result: ScoredSupplier;
  nextChangeDate: string | null;
  batchId: string | null;
  cause: ChangeCause;
  /** Its score or band moved (its change goes in the page's group); else only its versions are new. */
  moved: boolean;
}

export type Decision =
  | { kind: 'skipped' }
  | {
      kind: 'unchanged';
      tenant: string;
      supplierId: string;
      inputVersion: number;
      nextChange: string | null | undefined;
    }
  | {
      kind: 'changed';
      tenant: string;
      supplierId: string;
      /** new − old score, 0.1 points (old: the stored score; in a dry run, today's score without the proposal). */
      delta: number;
      bandChanged: boolean;
      write: RescoreWrite;
    };

const round1 = (x: number) => Math.round(x * 10) / 10;

/**
 * `selected`: a policy run's scope decision (computed by the caller against both timelines); undefined for a
 * scheduled run, which selects suppliers whose next change date has come or that were scored by another model or
 * release. `unchanged.nextChange` is the new next change date when only that moved (undefined: nothing to write).
 */
export function decide(
  run: Pick<RescoreRun, 'asOf' | 'dryRun' | 'scope' | 'cause'>,
  s: StoredSupplier,
  refs: { base: ReferenceData; target: ReferenceData; selected: boolean | undefined },
): Decision {
  // Against the stored summary: the versions and the score as they were computed (no stored breakdown is needed).
  const otherModel = s.summary.modelVersion !== MODEL_VERSION;
  const otherData = referenceVersionOf(s.summary.dataVersion) !== refs.target.referenceVersion;
  // An item keyed in a former `byScore` format is rewritten once, which re-keys it (keys.ts).
  const stale = otherModel || otherData || s.indexKeyStale === true;
  const due = s.nextChangeDate !== null && s.nextChangeDate <= run.asOf;
  if (refs.selected === false || (refs.selected === undefined && !due && !stale)) return { kind: 'skipped' };

  const ctx: ScoringContext = { asOf: run.asOf, buyerCountry: s.summary.buyerCountry, endUse: 'civil' };
  const result = cachedScorer(refs.target, ctx).score(s.input);
  const old = run.dryRun ? cachedScorer(refs.base, ctx).score(s.input) : s.summary;
  const nextChangeDate = nextPolicyChange(
    refs.target,
    s.input.exposures.map((e) => e.mineral),
    ctx,
  );
  const moved = result.score !== old.score || result.band !== old.band;
  const tenant = s.tenant;
  const supplierId = s.supplierId;
  // A new model or release is written even where the score stands, so every score names what computed it: with the
  // compact item that is one write unit (same index key, no change record).
  if (moved || (!run.dryRun && stale))
    return {
      kind: 'changed',
      tenant,
      supplierId,
      delta: round1(result.score - old.score),
      bandChanged: result.band !== old.band,
      write: {
        inputVersion: s.inputVersion,
        input: s.input,
        result,
        nextChangeDate,
        batchId: s.batchId,
        cause: causeOf(run.cause, otherModel, otherData),
        moved,
      },
    };
  return {
    kind: 'unchanged',
    tenant,
    supplierId,
    inputVersion: s.inputVersion,
    nextChange: !run.dryRun && nextChangeDate !== s.nextChangeDate ? nextChangeDate : undefined,
  };
}

/**
 * A supplier this run's segment wrote in a turn that died before its change group (rescore-segment.ts): the result
 * it was written with, for its drivers' wording (deterministic: the same input, date and data).
 */
export function writtenResult(run: Pick<RescoreRun, 'asOf'>, s: StoredSupplier, target: ReferenceData): ScoredSupplier {
  return cachedScorer(target, { asOf: run.asOf, buyerCountry: s.summary.buyerCountry, endUse: 'civil' }).score(s.input);
}

/** The cause such a write had, told from the versions it replaced (as `decide` told it from the stored ones). */
export const writtenCause =
  (run: Pick<RescoreRun, 'cause'>, target: ReferenceData) =>
  (before: Pick<ScoredSupplier, 'modelVersion' | 'dataVersion'> | null): ChangeCause =>
    causeOf(
      run.cause,
      before !== null && before.modelVersion !== MODEL_VERSION,
      before !== null && referenceVersionOf(before.dataVersion) !== target.referenceVersion,
    );

/** Why a rescore writes a score: the run's revisions, else another model, another release, or the date. */
function causeOf(run: RescoreRun['cause'], otherModel: boolean, otherData: boolean): ChangeCause {
  if (run.kind === 'policy')
    return {
      kind: 'policy',
      fromRevision: run.fromRevision,
      toRevision: run.toRevision,
      eventIds: run.eventIds ?? [],
    };
  return otherModel ? { kind: 'model' } : otherData ? { kind: 'data' } : { kind: 'date' };
}
