/**
 * Invalid values from valid ones: each mutation breaks one keyword of the schema at one place in the value (a wrong
 * type, a required field removed, a field the schema closes out, a number or a length out of range, a string off its
 * pattern or enum, too many or too few items). The caller keeps only results the document's validator rejects, so
 * "invalid" always means invalid by the document, whatever the mutation meant to do.
 */
import fc from 'fast-check';
import { isUri, isWellFormed, narrowed, type Place, patternOf, type Schema } from './json-schema-arbitrary.ts';
import { validator } from './openapi-doc.ts';

export type Path = (string | number)[];

export interface Mutation {
  label: string;
  path: Path;
  /** The value to put at `path`, or `undefined` to delete it. */
  value: fc.Arbitrary<unknown>;
}

const WRONG_TYPES: unknown[] = [null, true, 42, 1.5, 'text', [], {}];

/** Characters the id and name rules are about, and strings the date and uri formats refuse. */
const EDGY = ['\u0000', '\u0007', '\u001b', '\u0085', '\u202e', '\u200f', '\ufffd', '\ufdd0', '\uffff', '/', '\ud800'];
const NOT_DATES = ['2026-02-30', '2026-13-01', '2026-1-1', 'tomorrow', '20261110', '2026-11-10T00:00:00Z'];
/** Only white space: what a "not blank" pattern (`\S`) refuses. */
const BLANK = [' ', '\t', '\u3000', ' \n '];
/**
 * Strings a URL-minded parser may take but RFC 3986 does not (white space, backslashes, raw non-ASCII, a bare `%`),
 * no URL at all, and URLs of other schemes (for a pattern that asks https).
 */
const NOT_URIS = [
  'not a url',
  'example.com/report.pdf',
  'https//example.com',
  'https://exa mple.com/',
  'https://example.com/a b',
  ' https://example.com/',
  'https://example.com/\t',
  'https:\\\\example.com\\x',
  'https://example.com/<x>',
  'https://example.com/%zz',
  'https://example.com/é',
  'http://example.com/report.pdf',
  'ftp://example.com/report.pdf',
  'javascript:alert(1)',
];

/** Strings that break `schema`'s pattern or format, in the characters a `place` can carry. */
export function offPattern(schema: Schema, place: Place): fc.Arbitrary<string> {
  const re = schema.pattern === undefined ? null : patternOf(schema.pattern);
  const edgy = fc
    .tuple(fc.string({ maxLength: 6 }), fc.constantFrom(...EDGY), fc.string({ maxLength: 6 }))
    .map(([a, c, b]) => `${a}${c}${b}`);
  const edges = fc.constantFrom(' x', 'x ', '\u3000x', 'x\u00a0', ...BLANK, ...NOT_DATES, ...NOT_URIS);
  // A format's own misses, most of the time: the strings a lenient parser takes are the ones worth sending.
  const misses = schema.format === 'uri' ? NOT_URIS : schema.format === 'date' ? NOT_DATES : [];
  return fc
    .oneof(
      ...(misses.length > 0 ? [{ weight: 6, arbitrary: fc.constantFrom(...misses) }] : []),
      edgy,
      edges,
      fc.string({ unit: 'binary', minLength: 1, maxLength: 8 }),
    )
    .filter(
      (s) =>
        (re !== null && !re.test(s)) ||
        (schema.format === 'date' && NOT_DATES.includes(s)) ||
        (schema.format === 'uri' && !isUri(s)),
    )
    .filter((s) => place === 'body' || isWellFormed(s));
}

/** Strings that break a string schema's length, pattern or enum (for parameters, and for body strings). */
export function badStrings(schema: Schema, place: Place): fc.Arbitrary<string>[] {
  const out: fc.Arbitrary<string>[] = [];
  if (schema.maxLength !== undefined) out.push(fc.constant('x'.repeat(schema.maxLength + 1)));
  if ((schema.minLength ?? 0) > 0) out.push(fc.constant(''));
  if (schema.pattern !== undefined || schema.format !== undefined) out.push(offPattern(schema, place));
  if (schema.enum) out.push(fc.constantFrom('not-one-of-them', String(schema.enum[0]).toUpperCase(), ''));
  return out;
}

