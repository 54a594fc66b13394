/**
 * Parquet in and out, in pure JavaScript: hyparquet reads (every codec Parquet writers use — snappy, gzip, zstd,
 * brotli, lz4 — through hyparquet-compressors; gzip and brotli through Node's own zlib, which is native), and
 * hyparquet-writer writes. Reading goes row group by row group, so memory holds one row group's columns at a time.
 *
 * Types: INT32, INT64, FLOAT, DOUBLE and BOOLEAN columns are numeric (an integer beyond 2^53 loses its last digits
 * as a double; a boolean is 0 or 1), a null or a NaN (pandas' missing float) is a missing value under the
 * missing-value policy, ±Infinity a non-finite value (an error where the column is used, as `inf` in a CSV file);
 * a string column is read as CSV cells are (typed by the same rules, so the same labels come out of the Parquet and
 * the CSV copy of a file); any other value (a date, bytes) becomes text. Nested columns (lists, structs) are refused
 * where they are named.
 */
import { open } from 'node:fs/promises';
import { brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { DiscernError, InputFile, ioError, quote } from '@discern/core';
import { type FileMetaData, type RowGroup, type SchemaTree, parquetMetadata, parquetSchema } from 'hyparquet';
import { readColumn } from 'hyparquet/src/column.js';
import { DEFAULT_PARSERS } from 'hyparquet/src/convert.js';
import { getTreePath } from 'hyparquet/src/schema.js';
import { compressors as extraCodecs } from 'hyparquet-compressors';
import { ParquetWriter, ByteWriter } from 'hyparquet-writer';
import { closestName, columnLabel, listNames, missingSet } from '../csv/cells.js';
import { type Column, type Table, numericColumn, textColumn } from '../table.js';

/**
 * How bytes of the file are read: synchronously (a whole-file read inside a step) or not (streaming); `size` is the
 * file's length.
 */
interface ByteSource {
  readonly size: number;
  read(start: number, end: number): Uint8Array | Promise<Uint8Array>;
  close(): void | Promise<void>;
}

function syncSource(path: string): ByteSource {
  const file = InputFile.open(path);
  let size: number;
  try {
    size = file.size();
  } catch (e) {
    file.close();
    throw e;
  }
  return {
    size,
    read(start, end) {
      const out = new Uint8Array(Math.max(0, Math.min(size, end) - start));
      let done = 0;
      while (done < out.length) {
        const got = file.read(out, done, out.length - done, start + done);
        if (got === 0) break;
        done += got;
      }
      return out;
    },
    close: () => file.close(),
  };
}

async function asyncSource(path: string): Promise<ByteSource> {
  let fh;
  try {
    fh = await open(path, 'r');
  } catch (e) {
    throw ioError(e, path, 'read');
  }
  let size: number;
  try {
    const st = await fh.stat();
    if (st.isDirectory()) throw Object.assign(new Error('EISDIR: illegal operation on a directory'), { code: 'EISDIR' });
    size = st.size;
  } catch (e) {
    await fh.close();
    throw ioError(e, path, 'read');
  }
  const handle = fh;
  return {
    size,
    async read(start, end) {
      const out = new Uint8Array(Math.max(0, Math.min(size, end) - start));
      let done = 0;
      try {
        while (done < out.length) {
          const { bytesRead } = await handle.read(out, done, out.length - done, start + done);
          if (bytesRead === 0) break;
          done += bytesRead;
        }
      } catch (e) {
        throw ioError(e, path, 'read');
      }
      return out;
    },
    close: () => handle.close(),
  };
}

/** Decompressors: hyparquet's own snappy, Node's zlib for gzip and brotli (native), hyparquet-compressors for the rest. */
const DECOMPRESSORS = {
  ...(extraCodecs as Record<string, (input: Uint8Array, outputLength: number) => Uint8Array>),
  GZIP: (input: Uint8Array) => new Uint8Array(gunzipSync(input)),
  BROTLI: (input: Uint8Array) => new Uint8Array(brotliDecompressSync(input)),
};

function damaged(path: string, e: unknown): DiscernError {
  const detail = e instanceof Error ? e.message : String(e);
  return new DiscernError('DATA_INVALID', `${path} is not a readable Parquet file: ${detail}; is it complete (not truncated by a copy) and a Parquet file?`, { file: path });
}

const NUMERIC_TYPES = new Set(['BOOLEAN', 'INT32', 'INT64', 'FLOAT', 'DOUBLE']);

/** One column of the file's schema: its name and whether it is flat and numeric. */
export interface ParquetColumnInfo {
  readonly name: string;
  /** Parquet's physical type (DOUBLE, INT64, BYTE_ARRAY...), and its logical type when there is one (STRING, DATE...). */
  readonly type: string;
  readonly numeric: boolean;
  /** Lists and structs: discern reads flat columns only. */
  readonly nested: boolean;
  readonly nullable: boolean;
}

export interface ParquetInfo {
  readonly file: string;
  readonly rows: number;
  readonly rowGroups: readonly number[];
  readonly columns: readonly ParquetColumnInfo[];
}

function describeSchema(metadata: FileMetaData): ParquetColumnInfo[] {
  const root = parquetSchema(metadata);
  return root.children.map((child) => {
    const el = child.element;
    const nested = child.children.length > 0;
    const logical = el.logical_type?.type ?? el.converted_type;
    const physical = el.type ?? 'GROUP';
    const type = logical !== undefined && String(logical) !== physical ? `${physical} (${String(logical)})` : physical;
    const numericLogical = logical === undefined || ['INTEGER', 'INT_8', 'INT_16', 'INT_32', 'INT_64', 'UINT_8', 'UINT_16', 'UINT_32', 'UINT_64', 'FLOAT16'].includes(String(logical));
    return { name: el.name, type, numeric: !nested && NUMERIC_TYPES.has(physical) && numericLogical, nested, nullable: el.repetition_type !== 'REQUIRED' };
  });
}

/** The footer: its length and magic in the last 8 bytes, the Thrift metadata before them. */
function footerRange(path: string, size: number): number {
  if (size < 12) throw damaged(path, `it is ${size} bytes long, shorter than a Parquet header and footer`);
  return size - 8;
}

function parseFooter(path: string, size: number, tail: Uint8Array): number {
  const view = new DataView(tail.buffer, tail.byteOffset, tail.byteLength);
  if (view.getUint32(4, true) !== 0x31524150) throw damaged(path, 'it does not end with the Parquet magic PAR1');
  const len = view.getUint32(0, true);
  if (len > size - 12) throw damaged(path, `its footer says the metadata is ${len} bytes long, more than the file holds`);
  return len;
}

function metadataOf(path: string, bytes: Uint8Array): FileMetaData {
  // parquetMetadata wants the footer followed by its length and magic
  try {
    return parquetMetadata(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  } catch (e) {
    throw damaged(path, e);
  }
}

function readMetadataSync(path: string, src: ByteSource): FileMetaData {
  const at = footerRange(path, src.size);
  const len = parseFooter(path, src.size, src.read(at, src.size) as Uint8Array);
  return metadataOf(path, src.read(at - len, src.size) as Uint8Array);
}

async function readMetadataAsync(path: string, src: ByteSource): Promise<FileMetaData> {
  const at = footerRange(path, src.size);
  const len = parseFooter(path, src.size, await src.read(at, src.size));
  return metadataOf(path, await src.read(at - len, src.size));
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

function pickColumns(source: string, info: readonly ParquetColumnInfo[], wanted: readonly string[] | undefined, lenient = false): ParquetColumnInfo[] {
  if (!wanted) return info.filter((c) => !c.nested);
  const byName = new Map(info.map((c) => [c.name, c]));
  return (lenient ? wanted.filter((n) => byName.has(n)) : wanted).map((name) => {
    const c = byName.get(name);
    if (!c) {
      const names = info.map((x) => x.name);
      const near = closestName(name, names);
      throw new DiscernError('DATA_INVALID', `${source} has no column ${columnLabel(name)}${near ? ` (did you mean ${columnLabel(near)}?)` : ''}; its columns are ${listNames(names, 40)}`, {
        file: source,
        column: name,
        available: names.slice(0, 64),
        ...(near ? { suggestion: near } : {}),
      });
    }
    if (c.nested)
      throw new DiscernError('DATA_INVALID', `column ${columnLabel(name)} of ${source} is nested (${c.type}: a list or a struct); discern reads flat columns of numbers or text`, {
        file: source,
        column: name,
        type: c.type,
      });
    return c;
  });
}

/** The values of one column chunk (pages in order) as typed numbers with a missing mask, or as text. */
function toColumn(info: ParquetColumnInfo, index: number, pages: readonly ArrayLike<unknown>[], rows: number, missing: { has(s: string): boolean }): Column {
  if (info.numeric) {
    const values = new Float64Array(rows);
    let mask: Uint8Array | null = null;
    let at = 0;
    for (const page of pages) {
      if (page instanceof Float64Array) {
        values.set(page.subarray(0, Math.min(page.length, rows - at)), at);
        at += page.length;
        continue;
      }
      const n = page.length;
      for (let i = 0; i < n && at < rows; i++, at++) {
        const v = page[i];
        if (typeof v === 'number') values[at] = v;
        else if (v === null || v === undefined) {
          mask ??= new Uint8Array(rows);
          mask[at] = 1;
        } else values[at] = Number(v as bigint | boolean);
      }
    }
    return numericColumn(info.name, index, values, mask);
  }
  const cells: (string | null)[] = new Array(rows);
  let at = 0;
  for (const page of pages)
    for (let i = 0; i < page.length && at < rows; i++, at++) {
      const v = page[i];
      cells[at] = v === null || v === undefined ? null : v instanceof Date ? v.toISOString() : v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : String(v);
    }
  return textColumn(info.name, index, cells, missing);
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

/** The row groups of one file as one table (their columns are of one schema). */
function joinGroups(tables: readonly Table[], source: string): Table {
  const total = tables.reduce((s, t) => s + t.nRows, 0);
  const columns = tables[0]!.columns.map((c, j) => {
    if (c.kind === 'numeric' && tables.every((t) => t.columns[j]!.kind === 'numeric' && t.columns[j]!.nonFinite === 0)) {
      const values = new Float64Array(total);
      let mask: Uint8Array | null = null;
      let at = 0;
      for (const t of tables) {
        const x = t.columns[j]!;
        values.set(x.numeric!, at);
        if (x.missing > 0) for (let r = 0; r < t.nRows; r++) if (x.isMissing(r)) (mask ??= new Uint8Array(total))[at + r] = 1;
        at += t.nRows;
      }
      return numericColumn(c.name, j, values, mask);
    }
    const cells: (string | null)[] = [];
    for (const t of tables) for (let r = 0; r < t.nRows; r++) cells.push(t.columns[j]!.text(r));
    return textColumn(c.name, j, cells);
  });
  return { source, columns, nRows: total, lines: null };
}

// ---------------------------------------------------------------------------------------------------------------
// Writing

/** Codecs discern writes: snappy (what most tools write by default), gzip and zstd (smaller, slower), or none. */
export type ParquetCodec = 'SNAPPY' | 'GZIP' | 'ZSTD' | 'UNCOMPRESSED';

export const PARQUET_CODECS: readonly ParquetCodec[] = ['SNAPPY', 'GZIP', 'ZSTD', 'UNCOMPRESSED'];

/** One column to write: doubles, floats (a model's float32 outputs, stored as FLOAT), 32-bit integers, or text (null = missing). */
export type ParquetColumnValues = Float64Array | Float32Array | Int32Array | readonly (string | null)[];

let zstd: Promise<(b: Uint8Array) => Uint8Array> | undefined;

/**
 * zstd compression through the WebAssembly build of the reference library (loaded on first use). Its streaming
 * compressor is used (its one-shot `ZstdSimple.compress` compresses 18 bytes past the input's end); that one leaves
 * the frame unfinished when the input is a whole number of its 128 KiB input blocks, so such an input is compressed
 * without its last byte, which follows in a second frame of its own (a zstd stream may hold several frames).
 */
function zstdCompressor(): Promise<(b: Uint8Array) => Uint8Array> {
  zstd ??= import('@oneidentity/zstd-js').then(async (m) => {
    const mod = m as unknown as { ZstdInit: () => Promise<{ ZstdStream: { compress(b: Uint8Array, level?: number): Uint8Array } }> };
    const { ZstdStream } = await mod.ZstdInit();
    return (b: Uint8Array) => {
      if (b.length === 0) return storedZstdFrame(b);
      if (b.length % ZSTD_BLOCK !== 0) return ZstdStream.compress(b, 3);
      const head = ZstdStream.compress(b.subarray(0, b.length - 1), 3);
      const tail = storedZstdFrame(b.subarray(b.length - 1));
      const out = new Uint8Array(head.length + tail.length);
      out.set(head);
      out.set(tail, head.length);
      return out;
    };
  });
  return zstd;
}

/** The input block of the zstd library's streaming compressor (ZSTD_CStreamInSize). */
const ZSTD_BLOCK = 131_072;

/** A zstd frame holding `b` (at most 255 bytes) as one raw block. */
function storedZstdFrame(b: Uint8Array): Uint8Array {
  // magic, frame header descriptor (single segment, 1-byte content size), content size, one last raw block
  const out = new Uint8Array(4 + 1 + 1 + 3 + b.length);
  out.set([0x28, 0xb5, 0x2f, 0xfd, 0x20, b.length], 0);
  const header = (b.length << 3) | 1; // last block, raw
  out.set([header & 0xff, (header >> 8) & 0xff, (header >> 16) & 0xff], 6);
  out.set(b, 9);
  return out;
}

async function compressorsFor(codec: ParquetCodec): Promise<Record<string, (b: Uint8Array) => Uint8Array>> {
  if (codec === 'GZIP') return { GZIP: (b) => new Uint8Array(gzipSync(b, { level: 6 })) };
  if (codec === 'ZSTD') return { ZSTD: await zstdCompressor() };
  return {};
}

/** A column's name and what it holds, as written. */
export interface SchemaColumn {
  readonly name: string;
  readonly kind: 'double' | 'float' | 'int32' | 'string';
}

function kindOf(name: string, v: ParquetColumnValues): SchemaColumn {
  if (v instanceof Float64Array) return { name, kind: 'double' };
  if (v instanceof Float32Array) return { name, kind: 'float' };
  if (v instanceof Int32Array) return { name, kind: 'int32' };
  if (Array.isArray(v)) return { name, kind: 'string' };
  throw new DiscernError('INVALID_ARGUMENT', `column ${columnLabel(name)}: a Parquet column is a Float64Array, a Float32Array, an Int32Array or a list of strings`, { column: name });
}

/** How row groups are encoded: the codec, the doubles written REQUIRED, page statistics. */
export interface ParquetEncoding {
  readonly codec?: ParquetCodec;
  /**
   * Double columns that never hold NaN, written REQUIRED (readers decode them fastest); other doubles are OPTIONAL,
   * a NaN written as null.
   */
  readonly required?: readonly string[];
  /** Minimum and maximum per page and column chunk (default true; a score file leaves them out: speed). */
  readonly statistics?: boolean;
}

/** One row group encoded on its own (on any thread): its bytes, as if the file's data started at byte 4, and its metadata. */
export interface EncodedRowGroup {
  readonly bytes: Uint8Array;
  /** hyparquet-writer's RowGroup (offsets relative to byte 4 of a file; shifted where it is appended). */
  readonly rowGroup: unknown;
  readonly rows: number;
  readonly schema: readonly SchemaColumn[];
}

interface WriterInternals {
  row_groups: unknown[];
  num_rows: bigint;
}

function schemaElements(schema: readonly SchemaColumn[], required: ReadonlySet<string>) {
  return [
    { name: 'root', num_children: schema.length },
    ...schema.map((c) =>
      c.kind === 'double'
        ? { name: c.name, type: 'DOUBLE' as const, repetition_type: required.has(c.name) ? ('REQUIRED' as const) : ('OPTIONAL' as const) }
        : c.kind === 'float'
          ? { name: c.name, type: 'FLOAT' as const, repetition_type: 'REQUIRED' as const }
          : c.kind === 'int32'
            ? { name: c.name, type: 'INT32' as const, repetition_type: 'REQUIRED' as const }
            : { name: c.name, type: 'BYTE_ARRAY' as const, converted_type: 'UTF8' as const, repetition_type: 'OPTIONAL' as const },
    ),
  ];
}

/**
 * Encodes the rows of every column (one entry per column, all as long) as one row group: pages compressed, metadata
 * made, nothing written yet. Row groups encoded apart (on worker threads) are joined in order by
 * ParquetStreamWriter.appendEncoded into the same bytes `append` writes.
 */
export async function encodeRowGroup(columns: Readonly<Record<string, ParquetColumnValues>>, encoding: ParquetEncoding = {}): Promise<EncodedRowGroup> {
  const codec = encoding.codec ?? 'SNAPPY';
  if (!PARQUET_CODECS.includes(codec))
    throw new DiscernError('INVALID_ARGUMENT', (n) => `${n.option('codec')} must be one of ${PARQUET_CODECS.join(', ')}, got ${quote(String(codec))}`, { option: 'codec', value: String(codec) });
  const names = Object.keys(columns);
  const schema = names.map((n) => kindOf(n, columns[n]!));
  const n = names.length === 0 ? 0 : columns[names[0]!]!.length;
  for (const name of names)
    if (columns[name]!.length !== n)
      throw new DiscernError('INVALID_ARGUMENT', `column ${columnLabel(name)} has ${columns[name]!.length} rows, the first ${n}; every column of a batch has as many rows`, { column: name });
  const required = new Set(encoding.required ?? []);
  const bytes = new ByteWriter();
  const writer = new ParquetWriter({ writer: bytes, schema: schemaElements(schema, required), codec, compressors: await compressorsFor(codec), statistics: encoding.statistics ?? true, createdBy: 'discern' });
  const columnData = schema.map((c) => {
    const v = columns[c.name]!;
    if (c.kind === 'double') {
      const a = v as Float64Array;
      // NaN is written as null: a missing value to every reader
      let hasNaN = false;
      for (let i = 0; i < a.length; i++)
        if (a[i] !== a[i]) {
          hasNaN = true;
          break;
        }
      if (hasNaN && required.has(c.name))
        throw new DiscernError('INVALID_ARGUMENT', `column ${columnLabel(c.name)} was declared to hold no missing values, but holds NaN`, { column: c.name });
      return { name: c.name, data: hasNaN ? Array.from(a, (x) => (x === x ? x : null)) : a, offsetIndex: false };
    }
    return { name: c.name, data: v as Float32Array | Int32Array | (string | null)[], offsetIndex: false };
  });
  if (n > 0) await writer.write({ columnData: columnData as never, rowGroupSize: n });
  const groups = (writer as unknown as WriterInternals).row_groups;
  // the bytes after the 4-byte magic the writer put first
  return { bytes: bytes.getBytes().slice(4), rowGroup: groups[0], rows: n, schema };
}

/** Adds `delta` to every file offset of an encoded row group's metadata. */
function shiftOffsets(rowGroup: unknown, delta: bigint): unknown {
  const g = rowGroup as { columns: { file_offset?: bigint; meta_data?: { data_page_offset?: bigint; dictionary_page_offset?: bigint; index_page_offset?: bigint } }[]; file_offset?: bigint };
  const add = (x: bigint | undefined) => (x === undefined ? undefined : BigInt(x) + delta);
  return {
    ...g,
    ...(g.file_offset !== undefined ? { file_offset: add(g.file_offset) } : {}),
    columns: g.columns.map((c) => ({
      ...c,
      ...(c.file_offset !== undefined ? { file_offset: add(c.file_offset) } : {}),
      ...(c.meta_data
        ? {
            meta_data: {
              ...c.meta_data,
              ...(c.meta_data.data_page_offset !== undefined ? { data_page_offset: add(c.meta_data.data_page_offset) } : {}),
              ...(c.meta_data.dictionary_page_offset !== undefined ? { dictionary_page_offset: add(c.meta_data.dictionary_page_offset) } : {}),
              ...(c.meta_data.index_page_offset !== undefined ? { index_page_offset: add(c.meta_data.index_page_offset) } : {}),
            },
          }
        : {}),
    })),
  };
}

/**
 * Writes a Parquet file row group by row group: `append` the next rows of every column (a batch of scores), or
 * `appendEncoded` a row group encoded elsewhere (a worker thread), in order; `close` at the end. Bytes go out through
 * `write` as each row group comes, so a file of any length takes the memory of one row group. Doubles are OPTIONAL
 * unless `required`, floats and integers REQUIRED, text OPTIONAL strings; a double NaN is written as null.
 */
export class ParquetStreamWriter {
  private writer: ParquetWriter | undefined;
  private readonly bytes = new ByteWriter();
  private schema: readonly SchemaColumn[] | undefined;
  private rows = 0;

  private constructor(
    private readonly write: (chunk: Uint8Array) => Promise<void>,
    private readonly encoding: ParquetEncoding,
    private readonly metadata: Readonly<Record<string, string>>,
  ) {}

  static async open(write: (chunk: Uint8Array) => Promise<void>, options: ParquetEncoding & { metadata?: Readonly<Record<string, string>> } = {}): Promise<ParquetStreamWriter> {
    const codec = options.codec ?? 'SNAPPY';
    if (!PARQUET_CODECS.includes(codec))
      throw new DiscernError('INVALID_ARGUMENT', (n) => `${n.option('codec')} must be one of ${PARQUET_CODECS.join(', ')}, got ${quote(String(codec))}`, { option: 'codec', value: String(codec) });
    const { metadata, ...encoding } = options;
    return new ParquetStreamWriter(write, { ...encoding, codec }, metadata ?? {});
  }

  private async flush(): Promise<void> {
    if (this.bytes.index === 0) return;
    const chunk = this.bytes.getBytes().slice();
    this.bytes.index = 0;
    await this.write(chunk);
  }

  private start(schema: readonly SchemaColumn[]): void {
    this.schema = schema;
    this.writer = new ParquetWriter({
      writer: this.bytes,
      schema: schemaElements(schema, new Set(this.encoding.required ?? [])),
      codec: this.encoding.codec ?? 'SNAPPY',
      kvMetadata: Object.entries(this.metadata).map(([key, value]) => ({ key, value })),
      createdBy: 'discern',
    });
  }

  /** Appends rows: one entry per column, every column as long, the same columns and kinds in every call. */
  async append(columns: Readonly<Record<string, ParquetColumnValues>>): Promise<void> {
    await this.appendEncoded(await encodeRowGroup(columns, this.encoding));
  }

  /** Appends a row group encoded by encodeRowGroup (with this writer's encoding), in order. */
  async appendEncoded(group: EncodedRowGroup): Promise<void> {
    if (!this.schema) this.start(group.schema);
    else if (group.schema.length !== this.schema.length || group.schema.some((c, j) => c.name !== this.schema![j]!.name || c.kind !== this.schema![j]!.kind))
      throw new DiscernError('INVALID_ARGUMENT', 'every batch written to one Parquet file has the same columns, in the same order and of the same kinds', {});
    if (group.rows > 0) {
      const w = this.writer as unknown as WriterInternals;
      w.row_groups.push(shiftOffsets(group.rowGroup, BigInt(this.bytes.offset - 4)));
      w.num_rows += BigInt(group.rows);
      this.bytes.appendBytes(group.bytes);
      this.rows += group.rows;
    }
    await this.flush();
  }

  /** Writes the footer (the schema and every row group's place), and the last bytes. */
  async close(): Promise<number> {
    if (!this.writer) await this.append({});
    this.writer!.finish();
    await this.flush();
    return this.rows;
  }
}

/** Writes whole columns as one Parquet file (row groups of `rowGroupSize` rows, default 131,072) through `write`. */
export async function writeParquet(
  write: (chunk: Uint8Array) => Promise<void>,
  columns: Readonly<Record<string, ParquetColumnValues>>,
  options: { codec?: ParquetCodec; rowGroupSize?: number; metadata?: Readonly<Record<string, string>> } = {},
): Promise<number> {
  const names = Object.keys(columns);
  const required = names.filter((name) => {
    const v = columns[name]!;
    return v instanceof Float64Array && v.every((x) => x === x);
  });
  const w = await ParquetStreamWriter.open(write, { ...options, required });
  // (page statistics kept: a file written whole is a data set others read)
  const n = names.length === 0 ? 0 : columns[names[0]!]!.length;
  const size = options.rowGroupSize ?? 131_072;
  for (let start = 0; start < n || (n === 0 && start === 0); start += size) {
    const part: Record<string, ParquetColumnValues> = {};
    for (const name of names) {
      const v = columns[name]!;
      part[name] = Array.isArray(v) ? v.slice(start, start + size) : (v as Float64Array | Float32Array | Int32Array).subarray(start, start + size);
    }
    await w.append(part);
    if (n === 0) break;
  }
  return w.close();
}
