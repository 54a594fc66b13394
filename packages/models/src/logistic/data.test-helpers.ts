import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type DenseMatrix } from '@discern/linalg';

/** The shared data folder: walk up from this file to the repository root (the folder with nx.json), then ../shared/data. */
export function dataPath(file: string): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'nx.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('repository root (nx.json) not found above ' + fileURLToPath(import.meta.url));
    dir = up;
  }
  return join(dir, '..', 'shared', 'data', file);
}

/**
 * A few lines of CSV reading for tests (these files are plain: header row, comma-separated, no quoting), kept
 * here so the tests do not depend on @discern/data. Every column but `label` is parsed as a number.
 */
export function readCsv(file: string, label: string): { X: DenseMatrix; labels: string[]; features: string[] } {
  const lines = readFileSync(dataPath(file), 'utf8').split(/\r?\n/).filter((l) => l.length > 0);
  const header = lines[0]!.split(',');
  const li = header.indexOf(label);
  if (li < 0) throw new Error(`${file}: no column ${label}`);
  const p = header.length - 1;
  const n = lines.length - 1;
  const data = new Float64Array(n * p);
  const labels: string[] = [];
  for (let i = 0; i < n; i++) {
    const cells = lines[i + 1]!.split(',');
    let j = 0;
    for (let c = 0; c < cells.length; c++) {
      if (c === li) labels.push(cells[c]!);
      else data[i * p + j++] = Number(cells[c]);
    }
  }
  return { X: { rows: n, cols: p, data }, labels, features: header.filter((_, c) => c !== li) };
}

/** (x − mean) / scale per column, the same operations as numpy's (X - mean) / scale, so the result is bit-identical. */
export function standardise(X: DenseMatrix, mean: readonly number[], scale: readonly number[]): DenseMatrix {
  const out = new Float64Array(X.data.length);
  for (let i = 0; i < X.rows; i++) for (let j = 0; j < X.cols; j++) out[i * X.cols + j] = (X.data[i * X.cols + j]! - mean[j]!) / scale[j]!;
  return { rows: X.rows, cols: X.cols, data: out };
}

/** Class indices in the given order of names. */
export function encode(labels: readonly string[], classes: readonly string[]): Int32Array {
  return Int32Array.from(labels, (l) => {
    const k = classes.indexOf(l);
    if (k < 0) throw new Error(`label ${l} not in ${classes.join(', ')}`);
    return k;
  });
}
