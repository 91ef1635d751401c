/**
 * JSON Schema → fast-check arbitrary of values the schema accepts, for the subset of JSON Schema 2020-12 the OpenAPI
 * document uses. A keyword outside that subset throws, so the contract test fails loudly rather than generating
 * values the document does not describe.
 */
import fc from 'fast-check';

export interface Schema {
  type?: string | string[];
  enum?: unknown[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  $ref?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  items?: Schema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  examples?: unknown[];
  default?: unknown;
  description?: string;
}

const KNOWN = new Set([
  'type',
  'enum',
  'anyOf',
  'oneOf',
  '$ref',
  'properties',
  'required',
  'additionalProperties',
  'items',
  'minItems',
  'maxItems',
  'minLength',
  'maxLength',
  'pattern',
  'format',
  'minimum',
  'maximum',
  'examples',
  'default',
  'description',
]);

/** Where a string goes: a URL carries only well-formed Unicode, a JSON body any string JSON can escape. */
export type Place = 'body' | 'url';

export interface GenOptions {
  /** Resolves `#/components/schemas/X`. */
  resolve: (ref: string) => Schema;
  place: Place;
  /** Extra elements an array may hold beyond its minimum (keeps requests small). */
  arrayExtra?: number;
}

/** Unicode that is well-formed (no lone surrogate): what a URL can carry. */
export const isWellFormed = (s: string) =>
  !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);

/** ASCII mostly, any printable Unicode often, any code point or a lone surrogate (JSON can escape one) now and then. */
const char = fc.oneof(
  { weight: 12, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }) },
  { weight: 6, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  { weight: 1, arbitrary: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)) },
);

/** Calendar dates over a wide span (RFC 3339 full-date, JSON Schema's `date`). */
export const calendarDate = fc
  .date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2060-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));

/** An ECMA-262 pattern as JSON Schema 2020-12 applies it (Unicode semantics). */
export const patternOf = (pattern: string) => new RegExp(pattern, 'u');

// RFC 3986's URI (scheme ":" hier-part ["?" query] ["#" fragment]), JSON Schema's `uri` format; an IP-literal host
// is only checked for its characters.
const PCT = '%[0-9A-Fa-f]{2}';
const PCHAR = `(?:[A-Za-z0-9\\-._~!$&'()*+,;=:@]|${PCT})`;
const AUTHORITY = `(?:(?:[A-Za-z0-9\\-._~!$&'()*+,;=:]|${PCT})*@)?(?:\\[[0-9A-Fa-f:.]+\\]|(?:[A-Za-z0-9\\-._~!$&'()*+,;=]|${PCT})*)(?::\\d*)?`;
const HIER_PART = `(?://${AUTHORITY}(?:/${PCHAR}*)*|/(?:${PCHAR}+(?:/${PCHAR}*)*)?|${PCHAR}+(?:/${PCHAR}*)*|)`;
const URI = new RegExp(`^[A-Za-z][A-Za-z0-9+.-]*:${HIER_PART}(?:\\?(?:${PCHAR}|[/?])*)?(?:#(?:${PCHAR}|[/?])*)?$`);

/** Whether `s` is a URI as RFC 3986 defines it (absolute: with a scheme). */
export const isUri = (s: string) => URI.test(s);

/**
 * URLs as RFC 3986 writes them (JSON Schema's `uri`), https as a client sends them: host names, paths, queries and
 * fragments with percent-escapes (fast-check's web URLs, built from RFC 3986's grammar).
 */
export const httpsUrl = fc.webUrl({ validSchemes: ['https'], withQueryParameters: true, withFragments: true });

function stringArb(schema: Schema, place: Place): fc.Arbitrary<string> {
  if (schema.format !== undefined && schema.format !== 'date' && schema.format !== 'uri')
    throw new Error(`format ${schema.format} not handled`);
  const min = schema.minLength ?? 0;
  // Lengths in UTF-16 code units, as the API counts them (the document says so): never more code points than that.
  const max = schema.maxLength ?? Math.max(min, 40);
  let base: fc.Arbitrary<string>;
  if (schema.format === 'date') base = calendarDate;
  else if (schema.format === 'uri') base = httpsUrl;
  else {
    const short = fc.string({ unit: char, minLength: min, maxLength: Math.min(max, Math.max(min, 24)) });
    const longest = fc.string({ unit: char, minLength: max, maxLength: max });
    base = fc.oneof({ weight: 5, arbitrary: short }, { weight: 1, arbitrary: longest });
  }
  const re = schema.pattern === undefined ? null : patternOf(schema.pattern);
  return base
    .map((s) => (s.length > max ? s.slice(0, max) : s))
    .filter(
      (s) =>
        s.length >= min &&
        s.length <= max &&
        (re === null || re.test(s)) &&
        (schema.format !== 'uri' || isUri(s)) &&
        (place === 'body' || isWellFormed(s)),
    );
}

