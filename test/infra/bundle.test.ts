import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ESM_REQUIRE_BANNER } from '../../infra/stacks/pipeline-function.ts';
import { synth } from './synth.ts';

/**
 * The one test that bundles for real (local esbuild, about a second per function): the full synth, including the
 * cdk-nag validation plugins, must pass, and each bundle must load in a fresh Node process and export `handler`.
 */
describe('function bundles', () => {
  const s = synth({ stage: 'dev', 'aws:cdk:enable-asset-metadata': true }, { bundle: true });
  const assembly = s.app.synth();
  afterAll(() => rmSync(assembly.directory, { recursive: true, force: true }));
  const functions = Object.entries({
    ingest: s.stack.pipeline.ingest,
    score: s.stack.pipeline.score,
    rescore: s.stack.pipeline.rescore,
    'rescore-worker': s.stack.pipeline.rescoreWorker,
    'scenario-worker': s.stack.scenarios.worker,
    notifier: s.stack.notifications.notifier,
    'portfolio-reconcile': s.stack.portfolio.reconcile,
  }).map(([name, f]) => {
    const metadata = s.template.toJSON().Resources[s.id(f.fn)].Metadata as Record<string, string>;
    return { name, dir: path.join(assembly.directory, metadata['aws:asset:path'] as string) };
  });

  it('synth passes with the rule packs as validation plugins', () => {
    expect(assembly.getStackArtifact('MineralRisk-dev').template.Resources).toBeDefined();
  });

  it('are one minified ESM file per function, with its source map and the createRequire banner', () => {
    expect(new Set(functions.map((f) => f.dir)).size).toBe(7);
    for (const f of functions) {
      expect(readdirSync(f.dir).sort(), f.name).toEqual(['index.mjs', 'index.mjs.map']);
      const code = readFileSync(path.join(f.dir, 'index.mjs'), 'utf8');
      expect(code.startsWith(ESM_REQUIRE_BANNER), f.name).toBe(true);
      expect(code.trimEnd().endsWith('//# sourceMappingURL=index.mjs.map'), f.name).toBe(true);
      expect(code.split('\n').length, f.name).toBeLessThan(200);
    }
  });

  it('cover every function of the stack but the API (api-bundle.test.ts)', () => {
    const all = Object.values(s.template.findResources('AWS::Lambda::Function')).map(
      (f) => f.Properties.FunctionName as string | undefined,
    );
    const ours = all.filter((n): n is string => typeof n === 'string' && n.startsWith('mineral-risk-dev-'));
    expect(ours.sort()).toEqual([...functions.map((f) => `mineral-risk-dev-${f.name}`), 'mineral-risk-dev-api'].sort());
  });

  it('load in a fresh Node process and export handler', () => {
    for (const f of functions) {
      const url = pathToFileURL(path.join(f.dir, 'index.mjs')).href;
      const out = execFileSync(
        process.execPath,
        ['--input-type=module', '-e', `const m = await import(${JSON.stringify(url)}); console.log(typeof m.handler);`],
        { encoding: 'utf8', env: { PATH: process.env.PATH } },
      );
      expect(out.trim(), f.name).toBe('function');
    }
  });
});
