/**
 * Test-only helpers of the boosted trees: the scikit-learn fixture (tools/fixtures/make_trees_fixtures.py) and the
 * data sets it was made from, with the same encodings and splits.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type DenseMatrix, takeRows } from '@discern/linalg';
import { type Labelled, loadDigits, loadIris, readCsv } from '../bayes/bayes.test-helpers.js';

export { auc, expectDiscernError } from '../bayes/bayes.test-helpers.js';

const here = dirname(fileURLToPath(import.meta.url));

export interface TreesFixture {
  train: number[];
  test: number[];
  binning: number[][];
  first_tree: { plain: number[]; missing: number[] };
  first_rows: number;
  hgb_200: { auc: number };
  hgb_default: { auc: number[]; n_iter: number[] };
  adaboost: Record<'SAMME' | 'SAMME.R', { auc: number; trees: number }>;
  multiclass: Record<'iris' | 'digits', { train: number[]; test: number[]; accuracy: number; n_iter: number }>;
}

let cached: TreesFixture | undefined;
export function treesFixture(): TreesFixture {
  cached ??= JSON.parse(readFileSync(join(here, '__fixtures__', 'sklearn_trees.json'), 'utf8')) as TreesFixture;
  return cached;
}

/** MAGIC, raw features, h 0 and g 1. */
export function loadMagic(): Labelled {
  const { rows } = readCsv('magic04.csv');
  const data = new Float64Array(rows.length * 10);
  rows.forEach((r, i) => {
    for (let j = 0; j < 10; j++) data[i * 10 + j] = Number(r[j]);
  });
  return { X: { rows: rows.length, cols: 10, data }, y: Int32Array.from(rows, (r) => (r[10] === 'g' ? 1 : 0)) };
}

/** The fixture's rule for missing values: feature j of row i is NaN when (7i + 13j) mod 10 = 0, j in {0, 4, 8}. */
export function withMissing(X: DenseMatrix): DenseMatrix {
  const data = X.data.slice();
  for (let i = 0; i < X.rows; i++) for (const j of [0, 4, 8]) if ((7 * i + 13 * j) % 10 === 0) data[i * X.cols + j] = NaN;
  return { rows: X.rows, cols: X.cols, data };
}

export function part(d: Labelled, idx: readonly number[]): Labelled {
  return { X: takeRows(d.X, [...idx]), y: Int32Array.from(idx, (i) => d.y[i]!) };
}

/** The fixture's stratified MAGIC split. */
export function magicSplit(X?: DenseMatrix): { train: Labelled; test: Labelled } {
  const f = treesFixture();
  const d = loadMagic();
  const all = X ? { X, y: d.y } : d;
  return { train: part(all, f.train), test: part(all, f.test) };
}

export function multiclassSplit(name: 'iris' | 'digits'): { train: Labelled; test: Labelled } {
  const f = treesFixture().multiclass[name];
  const d = name === 'iris' ? loadIris() : loadDigits();
  return { train: part(d, f.train), test: part(d, f.test) };
}

export function accuracy(pred: Int32Array, y: Int32Array): number {
  let c = 0;
  for (let i = 0; i < y.length; i++) if (pred[i] === y[i]) c++;
  return c / y.length;
}

/** Column k of a row-major matrix. */
export function col(m: DenseMatrix, k: number): Float64Array {
  return Float64Array.from({ length: m.rows }, (_, i) => m.data[i * m.cols + k]!);
}
