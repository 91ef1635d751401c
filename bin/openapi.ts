/**
 * npm run openapi
 *
 * Writes the two files generated from the OpenAPI document (`openApiDocument()`, built from the zod schemas):
 * - shared/http/openapi.generated.json, the document the API serves at GET /openapi.json. It is generated here, not
 *   in the function, so the function's bundle carries neither the generator nor the response schemas (a third of
 *   its size and of its cold start).
 * - test/helpers/api-schema.d.ts, its types (openapi-typescript) for the typed client of the end-to-end tests.
 * Both are formatted by Biome; test/unit/http/openapi.test.ts fails when either differs from a fresh generation.
 */
import { spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import openapiTS, { astToString, COMMENT_HEADER, type OpenAPI3 } from 'openapi-typescript';
import { openApiDocument } from '../shared/http/openapi.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const API_SCHEMA_FILE = join(ROOT, 'test', 'helpers', 'api-schema.d.ts');
export const OPENAPI_FILE = join(ROOT, 'shared', 'http', 'openapi.generated.json');

/** Biome's formatting of the file, so it is committed as `npm run lint` wants it. */
function biomeFormat(source: string, file: string): string {
  const biome = join(ROOT, 'node_modules', '.bin', process.platform === 'win32' ? 'biome.cmd' : 'biome');
  const result = spawnSync(biome, ['format', `--stdin-file-path=${relative(ROOT, file)}`], {
    cwd: ROOT,
    input: source,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(`biome format failed: ${result.stderr || result.error?.message}`);
  return result.stdout;
}

/** openapi.generated.json's contents, from the document as it is now. */
export function generateOpenApiJson(): string {
  return biomeFormat(`${JSON.stringify(openApiDocument())}\n`, OPENAPI_FILE);
}

/** api-schema.d.ts's contents, from the document as it is now. */
export async function generateApiTypes(): Promise<string> {
  const doc = structuredClone(openApiDocument()) as OpenAPI3;
  const ast = await openapiTS(doc, { alphabetize: false, exportType: false, rootTypes: true, silent: true });
  return biomeFormat(COMMENT_HEADER + astToString(ast), API_SCHEMA_FILE);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await writeFile(OPENAPI_FILE, generateOpenApiJson());
  await writeFile(API_SCHEMA_FILE, await generateApiTypes());
  process.stdout.write(
    `wrote ${relative(process.cwd(), OPENAPI_FILE)} and ${relative(process.cwd(), API_SCHEMA_FILE)}\n`,
  );
}