/** Numbers out of a number schema's range, or fractional for an integer. */
export function badNumbers(schema: Schema, integer: boolean): number[] {
  const out: number[] = [];
  if (schema.minimum !== undefined) out.push(schema.minimum - 1);
  if (schema.maximum !== undefined) out.push(schema.maximum + 1);
  if (integer) out.push((schema.minimum ?? 0) + 0.5);
  return out;
}

const typesOf = (schema: Schema): string[] =>
  Array.isArray(schema.type) ? schema.type : schema.type === undefined ? [] : [schema.type];

/** Every mutation of `value` (valid under `schema`), at this node and below. */
export function mutations(
  schema: Schema,
  value: unknown,
  resolve: (ref: string) => Schema,
  place: Place,
  path: Path = [],
): Mutation[] {
  if (schema.$ref) return mutations(resolve(schema.$ref), value, resolve, place, path);
  // An object whose oneOf branches each require one of its fields: mutate it as the object of the branch it took.
  if (schema.oneOf && schema.type === 'object') {
    const branch = schema.oneOf.find((s) => validator(s)(value));
    const { oneOf: _, ...own } = schema;
    return mutations(branch ? narrowed(schema, branch) : own, value, resolve, place, path);
  }
  if (schema.anyOf) {
    // Descend into the branch the value took; the whole value may also take a wrong type.
    const branch = schema.anyOf.find((s) => validator(s)(value));
    const wrong = { label: `${show(path)}: wrong type`, path, value: fc.constantFrom(...WRONG_TYPES) };
    return branch ? [wrong, ...mutations(branch, value, resolve, place, path)] : [wrong];
  }
  const out: Mutation[] = [{ label: `${show(path)}: wrong type`, path, value: fc.constantFrom(...WRONG_TYPES) }];
  const types = typesOf(schema);
  if (typeof value === 'string' && types.includes('string'))
    for (const bad of badStrings(schema, place)) out.push({ label: `${show(path)}: bad string`, path, value: bad });
  if (typeof value === 'number' && (types.includes('number') || types.includes('integer'))) {
    const bad = badNumbers(schema, types.includes('integer') && !types.includes('number'));
    if (bad.length > 0) out.push({ label: `${show(path)}: out of range`, path, value: fc.constantFrom(...bad) });
  }
  if (Array.isArray(value) && schema.items) {
    if (schema.maxItems !== undefined && value.length > 0) {
      const first = value[0];
      const many = Array.from({ length: schema.maxItems + 1 }, () => structuredClone(first));
      out.push({ label: `${show(path)}: ${many.length} items`, path, value: fc.constant(many) });
    }
    if ((schema.minItems ?? 0) > 0) out.push({ label: `${show(path)}: no items`, path, value: fc.constant([]) });
    value.forEach((item, i) => {
      out.push(...mutations(schema.items as Schema, item, resolve, place, [...path, i]));
    });
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const obj = value as Record<string, unknown>;
    for (const key of schema.required ?? [])
      if (key in obj)
        out.push({ label: `${show(path)}: ${key} missing`, path: [...path, key], value: fc.constant(undefined) });
    if (schema.additionalProperties === false)
      out.push({ label: `${show(path)}: extra field`, path: [...path, 'unexpectedField'], value: fc.jsonValue() });
    for (const [key, sub] of Object.entries(schema.properties ?? {}))
      if (key in obj) out.push(...mutations(sub, obj[key], resolve, place, [...path, key]));
  }
  return out;
}

/** A copy of `root` with `value` at `path` (deleted when `value` is undefined). */
export function setAt(root: unknown, path: Path, value: unknown): unknown {
  if (path.length === 0) return value;
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path[path.length - 1] as string | number;
  if (value === undefined) delete node[last];
  else node[last] = value;
  return copy;
}

const show = (path: Path) =>
  path.length === 0 ? '(body)' : path.map((k) => (typeof k === 'number' ? `[${k}]` : `.${k}`)).join('');
