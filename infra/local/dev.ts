/**
 * npm run dev -- [--port 3000] [--data-dir DIR]
 *
 * The HTTP API on this machine: the local runtime (DynamoDB, S3, queue, the real functions) behind the local API
 * server (JWT authorizer emulation, payload 2.0 events, the real API handler). Prints a ready token for tenant
 * `demo` and example requests. Ctrl-C stops it.
 */
import { Command } from 'commander';
import { startApiServer } from './http-server.ts';
import { mintToken } from './jwt.ts';
import { resumedLine } from './resumed.ts';
import { startLocalRuntime } from './runtime.ts';

const TENANT = 'demo';
const SCOPE = 'risk/read risk/write risk/webhooks';

async function main(argv: string[]): Promise<void> {
  const program = new Command()
    .name('dev')
    .option('--port <port>', 'port to listen on (127.0.0.1)', '3000')
    .option('--data-dir <dir>', 'keep DynamoDB data, uploads and queued messages here between runs')
    .exitOverride();
  program.parse(argv);
  const o = program.opts<{ port: string; dataDir?: string }>();
  const port = Number(o.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port '${o.port}' is not a port`);

  const runtime = await startLocalRuntime(o.dataDir ? { dataDir: o.dataDir } : {});
  let server: Awaited<ReturnType<typeof startApiServer>>;
  try {
    server = await startApiServer({ runtime, port });
  } catch (err) {
    await runtime.stop();
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE')
      throw new Error(`port ${port} is in use: try --port ${port + 1}`);
    throw err;
  }
  const base = `http://localhost:${server.port}`;
  const token = await mintToken({ tenant: TENANT, scope: SCOPE, expiresIn: '12h' });
  const auth = '-H "authorization: Bearer $TOKEN"';
  process.stdout.write(
    [
      `mineral-risk API on ${base} — local DynamoDB ${runtime.dynamo.endpoint}, S3 ${runtime.s3.endpoint}, in-process queue`,
      `OpenAPI: ${base}/openapi.json`,
      ...(o.dataDir ? [`Data in ${o.dataDir}: ${resumedLine(runtime.resumed)}`] : []),
      '',
      `A token for tenant '${TENANT}' with ${SCOPE} (12 h; more with npm run token -- --tenant NAME --scope "..."):`,
      '',
      `export TOKEN=${token}`,
      '',
      `curl -s ${base}/health`,
      `curl -s -X PUT ${auth} -H 'content-type: application/json' '${base}/v1/suppliers/SUP-1?sync=true' \\`,
      `  -d '{"supplierName":"Nordmag","annualSpendUsd":4850000,"exposures":[{"mineral":"dysprosium","originCountry":"CN","share":1}]}'`,
      `curl -s ${auth} ${base}/v1/suppliers/SUP-1`,
      `curl -s -X POST ${auth} -H 'content-type: text/csv' --data-binary @events/suppliers/sample.csv ${base}/v1/batches`,
      `curl -s ${auth} '${base}/v1/suppliers?band=critical&limit=5'`,
      `curl -s ${auth} '${base}/v1/portfolio/exposure?groupBy=mineral,country'`,
      '',
      'Hear of score changes: register a webhook (this local server also accepts http://127.0.0.1), then run the',
      'receiver with the secret the answer shows once; or poll the change log:',
      '',
      `curl -s -X POST ${auth} -H 'content-type: application/json' ${base}/v1/webhooks \\`,
      `  -d '{"url":"http://127.0.0.1:8080/hooks","filters":{"kinds":["moved"],"minDelta":5}}'`,
      'npm run receiver -- --port 8080 --secret whsec_...',
      `curl -s ${auth} '${base}/v1/changes?limit=50'`,
      '',
      'Ctrl-C to stop.',
      '',
    ].join('\n'),
  );

  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) {
        process.stderr.write(`\n${signal} again: exiting now\n`);
        process.exit(130);
      }
      stopping = true;
      process.stderr.write('\nstopping…\n');
      server
        .stop()
        .then(() => runtime.stop())
        .then(resolve, (err: unknown) => {
          process.stderr.write(`dev: stopping failed: ${(err as Error).message}\n`);
          process.exitCode = 1;
          resolve();
        });
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

main(process.argv).catch((err: unknown) => {
  if ((err as { code?: string }).code?.startsWith('commander.')) {
    process.exitCode = (err as { exitCode?: number }).exitCode ?? 2;
    return;
  }
  process.stderr.write(`dev: ${(err as Error).message}\n`);
  process.exitCode = 1;
});
