import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { DiscernError } from '@discern/linalg';
import { type Table, buildColumn, checkHeader } from '../table.js';
import { missingSet } from './cells.js';

export interface CsvOptions {
  /** The file name messages name (default 'input'). readCsvFile sets it to the path. */
  source?: string;
  /** Field separator; by default `,`, `;` or tab, whichever occurs most often (outside quotes) in the header line. */
  delimiter?: string;
  /** Cell values (after trimming) that mean "missing"; default `['', 'NA', '?']`. */
  missingValues?: readonly string[];
}

const BOM = '\uFEFF';
const CANDIDATE_DELIMITERS = [',', ';', '\t'] as const;

/** The header line: text up to the first line break outside double quotes. */
export function headerLine(text: string): string {
  let inQuotes = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') inQuotes = !inQuotes;
    else if (!inQuotes && (c === '\n' || c === '\r')) return text.slice(0, i);
  }
  return text;
}

/** `,`, `;` or tab: the separator that occurs most often outside quotes in the header line (`,` on a tie or none). */
export function detectDelimiter(text: string): string {
  const line = headerLine(text.startsWith(BOM) ? text.slice(1) : text);
  const counts = new Map<string, number>(CANDIDATE_DELIMITERS.map((d) => [d, 0]));
  let inQuotes = false;
  for (const c of line) {
    if (c === '"') inQuotes = !inQuotes;
    else if (!inQuotes && counts.has(c)) counts.set(c, counts.get(c)! + 1);
  }
  let best = ',';
  for (const d of CANDIDATE_DELIMITERS) if (counts.get(d)! > counts.get(best)!) best = d;
  return best;
}

/** csv-parse options shared by the whole-file and the streaming readers. */
export function csvParseOptions(delimiter: string) {
  return {
    delimiter,
    quote: '"',
    escape: '"',
    trim: true, // whitespace around fields (and around quotes) is not data; inside quotes it is kept
    relax_column_count: true, // ragged rows are reported by us, with file and line
    bom: true,
  } as const;
}

export function checkDelimiter(delimiter: string): void {
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r')
    throw new DiscernError('INVALID_ARGUMENT', `delimiter must be one character other than a quote or a line break, got ${JSON.stringify(delimiter)}`, {
      delimiter,
    });
}

/** A csv-parse error (unclosed quote, stray quote...) as DATA_INVALID naming the file and line. */
export function csvParseError(e: unknown, source: string): unknown {
  // csv-parse's sync and stream builds each bundle their own CsvError class, so recognise it by name.
  const code = e instanceof Error ? (e as Error & { code?: unknown }).code : undefined;
  if (e instanceof Error && e.constructor.name === 'CsvError') {
    const err = e as Error & { lines?: number };
    const line = err.lines;
    const where = line !== undefined ? `${source} line ${line}` : source;
    return new DiscernError(
      'DATA_INVALID',
      `${where}: malformed CSV (${err.message}); a field containing the separator, a quote or a line break must be enclosed in double quotes, with inner quotes doubled ("")`,
      { file: source, line, csvCode: code },
      { cause: e },
    );
  }
  return e;
}

/**
 * Numbers records by the line they start on. Without `skip_empty_lines` csv-parse yields one record per physical
 * line (a blank line is a record of one empty field), so a record's start line is the previous start plus one plus
 * the line breaks inside the previous record's quoted fields (CRLF, LF or a lone CR count once each, as editors do).
 * Counting ourselves is also cheaper than csv-parse's `info` and avoids its double count of a quoted CRLF.
 */
export class LineCounter {
  private line = 1;
  next(record: readonly string[]): number {
    const start = this.line;
    let breaks = 0;
    for (const f of record) {
      if (f.indexOf('\n') < 0 && f.indexOf('\r') < 0) continue;
      for (let k = 0; k < f.length; k++) {
        const c = f.charCodeAt(k);
        if (c === 10 || (c === 13 && f.charCodeAt(k + 1) !== 10)) breaks++;
      }
    }
    this.line = start + 1 + breaks;
    return start;
  }
}

/** A record that is one empty field: a line of whitespace only, which is skipped like an empty line. */
export function isBlankRecord(record: readonly string[]): boolean {
  return record.length === 1 && record[0] === '';
}

export function raggedRowError(source: string, line: number, got: number, expected: number, delimiter: string): DiscernError {
  const sep = delimiter === '\t' ? 'tab' : `'${delimiter}'`;
  return new DiscernError(
    'DATA_INVALID',
    `${source} line ${line} has ${got} field${got === 1 ? '' : 's'}, but the header (line 1) has ${expected}; every row needs one value per column, separated by ${sep} (quote a value that contains the separator)`,
    { file: source, line, fields: got, expected },
  );
}

/**
 * Parses CSV text (header row required) into a typed Table. Throws DATA_INVALID for malformed CSV, ragged rows,
 * empty or duplicate column names and a file without data rows.
 */
export function parseCsv(text: string, options: CsvOptions = {}): Table {
  const source = options.source ?? 'input';
  if (typeof text !== 'string') throw new DiscernError('INVALID_ARGUMENT', `parseCsv expects a string, got ${typeof text}`);
  const body = text.startsWith(BOM) ? text.slice(1) : text;
  const delimiter = options.delimiter ?? detectDelimiter(body);
  checkDelimiter(delimiter);
  const missing = missingSet(options.missingValues);

  let parsed: string[][];
  try {
    parsed = parse(body, csvParseOptions(delimiter)) as string[][];
  } catch (e) {
    throw csvParseError(e, source);
  }
  const counter = new LineCounter();
  let k = 0;
  while (k < parsed.length && isBlankRecord(parsed[k]!)) counter.next(parsed[k++]!);
  if (k === parsed.length) throw new DiscernError('DATA_INVALID', `${source}: the file is empty, no data rows; a header row and at least one data row are required`, { file: source });
  const names = parsed[k]!;
  counter.next(names);
  checkHeader(names, source);
  const p = names.length;

  const cells: (string | null)[][] = names.map(() => []);
  const lines: number[] = [];
  for (k++; k < parsed.length; k++) {
    const record = parsed[k]!;
    const line = counter.next(record);
    if (isBlankRecord(record)) continue;
    if (record.length !== p) throw raggedRowError(source, line, record.length, p, delimiter);
    for (let j = 0; j < p; j++) {
      const s = record[j]!;
      cells[j]!.push(missing.has(s) ? null : s);
    }
    lines.push(line);
  }
  if (lines.length === 0) throw new DiscernError('DATA_INVALID', `${source}: header only, no data rows`, { file: source });
  return { source, columns: names.map((name, j) => buildColumn(name, j, cells[j]!)), nRows: lines.length, lines: Int32Array.from(lines) };
}

/** Reads and parses a whole CSV file (UTF-8). Missing file → FILE_NOT_FOUND naming the path. */
export function readCsvFile(path: string, options: CsvOptions = {}): Table {
  return parseCsv(readText(path), { ...options, source: options.source ?? path });
}

export function ioError(e: unknown, path: string): unknown {
  const code = (e as { code?: unknown } | null)?.code;
  if (code === 'ENOENT') return new DiscernError('FILE_NOT_FOUND', `file not found: ${path}`, { file: path }, { cause: e });
  if (code === 'EISDIR') return new DiscernError('IO_ERROR', `${path} is a directory, expected a CSV file`, { file: path }, { cause: e });
  if (typeof code === 'string') return new DiscernError('IO_ERROR', `cannot read ${path}: ${(e as Error).message}`, { file: path, errno: code }, { cause: e });
  return e;
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw ioError(e, path);
  }
}
