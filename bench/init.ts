/**
 * Benchmark `init`: each Lambda function (functions/{api,ingest,score,rescore}/handler.ts) bundled with the local
 * esbuild exactly as the CDK stack bundles it (the stack's own BUNDLING options, turned into esbuild arguments the
 * way aws-lambda-nodejs does), then its minified bundle size and the time to import it in a fresh Node process,
 * against a floor bundled the same way in the same run: a bundle that only imports and constructs a DynamoDBClient
 * (bench/init-floor.entry.ts). Imports alternate over the five bundles; medians are reported.
 *
 * Env: BENCH_INIT_RUNS (imports per bundle and mode, default 7), BENCH_NODE_FLAGS (extra flags for the import
 * children, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof").
 */
import { spawn } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BUNDLING as StackBundling } from '../infra/stacks/pipeline-function.ts';
import { childNodeFlags, collect, envInt, loadNote, median, met, ok, round2 } from './common.ts';
import type { BenchContext, Benchmark, BenchmarkResult, Metric } from './types.ts';

const TARGET_RATIO = 1.5;
const FUNCTIONS = ['api', 'ingest', 'score', 'rescore'] as const;
type Target = (typeof FUNCTIONS)[number] | 'floor';
const FLOOR_ENTRY = fileURLToPath(new URL('./init-floor.entry.ts', import.meta.url));
/** What the stack sets in every function's environment (and what the SDK and Powertools read at import). */
const LAMBDA_ENV = {
  AWS_REGION: 'eu-west-1',
  AWS_DEFAULT_REGION: 'eu-west-1',
  AWS_LAMBDA_FUNCTION_NAME: 'mineral-risk-bench',
  AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '1024',
  POWERTOOLS_SERVICE_NAME: 'mineral-risk-bench',
  POWERTOOLS_LOG_LEVEL: 'INFO',
  POWERTOOLS_METRICS_NAMESPACE: 'MineralRisk',
  TABLE_NAME: 'bench-table',
  QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/000000000000/bench',
  UPLOAD_BUCKET: 'bench-bucket',
  // The SDK warns on Node < 22 when a client is constructed (the floor's); Lambda runs the stack's newer runtime.
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};
/** The clock starts right before the dynamic import, after Node's own start-up; it prints one JSON line. */
const IMPORT_SCRIPT =
  'const t0 = performance.now(); const m = await import(process.argv[1]); const ms = performance.now() - t0;' +
  " if (typeof m.handler !== 'function') throw new Error('no handler export');" +
  ' process.stdout.write(JSON.stringify({ ms, rssMb: process.memoryUsage.rss() / 2 ** 20 }) + "\\n");';

/**
 * The esbuild command line aws-lambda-nodejs builds from these bundling options (its `buildEsbuildArgs`), for the
 * options the stack uses; any other option fails here rather than being silently left out.
 */
export function esbuildArgs(bundling: typeof StackBundling, entry: string, outDir: string, metafile: string): string[] {
  const known = new Set([
    'format',
    'target',
    'mainFields',
    'banner',
    'minify',
    'sourceMap',
    'sourcesContent',
    'bundleAwsSDK',
    'externalModules',
    'forceDockerBundling',
  ]);
  const unknown = Object.keys(bundling).filter((k) => !known.has(k));
  if (unknown.length > 0)
    throw new Error(`bench/init.ts does not translate the bundling option(s) ${unknown.join(', ')}`);
  const b = bundling as typeof StackBundling & { externalModules?: readonly string[] };
  const externals = b.externalModules ?? (b.bundleAwsSDK ? [] : ['@aws-sdk/*']);
  return [
    '--bundle',
    entry,
    `--target=${b.target}`,
    '--platform=node',
    `--format=${b.format}`,
    `--outfile=${join(outDir, b.format === 'esm' ? 'index.mjs' : 'index.js')}`,
    ...(b.minify ? ['--minify'] : []),
    ...(b.sourceMap ? ['--sourcemap'] : []),
    ...(b.sourcesContent === false ? ['--sources-content=false'] : []),
    ...externals.map((e) => `--external:${e}`),
    // Not a bundling option of the stack: esbuild's record of the inputs, to say where the bytes come from.
    `--metafile=${metafile}`,
    ...(b.banner ? [`--banner:js=${b.banner}`] : []),
    ...(b.mainFields ? [`--main-fields=${b.mainFields.join(',')}`] : []),
  ];
}

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env) {
  return new Promise<{ stdout: string; wallMs: number }>((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    collect(child, (code, stdout, stderr) => {
      if (code !== 0) reject(new Error(`${cmd} ${args.slice(0, 3).join(' ')} exited ${code}: ${stderr.trim()}`));
      else resolve({ stdout, wallMs: performance.now() - t0 });
    }).catch(reject);
  });
}

interface Bundle {
  target: Target;
  file: string;
  bytes: number;
  mapBytes: number;
  /** Bytes of the output per package (or `(project)`), from esbuild's metafile. */
  byPackage: [string, number][];
}

