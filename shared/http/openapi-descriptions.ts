/** The OpenAPI document's words beyond a route's summary: limits a client must know, scopes, per-status notes. */
import { DEFAULT_UPCOMING_DAYS, MAX_UPCOMING_DAYS } from '../changes/upcoming.ts';
import { SCENARIO } from '../pipeline/scenario-job.ts';
import { INLINE_UPLOAD_BYTES } from '../uploads/limits.ts';
import { WORKBOOK_MEDIA_TYPE } from '../uploads/media-types.ts';
import { DELIVERY_LOG } from '../webhooks/port.ts';
import { MAX_ATTEMPTS } from '../webhooks/retry-schedule.ts';
import * as changes from './changes-schemas.ts';
import type { RouteId } from './routes.ts';
import * as s from './schemas.ts';
import * as hooks from './webhook-schemas.ts';

export const WEBHOOK_SCOPE =
  "Scope risk/webhooks (or risk/admin) of the tenant: the endpoints are the token's tenant's; another tenant's are not found (404).";

/** Longer descriptions, where a summary cannot hold a limit the client must know. */
export const DESCRIPTIONS: Partial<Record<RouteId, string>> = {
  listSuppliers: `Worst band first: critical, then high, medium and low. Within critical and high by score, highest first, then by supplier id; within medium and low by supplier id (UTF-8 byte order). \`band\` lists that band alone, in full pages. Filtered by \`mineral\` or \`country\`, a page examines at most ${s.LIST_MAX_EXAMINED.toLocaleString('en-US')} stored suppliers, so it may hold fewer than \`limit\` items, even none, and still have a cursor: follow \`cursor\` until it is null.`,
  listChanges: `Every change of a stored score (a new supplier, a rescore that moved it, a delete), with its cause, before and after, and the drivers that moved, oldest first, kept 90 days: the poll alternative to webhooks. Keep \`cursor\` and pass it as \`since\` next time; \`more\` says whether to ask again at once. With filters a page examines at most ${changes.CHANGES_MAX_EXAMINED.toLocaleString('en-US')} records, so it may hold fewer than \`limit\`, even none, and still have \`more\`. Records are listed about 10 s after they are written, so none lands behind your cursor.`,
  createWebhook: `At most ${DELIVERY_LOG.maxWebhooksPerTenant} endpoints per tenant (409 beyond). The answer holds the signing secret (\`whsec_\` + base64), shown this once: every delivery is signed per the Standard Webhooks spec (webhook-id, webhook-timestamp, webhook-signature; see the document's \`webhooks\`). A failed delivery is retried with exponential backoff for about a day (${MAX_ATTEMPTS} attempts), then dead-lettered in the log. ${WEBHOOK_SCOPE}`,
  rotateWebhookSecret: `Answers the new secret, shown this once. During the overlap (\`overlapHours\`, default ${hooks.DEFAULT_OVERLAP_HOURS}, at most ${hooks.MAX_OVERLAP_HOURS}; no body takes the default) every delivery carries a signature by each secret, so a receiver verifies with either while it switches. ${WEBHOOK_SCOPE}`,
  testWebhook: `Queues a signed \`webhook.test\` delivery to the endpoint and answers it (202, status pending); follow it in the delivery log. ${WEBHOOK_SCOPE}`,
  retryDelivery: `Back to pending, its attempts kept, and one more attempt queued (202); the body and the webhook-id are the same as before, so a receiver that got it already can de-duplicate. ${WEBHOOK_SCOPE}`,
  scenario: `A tenant of at most ${SCENARIO.inlineMaxSuppliers.toLocaleString('en-US')} stored suppliers is answered at once (200). A larger one is answered by a job (202, with a Location): the table is scanned in ${SCENARIO.segments} parallel segments and GET /v1/scenarios/{jobId} shows the progress, then the same answer, kept ${SCENARIO.ttlSeconds / 3600} hours. The same request again (same body, as-of date and buyer, at the same policy revision and data) while its job runs or is kept answers 202 with that job, as it stands; after a failed job it starts a new one. Nothing else is stored.`,
  getScenarioJob: `Progress (segments done of total, your suppliers examined so far), then \`result\`: the answer an inline scenario gives, computed as of the policy revision the job was asked on. Another tenant's job, or one past \`expiresAt\`, is not found (404).`,
  createBatch: `One file, one batch: a supplier-list CSV, the same rows as a JSON array, or an RMI reporting workbook (CMRT, EMRT or AMRT, \`${WORKBOOK_MEDIA_TYPE}\`; its rejections name their sheet and cell), inline up to ${INLINE_UPLOAD_BYTES / 2 ** 20} MiB. A larger file: ask for a presigned upload (\`{ "upload": "presigned", "format": "csv" | "json" | "xlsx" }\`) and PUT the file to the URL answered. A workbook's lines belong to \`supplierId\` when given, else to the company its Declaration names.`,
  score: `At most 100 suppliers and ${s.SCORE_MAX_LINES.toLocaleString('en-US')} exposure lines in all (the sum of their \`exposures\`); a larger request is refused with 413: split it, or upload a batch.`,
  upcoming: `Your suppliers whose score will move within \`days\` days after today (1–${MAX_UPCOMING_DAYS}, default ${DEFAULT_UPCOMING_DAYS}) on a known date of the live policy timeline — an announced measure taking effect, a suspension lapsing, a quota expiring, an agreement starting or ending — each with the date, the items that start or end that day, the current score and band (today, live timeline) and the projected ones (a fresh scoring as of that date, as the daily rescore will store it), in date order; only dates on which the score or band moves. Each supplier is projected for the buyer country it is stored for. Paginated like GET /v1/suppliers: a page reads at most ${s.UPCOMING_MAX_EXAMINED.toLocaleString('en-US')} stored suppliers and answers those with a move, by first move date then supplier id, so it may hold fewer than \`limit\` items, even none, and still have a cursor: follow \`cursor\` until it is null.`,
};

/** The admin routes: policy is every tenant's, so a tenant's own risk/admin token is not enough. */
export const OPERATOR_ONLY =
  'Platform operators only: scope risk/admin and a token of an operator tenant (OPERATOR_TENANTS); any other tenant gets 403.';

/** Per-route words for a status, where the generic one would hide a limit. */
export const STATUS_NOTES: Partial<Record<RouteId, Partial<Record<number, string>>>> = {
  score: {
    413: `the body is over 5 MB, or holds more than ${s.SCORE_MAX_LINES.toLocaleString('en-US')} exposure lines`,
  },
};
