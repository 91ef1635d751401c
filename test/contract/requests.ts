/**
 * Requests for one operation of the document: valid ones (every parameter and body from its schema) and invalid ones,
 * each a valid request with one thing broken — a body field, the JSON itself, a query value, a path id, the media
 * type, the token — and the status the document's own terms call for.
 */
import fc from 'fast-check';
import { type Claims, claimsFor } from '../helpers/api-events.ts';
import { type Schema, valid } from './json-schema-arbitrary.ts';
import { badNumbers, badStrings, mutations, setAt } from './mutations.ts';
import { type Operation, type Parameter, resolve, validator } from './openapi-doc.ts';

export const TENANT = 'contract';

export type Kind = 'valid' | 'body' | 'json' | 'query' | 'path' | 'media' | 'no-token' | 'no-scope';

export interface RequestCase {
  kind: Kind;
  /** What was broken, for a failure message. */
  label: string;
  method: string;
  params: Record<string, string>;
  query: Record<string, string>;
  contentType: string | null;
  body: string | undefined;
  claims: Claims | null;
}

/**
 * Values an operation can only be given from earlier answers: ids that exist (as well as generated ones, which
 * mostly do not), and cursors, which are opaque (the document: "pass as ?cursor= for the next page").
 */
export interface Pools {
  supplierId: string[];
  batchId: string[];
  cursor: Record<string, string[]>;
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
    const known = p.name === 'supplierId' ? pools.supplierId : p.name === 'batchId' ? pools.batchId : [];
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
    if (p.name === 'cursor') {
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

function bodyArb(op: Operation): fc.Arbitrary<Body | undefined> {
  const types = Object.keys(op.body);
  if (types.length === 0) return fc.constant(undefined);
  return fc.oneof(
    ...types.map((contentType) =>
      gen((op.body[contentType] as { schema: Schema }).schema, 'body').map((value) => ({ contentType, value })),
    ),
  );
}

const serialise = (b: Body) => (b.contentType.endsWith('json') ? JSON.stringify(b.value) : String(b.value));

/**
 * A body field named as a path parameter carries the path's value (the document: "must equal the path's
 * supplierId"); a different one is a 422 no schema can describe.
 */
function linked(body: Body | undefined, params: Record<string, string>): Body | undefined {
  if (!body || body.value === null || typeof body.value !== 'object' || Array.isArray(body.value)) return body;
  const value = { ...(body.value as Record<string, unknown>) };
  for (const [name, v] of Object.entries(params)) if (name in value) value[name] = v;
  return { ...body, value };
}

export function validRequest(op: Operation, pools: Pools): fc.Arbitrary<RequestCase> {
  return fc.record({ params: paramsArb(op, pools), query: queryArb(op, pools), body: bodyArb(op) }).map((r) => {
    const body = linked(r.body, r.params);
    return {
      kind: 'valid' as const,
      label: 'valid',
      method: op.method,
      params: r.params,
      query: r.query,
      contentType: body?.contentType ?? null,
      body: body ? serialise(body) : undefined,
      claims: op.scope === null ? null : claimsFor(TENANT, op.scope),
    };
  });
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
  for (const p of op.parameters) {
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
    way(
      base.map((r) => ({
        ...r,
        kind: 'no-scope',
        label: 'token without the scope',
        claims: claimsFor(TENANT, 'openid'),
      })),
    );
  }
  return ways.length === 0 ? null : fc.oneof(...ways);
}
