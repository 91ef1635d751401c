/**
 * The CLI on RMI workbooks as a user runs it (a child process per case): one workbook, a folder of workbooks and a
 * CSV, a zip archive of workbooks; the one summary (each file's template, version, language, company, lines and
 * rejections at their sheet!cell, totals); exit codes; the archive refused by the reader's zip guard.
 */
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { runCli } from '../helpers/cli-process.ts';
import { identityWorkbooks, type NamedWorkbook, writeWorkbooks } from '../helpers/rmi-workbooks.ts';
import { tempDir } from '../helpers/temp.ts';

const AS_OF = ['--as-of', '2026-11-28'];
const MISTAKES = 'fulcrum-cmrt-6.31-zh.xlsx';

const cli = (...args: string[]) => runCli(args, 60_000);

const tmp = tempDir('mineral-risk-cli-rmi-');
let workbooks: NamedWorkbook[];
let folder: string;
let archive: string;

beforeAll(async () => {
  workbooks = await identityWorkbooks();
  folder = join(tmp.path, 'folder');
  writeWorkbooks(folder, workbooks);
  copyFileSync('events/suppliers/sample-with-errors.csv', join(folder, 'zz-list.csv'));
  writeFileSync(join(folder, 'notes.txt'), 'not a supplier list');
  archive = join(tmp.path, 'workbooks.zip');
  writeFileSync(
    archive,
    zipSync(Object.fromEntries(workbooks.map((w) => [`suppliers/${w.name}`, [w.bytes, { level: 0 }]]))),
  );
}, 120_000);

afterAll(() => tmp.remove());

