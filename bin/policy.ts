#!/usr/bin/env -S node --import tsx
/**
 * npm run policy -- [--url URL] [--token TOKEN] COMMAND
 *
 *   list [--as-of DATE]                         the effective timeline and each measure's state on the date
 *   show ID [--agreement]                       an item's revisions: who, when, why, source
 *   put FILE [--dry-run] [--if-match ETAG] [--wait]
 *                                               record a measure or agreement (FILE: { "type", "id", …body })
 *   withdraw ID --reason TEXT --source TITLE --source-date DATE [--source-url URL] [--agreement] [--dry-run] [--wait]
 *   runs [RUN_ID] [--wait]                      rescore runs, or one run's counts per tenant
 *
 * Talks to a running API (default http://127.0.0.1:3000, `npm run dev`) with an operator token (scope risk/admin):
 * --token or MINERAL_RISK_TOKEN. --dry-run asks the API what the change would move, per tenant, writing nothing.
 */
import { readFile } from 'node:fs/promises';
import { Command } from 'commander';
import { formatRun, formatRuns, formatTimeline, type RunLike, type TimelineLike } from './commands/policy-format.ts';

class CliError extends Error {}

interface Global {
  url: string;
  token?: string;
}

async function call(g: Global, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const token = g.token ?? process.env.MINERAL_RISK_TOKEN;
  if (!token)
    throw new CliError(
      'an operator token is needed: --token or MINERAL_RISK_TOKEN (npm run token -- --tenant platform --scope risk/admin)',
    );
  const r = await fetch(new URL(path, g.url), {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await r.text();
  const parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  if (!r.ok) {
    const errors = (parsed.errors as { path: string; message: string }[] | undefined) ?? [];
    throw new CliError(
      [
        `${r.status} ${parsed.title ?? ''}: ${parsed.detail ?? text}`,
        ...errors.map((e) => `  ${e.path || '(body)'}: ${e.message}`),
      ].join('\n'),
    );
  }
  return { status: r.status, body: parsed, etag: r.headers.get('etag') };
}

async function waitForRun(g: Global, runId: string, timeoutMs = 10 * 60_000): Promise<RunLike> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const { body } = await call(g, 'GET', `/v1/admin/rescore-runs/${encodeURIComponent(runId)}`);
    const run = body as unknown as RunLike;
    const progress = process.stderr.isTTY;
    if (run.status === 'completed') {
      if (progress) process.stderr.write('\r\x1b[K');
      return run;
    }
    if (Date.now() > until) throw new CliError(`run ${runId} still running after ${timeoutMs / 1000} s`);
    if (progress) process.stderr.write(`\r  run ${runId}: ${run.segmentsDone}/${run.segments} segments…`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

const collection = (agreement: boolean | undefined) => (agreement ? 'agreements' : 'policy-events');

async function main(argv: string[]): Promise<void> {
  const program = new Command()
    .name('policy')
    .option('--url <url>', 'the API', process.env.MINERAL_RISK_URL ?? 'http://127.0.0.1:3000')
    .option('--token <token>', 'an operator access token (default: MINERAL_RISK_TOKEN)')
    .exitOverride();
  const g = () => program.opts<Global>();
  const out = (s: string) => process.stdout.write(`${s}\n`);

  program
    .command('list')
    .option('--as-of <date>', 'the date the states are read on (default today)')
    .action(async (o: { asOf?: string }) => {
      const q = o.asOf ? `?asOf=${encodeURIComponent(o.asOf)}` : '';
      out(formatTimeline((await call(g(), 'GET', `/v1/reference/policy-events${q}`)).body as unknown as TimelineLike));
    });
  program
    .command('show <id>')
    .option('--agreement', 'the id is an agreement')
    .action(async (id: string, o: { agreement?: boolean }) => {
      const { body } = await call(
        g(),
        'GET',
        `/v1/admin/${collection(o.agreement)}/${encodeURIComponent(id)}/revisions`,
      );
      out(JSON.stringify(body, null, 2));
    });
  program
    .command('put <file>')
    .option('--dry-run', 'count what it would move, per tenant; record nothing')
    .option('--if-match <etag>', 'only if the item is still at this revision ("r12")')
    .option('--wait', 'wait for the rescore run and print its counts')
    .action(async (file: string, o: { dryRun?: boolean; ifMatch?: string; wait?: boolean }) => {
      const { type, id, ...body } = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
      if (typeof id !== 'string') throw new CliError(`${file}: "id" is required`);
      if (type !== 'policy-event' && type !== 'agreement')
        throw new CliError(`${file}: "type" must be "policy-event" or "agreement"`);
      const base = `/v1/admin/${collection(type === 'agreement')}/${encodeURIComponent(id)}`;
      const headers: Record<string, string> = o.ifMatch ? { 'if-match': o.ifMatch } : {};
      await change(g(), base, 'PUT', body, headers, o, out);
    });
  program
    .command('withdraw <id>')
    .requiredOption('--reason <text>')
    .requiredOption('--source <title>')
    .requiredOption('--source-date <date>')
    .option('--source-url <url>')
    .option('--agreement', 'the id is an agreement')
    .option('--dry-run', 'count what it would move, per tenant; record nothing')
    .option('--wait', 'wait for the rescore run and print its counts')
    .action(async (id: string, o: Record<string, string | boolean | undefined>) => {
      const base = `/v1/admin/${collection(o.agreement === true)}/${encodeURIComponent(id)}`;
      const body = {
        reason: o.reason,
        source: o.source,
        sourceDate: o.sourceDate,
        ...(o.sourceUrl ? { sourceUrl: o.sourceUrl } : {}),
      };
      await change(g(), base, 'DELETE', body, {}, { dryRun: o.dryRun === true, wait: o.wait === true }, out);
    });
  program
    .command('runs [runId]')
    .option('--wait', 'wait for the run to complete')
    .action(async (runId: string | undefined, o: { wait?: boolean }) => {
      if (!runId) {
        out(formatRuns((await call(g(), 'GET', '/v1/admin/rescore-runs')).body.items as RunLike[]));
        return;
      }
      const run = o.wait
        ? await waitForRun(g(), runId)
        : ((await call(g(), 'GET', `/v1/admin/rescore-runs/${encodeURIComponent(runId)}`)).body as unknown as RunLike);
      out(formatRun(run));
    });
  await program.parseAsync(argv);
}

async function change(
  g: Global,
  base: string,
  method: 'PUT' | 'DELETE',
  body: unknown,
  headers: Record<string, string>,
  o: { dryRun?: boolean | undefined; wait?: boolean | undefined },
  out: (s: string) => void,
) {
  if (o.dryRun) {
    const q = method === 'DELETE' ? '?withdraw=true' : '';
    const { body: started } = await call(g, 'POST', `${base}/dry-run${q}`, body, headers);
    out(formatRun(await waitForRun(g, started.runId as string)));
    return;
  }
  const { body: r } = await call(g, method, base, body, headers);
  const revision = r.revision as { revision: number; id: string; action: string };
  out(
    `${r.created === true ? 'created' : method === 'DELETE' ? 'withdrawn' : 'amended'} ${revision.id}: revision ${revision.revision}, etag ${r.etag}, data ${r.dataVersion}`,
  );
  const run = r.run as { runId: string } | null;
  if (!run) return out('rescore: not started now; the daily schedule starts it');
  out(`rescore run ${run.runId}`);
  if (o.wait) out(formatRun(await waitForRun(g, run.runId)));
}

main(process.argv).catch((err: unknown) => {
  if ((err as { code?: string }).code?.startsWith('commander.'))
    process.exit((err as { exitCode?: number }).exitCode ?? 2);
  process.stderr.write(`policy: ${(err as Error).message}\n`);
  process.exit(err instanceof CliError ? 1 : 2);
});
