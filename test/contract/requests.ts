/**
 * Requests for one operation of the document: valid ones (every parameter and body from its schema) and invalid ones,
 * each a valid request with one thing broken — a body field, the JSON itself, a query value, a path id, the media
 * type, the token, the tenant of an operator route, the If-Match tag — and the status the document's own terms call
 * for.
 */
import fc from 'fast-check';
import { type Claims, claimsFor } from '../helpers/api-events.ts';
import { type Schema, valid } from './json-schema-arbitrary.ts';
import { badNumbers, badStrings, mutations, setAt } from './mutations.ts';
import { type Operation, type Parameter, resolve, validator } from './openapi-doc.ts';

export const TENANT = 'contract';
/** The tenant test/helpers/api-events.ts's `startApi` makes a platform operator (its `operatorTenants`). */
export const OPERATOR_TENANT = 'platform';

export type Kind =
  | 'valid'
  | 'body'
  | 'json'
  | 'query'
  | 'path'
  | 'media'
  | 'no-token'
  | 'no-scope'
  | 'not-operator'
  | 'stale-tag';

/**
 * The If-Match header (RFC 9110), as a request means it; the tag itself is only known when the request is sent (it
 * is what the latest answers said): none; the item's current tag (`*` while the test does not know it); `*`, for
 * whatever item exists; or a tag that is not the item's (`pick` chooses among them), which must get 412.
 */
export type IfMatch = { want: 'none' } | { want: 'current' } | { want: 'any' } | { want: 'stale'; pick: number };

export interface RequestCase {
  kind: Kind;
  /** What was broken, for a failure message. */
  label: string;
  method: string;
  params: Record<string, string>;
  query: Record<string, string>;
  contentType: string | null;
  body: string | undefined;
  /** The body is a file's bytes, base64-encoded, as API Gateway hands a body of a non-text type over. */
  base64?: boolean;
  claims: Claims | null;
  ifMatch: IfMatch;
}

/**
 * Values an operation can only be given from earlier answers: ids that exist (as well as generated ones, which
 * mostly do not), cursors, which are opaque (the document: "pass as ?cursor= for the next page"), and entity tags.
 */
export interface Pools {
  /** Ids seen, by the path parameter that names them (supplierId, batchId, eventId, runId…). */
  ids: Record<string, string[]>;
  cursor: Record<string, string[]>;
  /**
   * The items of the routes that take If-Match, by `name=value` of their path parameter: present while the item
   * exists, with its entity tag (null while the test has not been told it).
   */
  tags: Map<string, string | null>;
  /** Every entity tag an answer gave. */
  issued: Set<string>;
  /**
   * A file of each binary media type a body takes (`format: binary`, e.g. an RMI workbook): a schema cannot make
   * one, so the test gives it.
   */
  files: Record<string, Uint8Array>;
}

export const emptyPools = (): Pools => ({ ids: {}, cursor: {}, tags: new Map(), issued: new Set(), files: {} });

/** The ids seen for a path parameter (the list is created on first use). */
export function idsOf(pools: Pools, name: string): string[] {
  const known = pools.ids[name] ?? [];
  pools.ids[name] = known;
  return known;
}

/** The item a request names, for its entity tag: its (only) path parameter. */
export function itemKey(op: Operation, params: Record<string, string>): string | null {
  const path = op.parameters.filter((p) => p.in === 'path');
  return path.length === 1 ? `${path[0]?.name}=${params[path[0]?.name as string]}` : null;
}

/** The cursors seen in the answers of an operation (the list is created on first use). */
export function cursorsOf(pools: Pools, operationId: string): string[] {
  const known = pools.cursor[operationId] ?? [];
  pools.cursor[operationId] = known;
  return known;
}

const gen = (schema: Schema, place: 'body' | 'url') => valid(schema, { resolve, place });

/** A parameter value as the URL carries it. */
const asText = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

/** Whether a query or path value (a string) is valid for its parameter, read as the parameter's type. */
export function paramValid(p: Parameter, text: string): boolean {
  const type = p.schema.type;
  if (type === 'integer' || type === 'number') {
    if (!/^-?\d+(\.\d+)?$/.test(text)) return false;
    return validator(p.schema)(Number(text));
  }
  return validator(p.schema)(text);
}

function paramsArb(op: Operation, pools: Pools): fc.Arbitrary<Record<string, string>> {
  const model: Record<string, fc.Arbitrary<string>> = {};
  for (const p of op.parameters.filter((x) => x.in === 'path')) {
    const known = idsOf(pools, p.name);
    model[p.name] = fc
      .tuple(fc.boolean(), fc.nat(), gen(p.schema, 'url').map(asText))
      .map(([useKnown, i, generated]) =>
        useKnown && known.length > 0 ? (known[i % known.length] as string) : generated,
      );
  }
  return fc.record(model);
}

