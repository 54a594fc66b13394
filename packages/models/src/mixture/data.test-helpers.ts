import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type DenseMatrix } from '@discern/linalg';
import { isDiscernError } from '@discern/core';

const here = dirname(fileURLToPath(import.meta.url));

/** The repository root: the first parent folder holding nx.json. */
function repoRoot(): string {
  let dir = here;
  while (!existsSync(join(dir, 'nx.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`no nx.json above ${here}`);
    dir = up;
  }
  return dir;
}

/** A CSV of ../shared/data as header + string cells (the data sets have no quoted fields). */
export function readCsv(file: string): { header: string[]; rows: string[][] } {
  const text = readFileSync(join(repoRoot(), '..', 'shared', 'data', file), 'utf8');
  const lines = text.split(/\r?\n/).filter((l) => l.length > 0);
  return { header: lines[0]!.split(','), rows: lines.slice(1).map((l) => l.split(',')) };
}

/** The first `nCols` columns of a CSV as a numeric matrix. */
export function numericCsv(file: string, nCols: number): DenseMatrix {
  const { rows } = readCsv(file);
  const data = new Float64Array(rows.length * nCols);
  rows.forEach((r, i) => {
    for (let j = 0; j < nCols; j++) data[i * nCols + j] = Number(r[j]);
  });
  return { rows: rows.length, cols: nCols, data };
}

export function fixture<T>(name: string): T {
  return JSON.parse(readFileSync(join(here, '__fixtures__', name), 'utf8')) as T;
}

/** max |a − b| / max(|b|, floor) over two arrays of equal length. */
export function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>, floor = 1): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} ≠ ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!) / Math.max(Math.abs(b[i]!), floor));
  return m;
}

/** The DiscernError code that `f` throws, or 'none' (any other error is rethrown). */
export function code(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (isDiscernError(e)) return e.code;
    throw e;
  }
  return 'none';
}
