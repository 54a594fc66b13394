import { type DenseMatrix, denseMatrix } from '@discern/linalg';
import { DiscernError, quote } from '@discern/core';
import { type BuildDatasetOptions, type Dataset, buildDatasetRows } from '../dataset.js';
import { ColumnBuilder, type Table, checkHeader, fit } from '../table.js';
import { closestName, columnLabel, isNonFiniteLiteral, listNames, missingSet, strictNumber } from './cells.js';
import { checkHasRows, isBlankRecord, raggedRowError } from './parse.js';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { detectDelimiterBytes } from './bytes.js';
import { fileRecordChunks, isGzipFile } from './files.js';
import { type ReadOptions, readerSettings } from './options.js';
import { CsvRecordReader } from './reader.js';

/** A byte range of a CSV file read on its own (a worker thread's share of a file without quoted fields). */
export interface CsvRange {
  /** Offset of the range's first byte: the start of a line. */
  readonly start: number;
  /** Offset past its last byte: just after a line break, or the file's end. */
  readonly end: number;
  /** The line its first byte starts. */
  readonly firstLine: number;
  /** The file's header (its first line), which the range does not hold. */
  readonly header: readonly string[];
  /** The file's separator. */
  readonly delimiter: string;
}

export interface CsvBatchOptions extends ReadOptions {
  /** Rows per batch (default 65 536); memory stays bounded by one batch and a chunk of the file (256 KiB, or the longest record). */
  batchSize?: number;
  /** Columns to extract as numbers, in this order: the columns of X. */
  columns: readonly string[];
  /** Further columns to pass through as text (e.g. an event id written next to the scores). */
  extra?: readonly string[];
  missingValues?: readonly string[];
  /** A missing cell in a numeric column: 'error' (default) or 'keep' (NaN, for models that marginalise it). */
  missing?: 'error' | 'keep';
  /** The file name messages name (default: the path). */
  source?: string;
  /** Read only this byte range of the file, its header given (see CsvRange). */
  range?: CsvRange;
}

export interface CsvBatch {
  /** 0-based index (among data rows) of the first row of this batch. */
  readonly startRow: number;
  /** rows × columns.length. */
  readonly X: DenseMatrix;
  /** 1-based file line of each row. */
  readonly lines: Int32Array;
  /** The requested `extra` columns, as text (null = missing). */
  readonly extra?: Record<string, (string | null)[]>;
}

/** The start the batch readers share: the options checked, and the file's records as they are read. */
function openCsv(path: string, options: ReadOptions & { readonly source?: string; readonly batchSize?: number; readonly range?: CsvRange }) {
  const batchSize = options.batchSize ?? 65536;
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new DiscernError('INVALID_ARGUMENT', (n) => `${n.option('batchSize')} must be a positive whole number of rows, got ${String(batchSize)}`, {
      option: 'batchSize',
      value: String(batchSize),
    });
  const source = options.source ?? path;
  const r = options.range;
  const settings = readerSettings(r ? { ...options, delimiter: r.delimiter } : options, source);
  const reader = new CsvRecordReader(r ? { ...settings, range: { start: r.start, end: r.end, firstLine: r.firstLine } } : settings);
  return { source, batchSize, reader, chunks: fileRecordChunks(path, reader) };
}

/**
 * Reads a CSV file in batches of rows, extracting the named columns as a Float64 matrix: for scoring files too big to
 * hold as a Table (millions of rows) with bounded memory. Same rules as parseCsv: header required, ragged rows,
 * non-numeric and non-finite cells are DATA_INVALID naming file, line, column and value.
 */
