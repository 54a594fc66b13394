/**
 * Small helpers for the mlp tests: CSV reading (the data sets are plain comma-separated numbers with a header),
 * a seeded stratified split, standardisation and a rank-based AUC. Test-only code.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type DenseMatrix, createRng, denseMatrix } from '@discern/linalg';

/** ../shared/data/<file>, found by walking up from this file to the repository root (the folder with nx.json). */
export function dataPath(file: string): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let up = 0; up < 10; up++) {
    try {
      readFileSync(join(dir, 'nx.json'));
      return join(dir, '..', 'shared', 'data', file);
    } catch {
      dir = dirname(dir);
    }
  }
  throw new Error(`repository root not found above ${fileURLToPath(import.meta.url)}`);
}

/** Reads a CSV whose last column is the label; `label` maps the label cell to a class index. */
export function readCsv(file: string, label: (cell: string) => number, maxRows = Infinity): { X: DenseMatrix; y: Int32Array } {
  const lines = readFileSync(dataPath(file), 'utf8').trim().split(/\r?\n/).slice(1);
  const n = Math.min(lines.length, maxRows);
  const p = lines[0]!.split(',').length - 1;
  const data = new Float64Array(n * p);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const cells = lines[i]!.split(',');
    for (let j = 0; j < p; j++) data[i * p + j] = Number(cells[j]);
    y[i] = label(cells[p]!);
  }
  return { X: denseMatrix(n, p, data), y };
}

/** Seeded stratified split: round(test·n_c) rows of each class go to the test set. */
export function stratifiedSplit(y: Int32Array, test: number, seed: number): { train: Int32Array; test: Int32Array } {
  const rng = createRng(seed);
  const K = Math.max(...y) + 1;
  const tr: number[] = [];
  const te: number[] = [];
  for (let c = 0; c < K; c++) {
    const rows: number[] = [];
    for (let i = 0; i < y.length; i++) if (y[i] === c) rows.push(i);
    rng.shuffle(rows);
    const k = Math.round(test * rows.length);
    te.push(...rows.slice(0, k));
    tr.push(...rows.slice(k));
  }
  return { train: Int32Array.from(tr.sort((a, b) => a - b)), test: Int32Array.from(te.sort((a, b) => a - b)) };
}

export function take(X: DenseMatrix, y: Int32Array, rows: Int32Array): { X: DenseMatrix; y: Int32Array } {
  const p = X.cols;
  const data = new Float64Array(rows.length * p);
  const yy = new Int32Array(rows.length);
  for (let t = 0; t < rows.length; t++) {
    data.set(X.data.subarray(rows[t]! * p, (rows[t]! + 1) * p), t * p);
    yy[t] = y[rows[t]!]!;
  }
  return { X: denseMatrix(rows.length, p, data), y: yy };
}

/** Standardises `apply` in place with the means and deviations of `fit` (columns with zero spread are only centred). */
export function standardise(fit: DenseMatrix, ...apply: DenseMatrix[]): void {
  const { rows: n, cols: p } = fit;
  for (let j = 0; j < p; j++) {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += fit.data[i * p + j]!;
    mean /= n;
    let v = 0;
    for (let i = 0; i < n; i++) v += (fit.data[i * p + j]! - mean) ** 2;
    const sd = Math.sqrt(v / n) || 1;
    for (const M of apply) for (let i = 0; i < M.rows; i++) M.data[i * p + j] = (M.data[i * p + j]! - mean) / sd;
  }
}

/** AUC as the Mann–Whitney statistic, ties counted one half (average ranks). */
export function auc(score: ArrayLike<number>, y: ArrayLike<number>): number {
  const idx = Array.from({ length: score.length }, (_, i) => i).sort((a, b) => score[a]! - score[b]!);
  let rankSum = 0;
  let nPos = 0;
  for (let s = 0; s < idx.length; ) {
    let e = s;
    while (e + 1 < idx.length && score[idx[e + 1]!] === score[idx[s]!]) e++;
    for (let t = s; t <= e; t++)
      if (y[idx[t]!] === 1) {
        rankSum += (s + e) / 2 + 1;
        nPos++;
      }
    s = e + 1;
  }
  const nNeg = score.length - nPos;
  return (rankSum - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}

export function accuracy(pred: Int32Array, y: Int32Array): number {
  let c = 0;
  for (let i = 0; i < y.length; i++) if (pred[i] === y[i]) c++;
  return c / y.length;
}
