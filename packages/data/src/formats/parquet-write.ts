/** Writing Parquet (hyparquet-writer): the codecs, row groups encoded one at a time, ParquetStreamWriter and writeParquet. */
import { gzipSync } from 'node:zlib';
import { DiscernError, quote } from '@discern/core';
import { ParquetWriter, ByteWriter } from 'hyparquet-writer';
import { columnLabel } from '../csv/cells.js';

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
