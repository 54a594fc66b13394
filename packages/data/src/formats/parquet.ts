/**
 * Parquet in and out, in pure JavaScript: hyparquet reads (every codec Parquet writers use — snappy, gzip, zstd,
 * brotli, lz4 — through hyparquet-compressors; gzip and brotli through Node's own zlib, which is native), and
 * hyparquet-writer writes (parquet-write.ts). Reading goes row group by row group, so memory holds one row group's
 * columns at a time; the file's bytes and metadata come through parquet-source.ts, its columns through
 * parquet-columns.ts.
 *
 * Types: INT32, INT64, FLOAT, DOUBLE and BOOLEAN columns are numeric (an integer beyond 2^53 loses its last digits
 * as a double; a boolean is 0 or 1), a null or a NaN (pandas' missing float) is a missing value under the
 * missing-value policy, ±Infinity a non-finite value (an error where the column is used, as `inf` in a CSV file);
 * a string column is read as CSV cells are (typed by the same rules, so the same labels come out of the Parquet and
 * the CSV copy of a file); any other value (a date, bytes) becomes text. Nested columns (lists, structs) are refused
 * where they are named.
 */
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { DiscernError } from '@discern/core';
import { type RowGroup, type SchemaTree, parquetSchema } from 'hyparquet';
import { readColumn } from 'hyparquet/src/column.js';
import { DEFAULT_PARSERS } from 'hyparquet/src/convert.js';
import { getTreePath } from 'hyparquet/src/schema.js';
import { compressors as extraCodecs } from 'hyparquet-compressors';
import { columnLabel, missingSet } from '../csv/cells.js';
import { type Table } from '../table.js';
import { type ParquetColumnInfo, describeSchema, joinGroups, pickColumns, toColumn } from './parquet-columns.js';
import { asyncSource, damaged, readMetadataAsync, readMetadataSync, syncSource } from './parquet-source.js';

/** Decompressors: hyparquet's own snappy, Node's zlib for gzip and brotli (native), hyparquet-compressors for the rest. */
const DECOMPRESSORS = {
  ...(extraCodecs as Record<string, (input: Uint8Array, outputLength: number) => Uint8Array>),
  GZIP: (input: Uint8Array) => new Uint8Array(gunzipSync(input)),
  BROTLI: (input: Uint8Array) => new Uint8Array(brotliDecompressSync(input)),
};

export interface ParquetInfo {
  readonly file: string;
  readonly rows: number;
  readonly rowGroups: readonly number[];
  readonly columns: readonly ParquetColumnInfo[];
}

/** The file's rows, row groups and columns (only the footer is read). */
export async function parquetInfo(path: string): Promise<ParquetInfo> {
  const src = await asyncSource(path);
  try {
    const md = await readMetadataAsync(path, src);
    return { file: path, rows: Number(md.num_rows), rowGroups: md.row_groups.map((g) => Number(g.num_rows)), columns: describeSchema(md) };
  } finally {
    await src.close();
  }
}

export interface ParquetReadOptions {
  /** Columns to read (default: every flat column). A name the file lacks is DATA_INVALID with a "did you mean". */
  readonly columns?: readonly string[];
  /** With `columns`: read those the file has and leave out the others (the caller reports them in its own terms). */
  readonly lenient?: boolean;
  /** Only these row groups (0-based, in order): a worker thread reads its share of a file. */
  readonly rowGroups?: readonly number[];
  /** The file name messages name (default: the path). */
  readonly source?: string;
  /** Text that means "missing" in string columns (default: empty, NA, ?). */
  readonly missingValues?: readonly string[];
}

export interface ParquetBatch {
  /** Index of the batch's first row among the file's rows. */
  readonly startRow: number;
  readonly table: Table;
}

/** The byte range of each wanted column's chunk in a row group. */
function chunkRanges(source: string, group: RowGroup, wanted: readonly ParquetColumnInfo[]): { start: number; end: number; meta: NonNullable<RowGroup['columns'][number]['meta_data']> }[] {
  return wanted.map((c) => {
    const chunk = group.columns.find((x) => x.meta_data?.path_in_schema[0] === c.name && x.meta_data.path_in_schema.length === 1);
    const meta = chunk?.meta_data;
    if (!meta) throw damaged(source, `a row group has no data for column ${columnLabel(c.name)}`);
    const start = Number(meta.dictionary_page_offset || meta.data_page_offset);
    return { start, end: start + Number(meta.total_compressed_size), meta };
  });
}

