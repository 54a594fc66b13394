import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { InputFile, ioError } from '@discern/core';
import { type Table } from './table.js';

/** SHA-256 (hex) of a file's bytes, streamed: what the run manifest records for each data file. */
export async function hashFile(path: string): Promise<string> {
  const h = createHash('sha256');
  try {
    for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  } catch (e) {
    throw ioError(e, path, 'read');
  }
  return h.digest('hex');
}

/** Synchronous hashFile, reading 1 MiB at a time. */
export function hashFileSync(path: string): string {
  const h = createHash('sha256');
  InputFile.use(path, (f) => {
    const buf = Buffer.alloc(1 << 20);
    for (;;) {
      const got = f.read(buf, 0, buf.length, null);
      if (got === 0) break;
      h.update(buf.subarray(0, got));
    }
  });
  return h.digest('hex');
}

/**
 * SHA-256 (hex) of a table's content: column names and cells (missing distinct from any text), independent of how
 * the file was written (separator, quoting, line endings, BOM). For inline rows, which have no file to hash.
 */
export function hashTable(table: Table): string {
  const h = createHash('sha256');
  // Unit/record separators cannot be confused with cell text boundaries since lengths are written too.
  const put = (s: string | null) => h.update(s === null ? '\u0000N' : `${s.length}:${s}\u001f`);
  h.update(`discern-table-v1\u001e${table.columns.length}\u001e${table.nRows}\u001e`);
  for (const c of table.columns) put(c.name);
  for (const c of table.columns) for (const s of c.raw) put(s);
  return h.digest('hex');
}