function numberArb(schema: Schema, integer: boolean): fc.Arbitrary<number> {
  const min = schema.minimum ?? -1e9;
  const max = schema.maximum ?? 1e9;
  const edges = fc.constantFrom(min, max);
  const inside = integer
    ? fc.integer({ min: Math.ceil(min), max: Math.floor(max) })
    : fc.double({ min, max, noNaN: true, noDefaultInfinity: true }).map((n) => (Object.is(n, -0) ? 0 : n));
  return fc.oneof({ weight: 5, arbitrary: inside }, { weight: 1, arbitrary: edges });
}

/**
 * An object schema whose `oneOf` branches each require one of its own properties (an exposure names exactly one of
 * mineral, hsCode, productCategory): the object with that branch's field required and constrained, and the fields
 * the other branches require left out.
 */
export function narrowed(schema: Schema, branch: Schema): Schema {
  const { oneOf, ...own } = schema;
  const others = new Set((oneOf ?? []).filter((b) => b !== branch).flatMap((b) => b.required ?? []));
  const properties: Record<string, Schema> = {};
  for (const [k, s] of Object.entries(own.properties ?? {})) if (!others.has(k)) properties[k] = s;
  for (const [k, s] of Object.entries(branch.properties ?? {})) properties[k] = { ...properties[k], ...s };
  return { ...own, required: [...(own.required ?? []), ...(branch.required ?? [])], properties };
}

/** An arbitrary of values `schema` accepts. */
export function valid(schema: Schema, o: GenOptions): fc.Arbitrary<unknown> {
  for (const k of Object.keys(schema)) if (!KNOWN.has(k)) throw new Error(`JSON Schema keyword ${k} not handled`);
  if (schema.$ref) return valid(o.resolve(schema.$ref), o);
  // Examples are names the API knows (minerals, countries, policy events): a valid request mostly uses them, as a
  // client would; the schema alone (any string up to 64 characters) cannot say which names exist. In a body, any
  // other name is answered 422 (documented); in a query, 400 (listSuppliers' filters): there, examples only.
  if (schema.examples?.length) {
    const examples = fc.constantFrom(...schema.examples);
    if (o.place === 'url') return examples;
    const { examples: _, ...rest } = schema;
    return fc.oneof({ weight: 9, arbitrary: examples }, { weight: 1, arbitrary: valid(rest, o) });
  }
  if (schema.enum) return fc.constantFrom(...schema.enum);
  if (schema.oneOf && schema.type === 'object')
    return fc.oneof(...schema.oneOf.map((b) => valid(narrowed(schema, b), o)));
  if (schema.anyOf) return fc.oneof(...schema.anyOf.map((s) => valid(s, o)));
  if (Array.isArray(schema.type)) return fc.oneof(...schema.type.map((type) => valid({ ...schema, type }, o)));
  switch (schema.type) {
    case 'string':
      return stringArb(schema, o.place);
    case 'integer':
      return numberArb(schema, true);
    case 'number':
      return numberArb(schema, false);
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      if (!schema.items) throw new Error('array without items');
      const minLength = schema.minItems ?? 0;
      const maxLength = Math.min(schema.maxItems ?? Number.POSITIVE_INFINITY, minLength + (o.arrayExtra ?? 3));
      return fc.array(valid(schema.items, o), { minLength, maxLength });
    }
    case 'object': {
      const props = schema.properties ?? {};
      const model = Object.fromEntries(Object.entries(props).map(([k, s]) => [k, valid(s, o)]));
      const known = fc.record(model, { requiredKeys: schema.required ?? [] });
      const extra = schema.additionalProperties;
      if (extra === undefined || extra === false) return known;
      if (Object.keys(props).length > 0) throw new Error('properties with additionalProperties not handled');
      // An open object (`additionalProperties: {}`), such as a row of a JSON batch: any small JSON object.
      const key = fc.string({ unit: char, maxLength: 16 }).filter((k) => !(k in props));
      const value = extra === true || Object.keys(extra).length === 0 ? fc.jsonValue({ maxDepth: 2 }) : valid(extra, o);
      return fc.dictionary(key, value, { maxKeys: 6 });
    }
    default:
      throw new Error(`schema without a type: ${JSON.stringify(schema).slice(0, 200)}`);
  }
}