export async function* readCsvBatches(path: string, options: CsvBatchOptions): AsyncGenerator<CsvBatch, void, undefined> {
  const { source, batchSize, reader, chunks } = openCsv(path, options);
  const wanted = options.columns;
  const extraNames = options.extra ?? [];
  const keepMissing = (options.missing ?? 'error') === 'keep';
  const missing = missingSet(options.missingValues);

  let names: string[] | undefined;
  let idx: number[] = [];
  let extraIdx: number[] = [];
  const p = wanted.length;
  // a range of the file: the header is given, every record is data
  let pendingHeader: string[] | undefined = options.range ? [...options.range.header] : undefined;
  let X = new Float64Array(batchSize * p);
  let lines = new Int32Array(batchSize);
  let extra: (string | null)[][] = extraNames.map(() => []);
  let fill = 0;
  let startRow = 0;

  const emit = (): CsvBatch => {
    const batch: CsvBatch = {
      startRow,
      X: denseMatrix(fill, p, fill === batchSize ? X : X.slice(0, fill * p)),
      lines: fill === batchSize ? lines : lines.slice(0, fill),
      ...(extraNames.length > 0 ? { extra: Object.fromEntries(extraNames.map((n, k) => [n, extra[k]!])) } : {}),
    };
    startRow += fill;
    fill = 0;
    // fresh buffers: the consumer may keep the batch it was given
    X = new Float64Array(batchSize * p);
    lines = new Int32Array(batchSize);
    extra = extraNames.map(() => []);
    return batch;
  };

  for await (const chunk of chunks) {
    const records = chunk.records;
    for (let r = 0; r < records.length; r++) {
      let record = records[r]!;
      const line = chunk.lines[r]!;
      if (isBlankRecord(record)) continue;
      if (names === undefined && pendingHeader) {
        // the given header first, then this record as data
        record = pendingHeader;
        pendingHeader = undefined;
        r--; // this record again, as data, next
      }
      if (names === undefined) {
        names = record;
        checkHeader(names, source);
        // one map of the header: a wide file's columns are found in linear time
        const position = new Map<string, number>();
        names.forEach((name, j) => position.set(name, j));
        const all = names;
        const resolve = (n: string) => {
          const j = position.get(n);
          if (j === undefined) {
            const near = closestName(n, all);
            throw new DiscernError(
              'DATA_INVALID',
              `${source} has no column ${columnLabel(n)}${near ? ` (did you mean ${columnLabel(near)}?)` : ''}; its columns are ${listNames(all)}`,
              { file: source, line: 1, column: n, available: all.slice(0, 64), ...(near ? { suggestion: near } : {}) },
            );
          }
          return j;
        };
        idx = wanted.map(resolve);
        extraIdx = extraNames.map(resolve);
        continue;
      }
      if (record.length !== names.length) throw raggedRowError(source, line, record.length, names.length, reader.delimiter);
      const base = fill * p;
      for (let j = 0; j < p; j++) {
        const s = record[idx[j]!]!;
        let v: number;
        if (missing.has(s)) {
          if (!keepMissing) {
            const column = wanted[j]!;
            throw new DiscernError(
              'DATA_INVALID',
              (n) =>
                `${source} line ${line}, column ${columnLabel(column)}: missing value ${quote(s)}; a number is required (or read with ${n.option('missing')}: 'keep' to pass NaN to a model that handles missing values)`,
              { file: source, line, column, value: s, option: 'missing' },
            );
          }
          v = NaN;
        } else {
          v = strictNumber(s);
          if (v !== v) throw badNumber(source, line, wanted[j]!, s);
        }
        X[base + j] = v;
      }
      for (let k = 0; k < extraIdx.length; k++) {
        const s = record[extraIdx[k]!]!;
        extra[k]!.push(missing.has(s) ? null : s);
      }
      lines[fill] = line;
      fill++;
      if (fill === batchSize) yield emit();
    }
  }
  if (!options.range) checkHasRows(source, names !== undefined, startRow + fill);
  if (fill > 0) yield emit();
}

function badNumber(source: string, line: number, column: string, value: string): DiscernError {
  if (isNonFiniteLiteral(value))
    return new DiscernError(
      'DATA_INVALID',
      `${source} line ${line}, column ${columnLabel(column)}: non-finite value ${quote(value)}; every feature value must be a finite number (write a missing value as an empty cell or NA)`,
      { file: source, line, column, value },
    );
  return new DiscernError('DATA_INVALID', `${source} line ${line}, column ${columnLabel(column)}: ${quote(value)} is not a number; expected a decimal number such as 1.5, -0.5 or 1e3`, {
    file: source,
    line,
    column,
    value,
  });
}

export interface CsvTableOptions extends ReadOptions {
  /** Rows per table (default 65 536). */
  batchSize?: number;
  missingValues?: readonly string[];
  /** The file name messages name (default: the path). */
  source?: string;
}

/** A Table of consecutive data rows of a file, and the index (among data rows) of its first row. */
export interface CsvTableBatch {
  readonly startRow: number;
  readonly table: Table;
}

/**
 * Reads a CSV file as consecutive Tables of at most `batchSize` rows each, typed cell by cell as readCsvFile types
 * them (the same column builders), with the file's line numbers: what a whole-file read would check, in bounded
 * memory. The rules are readCsvFile's (header required, ragged rows and malformed CSV are DATA_INVALID naming file
 * and line), except that an error is reported where it is met, in file order. A column's kind (numeric or
 * categorical) is decided per table.
 */
