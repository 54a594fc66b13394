/** Reading a CSV file (plain or gzip) into records, in chunks of CHUNK_BYTES (see CsvRecordReader in reader.ts), and the head of a text file. */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip, gunzipSync } from 'node:zlib';
import { DiscernError, InputFile, ioError } from '@discern/core';
import { CHUNK_BYTES } from './options.js';
import { type CsvRecordReader, type OnRecord } from './reader.js';

const EMPTY = Buffer.alloc(0);

/** Whether a file starts with gzip's magic bytes (1F 8B): a `.csv.gz` is read through gunzip, whatever its name. */
export function isGzipFile(path: string): boolean {
  return InputFile.use(path, (f) => {
    const b = Buffer.alloc(2);
    return f.read(b, 0, 2, 0) === 2 && b[0] === 0x1f && b[1] === 0x8b;
  });
}

function gzipError(path: string, e: unknown): DiscernError {
  const detail = e instanceof Error ? e.message : String(e);
  return new DiscernError('DATA_INVALID', `${path} is not a readable gzip file (${detail}); is it complete (not truncated by a copy)?`, { file: path });
}

/**
 * Reads a file through `reader` in chunks, synchronously, calling `onRecord` for each record. A gzip file is
 * decompressed whole first (synchronous reading has no streaming gunzip; the streaming readers stream it).
 */
export function readFileRecords(path: string, reader: CsvRecordReader, onRecord: OnRecord): void {
  if (isGzipFile(path)) {
    const parts: Buffer[] = [];
    InputFile.use(path, (f) => f.forEachChunk((b) => parts.push(b)));
    const bytes = Buffer.concat(parts);
    let text: Buffer;
    try {
      text = gunzipSync(bytes);
    } catch (e) {
      throw gzipError(path, e);
    }
    reader.end(reader.write(text, onRecord), onRecord);
    return;
  }
  InputFile.use(path, (f) => {
    let held: Buffer = EMPTY;
    for (;;) {
      const size = reader.readSize(held.length);
      // the held bytes, then the new ones: one copy of what is held (usually part of a line), none of the rest
      const buf = Buffer.allocUnsafe(held.length + size);
      held.copy(buf, 0);
      const got = f.read(buf, held.length, size, null);
      if (got === 0) {
        reader.end(buf.subarray(0, held.length), onRecord);
        return;
      }
      held = reader.write(buf.subarray(0, held.length + got), onRecord);
    }
  });
}

/** The decompressed bytes of a gzip file, in chunks of 256 KiB; a damaged stream is DATA_INVALID naming the file. */
async function* gunzipChunks(path: string): AsyncGenerator<Buffer, void, undefined> {
  const stream = createReadStream(path).pipe(createGunzip({ chunkSize: CHUNK_BYTES }));
  try {
    for await (const chunk of stream) yield chunk as Buffer;
  } catch (e) {
    if (e instanceof Error && 'code' in e && typeof (e as { code?: unknown }).code === 'string' && String((e as { code: string }).code).startsWith('Z_')) throw gzipError(path, e);
    if (e instanceof Error && /unexpected end of file|incorrect header check|invalid/i.test(e.message)) throw gzipError(path, e);
    throw ioError(e, path, 'read');
  } finally {
    stream.destroy();
  }
}

/**
 * The start of a text file: at most `maxBytes` of its text (of the decompressed text when it is gzip'd, whatever its
 * name), cut after its last whole line when the text goes on; for a look at a header and the first rows. A damaged
 * gzip stream gives what came before the damage (the reader that reads the file whole reports it, naming the
 * file). A file that cannot be opened or read is ioError's error, naming the file.
 */
export async function readTextHead(path: string, maxBytes: number): Promise<string> {
  let head: Buffer;
  let more: boolean;
  try {
    const fh = await open(path, 'r');
    try {
      const buf = Buffer.alloc(maxBytes);
      const { bytesRead } = await fh.read(buf, 0, maxBytes, 0);
      head = buf.subarray(0, bytesRead);
      more = bytesRead === maxBytes;
    } finally {
      await fh.close();
    }
  } catch (e) {
    // a folder (EISDIR at the read), a missing file, a name too long...
    throw ioError(e, path, 'read');
  }
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) {
    const parts: Buffer[] = [];
    let got = 0;
    let damaged = false;
    try {
      for await (const chunk of gunzipChunks(path)) {
        parts.push(chunk);
        got += chunk.length;
        if (got >= maxBytes) break;
      }
    } catch {
      damaged = true;
    }
    head = Buffer.concat(parts).subarray(0, maxBytes);
    more = got >= maxBytes || damaged;
  }
  let text = head.toString('utf8');
  if (more) {
    const cut = text.lastIndexOf('\n');
    if (cut > 0) text = text.slice(0, cut + 1);
  }
  return text;
}

/**
 * One chunk through the reader (the last with `last`): its records with their lines, the bytes held for the next
 * chunk, and the error the reader threw, if any (kept, so that the records before it are handed over first).
 */
function parseChunk(reader: CsvRecordReader, data: Buffer, last: boolean): { records: string[][]; lines: number[]; failure: unknown; rest: Buffer } {
  const records: string[][] = [];
  const lines: number[] = [];
  const push: OnRecord = (fields, line) => {
    records.push(fields);
    lines.push(line);
  };
  let failure: unknown;
  let rest: Buffer = EMPTY;
  try {
    if (last) reader.end(data, push);
    else rest = reader.write(data, push);
  } catch (e) {
    failure = e;
  }
  return { records, lines, failure, rest };
}

/** Records of a file read in chunks, asynchronously: each chunk's records with their lines (bounded by the chunk). */
export async function* fileRecordChunks(path: string, reader: CsvRecordReader): AsyncGenerator<{ records: string[][]; lines: number[] }, void, undefined> {
  if (isGzipFile(path)) {
    let held: Buffer = EMPTY;
    for await (const chunk of gunzipChunks(path)) {
      const { records, lines, failure, rest } = parseChunk(reader, held.length ? Buffer.concat([held, chunk]) : chunk, false);
      held = rest;
      if (records.length > 0) yield { records, lines };
      if (failure !== undefined) throw failure;
    }
    const { records, lines, failure } = parseChunk(reader, held, true);
    if (records.length > 0) yield { records, lines };
    if (failure !== undefined) throw failure;
    return;
  }
  let fh;
  try {
    fh = await open(path, 'r');
  } catch (e) {
    throw ioError(e, path, 'read');
  }
  try {
    let held: Buffer = EMPTY;
    // a range: from its first byte, and no further than its last
    let position: number | null = reader.range ? reader.range.start : null;
    const end = reader.range ? reader.range.end : Infinity;
    for (;;) {
      const size = position === null ? reader.readSize(held.length) : Math.min(reader.readSize(held.length), end - position);
      const buf = Buffer.allocUnsafe(held.length + size);
      held.copy(buf, 0);
      let got: number;
      try {
        ({ bytesRead: got } = size === 0 ? { bytesRead: 0 } : await fh.read(buf, held.length, size, position));
        if (position !== null) position += got;
      } catch (e) {
        throw ioError(e, path, 'read');
      }
      const { records, lines, failure, rest } = parseChunk(reader, buf.subarray(0, held.length + got), got === 0);
      held = rest;
      // the records before an error first: a problem the caller finds in them comes earlier in the file
      if (records.length > 0) yield { records, lines };
      if (failure !== undefined) throw failure;
      if (got === 0) return;
    }
  } finally {
    await fh.close();
  }
}