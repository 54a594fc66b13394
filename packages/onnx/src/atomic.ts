import { randomBytes } from 'node:crypto';
import { type FileHandle, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { DiscernError } from '@discern/core';

/** A temporary name next to `path` (same directory, so the final rename is atomic on one file system). */
export function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

/**
 * Writes through `fill` into a temporary file and renames it onto `path` only when `fill` succeeded: a reader never
 * sees a half-written file, and a failure leaves nothing behind.
 */
export async function writeAtomic(path: string, fill: (write: (chunk: string | Uint8Array) => Promise<void>) => Promise<void>): Promise<void> {
  const tmp = tempPathFor(path);
  let fh: FileHandle | undefined;
  try {
    fh = await open(tmp, 'w');
  } catch (e) {
    throw new DiscernError('IO_ERROR', `cannot write ${path}: ${(e as Error).message}`, { file: path }, { cause: e });
  }
  try {
    const handle = fh;
    await fill(async (chunk) => {
      if (typeof chunk === 'string') await handle.write(chunk);
      else await handle.write(chunk);
    });
    await handle.close();
    fh = undefined;
    await rename(tmp, path);
  } catch (e) {
    await fh?.close().catch(() => undefined);
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
}
