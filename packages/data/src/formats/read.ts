/**
 * Every data file discern reads, whatever its format: CSV (gzip-compressed too), Parquet, ROOT TTrees; one file or
 * several (globs), whole or in batches. The format comes from the extension (`.csv`, `.csv.gz`, `.tsv`, `.txt`,
 * `.parquet`, `.pq`, `.root`), or from `format` when the extension says nothing.
 */
import { isAbsolute, resolve } from 'node:path';
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { DiscernError, quote } from '@discern/core';
import { glob, globSync, isDynamicPattern } from 'tinyglobby';
import { columnLabel, listNames } from '../csv/cells.js';
import { type CsvOptions, readCsvFile } from '../csv/parse.js';
import { readCsvTables } from '../csv/stream.js';
import { type ArrayColumn } from '../expr/evaluate.js';
import { projectTable } from '../prepare.js';
import { type Column, type Table, type TablePart, numericColumn, textColumn } from '../table.js';
import { readParquetBatches, readParquetSync } from './parquet.js';
import { readRootTable } from './root.js';

export type DataFormat = 'csv' | 'parquet' | 'root';

export const DATA_FORMATS: readonly DataFormat[] = ['csv', 'parquet', 'root'];

const EXTENSIONS: readonly [RegExp, DataFormat][] = [
  [/\.(csv|tsv|txt)(\.gz)?$/i, 'csv'],
  [/\.gz$/i, 'csv'],
  [/\.(parquet|pq|parq)$/i, 'parquet'],
  [/\.root$/i, 'root'],
];

/**
 * The format of a file: `format` when given, else from its extension, else from its first bytes (`PAR1` starts a
 * Parquet file, `root` a ROOT file; anything else is read as CSV, gzip-compressed or not). A file that cannot be
 * opened is taken as CSV here: its reader reports why it cannot be read.
 */
export function formatOf(path: string, format?: DataFormat): DataFormat {
  if (format !== undefined) {
    if (!DATA_FORMATS.includes(format))
      throw new DiscernError('INVALID_ARGUMENT', (n) => `${n.option('format')} must be one of ${DATA_FORMATS.join(', ')}, got ${quote(String(format))}`, { option: 'format', value: String(format) });
    if (format === 'csv') notBinary(path, true);
    return format;
  }
  for (const [re, f] of EXTENSIONS)
    if (re.test(path)) {
      if (f === 'csv') notBinary(path, false);
      return f;
    }
  return sniffFormat(path);
}

/**
 * A file to be read as CSV that starts with the signature of a Parquet or ROOT file: said as such (read as text, its
 * bytes would be reported as bad UTF-8 or a malformed row, which misleads).
 */
function notBinary(path: string, given: boolean): void {
  const actual = sniffFormat(path);
  if (actual === 'csv') return;
  const name = actual === 'parquet' ? 'Parquet' : 'ROOT';
  throw new DiscernError(
    'DATA_INVALID',
    (n) =>
      `${path} starts with the signature of a ${name} file (${actual === 'parquet' ? 'PAR1' : 'root'}), but it is read as CSV ${given ? `(${n.option('format')}: csv)` : 'by its name'}; ${given ? '' : `rename it .${actual}, or `}set the format to ${actual} (${n.option('format')})`,
    { file: path, option: 'format', format: actual },
  );
}

/** The format a file's first four bytes say (see formatOf). */
export function sniffFormat(path: string): DataFormat {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const b = Buffer.alloc(4);
    const got = readSync(fd, b, 0, 4, 0);
    const magic = b.subarray(0, got).toString('latin1');
    if (magic === 'PAR1') return 'parquet';
    if (magic === 'root') return 'root';
  } catch {
    // not readable: the CSV reader says why
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  return 'csv';
}

/**
 * The files that paths and glob patterns name, resolved against `dir`, each pattern's matches in sorted order, no file
 * twice. A pattern that matches nothing is DATA_INVALID naming it; a plain path is kept as it is (a missing file is
 * reported where it is read, as FILE_NOT_FOUND).
 */
