/**
 * What an operator may record: the admin request bodies (zod, for shape) and the checks only the reference data can
 * make (unknown minerals or countries with "did you mean", dates out of order, suspensions of unknown measures).
 * Pure: returns field errors with paths (`minerals[1]`, `destination.country`), never throws for bad input.
 */
import * as z from 'zod';
import { parseCountry, parseIsoDate, parseMineral } from '../model/normalise.ts';
import { productCategories } from '../reference/data/product-categories.ts';
import { countryGroup, type ReferenceData } from '../reference/index.ts';
import type { Agreement, DestinationScope, PolicyEvent } from '../reference/types.ts';
import { closest } from '../text/suggest.ts';
import type { PolicySource } from './types.ts';

export interface PolicyFieldError {
  path: string;
  message: string;
}

/** Ids become key segments and URL path segments: letters, digits, `-`, `_`, `.`. */
export const POLICY_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * Not blank: trimmed, then at least one character. The document says so as a pattern (`\S`), and gives `examples`
 * of what the reference data knows (any name, alias or code it reads is accepted).
 */
const text = (max: number, examples?: string[]) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .meta({ pattern: '\\S', ...(examples ? { examples } : {}) });

/** Dates are checked with the item they belong to (422 naming the field: YYYY-MM-DD, in order), not by the schema. */
const date = (examples: string[]) => z.string().max(10).meta({ examples });

const COUNTRIES = ['CN', 'CHN', 'China', 'DR Congo', 'ID', 'US', 'JP'];
/** Measures name minerals, their groups or product categories; agreements name minerals (or groups). */
const MEASURE_MINERALS = ['gallium', 'Ge', 'rare earths', 'graphite', 'antimony', 'rare_earth_magnets'];
const MINERALS = ['lithium', 'cobalt', 'REE', 'graphite', 'tungsten', 'Ga'];
const ANNOUNCED = ['2025-10-09', '2026-03-01'];
const EFFECTIVE_FROM = ['2026-04-01', '2026-12-01'];
const EFFECTIVE_UNTIL = ['2027-06-30', '2027-11-10'];

/**
 * An https URL as RFC 3986 writes it (the document's `format: uri`, and this pattern): URI characters only, `%` only
 * as an escape, nothing around it, so what is recorded is a URL any client can follow, not one a lenient parser took
 * (`https://a b/`, `https:\\a`, `https://a/é`, ` https://a/`).
 */
const PCT = '%[0-9A-Fa-f]{2}';
const PCHAR = `(?:[A-Za-z0-9\\-._~!$&'()*+,;=:@]|${PCT})`;
const HOST = `(?:\\[[0-9A-Fa-f:.]+\\]|(?:[A-Za-z0-9\\-._~!$&'()*+,;=]|${PCT})+)`;
const USERINFO = `(?:(?:[A-Za-z0-9\\-._~!$&'()*+,;=:]|${PCT})*@)?`;
const HTTPS_URI = new RegExp(
  `^https://${USERINFO}${HOST}(?::\\d*)?(?:/${PCHAR}*)*(?:\\?(?:${PCHAR}|[/?])*)?(?:#(?:${PCHAR}|[/?])*)?$`,
);

/** Every revision says why and on what document. */
const revisionMeta = {
  reason: text(1000),
  source: text(300),
  // Not z.url(): it trims first, so " https://…" would pass a pattern that the document says refuses it.
  sourceUrl: z
    .string()
    .max(2000)
    .regex(HTTPS_URI, 'must be an https URL (RFC 3986: no spaces, backslashes or raw non-ASCII; % only as an escape)')
    .refine((s) => URL.canParse(s), 'must be an https URL')
    .meta({ format: 'uri' }),
  sourceDate: date(['2025-10-09', '2026-11-10']),
};

export const policyEventBody = z
  .object({
    country: text(64, COUNTRIES),
    instrument: text(300),
    kind: z.enum(['export_licensing', 'export_quota', 'export_ban', 'suspension']),
    minerals: z.array(text(64, MEASURE_MINERALS)).max(100),
    announced: date(ANNOUNCED),
    effectiveFrom: date(EFFECTIVE_FROM),
    effectiveUntil: date(EFFECTIVE_UNTIL).nullable(),
    destination: z.union([
      z.object({ kind: z.literal('all') }).strict(),
      z.object({ kind: z.enum(['country', 'country_military']), country: text(64, COUNTRIES) }).strict(),
      z
        .object({
          kind: z.literal('entities'),
          entities: z
            .array(text(200, ['MP Materials', 'USA Rare Earth']))
            .min(1)
            .max(500)
            .describe('the companies it names; a supplier or a line processor matching one (normalised) is reached'),
        })
        .strict(),
    ]),
    /** The flows a measure stops (docs/model.md 2.2); absent = `all`. Not for a suspension. */
    stage: z
      .enum(['all', 'mining', 'raw', 'processing'])
      .optional()
      .describe(
        'the flows it stops: all (default) every flow through the country; mining its mine output; raw unprocessed ore and concentrate leaving it (a line mined there and processed elsewhere); processing its processed output',
      ),
    /** Shipped measures (GET /v1/reference/policy-events), for a suspension. */
    suspends: z
      .array(text(64, ['CN-2025-61', 'CN-2024-46-C2', 'CN-2023-GA-GE']))
      .max(50)
      .optional(),
    notes: z.string().max(2000).optional(),
    ...revisionMeta,
  })
  .strict();

