/**
 * The OpenAPI document the API serves (shared/http/openapi.generated.json, held fresh by test/unit/http/openapi.test.ts),
 * read as a contract: its operations, and JSON Schema 2020-12 validators (Ajv) for their parameters, bodies and
 * responses, with the `date` format checked as a calendar date and `uri` as RFC 3986 defines a URI.
 */
import { readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { isUri, type Schema } from './json-schema-arbitrary.ts';

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema: Schema;
}

export interface MediaType {
  schema: Schema;
}

export interface Operation {
  method: string;
  path: string;
  operationId: string;
  /** The scope the documented security requirement names; null for a public route (`security: []`). */
  scope: string | null;
  /**
   * For platform operators only (`x-operator: true`): the scope, and a token of an operator tenant; another tenant's
   * token gets 403 even with the scope.
   */
  operator: boolean;
  parameters: Parameter[];
  /** Media type → schema of the request body; empty when the operation takes none. */
  body: Record<string, MediaType>;
  responses: Record<string, { content?: Record<string, MediaType> }>;
}

interface RawOperation {
  operationId: string;
  description?: string;
  security?: Record<string, string[]>[];
  'x-operator'?: boolean;
  parameters?: Parameter[];
  requestBody?: { content: Record<string, MediaType> };
  responses: Record<string, { description: string; content?: Record<string, MediaType> }>;
}

interface Document {
  paths: Record<string, Record<string, RawOperation>>;
  components: { schemas: Record<string, Schema> };
}

const DOC_FILE = new URL('../../shared/http/openapi.generated.json', import.meta.url);
export const document = JSON.parse(readFileSync(DOC_FILE, 'utf8')) as Document;

const REF = /^#\/components\/schemas\/([\w-]+)$/;

export function resolve(ref: string): Schema {
  const name = REF.exec(ref)?.[1];
  const schema = name === undefined ? undefined : document.components.schemas[name];
  if (!schema) throw new Error(`unresolved $ref ${ref}`);
  return schema;
}

export const operations: Operation[] = Object.entries(document.paths).flatMap(([path, item]) =>
  Object.entries(item).map(([method, op]) => {
    const security = op.security ?? [];
    if (security.length > 1) throw new Error(`${op.operationId}: alternative security requirements not handled`);
    const scopes = security[0]?.bearer ?? [];
    return {
      method: method.toUpperCase(),
      path,
      operationId: op.operationId,
      scope: security.length === 0 ? null : (scopes[0] ?? ''),
      operator: op['x-operator'] === true,
      parameters: op.parameters ?? [],
      body: op.requestBody?.content ?? {},
      responses: op.responses,
    };
  }),
);

/** RFC 3339 full-date: the pattern and a real day of the calendar. */
function isCalendarDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const t = Date.parse(`${s}T00:00:00Z`);
  return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === s;
}

// The components as one schema resource: `#/components/schemas/X` becomes a reference to its `$defs/X`.
const COMPONENTS_ID = 'https://mineral-risk.local/components.json';

/** The schema with its references pointed at the components resource. */
function rebased(schema: unknown): object {
  return JSON.parse(JSON.stringify(schema), (key, value) =>
    key === '$ref' && typeof value === 'string' ? value.replace(REF, `${COMPONENTS_ID}#/$defs/$1`) : value,
  );
}

const ajv = new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: true });
ajv.addFormat('date', { type: 'string', validate: isCalendarDate });
ajv.addFormat('uri', { type: 'string', validate: isUri });
ajv.addSchema({ $id: COMPONENTS_ID, $defs: rebased(document.components.schemas) });

const compiled = new Map<Schema, ValidateFunction>();

/** A validator for a schema of the document (compiled once). */
export function validator(schema: Schema): ValidateFunction {
  let v = compiled.get(schema);
  if (!v) {
    v = ajv.compile(rebased(schema));
    compiled.set(schema, v);
  }
  return v;
}

/** Ajv's errors, short, for a failure message. */
export const errorsOf = (v: ValidateFunction) =>
  (v.errors ?? [])
    .slice(0, 5)
    .map((e) => `${e.instancePath || '(root)'} ${e.message}`)
    .join('; ');
