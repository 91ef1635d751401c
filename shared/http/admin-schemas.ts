/**
 * The admin routes' response bodies (zod), for the OpenAPI document: policy revisions, and the rescore runs they
 * start. Request bodies are shared/policy/validate.ts's, the same the routes validate with.
 */
import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import * as z from 'zod';
import { agreement, policyEvent } from './response-schemas.ts';

extendZodWithOpenApi(z);

export const policyRevision = z
  .object({
    revision: z.number().int().describe('global, dense: 1, 2, 3 … across every item'),
    kind: z.enum(['policy-event', 'agreement']),
    id: z.string(),
    action: z.enum(['put', 'withdraw']),
    item: z.union([policyEvent, agreement]).nullable().describe('the item from this revision on; null: withdrawn'),
    actor: z.string().describe("who recorded it: the operator token's subject"),
    reason: z.string(),
    source: z.object({ title: z.string(), url: z.string(), date: z.string() }),
    at: z.string().describe('ISO 8601 date-time (UTC)'),
  })
  .openapi('PolicyRevision');

const runLink = z.object({ runId: z.string(), links: z.object({ self: z.string() }) });

export const revisionRecorded = z
  .object({
    created: z.boolean().describe('true when the id was new'),
    revision: policyRevision,
    etag: z.string().nullable().describe("the item's entity tag now: send it as If-Match to amend it; null: withdrawn"),
    item: z.union([policyEvent, agreement]).nullable(),
    dataVersion: z.string().describe('the data version scores take from now on'),
    run: runLink.nullable().describe('the rescore run of what the revision moves; null: the schedule starts it'),
  })
  .openapi('RevisionRecorded');

export const dryRunStarted = z
  .object({ runId: z.string(), dryRun: z.literal(true), links: z.object({ self: z.string() }) })
  .openapi('DryRunStarted');

export const itemRevisions = z
  .object({
    kind: z.enum(['policy-event', 'agreement']),
    id: z.string(),
    inBaseline: z.boolean().describe('the shipped data holds this id'),
    etag: z.string().nullable().describe('null: withdrawn'),
    revisions: z.array(policyRevision),
  })
  .openapi('ItemRevisions');

const counts = z.object({
  examined: z.number().int(),
  rescored: z.number().int(),
  changed: z.number().int(),
  unchanged: z.number().int(),
  nextChangeOnly: z.number().int(),
  superseded: z.number().int(),
  failed: z.number().int(),
});

const scope = z.object({
  minerals: z.union([z.array(z.string()), z.literal('all')]),
  buyers: z.union([z.array(z.string()), z.literal('all')]),
  countries: z.union([z.array(z.string()), z.literal('any')]),
});

export const rescoreRun = z
  .object({
    runId: z.string(),
    cause: z.union([
      z.object({ kind: z.literal('policy'), fromRevision: z.number().int(), toRevision: z.number().int() }),
      z.object({ kind: z.literal('scheduled') }),
    ]),
    asOf: z.string(),
    dryRun: z.boolean(),
    scope: scope.nullable(),
    proposal: policyRevision.nullable().optional(),
    segments: z.number().int(),
    createdAt: z.string(),
    createdBy: z.string(),
  })
  .openapi('RescoreRun');

export const rescoreRunList = z.object({ items: z.array(rescoreRun) }).openapi('RescoreRunList');

export const rescoreRunView = rescoreRun
  .extend({
    status: z.enum(['running', 'completed']),
    segmentsDone: z.number().int(),
    counts,
    tenants: z.record(
      z.string(),
      z.object({
        examined: z.number().int(),
        changed: z.number().int(),
        up: z.number().int(),
        down: z.number().int(),
        bandChanges: z.number().int(),
        maxAbsDelta: z.number(),
      }),
    ),
    failures: z.array(z.object({ tenant: z.string(), supplierId: z.string(), reason: z.string() })),
    completedAt: z.string().nullable(),
  })
  .openapi('RescoreRunView');
