/**
 * Reads an RMI reporting workbook (CMRT 6.x, EMRT 1.x/2.x, AMRT 1.2+) as a supplier list: each Smelter List row
 * becomes exposure lines of the one supplier that sent it, validated and assembled by the same code as a CSV row
 * (validateRow, SupplierListAssembler), so a workbook scores exactly as the equivalent CSV. Whole-file problems throw
 * WorkbookFormatError (a SupplierListFormatError); every row problem is a rejection naming sheet, row and cell.
 */
import { MAX_SUPPLIER_ID_LENGTH } from '../../model/limits.ts';
import { idProblem } from '../../text/safe-text.ts';
import { SupplierListAssembler } from '../assemble.ts';
import { mapHeader } from '../header.ts';
import { MAX_REJECTED_VALUE, type SupplierList } from '../read.ts';
import { isRejection, type Rejection, validateRow } from '../row.ts';
import { readDeclaration } from './declaration.ts';
import { WorkbookFormatError } from './errors.ts';
import { readLookup } from './lookup.ts';
import { readMineList } from './mine-list.ts';
import { readSheets } from './sheets.ts';
import { type MetalTally, mapSmelterList, type WorkbookLine } from './smelter-lines.ts';
import {
  DECLARATION,
  detectTemplate,
  MINE_LIST,
  REVISION,
  SMELTER_LIST,
  SMELTER_LOOKUP,
  type Template,
} from './template.ts';
import { isWorkbookContainer } from './workbook-package.ts';

export { WorkbookFormatError, WorkbookTooLargeError } from './errors.ts';
export { RECYCLED_ORIGIN } from './smelter-lines.ts';

/** The media type of an .xlsx workbook (what an upload of one declares). */
export const WORKBOOK_MEDIA_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
/** Macro-enabled workbooks (.xlsm) are read as data too: their VBA project is never expanded nor run. */
export const WORKBOOK_MEDIA_TYPES = [WORKBOOK_MEDIA_TYPE, 'application/vnd.ms-excel.sheet.macroEnabled.12'] as const;

export interface WorkbookReadOptions {
  /** The supplier the workbook is for; default the company in Declaration D8. */
  supplierId?: string;
  /** Keep at most this many rejections in `rejected` (all are counted); default all. */
  keepRejections?: number;
  signal?: AbortSignal;
}

export interface WorkbookInfo {
  template: Template;
  version: string;
  /** The language chosen in Declaration D3, as written ('English', '中文 Chinese'); null when blank. */
  language: string | null;
  /** The company in Declaration D8; null when blank. */
  company: string | null;
  supplierId: string;
  /** Per metal met in the Smelter List: rows, lines made, and why it is not scored (gold, a metal outside the model). */
  metals: MetalTally[];
  /** Metals answered "No" to Declaration question 1 (not intentionally added: no exposure). */
  declaredNo: string[];
  counts: {
    /** Non-blank Smelter List rows read. */
    smelterRows: number;
    /** Exposure lines made (accepted or rejected by validation). */
    lines: number;
    /** Rows of metals counted but not scored (gold; metals outside the model's catalogue). */
    notScoredRows: number;
    /** Rows of metals answered "No" to question 1. */
    declaredNoRows: number;
    /** Lines identical to an earlier one (same metal, origin, processing country and smelter), merged. */
    mergedLines: number;
  };
  /** The file carries a VBA project (.xlsm): it was not expanded nor run. */
  hasMacros: boolean;
}

export interface WorkbookList extends SupplierList {
  workbook: WorkbookInfo;
}

/** True for bytes that are a zip holding an Excel workbook ([Content_Types].xml and xl/workbook.xml). */
export function looksLikeWorkbook(bytes: Uint8Array): boolean {
  return isWorkbookContainer(bytes);
}

/** The place of a rejection as people read it: "Smelter List!E17", or "row 17" for a CSV row. */
export function rejectionPlace(r: Rejection): string {
  return r.sheet ? `${r.sheet}!${r.cell ?? r.row}` : `row ${r.row}`;
}

/** The contract columns a workbook line fills, in this order. */
const LINE_COLUMNS = ['supplier_id', 'supplier_name', 'mineral', 'origin_country', 'processing_country', 'processor'];
const LINE_HEADER = mapHeader(LINE_COLUMNS);

/**
 * The supplier id: the one given, else the company name (D8) with white space collapsed and '/' (which an id of the
 * API's paths cannot hold) written '-'. An id that is still not valid is a whole-file error naming where it came from.
 */
