/**
 * The CLI as a user runs it: a child process per case (`node --import tsx bin/mineral-risk.ts …`), checking exit
 * codes, stdout and stderr. Cases run concurrently; each spawn takes about half a second.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { afterAll, describe, it } from 'vitest';
import { scoreFile, UsageError } from '../../bin/commands/score.ts';
import { CSV_COLUMNS } from '../../shared/report/csv.ts';
import { runCli } from '../helpers/cli-process.ts';
import { tempDir } from '../helpers/temp.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SAMPLE = 'events/suppliers/sample.csv';
const WITH_ERRORS = 'events/suppliers/sample-with-errors.csv';
const AS_OF = ['--as-of', '2026-11-28'];

const cli = (...args: string[]) => runCli(args);

const tmp = tempDir();
afterAll(() => tmp.remove());

const lines = (s: string) => s.split('\n').filter((l) => l !== '');

describe.concurrent('mineral-risk score', () => {
  it('scores sample.csv as a table: exit 0, every supplier, a summary line, nothing on stderr', async ({ expect }) => {
    const r = await cli(SAMPLE, ...AS_OF);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^mineral-risk — as of 2026-11-28, buyer US, model \S+, data \S+\n/);
    expect(r.stdout).toMatch(
      /\n123 rows: 123 scored, 0 rejected; 50 suppliers \(\d+ critical, \d+ high, \d+ medium, \d+ low\)\n$/,
    );
    expect(lines(r.stdout).filter((l) => /^SUP-00\d\d /.test(l))).toHaveLength(50);
    const bands = /\((\d+) critical, (\d+) high, (\d+) medium, (\d+) low\)/.exec(r.stdout)?.slice(1).map(Number) ?? [];
    expect(bands.reduce((a, b) => a + b, 0)).toBe(50);
  });

  it('reports rejected rows and still scores the rest: exit 0, the JSON contract, a summary on stderr', async ({
    expect,
  }) => {
    const r = await cli(WITH_ERRORS, ...AS_OF, '--format', 'json');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(Object.keys(doc)).toEqual([
      'asOf',
      'buyerCountry',
      'modelVersion',
      'dataVersion',
      'results',
      'rejected',
      'summary',
    ]);
    expect(doc).toMatchObject({ asOf: '2026-11-28', buyerCountry: 'US' });
    expect(doc.summary).toEqual({ rows: 33, suppliers: 12, scored: 20, rejected: 13 });
    expect(doc.summary.rows).toBe(doc.summary.scored + doc.summary.rejected);
    expect(doc.results).toHaveLength(12);
    expect(doc.rejected.map((x: { row: number }) => x.row)).toEqual([
      7, 12, 13, 15, 18, 19, 22, 23, 25, 26, 27, 29, 30,
    ]);
    for (const x of doc.rejected) expect(Object.keys(x)).toEqual(['row', 'field', 'value', 'message']);
    for (const s of doc.results) {
      expect(s).toMatchObject({ asOf: '2026-11-28', modelVersion: doc.modelVersion, dataVersion: doc.dataVersion });
      expect(s.score).toBeGreaterThanOrEqual(0);
      expect(s.score).toBeLessThanOrEqual(100);
    }
    const err = lines(r.stderr);
    expect(err[0]).toBe('33 rows: 20 scored, 13 rejected; 12 suppliers');
    expect(err[1]).toBe("  row 7, mineral: unknown mineral 'dysprosim'; did you mean 'dysprosium'?");
    expect(err).toHaveLength(14);
  });

  it('--strict exits 1 when a row was rejected, and still writes the report', async ({ expect }) => {
    const r = await cli(WITH_ERRORS, ...AS_OF, '--strict');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('\n33 rows: 20 scored, 13 rejected; 12 suppliers (');
    expect(r.stdout).toContain('\nRejected rows:\n  row 7, mineral: ');
  });

  it('--out writes a CSV file, one row per supplier; the same rows as a JSON array give the same report', async ({
    expect,
  }) => {
    const objects = parse(readFileSync(`${ROOT}/${SAMPLE}`), { columns: true }) as Record<string, string>[];
    // numbers as JSON numbers where the CSV had plain numbers, as a procurement system would send them;
    // and a field the contract does not know, which is ignored and noted
    const typed = objects.map((o) => ({
      ...Object.fromEntries(Object.entries(o).map(([k, v]) => [k, /^\d+$/.test(v) ? Number(v) : v])),
      buyerNotes: 'n/a',
    }));
    const json = tmp.file('sample.json', JSON.stringify(typed));
    const out = `${tmp.path}/report.csv`;
    const [fromCsv, fromJson] = await Promise.all([
      cli(SAMPLE, ...AS_OF, '--strict', '--format', 'csv', '--out', out),
      cli(json, ...AS_OF, '--format', 'csv'),
    ]);
    // --strict with nothing rejected: exit 0; --out: nothing on stdout
    expect(fromCsv.code).toBe(0);
    expect(fromCsv.stdout).toBe('');
    expect(fromCsv.stderr).toBe('123 rows: 123 scored, 0 rejected; 50 suppliers\n');
    const written = readFileSync(out, 'utf8');
    const [header, ...rows] = parse(written) as string[][];
    expect(header).toEqual([...CSV_COLUMNS]);
    expect(rows).toHaveLength(50);
    expect(new Set(rows.map((x) => x[0])).size).toBe(50);
    for (const x of rows) for (const c of x) expect(c).not.toMatch(/^[=+\-@\t\r]/);

    expect(fromJson.code).toBe(0);
    expect(fromJson.stderr).toBe(
      '123 rows: 123 scored, 0 rejected; 50 suppliers\nnote: ignored unknown column(s): buyerNotes\n',
    );
    expect(fromJson.stdout).toBe(written);
  });
});

describe.concurrent('usage errors and unreadable input: exit 2 with one line on stderr', () => {
  const cases: [string, () => string[], RegExp][] = [
    ['a missing file', () => [`${tmp.path}/nope.csv`], /^mineral-risk: cannot read .*nope\.csv: ENOENT$/],
    [
      'a folder with no supplier list or workbook in it',
      () => [mkdtempSync(`${tmp.path}/empty-`)],
      /^mineral-risk: .*empty-\w+: no \.csv, \.json or \.xlsx file in the folder$/,
    ],
    [
      'a bad --as-of',
      () => [SAMPLE, '--as-of', '2026-02-30'],
      /^mineral-risk: --as-of: date '2026-02-30' is not a calendar date$/,
    ],
    [
      'a bad --format',
      () => [SAMPLE, ...AS_OF, '--format', 'xml'],
      /^mineral-risk: --format must be table, json or csv \(got 'xml'\)$/,
    ],
    [
      'an unknown buyer country',
      () => [SAMPLE, ...AS_OF, '--buyer-country', 'Narnia'],
      /^mineral-risk: --buyer-country: unknown country 'Narnia'$/,
    ],
    ['an empty file', () => [tmp.file('empty.csv', ''), ...AS_OF], /^mineral-risk: .*empty\.csv: the file is empty/],
    [
      'a binary file',
      () => [
        tmp.file('image.csv', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d])),
        ...AS_OF,
      ],
      /^mineral-risk: .*image\.csv: not a text CSV file: binary content \(NUL byte\) at byte 8$/,
    ],
    [
      'a missing required column',
      () => [tmp.file('no-mineral.csv', 'supplier_id,origin_country\nS1,CN\n'), ...AS_OF],
      /^mineral-risk: .*no-mineral\.csv: missing required column\(s\): mineral$/,
    ],
    ['an unknown option', () => [SAMPLE, '--colour'], /^error: unknown option '--colour'/],
  ];

  it.for(cases)('%s', async ([, args, message], { expect }) => {
    const r = await cli(...args());
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(lines(r.stderr)).toHaveLength(1);
    expect(r.stderr.endsWith('\n')).toBe(true);
    expect(r.stderr.trimEnd()).toMatch(message);
  });
});

// More usage errors, through the command's own code in this process (no spawn): the CLI prints the UsageError's
// message on one line and exits 2, as the spawned cases above show.
describe('usage errors (in process)', () => {
  const cases: [string, () => [string, Parameters<typeof scoreFile>[1]], RegExp][] = [
    [
      'an ambiguous buyer country',
      () => [SAMPLE, { asOf: '2026-11-28', buyerCountry: 'Congo' }],
      /^--buyer-country: country 'Congo' is ambiguous: write 'CD' \(DR Congo\) or 'CG' \(Republic of the Congo\)$/,
    ],
    [
      'an unknown --end-use',
      () => [SAMPLE, { asOf: '2026-11-28', endUse: 'space' }],
      /^--end-use must be civil or military/,
    ],
    [
      'a JSON file with invalid UTF-8',
      () => [
        tmp.file(
          'latin1.json',
          new Uint8Array([
            ...Buffer.from('[{"supplier_id":"Soci'),
            0xe9,
            ...Buffer.from('t","mineral":"Co","origin_country":"CD"}]'),
          ]),
        ),
        { asOf: '2026-11-28' },
      ],
      /latin1\.json: not a UTF-8 text file/,
    ],
    [
      'a JSON file that is not an array',
      () => [tmp.file('object.json', '{"rows": []}'), {}],
      /object\.json: JSON input must be an array/,
    ],
    [
      'a large file missing a required column (fails, does not hang)',
      () => [tmp.file('no-mineral-big.csv', `supplier_id,origin_country\n${'S1,CN\n'.repeat(60_000)}`), {}],
      /no-mineral-big\.csv: missing required column\(s\): mineral$/,
    ],
    [
      'an --out in a missing directory',
      () => [SAMPLE, { asOf: '2026-11-28', out: `${tmp.path}/no/such/dir/r.csv` }],
      /^cannot write .*r\.csv: ENOENT$/,
    ],
  ];

  it.for(cases)('%s', async ([, args, message], { expect }) => {
    const [file, options] = args();
    const run = scoreFile(file, { ...options, progress: false });
    await expect(run).rejects.toThrow(UsageError);
    const err = await run.catch((e: Error) => e);
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).not.toContain('\n');
  });
});
