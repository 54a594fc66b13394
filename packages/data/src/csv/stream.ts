import { type DenseMatrix, denseMatrix } from '@discern/linalg';
import { DiscernError, quote } from '@discern/core';
import { type BuildDatasetOptions, type Dataset, buildDatasetRows } from '../dataset.js';
import { ColumnBuilder, type Table, checkHeader, fit } from '../table.js';
import { closestName, columnLabel, isNonFiniteLiteral, listNames, missingSet, strictNumber } from './cells.js';
import { checkHasRows, isBlankRecord, raggedRowError } from './parse.js';
import { CsvRecordReader, type ReadOptions, fileRecordChunks, readerSettings } from './reader.js';

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
function openCsv(path: string, options: ReadOptions & { readonly source?: string; readonly batchSize?: number }) {
  const batchSize = options.batchSize ?? 65536;
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new DiscernError('INVALID_ARGUMENT', (n) => `${n.option('batchSize')} must be a positive whole number of rows, got ${String(batchSize)}`, {
      option: 'batchSize',
      value: String(batchSize),
    });
  const source = options.source ?? path;
  const reader = new CsvRecordReader(readerSettings(options, source));
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
      const record = records[r]!;
      const line = chunk.lines[r]!;
      if (isBlankRecord(record)) continue;
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
  checkHasRows(source, names !== undefined, startRow + fill);
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