async function bundle(ctx: BenchContext, bundling: typeof StackBundling, target: Target): Promise<Bundle> {
  const entry = target === 'floor' ? FLOOR_ENTRY : join(ctx.root, 'functions', target, 'handler.ts');
  const outDir = join(ctx.tmpDir, 'init', target);
  const metafile = join(outDir, 'meta.json');
  // As aws-lambda-nodejs runs local bundling: the local esbuild, from the project root.
  await run(
    join(ctx.root, 'node_modules', '.bin', 'esbuild'),
    esbuildArgs(bundling, entry, outDir, metafile),
    ctx.root,
  );
  const file = join(outDir, 'index.mjs');
  const meta = JSON.parse(await readFile(metafile, 'utf8')) as {
    outputs: Record<string, { inputs: Record<string, { bytesInOutput: number }> }>;
  };
  const byPackage = new Map<string, number>();
  for (const out of Object.values(meta.outputs))
    for (const [input, { bytesInOutput }] of Object.entries(out.inputs)) {
      const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
      const key = m ? (m[1] as string) : '(project)';
      byPackage.set(key, (byPackage.get(key) ?? 0) + bytesInOutput);
    }
  return {
    target,
    file,
    bytes: (await stat(file)).size,
    mapBytes: (await stat(`${file}.map`)).size,
    byPackage: [...byPackage].sort((a, b) => b[1] - a[1]),
  };
}

async function importOnce(file: string, sourceMaps: boolean, root: string): Promise<{ ms: number; wallMs: number }> {
  const flags = [...childNodeFlags(), ...(sourceMaps ? ['--enable-source-maps'] : [])];
  const { stdout, wallMs } = await run(
    process.execPath,
    [...flags, '--input-type=module', '-e', IMPORT_SCRIPT, pathToFileURL(file).href],
    root,
    { PATH: process.env.PATH ?? '', ...LAMBDA_ENV },
  );
  const { ms } = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as { ms: number };
  return { ms, wallMs };
}

const kb = (bytes: number) => bytes / 1024;
const pkgList = (b: Bundle, n: number) =>
  b.byPackage
    .slice(0, n)
    .map(([p, bytes]) => `${p} ${kb(bytes).toFixed(0)}`)
    .join(', ');

