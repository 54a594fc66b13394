import { fileURLToPath } from 'node:url';
import { type DiscernError, isDiscernError } from '@discern/core';

/** Absolute path of a file in ../shared/data (repo root's sibling). */
export function dataFile(name: string): string {
  return fileURLToPath(new URL(`../../../../shared/data/${name}`, import.meta.url));
}

/** The DiscernError thrown by f (fails the test if f throws something else or nothing). */
export function discernError(f: () => unknown): DiscernError {
  try {
    f();
  } catch (e) {
    if (isDiscernError(e)) return e;
    throw e;
  }
  throw new Error('expected a DiscernError, nothing was thrown');
}

export async function discernErrorAsync(f: () => Promise<unknown>): Promise<DiscernError> {
  try {
    await f();
  } catch (e) {
    if (isDiscernError(e)) return e;
    throw e;
  }
  throw new Error('expected a DiscernError, nothing was thrown');
}