export async function expandPaths(patterns: readonly string[], dir: string, what = 'data'): Promise<string[]> {
  const out: string[] = [];
  for (const p of patterns) {
    if (!isDynamicPattern(p)) {
      const full = isAbsolute(p) ? p : resolve(dir, p);
      if (!out.includes(full)) out.push(full);
      continue;
    }
    const found = (await glob(p, { cwd: dir, absolute: true, onlyFiles: true, expandDirectories: false, dot: false })).sort();
    if (found.length === 0)
      throw new DiscernError('DATA_INVALID', (n) => `the pattern ${quote(p)} (${n.option(what)}) matches no file in ${dir}; check the name, or give the files one by one`, {
        pattern: p,
        dir,
        option: what,
      });
    for (const f of found) if (!out.includes(f)) out.push(f);
  }
  return out;
}

/**
 * expandPaths without waiting, for checks made before a run starts (which files a run reads, so that no output
 * overwrites one): a pattern that matches nothing gives no file here.
 */
export function expandPathsSync(patterns: readonly string[], dir: string): string[] {
  const out: string[] = [];
  for (const p of patterns) {
    const found = isDynamicPattern(p) ? globSync(p, { cwd: dir, absolute: true, onlyFiles: true, expandDirectories: false, dot: false }).sort() : [isAbsolute(p) ? p : resolve(dir, p)];
    for (const f of found) if (!out.includes(f)) out.push(f);
  }
  return out;
}

export interface ReadTableOptions extends CsvOptions {
  /** The format of every file; default: from each file's extension. */
  readonly format?: DataFormat;
  /** ROOT: the tree (default: the only one). */
  readonly tree?: string;
  /**
   * Parquet and ROOT: the columns (branches) to read, default every one that can be read. CSV files are read whole
   * (a CSV row is parsed whole anyway).
   */
  readonly columns?: readonly string[];
  /** With `columns`: read those a file has and leave out the others (the caller reports them in its own terms). */
  readonly lenient?: boolean;
  /** Parquet: only these row groups (readTableBatches). */
  readonly rowGroups?: readonly number[];
}

/** The Parquet reader's options from those of readTableFile (those it takes, when given). */
function parquetOptions(options: ReadTableOptions, source: string) {
  return {
    source,
    ...(options.columns ? { columns: options.columns } : {}),
    ...(options.lenient ? { lenient: true } : {}),
    ...(options.missingValues ? { missingValues: options.missingValues } : {}),
  };
}

/** Reads one data file whole, any format (see the module comment); `source` names it in messages (default: the path). */
export async function readTableFile(path: string, options: ReadTableOptions = {}): Promise<Table> {
  const format = formatOf(path, options.format);
  const source = options.source ?? path;
  if (format === 'root')
    return readRootTable(path, {
      source,
      ...(options.tree !== undefined ? { tree: options.tree } : {}),
      ...(options.columns ? { branches: options.columns } : {}),
      ...(options.lenient ? { lenient: true } : {}),
      ...(options.missingValues ? { missingValues: options.missingValues } : {}),
    });
  if (format === 'parquet') {
    const parts: Table[] = [];
    for await (const b of readParquetBatches(path, parquetOptions(options, source)))
      parts.push(b.table);
    if (parts.length === 0) throw new DiscernError('DATA_INVALID', `${source}: the file has no rows`, { file: source });
    return parts.length === 1 ? parts[0]! : concatRows(parts, source, false);
  }
  if (options.tree !== undefined) throw new DiscernError('INVALID_ARGUMENT', (n) => `${n.option('tree')} names a ROOT tree, but ${source} is read as CSV`, { option: 'tree', file: source });
  return readCsvFile(path, { ...options, source });
}

export interface TableBatch {
  /** Index of the batch's first row among the file's rows. */
  readonly startRow: number;
  readonly table: Table;
}

/**
 * Reads one data file as consecutive Tables of at most `batchSize` rows (CSV; gzip streamed), one row group each
 * (Parquet), or whole (ROOT: jsroot reads a tree's baskets as it goes, but hands its entries over at the end).
 */
