/**
 * npm run receiver -- --secret whsec_... [--port 8080]
 *
 * A webhook receiver to try the service's webhooks with (`npm run dev` prints how): it verifies each delivery's
 * Standard Webhooks signature with the secret the registration returned, answers 204 (401 when the signature does not
 * verify), de-duplicates by webhook-id as a receiver should, and prints one line per message. Listens on 127.0.0.1 only.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Command } from 'commander';
import type { ChangeRecord } from '../../shared/changes/change-record.ts';
import { verify } from '../../shared/webhooks/signature.ts';

/** A delivery's payload: the Standard Webhooks envelope. */
interface Payload {
  type: string;
  timestamp: string;
  data: ChangeRecord | Record<string, unknown>;
}

const MAX_BODY_BYTES = 1 << 20;

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new Error('body larger than 1 MiB');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** One line for a verified message. */
export function describeMessage(id: string, payload: Payload): string {
  if (payload.type !== 'supplier.risk_changed') return `${id} ${payload.type}`;
  const c = payload.data as ChangeRecord;
  const side = (s: ChangeRecord['before']) => (s ? `${s.score} ${s.band}` : '—');
  const delta = c.delta === null ? '' : ` (${c.delta > 0 ? '+' : ''}${c.delta})`;
  return `${id} ${c.supplierId}: ${side(c.before)} → ${side(c.after)}${delta}, cause ${c.cause.kind}`;
}

export async function startReceiver(options: { secrets: string[]; port: number; print: (line: string) => void }) {
  const seen = new Set<string>();
  const server = createServer((req, res) => {
    readBody(req)
      .then((body) => {
        let id: string;
        try {
          ({ id } = verify(body, req.headers, options.secrets));
        } catch (err) {
          options.print(`refused: ${(err as Error).message}`);
          res.writeHead(401).end();
          return;
        }
        // At least once: the same webhook-id can come again (a retry whose answer was lost); handle it once.
        if (seen.has(id)) options.print(`${id} again (already handled)`);
        else {
          seen.add(id);
          options.print(describeMessage(id, JSON.parse(body.toString('utf8')) as Payload));
        }
        res.writeHead(204).end();
      })
      .catch((err: unknown) => {
        options.print(`refused: ${(err as Error).message}`);
        res.writeHead(400).end();
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function main(argv: string[]): Promise<void> {
  const program = new Command()
    .name('receiver')
    .requiredOption('--secret <whsec>', 'the secret POST /v1/webhooks returned (repeat during a rotation)', collect, [])
    .option('--port <port>', 'port to listen on (127.0.0.1)', '8080')
    .exitOverride();
  program.parse(argv);
  const o = program.opts<{ secret: string[]; port: string }>();
  const r = await startReceiver({
    secrets: o.secret,
    port: Number(o.port),
    print: (line) => process.stdout.write(`${line}\n`),
  });
  process.stdout.write(`receiving on http://127.0.0.1:${r.port}/hooks (Ctrl-C to stop)\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => void r.stop().then(resolve));
    process.once('SIGTERM', () => void r.stop().then(resolve));
  });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href)
  main(process.argv).catch((err: unknown) => {
    if ((err as { code?: string }).code?.startsWith('commander.')) {
      process.exitCode = (err as { exitCode?: number }).exitCode ?? 2;
      return;
    }
    process.stderr.write(`receiver: ${(err as Error).message}\n`);
    process.exitCode = 1;
  });
