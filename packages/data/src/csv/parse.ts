import { isUtf8 } from 'node:buffer';
import { readFileSync } from 'node:fs';
import { Parser } from 'csv-parse';
import { parse } from 'csv-parse/sync';
import { DiscernError } from '@discern/core';
import { ColumnBuilder, type Table, checkHeader, fit } from '../table.js';
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
  return parseBytes(Buffer.from(body), delimiter, source, options);
}

/** Reads and parses a whole CSV file (UTF-8). Missing file → FILE_NOT_FOUND naming the path. */
export function readCsvFile(path: string, options: CsvOptions = {}): Table {
  const source = options.source ?? path;
  const bytes = readBytes(path);
  // Valid UTF-8 is parsed as it is, without a decoded copy of the whole file: decoding and encoding it again (what
  // parseCsv does with text) would give the same bytes. Anything else (invalid sequences, UTF-16) goes through text,
  // so that it is decoded exactly as before, invalid sequences replaced.
  if (!isUtf8(bytes)) return parseCsv(bytes.toString('utf8'), { ...options, source });
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  const body = bom ? bytes.subarray(3) : bytes;
  const delimiter = options.delimiter ?? detectDelimiter(headText(body));
  return parseBytes(body, delimiter, source, options);
}

const HEAD_BYTES = 1 << 16;

/** Enough of the start of the file (after any BOM) to hold its header line: what detectDelimiter reads. */
function headText(body: Buffer): string {
  for (let size = HEAD_BYTES; size < body.length; size *= 4) {
    // A cut inside a character only spoils the text after the last line break that ends the header line.
    const head = body.subarray(0, size).toString('utf8');
    if (headerLine(head).length < head.length - 4) return head;
  }
  return body.toString('utf8');
}

interface CsvApi {
  parse(buf: Buffer | undefined, end: boolean, push: (record: string[]) => void, close: () => void): Error | undefined;
}

/**
 * Calls `onRecord` with each record of `input` as csv-parse makes it, keeping none. This is what csv-parse/sync does
 * (its parser's `parse(data, true, push, close)`), with our `push`; if that parser is not found (a csv-parse
 * release that moved it), the documented `on_record` option does the same, somewhat slower.
 */
function eachRecord(input: Buffer, options: ReturnType<typeof csvParseOptions>, onRecord: (record: string[]) => void): void {
  const api = (new Parser(options) as unknown as { api?: CsvApi }).api;
  if (api && typeof api.parse === 'function') {
    const err = api.parse(input, true, onRecord, () => {});
    if (err !== undefined) throw err;
    return;
  }
  parse(input, {
    ...options,
    on_record: (record: string[]) => {
      onRecord(record);
      return null;
    },
  });
}

function parseBytes(body: Buffer, delimiter: string, source: string, options: CsvOptions): Table {
  checkDelimiter(delimiter);
  const missing = missingSet(options.missingValues);
  // Records are consumed as csv-parse makes them, none kept: each cell goes straight into its column's builder,
  // which keeps numeric columns compactly. An error found here is thrown after the parse, so that malformed CSV
  // anywhere in the file is still reported first, as when the whole file was parsed before any check.
  const counter = new LineCounter();
  let names: string[] | undefined;
  let builders: ColumnBuilder[] = [];
  let p = 0;
  let lines = new Int32Array(1024);
  let nRows = 0;
  let failed = false;
  let failure: unknown;
  const onRecord = (record: string[]): void => {
    if (failed) return;
    try {
      const line = counter.next(record);
      if (isBlankRecord(record)) return;
      if (names === undefined) {
        checkHeader(record, source);
        names = record;
        p = record.length;
        builders = record.map((name, j) => new ColumnBuilder(name, j));
        return;
      }
      if (record.length !== p) throw raggedRowError(source, line, record.length, p, delimiter);
      for (let j = 0; j < p; j++) {
        const s = record[j]!;
        builders[j]!.push(missing.has(s) ? null : s);
      }
      if (nRows === lines.length) {
        const grown = new Int32Array(lines.length * 2);
        grown.set(lines);
        lines = grown;
      }
      lines[nRows++] = line;
    } catch (e) {
      failed = true;
      failure = e;
    }
  };
  try {
    eachRecord(body, csvParseOptions(delimiter), onRecord);
  } catch (e) {
    throw csvParseError(e, source);
  }
  if (failed) throw failure;
  if (names === undefined) throw new DiscernError('DATA_INVALID', `${source}: the file is empty, no data rows; a header row and at least one data row are required`, { file: source });
  if (nRows === 0) throw new DiscernError('DATA_INVALID', `${source}: header only, no data rows`, { file: source });
  return { source, columns: builders.map((b) => b.finish()), nRows, lines: fit(lines, nRows) };
}

export function ioError(e: unknown, path: string): unknown {
  const code = (e as { code?: unknown } | null)?.code;
  if (code === 'ENOENT') return new DiscernError('FILE_NOT_FOUND', `file not found: ${path}`, { file: path }, { cause: e });
  if (code === 'EISDIR') return new DiscernError('IO_ERROR', `${path} is a directory, expected a CSV file`, { file: path }, { cause: e });
  if (typeof code === 'string') return new DiscernError('IO_ERROR', `cannot read ${path}: ${(e as Error).message}`, { file: path, errno: code }, { cause: e });
  return e;
}

function readBytes(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    throw ioError(e, path);
  }
}
