#!/usr/bin/env -S npx tsx
import { Command, CommanderError } from 'commander';
import { scoreFile, UsageError } from './commands/score.ts';

/**
 * Exit codes: 0 processed, 1 rows rejected under --strict, 2 usage error or unreadable input (in a folder or an
 * archive: a file that could not be read; the others are still scored and reported).
 */
async function main(argv: string[]): Promise<number> {
  const program = new Command()
    .name('mineral-risk')
    .description('Score suppliers’ exposure to critical-mineral supply disruption, by mineral and origin country.')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  let code = 0;
  program
    .command('score', { isDefault: true })
    .description(
      'score a supplier list (CSV contract, or the same rows as a JSON array), an RMI workbook (CMRT, EMRT, AMRT), a folder of them, or a zip of workbooks',
    )
    .argument('<file>', 'a .csv, .json or .xlsx file, a folder of them, or a .zip of .xlsx workbooks')
    .option('--as-of <date>', 'score as of this date, YYYY-MM-DD (default: today, UTC)')
    .option('--buyer-country <cc>', 'the buying manufacturer’s country: measures may target one destination', 'US')
    .option('--end-use <use>', 'civil or military (some measures target military end users)', 'civil')
    .option('--format <format>', 'table, json or csv', 'table')
    .option('--out <file>', 'write the report to a file instead of stdout')
    .option('--strict', 'exit 1 if any row was rejected')
    .option('--no-progress', 'no progress bar on stderr')
    .option('--supplier-id <id>', 'one workbook: the supplier its lines belong to (default: its Declaration’s company)')
    .action(async (file: string, opts) => {
      code = await scoreFile(file, opts);
    });
  try {
    await program.parseAsync(argv);
    return code;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    if (err instanceof UsageError) {
      process.stderr.write(`mineral-risk: ${err.message}\n`);
      return 2;
    }
    process.stderr.write(`mineral-risk: unexpected error: ${(err as Error).stack ?? err}\n`);
    return 3;
  }
}

process.exitCode = await main(process.argv);
