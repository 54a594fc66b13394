/** Where a Parquet file's bytes come from (a whole buffer, or a file read on demand) and its footer's metadata. */
import { open } from 'node:fs/promises';
import { DiscernError, InputFile, ioError } from '@discern/core';
import { type FileMetaData, parquetMetadata } from 'hyparquet';

/**
 * How bytes of the file are read: synchronously (a whole-file read inside a step) or not (streaming); `size` is the
 * file's length.
 */
export interface ByteSource {
  readonly size: number;
  read(start: number, end: number): Uint8Array | Promise<Uint8Array>;
  close(): void | Promise<void>;
}

export function syncSource(path: string): ByteSource {
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

export async function asyncSource(path: string): Promise<ByteSource> {
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

export function damaged(path: string, e: unknown): DiscernError {
  const detail = e instanceof Error ? e.message : String(e);
  return new DiscernError('DATA_INVALID', `${path} is not a readable Parquet file: ${detail}; is it complete (not truncated by a copy) and a Parquet file?`, { file: path });
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

export function readMetadataSync(path: string, src: ByteSource): FileMetaData {
  const at = footerRange(path, src.size);
  const len = parseFooter(path, src.size, src.read(at, src.size) as Uint8Array);
  return metadataOf(path, src.read(at - len, src.size) as Uint8Array);
}

export async function readMetadataAsync(path: string, src: ByteSource): Promise<FileMetaData> {
  const at = footerRange(path, src.size);
  const len = parseFooter(path, src.size, await src.read(at, src.size));
  return metadataOf(path, await src.read(at - len, src.size));
}
