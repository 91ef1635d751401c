/**
 * One measured run of the rmi benchmark, in its own process so peak RSS is this run's alone:
 *
 *   node --import tsx bench/rmi.child.ts floor DIR    each workbook opened and its sheets read by the library
 *   node --import tsx bench/rmi.child.ts reader DIR   each workbook read and mapped by readWorkbook()
 *
 * Both read every .xlsx of DIR from disk, one after the other, and print one JSON line: times, CPU, peak RSS and
 * counts. The clock starts before each side imports its modules. The floor opens each whole file with read-excel-file
 * and reads the sheets the reader reads (Revision, Declaration, Smelter List, Smelter Look-up, Mine List where the
 * workbook has one) through the library's `sheets` option, numbers as text as the reader asks, and only counts their
 * rows; it learns which of them a workbook has from its xl/workbook.xml.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

const usage = () => process.resourceUsage();

async function files(dir: string): Promise<string[]> {
  return (await readdir(dir))
    .filter((f) => f.endsWith('.xlsx'))
    .sort()
    .map((f) => join(dir, f));
}

async function floor(dir: string) {
  const { default: readXlsxFile } = await import('read-excel-file/node');
  const { DECLARATION, MINE_LIST, REVISION, SMELTER_LIST, SMELTER_LOOKUP } = await import(
    '../shared/supplier-list/workbook/template.ts'
  );
  const { expandEntry, readCentralDirectory } = await import('../shared/supplier-list/workbook/zip-container.ts');
  const wanted = [REVISION, DECLARATION, SMELTER_LIST, SMELTER_LOOKUP, MINE_LIST];
  let workbooks = 0;
  let rows = 0;
  for (const file of await files(dir)) {
    const bytes = await readFile(file);
    const entry = readCentralDirectory(bytes).find((e) => e.name === 'xl/workbook.xml');
    if (!entry) throw new Error(`${file}: no xl/workbook.xml`);
    const names = new Set(
      [...new TextDecoder().decode(expandEntry(bytes, entry)).matchAll(/<sheet\b[^>]*\bname="([^"]*)"/g)].map(
        (m) => m[1],
      ),
    );
    const options = { sheets: wanted.filter((s) => names.has(s)), parseNumber: (s: string) => s } as Parameters<
      typeof readXlsxFile
    >[1];
    const sheets = (await readXlsxFile(bytes, options)) as unknown as { data: unknown[][] }[];
    for (const s of sheets) rows += s.data.length;
    workbooks++;
  }
  return { workbooks, rows, accepted: 0, rejected: 0, suppliers: 0 };
}

async function reader(dir: string) {
  const { readWorkbook } = await import('../shared/supplier-list/workbook/read-workbook.ts');
  let workbooks = 0;
  let rows = 0;
  let accepted = 0;
  let rejected = 0;
  const suppliers = new Set<string>();
  for (const file of await files(dir)) {
    const list = await readWorkbook(await readFile(file));
    rows += list.rows;
    accepted += list.accepted;
    rejected += list.rejectedCount;
    for (const s of list.suppliers) suppliers.add(s.supplier.supplierId);
    workbooks++;
  }
  return { workbooks, rows, accepted, rejected, suppliers: suppliers.size };
}

const [mode, dir] = process.argv.slice(2);
if (!dir || (mode !== 'floor' && mode !== 'reader')) {
  process.stderr.write('usage: rmi.child.ts floor|reader DIR\n');
  process.exit(2);
}
const t0 = performance.now();
const cpu0 = process.cpuUsage();
const counts = mode === 'floor' ? await floor(dir) : await reader(dir);
const ms = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
process.stdout.write(
  `${JSON.stringify({ mode, ms, cpuMs: (cpu.user + cpu.system) / 1000, maxRssMb: usage().maxRSS / 1024, ...counts })}\n`,
);