export async function* readTableBatches(path: string, options: ReadTableOptions & { readonly batchSize?: number } = {}): AsyncGenerator<TableBatch, void, undefined> {
  const format = formatOf(path, options.format);
  const source = options.source ?? path;
  if (format === 'csv') {
    if (options.tree !== undefined) throw new DiscernError('INVALID_ARGUMENT', (n) => `${n.option('tree')} names a ROOT tree, but ${source} is read as CSV`, { option: 'tree', file: source });
    const { format: _f, tree: _t, columns: _c, lenient: _l, rowGroups: _g, ...csv } = options;
    yield* readCsvTables(path, { ...csv, source });
    return;
  }
  if (format === 'parquet') {
    let any = false;
    for await (const b of readParquetBatches(path, { ...parquetOptions(options, source), ...(options.rowGroups ? { rowGroups: options.rowGroups } : {}) })) {
      any = true;
      yield b;
    }
    if (!any && !options.rowGroups) throw new DiscernError('DATA_INVALID', `${source}: the file has no rows`, { file: source });
    return;
  }
  yield { startRow: 0, table: await readTableFile(path, options) };
}

/**
 * Reads several files as one table (in the order given): the same columns in each (in any order; the first file's
 * order is kept), else DATA_INVALID naming the file and the column. Each row is located in its own file in messages.
 */
export async function readTables(paths: readonly string[], options: ReadTableOptions = {}): Promise<Table> {
  if (paths.length === 0) throw new DiscernError('INVALID_ARGUMENT', 'no data files given', {});
  if (paths.length === 1) return readTableFile(paths[0]!, options);
  const tables: Table[] = [];
  for (const p of paths) {
    const { source: _s, ...rest } = options;
    tables.push(await readTableFile(p, rest));
  }
  return concatFiles(tables, options.columns);
}

/**
 * Files read as one table. With `columns` (the names a config uses), only those are compared and kept: a CSV file
 * is parsed whole while Parquet and ROOT files read just the columns asked for, so a column nobody uses must not make
 * a CSV and a Parquet copy of the same data differ.
 */
function concatFiles(tables: Table[], columns: readonly string[] | undefined): Table {
  const parts = columns ? tables.map((t) => projectTable(t, columns)) : tables;
  checkSameColumns(parts);
  return concatRows(parts, parts.map((t) => t.source).join(', '), true);
}

/**
 * readTables without waiting, for CSV and Parquet files (a step that asks for a streamed test set's features whole);
 * ROOT files are read through jsroot, which only reads asynchronously (they are never streamed, so never read here).
 */
export function readTablesSync(paths: readonly string[], options: ReadTableOptions = {}): Table {
  const one = (path: string, source?: string): Table => {
    const format = formatOf(path, options.format);
    const src = source ?? path;
    if (format === 'parquet')
      return readParquetSync(path, parquetOptions(options, src));
    if (format === 'root') throw new DiscernError('INVALID_ARGUMENT', `${src}: a ROOT file is read asynchronously (readTables)`, { file: src });
    return readCsvFile(path, { ...options, source: src });
  };
  if (paths.length === 1) return one(paths[0]!, options.source);
  return concatFiles(
    paths.map((p) => one(p)),
    options.columns,
  );
}

/** Every table has the first one's columns (and array columns); a difference is DATA_INVALID naming the file and column. */
export function checkSameColumns(tables: readonly Table[]): void {
  const first = tables[0]!;
  const names = (t: Table) => [...t.columns.map((c) => c.name), ...(t.arrays ?? []).map((a) => a.name)];
  const want = names(first);
  for (const t of tables.slice(1)) {
    const got = names(t);
    const missing = want.filter((n) => !got.includes(n));
    const extra = got.filter((n) => !want.includes(n));
    if (missing.length > 0 || extra.length > 0) {
      const what = missing.length > 0 ? `has no column ${columnLabel(missing[0]!)}` : `has a column ${columnLabel(extra[0]!)}`;
      throw new DiscernError(
        'DATA_INVALID',
        `${t.source} ${what} that ${first.source} ${missing.length > 0 ? 'has' : 'lacks'}; files read as one data set need the same columns (${first.source}: ${listNames(want, 30)})`,
        { file: t.source, column: missing[0] ?? extra[0], expected: want.slice(0, 64), other: first.source },
      );
    }
  }
}

