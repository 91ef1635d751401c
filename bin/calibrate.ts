#!/usr/bin/env -S npx tsx
/**
 * npm run calibrate -- [--as-of YYYY-MM-DD] [--buyer-country CC] [--world-mix unknown|shares|remainder] [--write] [--doc FILE]
 *
 * The calibration report: the world-mix score of every mineral of the 2025 US critical-minerals list for a buyer
 * (default US) as of a date (default today, UTC), ranked beside the EU CRM 2023 supply-risk values
 * (shared/reference/data/calibration-benchmark.ts), with Spearman's rank correlation and the largest disagreements.
 * Prints the markdown block; --write replaces the block between the calibration markers of docs/model.md (or --doc)
 * instead. test/unit/report/calibration.test.ts fails when the block in docs/model.md no longer matches what this
 * prints for the parameters recorded in its first marker.
 *
 * Exit codes: 0 done, 2 usage error (one line on stderr).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { Command, CommanderError } from 'commander';
import { parseCountry, parseIsoDate } from '../shared/model/normalise.ts';
import { referenceData } from '../shared/reference/index.ts';
import { WORLD_MIX_METHODS, type WorldMixMethod } from '../shared/report/calibration.ts';
import { calibrationSection, replaceSection } from '../shared/report/calibration-section.ts';
import { todayUtc, UsageError } from './commands/score.ts';

interface Options {
  asOf?: string;
  buyerCountry: string;
  worldMix: string;
  write?: boolean;
  doc: string;
}

async function run(o: Options): Promise<void> {
  const date = parseIsoDate(o.asOf ?? todayUtc());
  if (!date.ok) throw new UsageError(`--as-of: ${date.message}`);
  const buyer = parseCountry(o.buyerCountry);
  if (!buyer.ok) throw new UsageError(`--buyer-country: ${buyer.message}`);
  if (!WORLD_MIX_METHODS.includes(o.worldMix as WorldMixMethod))
    throw new UsageError(`--world-mix must be one of ${WORLD_MIX_METHODS.join(', ')} (got '${o.worldMix}')`);
  const block = calibrationSection(referenceData(), {
    asOf: date.value,
    buyerCountry: buyer.value,
    method: o.worldMix as WorldMixMethod,
  });
  if (!o.write) {
    process.stdout.write(`${block}\n`);
    return;
  }
  let doc: string;
  try {
    doc = await readFile(o.doc, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${o.doc}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let next: string;
  try {
    next = replaceSection(doc, block);
  } catch (err) {
    throw new UsageError(`${o.doc}: ${(err as Error).message}`);
  }
  await writeFile(o.doc, next);
  process.stderr.write(`calibrate: ${o.doc} updated (as of ${date.value}, ${buyer.value} buyer)\n`);
}

async function main(argv: string[]): Promise<number> {
  const program = new Command()
    .name('calibrate')
    .description('World-mix score of every 2025 US-list mineral, ranked beside the EU CRM 2023 supply risk.')
    .option('--as-of <date>', 'score as of this date, YYYY-MM-DD (default: today, UTC)')
    .option('--buyer-country <cc>', 'the buying manufacturer’s country', 'US')
    .option(
      '--world-mix <method>',
      'unknown: a line of unknown origin and processing (the world mix); shares: one line per producing country at its share; remainder: the model’s undeclared-share world mix',
      'unknown',
    )
    .option('--write', 'replace the calibration block of the document instead of printing it')
    .option('--doc <file>', 'the document --write updates', 'docs/model.md')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  try {
    await program.parseAsync(argv);
    await run(program.opts<Options>());
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    if (err instanceof UsageError) {
      process.stderr.write(`calibrate: ${err.message}\n`);
      return 2;
    }
    process.stderr.write(`calibrate: unexpected error: ${(err as Error).stack ?? err}\n`);
    return 3;
  }
}

process.exitCode = await main(process.argv);
