/**
 * npm run token -- --tenant acme --scope "risk/read risk/write" [--expires-in 1h] [--client-id ID]
 *
 * Prints an access token signed by the local key (infra/local/jwt.ts), for the local server (`npm run dev`).
 */
import { Command } from 'commander';
import type { Scope } from '../../shared/http/routes.ts';
import { uploadKey } from '../../shared/uploads/key.ts';
import { mintToken } from './jwt.ts';

const SCOPES: readonly Scope[] = ['risk/read', 'risk/write', 'risk/webhooks', 'risk/admin'];

class UsageError extends Error {}

async function main(argv: string[]): Promise<void> {
  const program = new Command()
    .name('token')
    .description('Print a local access token (RS256, issuer http://localhost/mineral-risk-dev)')
    .option('--tenant <tenant>', 'the tenant claim')
    .option('--scope <scopes>', `space-separated: ${SCOPES.join(', ')}`, 'risk/read')
    .option('--expires-in <span>', 'seconds, or a span such as 30m, 1h, 7d', '1h')
    .option('--client-id <id>', 'add a client_id claim (machine client)')
    .exitOverride();
  program.parse(argv);
  const o = program.opts<{ tenant?: string; scope: string; expiresIn: string; clientId?: string }>();
  if (o.tenant === undefined && o.clientId === undefined) throw new UsageError('--tenant is required');
  if (o.tenant !== undefined) {
    try {
      uploadKey(o.tenant, 'x');
    } catch {
      throw new UsageError(`--tenant '${o.tenant}': use letters, digits, - and _ (at most 64, starting alphanumeric)`);
    }
  }
  const scopes = o.scope.split(/\s+/).filter((s) => s !== '');
  const unknown = scopes.filter((s) => !SCOPES.includes(s as Scope));
  if (scopes.length === 0 || unknown.length > 0)
    throw new UsageError(`--scope '${o.scope}': expected one or more of ${SCOPES.join(' ')}`);
  const expiresIn = /^\d+$/.test(o.expiresIn) ? Number(o.expiresIn) : o.expiresIn;
  let token: string;
  try {
    token = await mintToken({
      scope: scopes,
      expiresIn,
      ...(o.tenant !== undefined ? { tenant: o.tenant } : {}),
      ...(o.clientId !== undefined ? { clientId: o.clientId } : {}),
    });
  } catch (err) {
    if (err instanceof TypeError) throw new UsageError(`--expires-in '${o.expiresIn}': ${err.message}`);
    throw err;
  }
  process.stdout.write(`${token}\n`);
}

main(process.argv).catch((err: unknown) => {
  if ((err as { code?: string }).code?.startsWith('commander.')) {
    process.exitCode = (err as { exitCode?: number }).exitCode ?? 2;
    return;
  }
  process.stderr.write(`token: ${err instanceof UsageError ? err.message : ((err as Error).stack ?? err)}\n`);
  process.exitCode = err instanceof UsageError ? 2 : 1;
});
