/**
 * npm run invoke -- FUNCTION EVENT.json [--data-dir DIR]
 *
 * Runs one function (ingest, score, rescore, portfolio-reconcile) with an event file against the local runtime and prints its response.
 * For an S3 event whose object is missing, the object is first seeded from events/suppliers/sample.csv, so the
 * sample event runs on a fresh runtime. Queued scoring work is drained before exit.
 */
import { readFile } from 'node:fs/promises';
import { HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { S3Event, SQSEvent } from 'aws-lambda';
import { Command } from 'commander';
import { lambdaContext } from './lambda-context.ts';
import { startLocalRuntime } from './runtime.ts';

const FUNCTIONS = ['ingest', 'score', 'rescore', 'portfolio-reconcile'] as const;
type FunctionName = (typeof FUNCTIONS)[number];
const SEED_FILE = 'events/suppliers/sample.csv';

async function main(argv: string[]): Promise<number> {
  const program = new Command()
    .name('invoke')
    .argument('<function>', FUNCTIONS.join(' | '))
    .argument('<event>', 'event JSON file')
    .option('--data-dir <dir>', 'use (and keep) local data in this directory')
    .exitOverride();
  program.parse(argv);
  const [fn, eventFile] = program.args as [string, string];
  if (!FUNCTIONS.includes(fn as FunctionName)) {
    process.stderr.write(`invoke: unknown function '${fn}': expected ${FUNCTIONS.join(', ')}\n`);
    return 2;
  }
  let event: unknown;
  try {
    event = JSON.parse(await readFile(eventFile, 'utf8'));
  } catch (err) {
    process.stderr.write(`invoke: cannot read event ${eventFile}: ${(err as Error).message}\n`);
    return 2;
  }
  const dataDir = program.opts<{ dataDir?: string }>().dataDir;
  const runtime = await startLocalRuntime({ autoIngest: false, ...(dataDir ? { dataDir } : {}) });
  try {
    let response: unknown;
    if (fn === 'ingest') {
      const s3Event = event as S3Event;
      for (const r of s3Event.Records) {
        const key = decodeURIComponent(r.s3.object.key.replace(/\+/g, ' '));
        try {
          await runtime.s3.client.send(new HeadObjectCommand({ Bucket: r.s3.bucket.name, Key: key }));
        } catch {
          await runtime.s3.client.send(
            new PutObjectCommand({ Bucket: r.s3.bucket.name, Key: key, Body: await readFile(SEED_FILE) }),
          );
          process.stderr.write(`seeded s3://${r.s3.bucket.name}/${key} from ${SEED_FILE}\n`);
        }
      }
      response = await runtime.handlers.ingest(s3Event, lambdaContext('mineral-risk-ingest', 900));
    } else if (fn === 'score') {
      response = await runtime.handlers.score(event as SQSEvent, lambdaContext('mineral-risk-score', 60));
    } else if (fn === 'portfolio-reconcile') {
      response = await runtime.handlers.reconcile(event, lambdaContext('mineral-risk-portfolio-reconcile', 900));
    } else {
      const started = await runtime.handlers.rescore(event as never, lambdaContext('mineral-risk-rescore', 900));
      // The runs fan out on the rescore queue: wait for them, and show what they did.
      const runs = [started.policyRun, started.scheduledRun].filter((id): id is string => id !== null);
      response = { ...started, runs: await Promise.all(runs.map((id) => runtime.waitForRun(id))) };
    }
    await runtime.queue.drain();
    process.stdout.write(`${JSON.stringify(response, null, 2)}\n`);
    const q = runtime.queue.stats();
    process.stderr.write(
      `queue after the invocation: ${q.sent} sent, ${q.deleted} scored, ${q.deadLettered} dead-lettered\n`,
    );
    return 0;
  } finally {
    await runtime.stop();
  }
}

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    if ((err as { code?: string }).code?.startsWith('commander.')) {
      process.exitCode = 2;
      return;
    }
    process.stderr.write(`invoke: ${(err as Error).stack ?? err}\n`);
    process.exitCode = 1;
  },
);