function queryArb(op: Operation, pools: Pools): fc.Arbitrary<Record<string, string>> {
  const model: Record<string, fc.Arbitrary<string | undefined>> = {};
  for (const p of op.parameters.filter((x) => x.in === 'query')) {
    // A cursor is opaque: only one an answer gave is valid (GET /v1/changes calls its cursor `since`).
    if (p.name === 'cursor' || p.name === 'since') {
      const known = cursorsOf(pools, op.operationId);
      model[p.name] = fc.nat().map((i) => (known.length > 0 && i % 2 === 0 ? known[i % known.length] : undefined));
    } else model[p.name] = fc.option(gen(p.schema, 'url').map(asText), { nil: undefined });
  }
  return fc
    .record(model)
    .map((q) => Object.fromEntries(Object.entries(q).filter((e): e is [string, string] => e[1] !== undefined)));
}

interface Body {
  contentType: string;
  value: unknown;
}

function bodyArb(op: Operation, pools: Pools): fc.Arbitrary<Body | undefined> {
  const types = Object.keys(op.body);
  if (types.length === 0) return fc.constant(undefined);
  return fc.oneof(
    ...types.map((contentType) => {
      const schema = (op.body[contentType] as { schema: Schema }).schema;
      if (schema.format !== 'binary') return gen(schema, 'body').map((value): Body => ({ contentType, value }));
      // Looked up when a request is made: the test gives its files once it has started.
      return fc.constant(contentType).map((type): Body => {
        const file = pools.files[type];
        if (!file) throw new Error(`no file of ${type} given for the binary body of ${op.operationId}`);
        return { contentType: type, value: file };
      });
    }),
  );
}

const serialise = (b: Body) =>
  b.value instanceof Uint8Array
    ? Buffer.from(b.value).toString('base64')
    : b.contentType.endsWith('json')
      ? JSON.stringify(b.value)
      : String(b.value);

/**
 * A body field named as a path parameter carries the path's value (the document: "must equal the path's
 * supplierId"); a different one is a 422 no schema can describe.
 */
function linked(body: Body | undefined, params: Record<string, string>): Body | undefined {
  if (!body || body.value === null || typeof body.value !== 'object' || Array.isArray(body.value)) return body;
  if (body.value instanceof Uint8Array) return body;
  const value = { ...(body.value as Record<string, unknown>) };
  for (const [name, v] of Object.entries(params)) if (name in value) value[name] = v;
  return { ...body, value };
}

/** The header parameters this test knows the meaning of (RFC 9110's If-Match); any other one throws. */
function takesIfMatch(op: Operation): boolean {
  const headers = op.parameters.filter((p) => p.in === 'header');
  for (const p of headers) if (p.name.toLowerCase() !== 'if-match') throw new Error(`header ${p.name} not handled`);
  return headers.length > 0;
}

/** A valid request omits If-Match, or sends the item's tag or `*`: never one that fails (RFC 9110, 13.1.1). */
const validIfMatch = (op: Operation): fc.Arbitrary<IfMatch> =>
  takesIfMatch(op)
    ? fc.constantFrom<IfMatch>({ want: 'none' }, { want: 'current' }, { want: 'any' })
    : fc.constant({ want: 'none' });

/** Platform operators' routes take an operator tenant's token; the others, a tenant's. */
const validClaims = (op: Operation): Claims | null =>
  op.scope === null ? null : claimsFor(op.operator ? OPERATOR_TENANT : TENANT, op.scope);

export function validRequest(op: Operation, pools: Pools): fc.Arbitrary<RequestCase> {
  return fc
    .record({
      params: paramsArb(op, pools),
      query: queryArb(op, pools),
      body: bodyArb(op, pools),
      ifMatch: validIfMatch(op),
    })
    .map((r) => {
      const body = linked(r.body, r.params);
      return {
        kind: 'valid' as const,
        label: 'valid',
        method: op.method,
        params: r.params,
        query: r.query,
        contentType: body?.contentType ?? null,
        body: body ? serialise(body) : undefined,
        ...(body?.value instanceof Uint8Array ? { base64: true } : {}),
        claims: validClaims(op),
        ifMatch: r.ifMatch,
      };
    });
}

/**
 * The If-Match header to send, from what the answers so far said of the item: undefined for none. A stale tag is
 * one the item cannot have now: a tag given for another item or an earlier revision, one never given, or `*` when
 * there is no item.
 */
export function ifMatchHeader(want: IfMatch, key: string | null, pools: Pools): string | undefined {
  const exists = key !== null && pools.tags.has(key);
  const current = key === null ? null : (pools.tags.get(key) ?? null);
  switch (want.want) {
    case 'none':
      return undefined;
    case 'current':
      return current ?? (exists ? '*' : undefined);
    case 'any':
      return exists ? '*' : undefined;
    case 'stale': {
      // An item whose tag the test was not told could have any tag given for another item (the shipped ones share one).
      const given = exists && current === null ? [] : [...pools.issued].filter((t) => t !== current);
      const stale = ['"r999999999"', ...given, ...(exists ? [] : ['*'])];
      return stale[want.pick % stale.length];
    }
  }
}