describe.concurrent('mineral-risk score on RMI workbooks', () => {
  it('one workbook: its suppliers’ table, then its summary with the rejections at their cells', async ({ expect }) => {
    const r = await cli(join(folder, MISTAKES), ...AS_OF);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\nFulcrum Sol… Fulcrum Solder Co +\d+\.\d /);
    expect(r.stdout).toContain(
      `${MISTAKES} — CMRT 6.31 (中文 Chinese), "Fulcrum Solder Co" → supplier Fulcrum Solder Co: 5 Smelter List row(s)`,
    );
    expect(r.stdout).toMatch(
      /\n {4}Smelter List!A8: smelter id 'CID999999' is not in the workbook's Smelter Look-up tab\n/,
    );
    expect(r.stdout).toMatch(/\n {4}Smelter List!E9: smelter country: unknown country 'Atlantis'\n/);
    expect(r.stdout).toMatch(/\ntotals: 1 file\(s\) read, 3 lines: 1 scored, 2 rejected; 1 suppliers\n$/);
  });

  it('--strict exits 1 for a workbook with rejections; --supplier-id names its supplier', async ({ expect }) => {
    const r = await cli(join(folder, MISTAKES), ...AS_OF, '--strict', '--supplier-id', 'FUL-1', '--format', 'csv');
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n')[1]).toMatch(/^FUL-1,Fulcrum Solder Co,/);
    expect(r.stderr).toContain('→ supplier FUL-1:');
  });

  it('a folder: every workbook and the CSV scored in one report, one summary of every file, and totals', async ({
    expect,
  }) => {
    const r = await cli(folder, ...AS_OF, '--format', 'json');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.results.length).toBe(workbooks.length + 12);
    expect(doc.summary.rows).toBe(doc.summary.scored + doc.summary.rejected);
    const workbookRejections = doc.rejected.filter((x: { sheet?: string }) => x.sheet);
    expect(workbookRejections.map((x: { file: string; cell: string }) => `${x.file} ${x.cell}`)).toEqual(
      expect.arrayContaining([`${MISTAKES} A8`, `${MISTAKES} E9`]),
    );
    expect(doc.rejected.filter((x: { file: string }) => x.file === 'zz-list.csv')).toHaveLength(13);
    for (const w of workbooks) expect(r.stderr).toContain(`  ${w.name} — `);
    expect(r.stderr).toMatch(/ {2}acme-cmrt-6\.5-en\.xlsx — CMRT 6\.5 \(English\), "Acme Capacitors Ltd"/);
    expect(r.stderr).toMatch(/ {2}borealis-cmrt-6\.22-zh\.xlsx — CMRT 6\.22 \(中文 Chinese\)/);
    expect(r.stderr).toMatch(/ {2}zz-list\.csv — CSV, 33 rows: 20 scored, 13 rejected\n/);
    expect(r.stderr).toContain('  skipped (not .csv, .json or .xlsx): notes.txt\n');
    expect(r.stderr).toMatch(
      new RegExp(
        `\\ntotals: ${workbooks.length + 1} file\\(s\\) read, ${doc.summary.rows} lines: ${doc.summary.scored} scored, ${doc.summary.rejected} rejected; ${doc.summary.suppliers} suppliers\\n$`,
      ),
    );
  });

  it('a zip of the workbooks scores exactly as the folder of them', async ({ expect }) => {
    const only = join(tmp.path, 'only-workbooks');
    writeWorkbooks(only, workbooks);
    const [zip, dir] = await Promise.all([
      cli(archive, ...AS_OF, '--format', 'json'),
      cli(only, ...AS_OF, '--format', 'json'),
    ]);
    expect(zip.code).toBe(0);
    const fromZip = JSON.parse(zip.stdout);
    const fromDir = JSON.parse(dir.stdout);
    expect(fromZip.results).toEqual(fromDir.results);
    expect(fromZip.summary).toEqual(fromDir.summary);
    expect(fromZip.rejected.map((x: { file: string }) => x.file)).toEqual(
      fromDir.rejected.map((x: { file: string }) => `suppliers/${x.file}`),
    );
  });

  it('a file of a folder that cannot be read is reported and exits 2; the others are still scored', async ({
    expect,
  }) => {
    const dir = join(tmp.path, 'with-broken');
    writeWorkbooks(dir, workbooks.slice(0, 2));
    writeFileSync(join(dir, 'broken.xlsx'), 'supplier_id,mineral\nS-1,cobalt\n');
    const r = await cli(dir, ...AS_OF, '--format', 'csv');
    expect(r.code).toBe(2);
    expect(r.stdout.trim().split('\n')).toHaveLength(3);
    expect(r.stderr).toContain(
      '  broken.xlsx — unreadable: not an Excel workbook: the file is not an .xlsx (zip) container\n',
    );
    expect(r.stderr).toMatch(/\n3 file\(s\), 1 unreadable:\n/);
  });

  it('refuses a zip bomb by the reader’s guard, an .xls, and --supplier-id with a folder (exit 2)', async ({
    expect,
  }) => {
    const bomb = join(tmp.path, 'bomb.zip');
    writeFileSync(bomb, zipSync({ 'bomb.xlsx': [new Uint8Array(40 * 2 ** 20), { level: 9 }] }));
    const xls = join(tmp.path, 'old.xls');
    mkdirSync(tmp.path, { recursive: true });
    writeFileSync(xls, Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0, 0]));
    const [b, x, s] = await Promise.all([cli(bomb, ...AS_OF), cli(xls, ...AS_OF), cli(folder, '--supplier-id', 'X')]);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(
      /^mineral-risk: .*bomb\.zip: part 'bomb\.xlsx' expands to 40 MiB, more than the 25 MiB one part may \(a zip bomb\?\)\n$/,
    );
    expect(x.code).toBe(2);
    expect(x.stderr).toMatch(/an Excel 97–2003 workbook \(\.xls\): open it in Excel and save it as \.xlsx\n$/);
    expect(s.code).toBe(2);
    expect(s.stderr).toBe('mineral-risk: --supplier-id names the supplier of one workbook: not with a folder\n');
  });
});
