import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ESM_REQUIRE_BANNER } from '../../infra/stacks/pipeline-function.ts';
import { synth } from './synth.ts';

/**
 * The API function bundled for real (local esbuild, as `npm run synth` does): one minified ESM file with its source
 * map, which loads in a fresh Node process and answers API Gateway payload 2.0 events for the public routes, and
 * refuses a protected route without the authorizer's claims, with no AWS call.
 */
describe('API function bundle', () => {
  const s = synth({ stage: 'dev', 'aws:cdk:enable-asset-metadata': true }, { bundle: true });
  const assembly = s.app.synth();
  afterAll(() => rmSync(assembly.directory, { recursive: true, force: true }));
  const metadata = s.template.toJSON().Resources[s.id(s.stack.api.function.fn)].Metadata as Record<string, string>;
  const dir = path.join(assembly.directory, metadata['aws:asset:path'] as string);

  it('is one minified ESM file with its source map and the createRequire banner', () => {
    expect(readdirSync(dir).sort()).toEqual(['index.mjs', 'index.mjs.map']);
    const code = readFileSync(path.join(dir, 'index.mjs'), 'utf8');
    expect(code.startsWith(ESM_REQUIRE_BANNER)).toBe(true);
    expect(code.split('\n').length).toBeLessThan(200);
  });

  it('answers /health and /openapi.json, and 401 on a protected route, in a fresh Node process', () => {
    const script = `
      const m = await import(${JSON.stringify(pathToFileURL(path.join(dir, 'index.mjs')).href)});
      const event = (path) => ({ version: '2.0', routeKey: 'GET ' + path, rawPath: path, rawQueryString: '',
        headers: {}, isBase64Encoded: false, requestContext: { http: { method: 'GET', path, protocol: 'HTTP/1.1',
        sourceIp: '192.0.2.1', userAgent: 'test' }, requestId: 'r', routeKey: 'GET ' + path, stage: '$default', timeEpoch: 0 } });
      const context = { functionName: 'api', awsRequestId: 'a', getRemainingTimeInMillis: () => 1000 };
      const out = [];
      for (const p of ['/health', '/openapi.json', '/v1/suppliers', '/v1/admin/rescore-runs']) {
        const r = await m.handler(event(p), context);
        out.push([p, r.statusCode, JSON.parse(r.body)]);
      }
      console.log(JSON.stringify(out));`;
    const stdout = execFileSync(process.execPath, ['--no-warnings', '--input-type=module', '-e', script], {
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH,
        AWS_REGION: 'eu-west-1',
        TABLE_NAME: 'table',
        QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/score',
        RESCORE_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/rescore',
        SCENARIO_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/scenario',
        NOTIFY_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/notify',
        WEBHOOK_MODE: 'aws',
        CHANGE_EVENT_BUS_NAME: 'changes',
        UPLOAD_BUCKET: 'uploads',
        CLIENT_TENANTS: '{"client":"acme"}',
        OPERATOR_TENANTS: 'platform',
        POWERTOOLS_LOG_LEVEL: 'ERROR',
      },
    });
    const [health, openapi, suppliers, runs] = JSON.parse(stdout.trim().split('\n').at(-1) as string) as [
      string,
      number,
      Record<string, unknown>,
    ][];
    expect(health?.[1]).toBe(200);
    expect(health?.[2]).toMatchObject({ status: 'ok' });
    expect(openapi?.[1]).toBe(200);
    expect(openapi?.[2]).toMatchObject({ openapi: '3.1.0' });
    expect(suppliers?.[1]).toBe(401);
    expect(suppliers?.[2]).toMatchObject({ status: 401 });
    // An operator route is there too, and refuses a request without the authorizer's claims the same way.
    expect(runs?.[1]).toBe(401);
  });
});