export async function* readCsvTables(path: string, options: CsvTableOptions = {}): AsyncGenerator<CsvTableBatch, void, undefined> {
  const { source, batchSize, reader, chunks } = openCsv(path, options);
  const missing = missingSet(options.missingValues);

  let names: string[] | undefined;
  let p = 0;
  let builders: ColumnBuilder[] = [];
  let lines = new Int32Array(Math.min(batchSize, 1024));
  let fill = 0;
  let startRow = 0;

  const emit = (): CsvTableBatch => {
    const table: Table = { source, columns: builders.map((b) => b.finish()), nRows: fill, lines: fit(lines, fill) };
    const batch = { startRow, table };
    startRow += fill;
    fill = 0;
    builders = names!.map((name, j) => new ColumnBuilder(name, j));
    lines = new Int32Array(Math.min(batchSize, 1024));
    return batch;
  };

  for await (const chunk of chunks) {
    const records = chunk.records;
    for (let r = 0; r < records.length; r++) {
      const record = records[r]!;
      const line = chunk.lines[r]!;
      if (isBlankRecord(record)) continue;
      if (names === undefined) {
        checkHeader(record, source);
        names = record;
        p = record.length;
        builders = record.map((name, j) => new ColumnBuilder(name, j));
        continue;
      }
      if (record.length !== p) throw raggedRowError(source, line, record.length, p, reader.delimiter);
      for (let j = 0; j < p; j++) {
        const s = record[j]!;
        builders[j]!.push(missing.has(s) ? null : s);
      }
      if (fill === lines.length) {
        const grown = new Int32Array(Math.min(batchSize, lines.length * 2));
        grown.set(lines);
        lines = grown;
      }
      lines[fill++] = line;
      if (fill === batchSize) yield emit();
    }
  }
  checkHasRows(source, names !== undefined, startRow + fill);
  if (fill > 0) yield emit();
}

export interface DatasetBatchOptions extends BuildDatasetOptions, CsvTableOptions {}

/** A Dataset of consecutive rows of a file; `startRow` is the index (among the file's data rows) of its first row. */
export interface DatasetBatch {
  readonly startRow: number;
  readonly dataset: Dataset;
  /** 1-based file line of each row of the dataset. */
  readonly lines: Int32Array;
  /** Data rows of the file this batch was built from, dropped ones included. */
  readonly fileRows: number;
}

/**
 * Reads a CSV file as Datasets of consecutive rows, each built as buildDataset(readCsvFile(path), options) builds the
 * whole file, with bounded memory: for a second file (a test set, data to score) encoded like a training set, so
 * `encodings` (and, when labelled, `classes`) are required — per-batch inference of features or classes could differ
 * from the whole file's. Rows are dropped per the missing policy (a batch may then be empty); `rowIndex` counts the
 * file's data rows. Errors name the file and line, as buildDataset's do.
 */
export async function* readDatasetBatches(path: string, options: DatasetBatchOptions): AsyncGenerator<DatasetBatch, void, undefined> {
  if (!options.encodings)
    throw new DiscernError(
      'INVALID_ARGUMENT',
      (n) => `readDatasetBatches needs ${n.option('encodings')}, those of a dataset built before (a training set): features are not inferred per batch`,
      { option: 'encodings' },
    );
  if (options.label !== undefined && !options.classes)
    throw new DiscernError(
      'INVALID_ARGUMENT',
      (n) => `readDatasetBatches needs ${n.option('classes')}, those of a dataset built before (a training set), when the data are labelled (${n.option('label')} is given)`,
      { option: 'classes' },
    );
  const { batchSize, delimiter, missingValues, source, encoding, maxLineBytes, ...build } = options;
  const csv: CsvTableOptions = {
    ...(batchSize !== undefined ? { batchSize } : {}),
    ...(delimiter !== undefined ? { delimiter } : {}),
    ...(missingValues !== undefined ? { missingValues } : {}),
    ...(source !== undefined ? { source } : {}),
    ...(encoding !== undefined ? { encoding } : {}),
    ...(maxLineBytes !== undefined ? { maxLineBytes } : {}),
  };
  let kept = 0;
  let name = source ?? path;
  for await (const { startRow, table } of readCsvTables(path, csv)) {
    name = table.source;
    const ds = buildDatasetRows(table, build, true);
    kept += ds.X.rows;
    // rows of the file, not of the batch
    const rowIndex = ds.rowIndex!;
    for (let k = 0; k < rowIndex.length; k++) rowIndex[k]! += startRow;
    yield { startRow, dataset: ds, lines: ds.lines!, fileRows: table.nRows };
  }
  if (kept === 0)
    throw new DiscernError('DATA_INVALID', (n) => `${name}: no rows left after dropping rows with missing values (${n.option('missing')}: 'drop')`, {
      file: name,
      option: 'missing',
    });
}