/** Decodes one row group's column chunks (their bytes at hand) into a Table. */
function decodeGroup(
  source: string,
  schema: SchemaTree,
  wanted: readonly ParquetColumnInfo[],
  ranges: ReturnType<typeof chunkRanges>,
  bytes: readonly Uint8Array[],
  groupStart: number,
  rows: number,
  missing: { has(s: string): boolean },
  available?: readonly string[],
): Table {
  const columns = wanted.map((c, j) => {
    const { meta } = ranges[j]!;
    const b = bytes[j]!;
    if (b.length < ranges[j]!.end - ranges[j]!.start) throw damaged(source, `the data of column ${columnLabel(c.name)} runs past the end of the file`);
    const schemaPath = getTreePath(schema, meta.path_in_schema);
    let pages: ArrayLike<unknown>[];
    try {
      const decoder = {
        pathInSchema: meta.path_in_schema,
        element: schemaPath[schemaPath.length - 1]!.element,
        schemaPath,
        ...meta,
        compressors: DECOMPRESSORS,
        parsers: DEFAULT_PARSERS,
        utf8: true,
      };
      pages = readColumn({ view: new DataView(b.buffer, b.byteOffset, b.byteLength), offset: 0 }, { groupStart, selectStart: 0, selectEnd: rows, groupRows: rows } as never, decoder as never).data as ArrayLike<unknown>[];
    } catch (e) {
      throw damaged(source, e);
    }
    const n = pages.reduce((s, p) => s + p.length, 0);
    if (n < rows) throw damaged(source, `column ${columnLabel(c.name)} gives ${n} of the ${rows} rows of a row group`);
    return toColumn(c, j, pages, rows, missing);
  });
  // rows of a later row group are located by their row in the file
  const fileRows = groupStart > 0 ? Int32Array.from({ length: rows }, (_, i) => groupStart + i) : undefined;
  return { source, columns, nRows: rows, lines: null, ...(fileRows ? { fileRows } : {}), ...(available ? { available } : {}) };
}

/**
 * Reads a Parquet file as consecutive Tables, one per row group (memory: one row group's columns). Columns are
 * typed as the module comment says. A damaged or truncated file is DATA_INVALID naming it.
 */
export async function* readParquetBatches(path: string, options: ParquetReadOptions = {}): AsyncGenerator<ParquetBatch, void, undefined> {
  const source = options.source ?? path;
  const src = await asyncSource(path);
  try {
    const metadata = await readMetadataAsync(source, src);
    const schema = parquetSchema(metadata);
    const info = describeSchema(metadata);
    const wanted = pickColumns(source, info, options.columns, options.lenient);
    const available = options.columns ? info.map((c) => c.name) : undefined;
    const missing = missingSet(options.missingValues);
    let start = 0;
    const only = options.rowGroups ? new Set(options.rowGroups) : undefined;
    for (let g = 0; g < metadata.row_groups.length; g++) {
      const group = metadata.row_groups[g]!;
      const rows = Number(group.num_rows);
      if (only && !only.has(g)) {
        start += rows;
        continue;
      }
      const ranges = chunkRanges(source, group, wanted);
      const bytes: Uint8Array[] = [];
      for (const r of ranges) bytes.push(await src.read(r.start, r.end));
      yield { startRow: start, table: decodeGroup(source, schema, wanted, ranges, bytes, start, rows, missing, available) };
      start += rows;
    }
  } finally {
    await src.close();
  }
}

/** Reads a whole Parquet file synchronously into one Table (a step that needs a streamed test set's features whole). */
export function readParquetSync(path: string, options: ParquetReadOptions = {}): Table {
  const source = options.source ?? path;
  const src = syncSource(path);
  try {
    const metadata = readMetadataSync(source, src);
    const schema = parquetSchema(metadata);
    const info = describeSchema(metadata);
    const wanted = pickColumns(source, info, options.columns, options.lenient);
    const available = options.columns ? info.map((c) => c.name) : undefined;
    const missing = missingSet(options.missingValues);
    const tables: Table[] = [];
    let start = 0;
    for (const group of metadata.row_groups) {
      const rows = Number(group.num_rows);
      const ranges = chunkRanges(source, group, wanted);
      const bytes = ranges.map((r) => src.read(r.start, r.end) as Uint8Array);
      tables.push(decodeGroup(source, schema, wanted, ranges, bytes, start, rows, missing, available));
      start += rows;
    }
    if (tables.length === 0) throw new DiscernError('DATA_INVALID', `${source}: the file has no rows`, { file: source });
    return tables.length === 1 ? tables[0]! : { ...joinGroups(tables, source), ...(available ? { available } : {}) };
  } finally {
    src.close();
  }
}