export const initBench: Benchmark = {
  id: 'init',
  title: 'Function bundles: size and import time vs a DynamoDB-client floor',
  async run(ctx: BenchContext): Promise<BenchmarkResult> {
    const runs = envInt('BENCH_INIT_RUNS', 7);
    // Loaded here, not at the top: it brings aws-cdk-lib, which the other benchmarks do not need.
    const { BUNDLING } = await import('../infra/stacks/pipeline-function.ts');
    const targets: Target[] = ['floor', ...FUNCTIONS];
    const bundles = new Map<Target, Bundle>();
    for (const t of targets) bundles.set(t, await bundle(ctx, BUNDLING, t));
    ctx.log(`init: bundled ${targets.map((t) => `${t} ${kb(bundles.get(t)?.bytes ?? 0).toFixed(0)} KB`).join(', ')}`);

    const loadBefore = ctx.loadAverage();
    // Deployed with NODE_OPTIONS=--enable-source-maps (the headline figures); also measured without.
    const times = new Map<string, { ms: number; wallMs: number }[]>();
    for (let i = 0; i < runs; i++)
      for (const sourceMaps of [true, false])
        for (let k = 0; k < targets.length; k++) {
          const t = targets[(k + i) % targets.length] as Target;
          const r = await importOnce(bundles.get(t)?.file as string, sourceMaps, ctx.root);
          const key = `${t}|${sourceMaps}`;
          times.set(key, [...(times.get(key) ?? []), r]);
        }
    const loadAfter = ctx.loadAverage();
    const load = loadNote(ctx, loadBefore, loadAfter);

    const med = (t: Target, sourceMaps: boolean, f: 'ms' | 'wallMs' = 'ms') =>
      median((times.get(`${t}|${sourceMaps}`) ?? []).map((r) => r[f]));
    const floor = bundles.get('floor') as Bundle;
    const floorMs = med('floor', true);
    const floorMsPlain = med('floor', false);
    const rows = FUNCTIONS.map((f) => {
      const b = bundles.get(f) as Bundle;
      const ms = med(f, true);
      const plain = med(f, false);
      return {
        f,
        b,
        ms,
        plain,
        wall: med(f, true, 'wallMs'),
        ratio: ms / floorMs,
        ratioPlain: plain / floorMsPlain,
        sizeRatio: b.bytes / floor.bytes,
      };
    });

    const metrics: Metric[] = [
      { name: 'bundle.floor.kb', value: Math.round(kb(floor.bytes)), unit: 'KB' },
      { name: 'init.floor.ms', value: round2(floorMs), unit: 'ms' },
      ...rows.flatMap((r) => [
        { name: `init.${r.f}.ratio_to_floor`, value: round2(r.ratio), unit: 'x' },
        { name: `init.${r.f}.ms`, value: round2(r.ms), unit: 'ms' },
        { name: `bundle.${r.f}.kb`, value: Math.round(kb(r.b.bytes)), unit: 'KB' },
      ]),
    ];

    const report = [
      `init — ${this.title}`,
      `  esbuild ${esbuildArgs(BUNDLING, 'ENTRY', 'OUT', 'META').slice(2, -3).join(' ')} --banner:js=<createRequire> --main-fields=${BUNDLING.mainFields.join(',')}`,
      `  import in a fresh node ${process.version} process, median of ${runs}; with --enable-source-maps (as deployed) / without`,
      '  bundle    size KB  ×floor  map KB   import ms   ×floor   (no maps ms  ×floor)  process ms   largest inputs (KB)',
      `  floor   ${kb(floor.bytes).toFixed(0).padStart(8)}  ${'1.00'.padStart(6)}  ${kb(floor.mapBytes).toFixed(0).padStart(6)}  ${floorMs.toFixed(1).padStart(9)}   ${'1.00'.padStart(6)}   ${floorMsPlain.toFixed(1).padStart(10)}  ${'1.00'.padStart(5)}   ${med('floor', true, 'wallMs').toFixed(0).padStart(9)}   ${pkgList(floor, 3)}`,
      ...rows.map(
        (r) =>
          `  ${r.f.padEnd(7)} ${kb(r.b.bytes).toFixed(0).padStart(8)}  ${r.sizeRatio.toFixed(2).padStart(6)}  ${kb(r.b.mapBytes).toFixed(0).padStart(6)}  ${r.ms.toFixed(1).padStart(9)}   ${r.ratio.toFixed(2).padStart(6)}   ${r.plain.toFixed(1).padStart(10)}  ${r.ratioPlain.toFixed(2).padStart(5)}   ${r.wall.toFixed(0).padStart(9)}   ${pkgList(r.b, 4)}`,
      ),
      load.report,
      '',
      ...rows.map(
        (r) =>
          `  init.${r.f}.ratio_to_floor`.padEnd(32) +
          `${r.ratio.toFixed(2)}x   target ≤ ${TARGET_RATIO}x   ${ok(r.ratio <= TARGET_RATIO)}   bundle.${r.f}.kb ${kb(r.b.bytes).toFixed(0)}`,
      ),
    ].join('\n');

    const docs = [
      `## ${this.title}`,
      '',
      load.docs,
      '',
      '| Bundle | Minified size `bundle.<fn>.kb` | Import time, median | Import / floor `init.<fn>.ratio_to_floor` | Without source maps | Largest inputs (KB) | Target |',
      '| --- | --- | --- | --- | --- | --- | --- |',
      `| Floor: imports and constructs a DynamoDBClient | ${kb(floor.bytes).toFixed(0)} KB (map ${kb(floor.mapBytes).toFixed(0)} KB) | ${floorMs.toFixed(1)} ms | 1.00× | ${floorMsPlain.toFixed(1)} ms | ${pkgList(floor, 3)} | |`,
      ...rows.map(
        (r) =>
          `| \`functions/${r.f}\` | ${kb(r.b.bytes).toFixed(0)} KB (${r.sizeRatio.toFixed(1)}× the floor; map ${kb(r.b.mapBytes).toFixed(0)} KB) | ${r.ms.toFixed(1)} ms | ${r.ratio.toFixed(2)}× | ${r.plain.toFixed(1)} ms (${r.ratioPlain.toFixed(2)}×) | ${pkgList(r.b, 4)} | ≤ ${TARGET_RATIO}× ${met(r.ratio <= TARGET_RATIO)} |`,
      ),
      '',
      `Method: each function's \`handler.ts\` and the floor (\`bench/init-floor.entry.ts\`) are bundled by the esbuild in \`node_modules\`, from the project root, with the command line aws-lambda-nodejs builds from the stack's own \`BUNDLING\` options (\`infra/stacks/pipeline-function.ts\`, imported, not copied): \`--bundle --target=${BUNDLING.target} --platform=node --format=${BUNDLING.format} --minify --sourcemap --sources-content=false --main-fields=${BUNDLING.mainFields.join(',')}\`, the \`createRequire\` banner, the AWS SDK bundled (no externals); a metafile is written alongside to attribute the bytes. Size is the minified \`index.mjs\` (1 KB = 1,024 bytes). Import time is measured in a fresh \`node\` ${process.version} process per import, from just before \`await import(bundle)\` to its end (Node's own start-up excluded), with the functions' Lambda environment variables set, ${runs} times per bundle in rotating order, with \`--enable-source-maps\` (the stack's \`NODE_OPTIONS\`, the headline figures) and without; medians are reported. The handlers build their SDK clients on first invocation, so their import time holds module evaluation only, while the floor's includes constructing its client.`,
    ].join('\n');
    return { metrics, report, docs };
  },
};