function concatColumn(name: string, index: number, parts: readonly Column[], total: number): Column {
  if (parts.every((c) => c.kind === 'numeric' && c.nonFinite === 0)) {
    const values = new Float64Array(total);
    let mask: Uint8Array | null = null;
    let at = 0;
    for (const c of parts) {
      values.set(c.numeric!, at);
      if (c.missing > 0) {
        mask ??= new Uint8Array(total);
        for (let r = 0; r < c.numeric!.length; r++) if (c.isMissing(r)) mask[at + r] = 1;
      }
      at += c.numeric!.length;
    }
    return numericColumn(name, index, values, mask);
  }
  // text (or numbers spelt oddly, or non-finite literals): the cells' texts, typed again over all files
  const cells: (string | null)[] = [];
  for (const c of parts) {
    const n = c.numeric ? c.numeric.length : c.raw.length;
    for (let r = 0; r < n; r++) cells.push(c.text(r));
  }
  return textColumn(name, index, cells);
}

function concatArrays(name: string, parts: readonly ArrayColumn[]): ArrayColumn {
  const rows = parts.reduce((s, a) => s + a.offsets.length - 1, 0);
  const count = parts.reduce((s, a) => s + a.values.length, 0);
  const offsets = new Int32Array(rows + 1);
  const values = new Float64Array(count);
  let r0 = 0, v0 = 0;
  for (const a of parts) {
    for (let r = 1; r < a.offsets.length; r++) offsets[r0 + r] = v0 + a.offsets[r]!;
    values.set(a.values, v0);
    r0 += a.offsets.length - 1;
    v0 += a.values.length;
  }
  const fixed = parts.every((a) => a.fixed !== undefined && a.fixed === parts[0]!.fixed) ? parts[0]!.fixed : undefined;
  return { name, offsets, values, ...(fixed !== undefined ? { fixed } : {}), ...(parts[0]!.description ? { description: parts[0]!.description } : {}) };
}

/**
 * The rows of several tables with the same columns, one after another. `byFile`: each table is a file of its own
 * (its rows are located in it); else they are row groups of one file.
 */
export function concatRows(tables: readonly Table[], source: string, byFile: boolean): Table {
  if (tables.length === 1 && !byFile) return tables[0]!;
  const first = tables[0]!;
  const total = tables.reduce((s, t) => s + t.nRows, 0);
  const columns = first.columns.map((c, j) =>
    concatColumn(
      c.name,
      j,
      tables.map((t) => t.columns.find((x) => x.name === c.name)!),
      total,
    ),
  );
  const arrays = (first.arrays ?? []).map((a) => concatArrays(a.name, tables.map((t) => t.arrays!.find((x) => x.name === a.name)!)));
  let lines: Int32Array | null = null;
  if (tables.every((t) => t.lines)) {
    lines = new Int32Array(total);
    let at = 0;
    for (const t of tables) {
      lines.set(t.lines!, at);
      at += t.nRows;
    }
  }
  let fileRows: Int32Array | undefined;
  if (tables.some((t) => t.fileRows)) {
    fileRows = new Int32Array(total);
    let at = 0;
    for (const t of tables) {
      for (let r = 0; r < t.nRows; r++) fileRows[at + r] = t.fileRows ? t.fileRows[r]! : r;
      at += t.nRows;
    }
  }
  const parts: TablePart[] = [];
  if (byFile) {
    let at = 0;
    for (const t of tables) {
      parts.push({ source: t.source, start: at, ...(t.rowNoun === 'entry' ? { entries: true } : {}), ...(t.lines && lines ? { lines: true } : {}) });
      at += t.nRows;
    }
  }
  return {
    ...(first.available ? { available: first.available } : {}),
    source,
    columns,
    nRows: total,
    lines,
    ...(arrays.length ? { arrays } : {}),
    ...(parts.length ? { parts } : {}),
    ...(fileRows ? { fileRows } : {}),
    ...(first.rowNoun && !byFile ? { rowNoun: first.rowNoun } : {}),
  };
}

/** Whether a path names a file (not a folder); false when it does not exist. */
export function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