export const agreementBody = z
  .object({
    /** A country, or `EU` for an agreement the EU signs for its member states. */
    buyerCountry: text(64, ['US', 'JP', 'DE', 'EU']),
    partnerCountry: text(64, ['AU', 'DR Congo', 'Chile', 'ID']),
    title: text(300),
    effectiveFrom: date(EFFECTIVE_FROM),
    effectiveUntil: date(EFFECTIVE_UNTIL).nullable(),
    minerals: z.array(text(64, MINERALS)).max(100),
    ...revisionMeta,
  })
  .strict();

export const withdrawalBody = z.object(revisionMeta).partial({ sourceUrl: true }).strict();

/** POST …/dry-run's query: `withdraw=true` tries a withdrawal instead of the PUT. */
export const dryRunQuery = z.object({ withdraw: z.enum(['true', 'false']).optional() });

export type PolicyEventBody = z.infer<typeof policyEventBody>;
export type AgreementBody = z.infer<typeof agreementBody>;

/** Collects field errors while normalising values. */
class Checker {
  readonly errors: PolicyFieldError[] = [];
  constructor(private readonly ref: ReferenceData) {}

  date(raw: string, path: string): string {
    const d = parseIsoDate(raw);
    if (!d.ok) this.errors.push({ path, message: d.message });
    return d.ok ? d.value : raw;
  }

  country(raw: string, path: string): string {
    const c = parseCountry(raw);
    if (!c.ok) this.errors.push({ path, message: c.message });
    return c.ok ? c.value : raw;
  }

  /** A party to an agreement: a country, or a country group by its id (`EU`, for its member states). */
  party(raw: string, path: string): string {
    const group = countryGroup(raw.trim().toUpperCase());
    return group ? group.id : this.country(raw, path);
  }

  /** A mineral id, a group id or a product category; names and aliases are read as the supplier list reads them. */
  mineral(raw: string, path: string, categories: boolean): string {
    if (this.ref.minerals.has(raw) || (categories && raw in productCategories)) return raw;
    const m = parseMineral(raw);
    if (m.ok) return m.value;
    const guess = categories ? closest(raw, Object.keys(productCategories)) : undefined;
    this.errors.push({
      path,
      message: guess ? `unknown mineral or product category '${raw}'; did you mean '${guess}'?` : m.message,
    });
    return raw;
  }

  ordered(pairs: [string | null, string, string | null, string][]): void {
    for (const [a, aPath, b, bPath] of pairs)
      if (a !== null && b !== null && b < a) this.errors.push({ path: bPath, message: `must not be before ${aPath}` });
  }
}

const sourceOf = (b: { source: string; sourceUrl?: string | undefined; sourceDate: string }): PolicySource => ({
  title: b.source,
  url: b.sourceUrl ?? '',
  date: b.sourceDate,
});