function supplierIdOf(options: WorkbookReadOptions, company: string | null): string {
  const given = options.supplierId?.trim();
  const id = given || company?.replace(/\s+/g, ' ').replace(/\//g, '-');
  const place = given ? {} : { sheet: DECLARATION, cell: 'D8' };
  const what = given ? 'the supplier id given' : `the company name '${company}'`;
  if (!id)
    throw new WorkbookFormatError('company name missing, and no supplier id was given with the workbook', {
      sheet: DECLARATION,
      cell: 'D8',
    });
  if (id.length > MAX_SUPPLIER_ID_LENGTH)
    throw new WorkbookFormatError(
      `${what} is longer than ${MAX_SUPPLIER_ID_LENGTH} characters, the most a supplier id may have: give a supplier id`,
      place,
    );
  if (id.includes('/')) throw new WorkbookFormatError(`${what} contains '/': give a supplier id without it`, place);
  const bad = idProblem(id);
  if (bad) throw new WorkbookFormatError(`${what} ${bad}: give a supplier id`, place);
  return id;
}

/** The cell a validation problem of `field` points at. */
function placeOf(line: WorkbookLine, field: string) {
  if (field === 'origin_country') return line.at.origin;
  if (field === 'processing_country') return line.at.processing;
  if (field === 'processor') return line.at.processor;
  if (field === 'supplier_id' || field === 'supplier_name') return { sheet: DECLARATION, cell: 'D8' };
  return line.at.mineral;
}

export async function readWorkbook(bytes: Uint8Array, options: WorkbookReadOptions = {}): Promise<WorkbookList> {
  options.signal?.throwIfAborted();
  const { sheets, hasMacros } = await readSheets(bytes, [
    REVISION,
    DECLARATION,
    SMELTER_LIST,
    SMELTER_LOOKUP,
    MINE_LIST,
  ]);
  options.signal?.throwIfAborted();
  const detected = detectTemplate(sheets);
  const declaration = readDeclaration(detected.declaration, detected.template);
  const supplierId = supplierIdOf(options, declaration.company);
  const mapped = mapSmelterList({
    grid: detected.smelters,
    lookup: readLookup(sheets.get(SMELTER_LOOKUP)),
    answers: declaration.answers,
    mines:
      detected.template === 'EMRT' && detected.version.startsWith('2')
        ? readMineList(sheets.get(MINE_LIST))
        : undefined,
  });

  const keep = options.keepRejections ?? Number.POSITIVE_INFINITY;
  const rejected: Rejection[] = [];
  let rejectedCount = 0;
  const reject = (r: Rejection) => {
    rejectedCount++;
    if (rejected.length < keep)
      rejected.push(
        r.value.length > MAX_REJECTED_VALUE
          ? { ...r, value: `${r.value.slice(0, MAX_REJECTED_VALUE)}… (${r.value.length} characters)` }
          : r,
      );
  };
  const assembler = new SupplierListAssembler();
  const name = declaration.company ?? '';
  let lines = 0;
  for (const item of mapped.items) {
    if ('rejection' in item) {
      reject(item.rejection);
      continue;
    }
    const line = item.line;
    lines++;
    const record = [
      supplierId,
      name,
      line.mineral,
      line.originCountry ?? '',
      line.processingCountry ?? '',
      line.processor ?? '',
    ];
    const result = validateRow(record, LINE_HEADER, line.row, LINE_COLUMNS.length);
    const problem = isRejection(result) ? result : assembler.add(result);
    if (problem) reject({ ...problem, ...placeOf(line, problem.field) });
  }
  const declaredNo = [...declaration.answers].filter(([, a]) => a.answer === 'No').map(([metal]) => metal);
  return {
    rows: assembler.accepted + rejectedCount,
    accepted: assembler.accepted,
    rejectedCount,
    rejected,
    suppliers: [...assembler.suppliersWithRows()],
    delimiter: '',
    ignoredColumns: [],
    workbook: {
      template: detected.template,
      version: detected.version,
      language: declaration.language,
      company: declaration.company,
      supplierId,
      metals: mapped.metals,
      declaredNo,
      counts: {
        smelterRows: mapped.smelterRows,
        lines,
        notScoredRows: mapped.notScoredRows,
        declaredNoRows: mapped.declaredNoRows,
        mergedLines: mapped.mergedLines,
      },
      hasMacros,
    },
  };
}