/** One value of a parameter, broken by its schema's terms (then checked invalid by the document). */
function badParam(p: Parameter): fc.Arbitrary<string> {
  const s = p.schema;
  const bad: fc.Arbitrary<string>[] = [...badStrings(s, 'url')];
  if (s.type === 'integer' || s.type === 'number')
    bad.push(fc.constantFrom('abc', '1.5', '', 'true', ...badNumbers(s, s.type === 'integer').map(String)));
  if (bad.length === 0) throw new Error(`${p.name}: no way to break it`);
  // An empty path segment makes another URL (`/v1/suppliers/`), which no template of this operation matches.
  return fc.oneof(...bad).filter((text) => !paramValid(p, text) && (p.in !== 'path' || text !== ''));
}

const BAD_MEDIA = ['text/plain', 'application/xml', 'multipart/form-data; boundary=x', 'application/problem+json'];
const BAD_JSON = ['{', '[1,', '{"a":}', 'nul', '{"a":1}}', "{'a':1}"];

/** Valid bodies with one keyword broken, kept only when the document's validator rejects them. */
function mutatedBody(op: Operation, type: string, base: fc.Arbitrary<RequestCase>): fc.Arbitrary<RequestCase> {
  const schema = (op.body[type] as { schema: Schema }).schema;
  const check = validator(schema);
  return fc
    .tuple(base, gen(schema, 'body'))
    .chain(([r, v]) => {
      const all = mutations(schema, v, resolve, 'body');
      return fc.integer({ min: 0, max: all.length - 1 }).chain((i) => {
        const m = all[i] as (typeof all)[number];
        return m.value.map((x) => ({ r, label: m.label, body: setAt(v, m.path, x) }));
      });
    })
    .filter(({ body }) => !check(body))
    .map(({ r, label, body }) => ({ ...r, kind: 'body', label, contentType: type, body: JSON.stringify(body) }));
}

/** Every way to break a request to `op`, each with the kind it makes; null when there is none (a public GET). */
export function invalidRequest(op: Operation, pools: Pools): fc.Arbitrary<RequestCase> | null {
  const ways: fc.WeightedArbitrary<RequestCase>[] = [];
  const way = (arbitrary: fc.Arbitrary<RequestCase>, weight = 1) => ways.push({ arbitrary, weight });
  const base = validRequest(op, pools);
  for (const type of Object.keys(op.body).filter((t) => t.endsWith('json'))) {
    // The body schemas are the richest part of the document: their mutations get the most runs.
    way(mutatedBody(op, type, base), 4);
    way(
      fc.tuple(base, fc.constantFrom(...BAD_JSON)).map(([r, body]) => ({
        ...r,
        kind: 'json',
        label: `not JSON: ${body}`,
        contentType: type,
        body,
      })),
    );
  }
  if (Object.keys(op.body).length > 0) {
    const media = BAD_MEDIA.filter((t) => !((t.split(';')[0] as string) in op.body));
    way(
      fc.tuple(base, fc.constantFrom<string | null>(...media, null)).map(([r, contentType]) => ({
        ...r,
        kind: 'media',
        label: `content-type ${contentType}`,
        contentType,
        body: r.body ?? '{}',
      })),
    );
  }
  if (takesIfMatch(op))
    way(
      fc.tuple(base, fc.nat()).map(([r, pick]) => ({
        ...r,
        kind: 'stale-tag',
        label: 'If-Match: a tag the item does not have',
        ifMatch: { want: 'stale', pick },
      })),
    );
  for (const p of op.parameters.filter((x) => x.in !== 'header')) {
    const kind = p.in;
    if (kind !== 'query' && kind !== 'path') throw new Error(`${kind} parameters not handled`);
    const where = kind === 'query' ? 'query' : 'params';
    way(
      fc.tuple(base, badParam(p)).map(([r, text]) => ({
        ...r,
        kind,
        label: `${p.in} ${p.name}=${JSON.stringify(text)}`,
        [where]: { ...r[where], [p.name]: text },
      })),
    );
  }
  if (op.scope !== null) {
    way(base.map((r) => ({ ...r, kind: 'no-token', label: 'no token', claims: null })));
    // Every other scope, but not risk/admin (which carries them all).
    const others = ['openid', 'risk/read', 'risk/write'].filter((s) => s !== op.scope).join(' ');
    way(
      base.map((r) => ({
        ...r,
        kind: 'no-scope',
        label: `token without the scope (${others})`,
        claims: claimsFor(op.operator ? OPERATOR_TENANT : TENANT, others),
      })),
    );
  }
  if (op.operator && op.scope !== null) {
    const scope = op.scope;
    way(
      base.map((r) => ({
        ...r,
        kind: 'not-operator',
        label: `a tenant's own ${scope} token`,
        claims: claimsFor(TENANT, scope),
      })),
    );
  }
  return ways.length === 0 ? null : fc.oneof(...ways);
}
