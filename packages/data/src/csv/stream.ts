import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { parse } from 'csv-parse';
import { type DenseMatrix, denseMatrix } from '@discern/linalg';
import { DiscernError } from '@discern/core';
import { type BuildDatasetOptions, type Dataset, buildDatasetRows } from '../dataset.js';
import { ColumnBuilder, type Table, checkHeader, fit } from '../table.js';
import { closestName, isNonFiniteLiteral, listNames, missingSet, quote, strictNumber } from './cells.js';
import { LineCounter, checkDelimiter, csvParseError, csvParseOptions, detectDelimiter, ioError, isBlankRecord, raggedRowError } from './parse.js';

export interface CsvBatchOptions {
  /** Rows per batch (default 65 536); memory stays bounded by one batch plus csv-parse's buffers. */
  batchSize?: number;
  /** Columns to extract as numbers, in this order: the columns of X. */
  columns: readonly string[];
  /** Further columns to pass through as text (e.g. an event id written next to the scores). */
  extra?: readonly string[];
  delimiter?: string;
  missingValues?: readonly string[];
  /** A missing cell in a numeric column: 'error' (default) or 'keep' (NaN, for models that marginalise it). */
  missing?: 'error' | 'keep';
  /** The file name messages name (default: the path). */
  source?: string;
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

const HEAD_BYTES = 1 << 20;

async function readHead(path: string): Promise<string> {
  let fh;
  try {
    fh = await open(path, 'r');
  } catch (e) {
    throw ioError(e, path);
  }
  try {
    const buf = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await fh.read(buf, 0, HEAD_BYTES, 0);
    return buf.subarray(0, bytesRead).toString('utf8');
  } catch (e) {
    throw ioError(e, path);
  } finally {
    await fh.close();
  }
}

/**
 * The start the batch readers share: the batch size checked, the delimiter given or detected from the file's head,
 * and csv-parse fed from a read stream whose I/O errors end the parse as coded errors naming the file; `close` ends
 * both.
 */
async function openCsv(
  path: string,
  options: { readonly source?: string; readonly batchSize?: number; readonly delimiter?: string },
): Promise<{ source: string; batchSize: number; delimiter: string; parser: ReturnType<typeof parse>; close: () => void }> {
  const batchSize = options.batchSize ?? 65536;
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new DiscernError('INVALID_ARGUMENT', `batchSize must be a positive integer, got ${batchSize}`, { batchSize });
  const delimiter = options.delimiter ?? detectDelimiter(await readHead(path));
  checkDelimiter(delimiter);
  const input = createReadStream(path);
  const parser = parse(csvParseOptions(delimiter));
  input.on('error', (e) => parser.destroy(ioError(e, path) as Error));
  input.pipe(parser);
  const close = (): void => {
    input.destroy();
    parser.destroy();
  };
  return { source: options.source ?? path, batchSize, delimiter, parser, close };
}

/** DATA_INVALID for a file that ended with no header or no data rows. */
function checkHasRows(source: string, sawHeader: boolean, rows: number): void {
  if (!sawHeader) throw new DiscernError('DATA_INVALID', `${source}: the file is empty, no data rows; a header row and at least one data row are required`, { file: source });
  if (rows === 0) throw new DiscernError('DATA_INVALID', `${source}: header only, no data rows`, { file: source });
}

/**
 * Reads a CSV file in batches of rows, extracting the named columns as a Float64 matrix: for scoring files too big to
 * hold as a Table (millions of rows) with bounded memory. Same rules as parseCsv: header required, ragged rows,
 * non-numeric and non-finite cells are DATA_INVALID naming file, line, column and value.
 */
export async function* readCsvBatches(path: string, options: CsvBatchOptions): AsyncGenerator<CsvBatch, void, undefined> {
  const { source, batchSize, delimiter, parser, close } = await openCsv(path, options);
  const wanted = options.columns;
  const extraNames = options.extra ?? [];
  const keepMissing = (options.missing ?? 'error') === 'keep';
  const missing = missingSet(options.missingValues);

  const counter = new LineCounter();
  let names: string[] | undefined;
  let idx: number[] = [];
  let extraIdx: number[] = [];
  const p = wanted.length;
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

  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      const line = counter.next(record);
      if (names === undefined) {
        if (isBlankRecord(record)) continue;
        names = record;
        checkHeader(names, source);
        const resolve = (n: string) => {
          const j = names!.indexOf(n);
          if (j < 0) {
            const near = closestName(n, names!);
            throw new DiscernError(
              'DATA_INVALID',
              `${source} has no column '${n}'${near ? ` (did you mean '${near}'?)` : ''}; its columns are ${listNames(names!)}`,
              { file: source, column: n, available: names },
            );
          }
          return j;
        };
        idx = wanted.map(resolve);
        extraIdx = extraNames.map(resolve);
        continue;
      }
      if (isBlankRecord(record)) continue;
      if (record.length !== names.length) throw raggedRowError(source, line, record.length, names.length, delimiter);
      const base = fill * p;
      for (let j = 0; j < p; j++) {
        const s = record[idx[j]!]!;
        let v: number;
        if (missing.has(s)) {
          if (!keepMissing)
            throw new DiscernError(
              'DATA_INVALID',
              `${source} line ${line}, column '${wanted[j]}': missing value ${quote(s)}; a number is required (or read with missing: 'keep' to pass NaN to a model that handles missing values)`,
              { file: source, line, column: wanted[j], value: s },
            );
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
  } catch (e) {
    throw csvParseError(e, source);
  } finally {
    close();
  }
  checkHasRows(source, names !== undefined, startRow + fill);
  if (fill > 0) yield emit();
}

function badNumber(source: string, line: number, column: string, value: string): DiscernError {
  if (isNonFiniteLiteral(value))
    return new DiscernError(
      'DATA_INVALID',
      `${source} line ${line}, column '${column}': non-finite value ${quote(value)}; every feature value must be a finite number (write a missing value as an empty cell or NA)`,
      { file: source, line, column, value },
    );
  return new DiscernError('DATA_INVALID', `${source} line ${line}, column '${column}': ${quote(value)} is not a number; expected a decimal number such as 1.5, -0.5 or 1e3`, {
    file: source,
    line,
    column,
    value,
  });
}

export interface CsvTableOptions {
  /** Rows per table (default 65 536). */
  batchSize?: number;
  delimiter?: string;
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
  const { source, batchSize, delimiter, parser, close } = await openCsv(path, options);
  const missing = missingSet(options.missingValues);

  const counter = new LineCounter();
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

  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      const line = counter.next(record);
      if (isBlankRecord(record)) continue;
      if (names === undefined) {
        checkHeader(record, source);
        names = record;
        p = record.length;
        builders = record.map((name, j) => new ColumnBuilder(name, j));
        continue;
      }
      if (record.length !== p) throw raggedRowError(source, line, record.length, p, delimiter);
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
  } catch (e) {
    throw csvParseError(e, source);
  } finally {
    close();
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
    throw new DiscernError('INVALID_ARGUMENT', 'readDatasetBatches needs the encodings of a dataset built before (a training set): features are not inferred per batch', {});
  if (options.label !== undefined && !options.classes)
    throw new DiscernError('INVALID_ARGUMENT', 'readDatasetBatches needs the classes of a dataset built before (a training set) when the data are labelled', { label: options.label });
  const { batchSize, delimiter, missingValues, source, ...build } = options;
  const csv: CsvTableOptions = {
    ...(batchSize !== undefined ? { batchSize } : {}),
    ...(delimiter !== undefined ? { delimiter } : {}),
    ...(missingValues !== undefined ? { missingValues } : {}),
    ...(source !== undefined ? { source } : {}),
  };
  let kept = 0;
  let name = source ?? path;
  for await (const { startRow, table } of readCsvTables(path, csv)) {
    name = table.source;
    const ds = buildDatasetRows(table, build, true);
    const n = ds.X.rows;
    kept += n;
    const rowIndex = ds.rowIndex!;
    const lines = new Int32Array(n);
    for (let k = 0; k < n; k++) {
      lines[k] = table.lines![rowIndex[k]!]!;
      rowIndex[k]! += startRow;
    }
    yield { startRow, dataset: ds, lines, fileRows: table.nRows };
  }
  if (kept === 0) throw new DiscernError('DATA_INVALID', `${name}: no rows left after dropping rows with missing values`, { file: name });
}
