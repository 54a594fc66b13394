import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { parse } from 'csv-parse';
import { type DenseMatrix, DiscernError, denseMatrix } from '@discern/linalg';
import { checkHeader } from '../table.js';
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
 * Reads a CSV file in batches of rows, extracting the named columns as a Float64 matrix: for scoring files too big to
 * hold as a Table (millions of rows) with bounded memory. Same rules as parseCsv: header required, ragged rows,
 * non-numeric and non-finite cells are DATA_INVALID naming file, line, column and value.
 */
export async function* readCsvBatches(path: string, options: CsvBatchOptions): AsyncGenerator<CsvBatch, void, undefined> {
  const source = options.source ?? path;
  const batchSize = options.batchSize ?? 65536;
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new DiscernError('INVALID_ARGUMENT', `batchSize must be a positive integer, got ${batchSize}`, { batchSize });
  const wanted = options.columns;
  const extraNames = options.extra ?? [];
  const keepMissing = (options.missing ?? 'error') === 'keep';
  const missing = missingSet(options.missingValues);

  const delimiter = options.delimiter ?? detectDelimiter(await readHead(path));
  checkDelimiter(delimiter);

  const input = createReadStream(path);
  const parser = parse(csvParseOptions(delimiter));
  input.on('error', (e) => parser.destroy(ioError(e, path) as Error));
  input.pipe(parser);

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
    input.destroy();
    parser.destroy();
  }
  if (names === undefined) throw new DiscernError('DATA_INVALID', `${source}: the file is empty, no data rows; a header row and at least one data row are required`, { file: source });
  if (startRow === 0 && fill === 0) throw new DiscernError('DATA_INVALID', `${source}: header only, no data rows`, { file: source });
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