/**
 * Splits a CSV file into byte ranges of whole lines, about `parts` of them, for worker threads to read on their own
 * (readCsvBatches with `range`), each with the line it starts on and the file's header and separator. Only a file
 * that can be cut at any line break can: not gzip-compressed, without a double quote (a quoted value may hold a line
 * break), without a lone CR; and large enough (`minBytes`, default 4 MiB per range). Otherwise undefined: read it
 * whole. Lines are counted as the reader counts them (LF, CRLF), so that errors name the same lines. With
 * `rowMultiple`, every range but the last holds a whole number of that many rows (blank lines are no rows), so that
 * batches of that many rows fall where they fall in the whole file.
 */
export function planCsvRanges(
  path: string,
  options: { parts: number; minBytes?: number; delimiter?: string; encoding?: 'utf8' | 'latin1'; rowMultiple?: number },
): CsvRange[] | undefined {
  if (isGzipFile(path)) return undefined;
  const minBytes = options.minBytes ?? 4 << 20;
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return undefined; // the reader reports it
  }
  try {
    const size = fstatSync(fd).size;
    if (options.parts < 2 || size < 2 * minBytes) return undefined;
    const target = Math.max(minBytes, Math.ceil(size / options.parts));
    const CHUNK = 4 << 20;
    const buf = Buffer.allocUnsafe(CHUNK);
    let header: Buffer | undefined;
    let headerEnd = -1; // offset just after the header's line break
    let lineBreaks = 0;
    const cuts: { at: number; line: number }[] = [];
    let nextCut = -1;
    let prevCR = false;
    let rows = 0; // data rows before the line being scanned
    let lineStart = 0;
    const multiple = options.rowMultiple ?? 1;
    const isSpace = (c: number) => c === 32 || c === 9 || c === 13 || c === 12 || c === 10;
    for (let pos = 0; pos < size; ) {
      const got = readSync(fd, buf, 0, Math.min(CHUNK, size - pos), pos);
      if (got === 0) break;
      const b = buf.subarray(0, got);
      if (b.indexOf(0x22) >= 0) return undefined; // a quote: a value may hold a line break
      // a CR is allowed only before an LF (CRLF, one line break)
      for (let i = b.indexOf(0x0d); i >= 0; i = b.indexOf(0x0d, i + 1)) {
        const next = i + 1 < got ? b[i + 1] : undefined;
        if (next === undefined) {
          prevCR = true;
          break;
        }
        if (next !== 0x0a) return undefined;
      }
      if (prevCR && b[0] !== 0x0a && pos > 0 && buf[0] !== 0x0a) return undefined;
      prevCR = false;
      for (let i = b.indexOf(0x0a); i >= 0; i = b.indexOf(0x0a, i + 1)) {
        lineBreaks++;
        const at = pos + i + 1; // the start of the next line
        if (headerEnd < 0) {
          if (at - pos > got || lineStart < pos) return undefined; // a header longer than a chunk: not worth it
          headerEnd = at;
          header = Buffer.from(b.subarray(lineStart - pos, i));
          nextCut = headerEnd + target;
          lineStart = at;
          continue;
        }
        // the line that ends here is a row unless it is blank (white space only)
        let blank = true;
        if (lineStart >= pos) {
          for (let j = lineStart - pos; j < i; j++)
            if (!isSpace(b[j]!)) {
              blank = false;
              break;
            }
        } else blank = false; // begun in the previous chunk: long enough not to be blank… checked below
        if (lineStart < pos) {
          // rare: a line across chunks; look at it whole
          const head = Buffer.alloc(Math.min(64, at - lineStart));
          readSync(fd, head, 0, head.length, lineStart);
          blank = head.every(isSpace) && at - lineStart <= 64;
        }
        if (!blank) rows++;
        lineStart = at;
        if (at >= nextCut && at < size && rows % multiple === 0) {
          cuts.push({ at, line: lineBreaks + 1 });
          nextCut = at + target;
        }
      }
      pos += got;
    }
    if (!header || headerEnd < 0 || cuts.length === 0) return undefined;
    let text = header.toString(options.encoding ?? 'utf8');
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    if (text.endsWith('\r')) text = text.slice(0, -1);
    if (text.trim() === '') return undefined; // blank lines before the header: the whole-file reader skips them
    const delimiter = options.delimiter ?? String.fromCharCode(detectDelimiterBytes(Buffer.from(text), 0, true));
    const names = text.split(delimiter).map((n) => n.trim());
    const starts = [{ at: headerEnd, line: 2 }, ...cuts];
    return starts.map((s, k) => ({ start: s.at, end: k + 1 < starts.length ? starts[k + 1]!.at : size, firstLine: s.line, header: names, delimiter }));
  } finally {
    closeSync(fd);
  }
}