/** A policy event body → the event as the timeline holds it, with its source; or the field errors. */
export function checkPolicyEvent(
  id: string,
  body: PolicyEventBody,
  ref: ReferenceData,
): { ok: true; event: PolicyEvent; source: PolicySource } | { ok: false; errors: PolicyFieldError[] } {
  const c = new Checker(ref);
  const announced = c.date(body.announced, 'announced');
  const effectiveFrom = c.date(body.effectiveFrom, 'effectiveFrom');
  const effectiveUntil = body.effectiveUntil === null ? null : c.date(body.effectiveUntil, 'effectiveUntil');
  const sourceDate = c.date(body.sourceDate, 'sourceDate');
  c.ordered([
    [announced, 'announced', effectiveFrom, 'effectiveFrom'],
    [effectiveFrom, 'effectiveFrom', effectiveUntil, 'effectiveUntil'],
  ]);
  const country = c.country(body.country, 'country');
  const d = body.destination;
  const destination: DestinationScope =
    d.kind === 'all'
      ? { kind: 'all' }
      : d.kind === 'entities'
        ? { kind: 'entities', entities: d.entities }
        : { kind: d.kind, country: c.country(d.country, 'destination.country') };
  const minerals = body.minerals.map((m, i) => c.mineral(m, `minerals[${i}]`, true));
  const suspends = body.suspends ?? [];
  if (body.kind === 'suspension') {
    if (suspends.length === 0)
      c.errors.push({ path: 'suspends', message: 'a suspension names the measures it suspends' });
    if (body.stage !== undefined && body.stage !== 'all')
      c.errors.push({ path: 'stage', message: 'a suspension holds whole measures: it has no stage of its own' });
    suspends.forEach((s, i) => {
      const target = ref.policyEventsById.get(s);
      if (!target) {
        const guess = closest(s, ref.policyEventsById.keys());
        c.errors.push({
          path: `suspends[${i}]`,
          message: `no measure '${s}' in the timeline${guess ? `; did you mean '${guess}'?` : ''}`,
        });
      } else if (target.kind === 'suspension')
        c.errors.push({ path: `suspends[${i}]`, message: `'${s}' is itself a suspension` });
      else if (s === id) c.errors.push({ path: `suspends[${i}]`, message: 'a suspension cannot suspend itself' });
    });
  } else {
    if (minerals.length === 0) c.errors.push({ path: 'minerals', message: 'a measure names at least one mineral' });
    if (suspends.length > 0)
      c.errors.push({ path: 'suspends', message: `only a suspension suspends (kind is ${body.kind})` });
  }
  if (c.errors.length > 0) return { ok: false, errors: c.errors };
  const event: PolicyEvent = {
    id,
    country,
    instrument: body.instrument,
    kind: body.kind,
    minerals,
    announced,
    effectiveFrom,
    effectiveUntil,
    destination,
    // `all` is the default and is not written, so an event reads (and hashes) the same whether or not it says so.
    ...(body.stage !== undefined && body.stage !== 'all' ? { stage: body.stage } : {}),
    ...(body.kind === 'suspension' ? { suspends } : {}),
    ...(body.notes ? { notes: body.notes } : {}),
    source: body.source,
  };
  return { ok: true, event, source: { ...sourceOf(body), date: sourceDate } };
}

/** An agreement body → the agreement as the timeline holds it, with its source; or the field errors. */
export function checkAgreement(
  id: string,
  body: AgreementBody,
  ref: ReferenceData,
): { ok: true; agreement: Agreement; source: PolicySource } | { ok: false; errors: PolicyFieldError[] } {
  const c = new Checker(ref);
  const effectiveFrom = c.date(body.effectiveFrom, 'effectiveFrom');
  const effectiveUntil = body.effectiveUntil === null ? null : c.date(body.effectiveUntil, 'effectiveUntil');
  const sourceDate = c.date(body.sourceDate, 'sourceDate');
  c.ordered([[effectiveFrom, 'effectiveFrom', effectiveUntil, 'effectiveUntil']]);
  const buyerCountry = c.party(body.buyerCountry, 'buyerCountry');
  const partnerCountry = c.party(body.partnerCountry, 'partnerCountry');
  const buyerGroup = countryGroup(buyerCountry);
  const partnerGroup = countryGroup(partnerCountry);
  if (c.errors.length === 0 && (buyerCountry === partnerCountry || (buyerGroup && partnerGroup)))
    c.errors.push({ path: 'partnerCountry', message: 'an agreement is between two countries' });
  else if (
    c.errors.length === 0 &&
    (buyerGroup?.members.includes(partnerCountry) || partnerGroup?.members.includes(buyerCountry))
  )
    c.errors.push({
      path: 'partnerCountry',
      message: `${buyerGroup?.id ?? partnerGroup?.id} signs for its members: the partner cannot be one of them`,
    });
  const minerals = body.minerals.map((m, i) => c.mineral(m, `minerals[${i}]`, false));
  if (c.errors.length > 0) return { ok: false, errors: c.errors };
  return {
    ok: true,
    agreement: {
      id,
      buyerCountry,
      partnerCountry,
      title: body.title,
      effectiveFrom,
      effectiveUntil,
      minerals,
      source: body.source,
    },
    source: { ...sourceOf(body), date: sourceDate },
  };
}

/** Measures that would be left suspended by a suspension of nothing if `id` were withdrawn. */
export function suspensionsNaming(ref: ReferenceData, id: string): string[] {
  return ref.policyEvents.filter((e) => e.kind === 'suspension' && e.suspends?.includes(id)).map((e) => e.id);
}
