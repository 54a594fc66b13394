import { type Rng, createRng, stratifiedFoldOf, takeRows } from '@discern/linalg';
import { DiscernError, quote } from '@discern/core';
import { type Dataset } from './dataset.js';

export interface SplitOptions {
  /**
   * The size of the test part: a fraction of the rows in (0, 1) — ceil(test · rows) rows, as scikit-learn's
   * train_test_split — or a number of rows, a whole number ≥ 2 (`test: 30` is 30 rows). `test: 1` is refused: it
   * could mean every row (a fraction of 1) or one row, and neither is a test set; a count that leaves no training row
   * is refused too, saying it was read as a count.
   */
  test: number;
  /** Keep class proportions (default: true for labelled data). */
  stratify?: boolean;
  seed: number;
}

export interface SplitIndices {
  /** Row indices into the dataset, ascending. */
  readonly train: Int32Array;
  readonly test: Int32Array;
}

export interface DatasetSplit {
  readonly train: Dataset;
  readonly test: Dataset;
  readonly trainIndex: Int32Array;
  readonly testIndex: Int32Array;
}

/** The rows `indices` of a dataset, in that order (labels, weights, row indices and file lines follow). */
export function subsetDataset(ds: Dataset, indices: ArrayLike<number>): Dataset {
  const n = ds.X.rows;
  const idx = Int32Array.from(indices as ArrayLike<number>);
  for (let k = 0; k < idx.length; k++)
    if (!(idx[k]! >= 0 && idx[k]! < n && idx[k] === (indices as ArrayLike<number>)[k]))
      throw new DiscernError('INVALID_ARGUMENT', `subsetDataset: index ${(indices as ArrayLike<number>)[k]} at position ${k} is out of range 0..${n - 1}`, { index: k });
  const out: Dataset = {
    ...ds,
    X: takeRows(ds.X, idx),
    y: pickInts(ds.y, idx),
    ...(ds.weights ? { weights: pickFloats(ds.weights, idx) } : {}),
    ...(ds.rowIndex ? { rowIndex: pickInts(ds.rowIndex, idx) } : {}),
    ...(ds.lines ? { lines: pickInts(ds.lines, idx) } : {}),
  };
  return out;
}

/** a[idx[k]] for every k: the values of the rows idx names, in its order. */
export function pickFloats(a: Float64Array, idx: Int32Array): Float64Array {
  const out = new Float64Array(idx.length);
  for (let k = 0; k < idx.length; k++) out[k] = a[idx[k]!]!;
  return out;
}

/** a[idx[k]] for every k, for integers (labels, row numbers): see pickFloats. */
export function pickInts(a: Int32Array, idx: Int32Array): Int32Array {
  const out = new Int32Array(idx.length);
  for (let k = 0; k < idx.length; k++) out[k] = a[idx[k]!]!;
  return out;
}

const ACCEPTED = 'a fraction of the rows in (0, 1), such as 0.3 for 30 %, or a whole number of rows ≥ 2';

/** Number of test rows (see SplitOptions.test): ceil(fraction · n), as scikit-learn's train_test_split, or the count itself. */
export function testSize(test: number, n: number): number {
  const shown = typeof test === 'number' ? String(test) : quote(String(test), 40);
  if (test === 1)
    throw new DiscernError(
      'INVALID_ARGUMENT',
      (nm) => `${nm.option('test')}: 1 is ambiguous (every row, or one row?) and neither makes a test set; give ${ACCEPTED}`,
      { option: 'test', value: test },
    );
  let nTest: number;
  const count = Number.isInteger(test) && test >= 2;
  if (count) nTest = test;
  else if (typeof test === 'number' && test > 0 && test < 1) nTest = Math.ceil(test * n);
  else throw new DiscernError('INVALID_ARGUMENT', (nm) => `${nm.option('test')} must be ${ACCEPTED}; got ${shown}`, { option: 'test', value: shown });
  if (nTest >= n)
    throw new DiscernError(
      'TOO_FEW_SAMPLES',
      count
        ? (nm) => `${nm.option('test')}: ${test} asks for ${test} test rows (a whole number is a count of rows), which leaves no training rows out of ${n}; give fewer rows, or a fraction in (0, 1) such as 0.3`
        : (nm) => `${nm.option('test')}: ${test} makes ${nTest} test rows out of ${n} (ceil(${test} × ${n})), which leaves no training rows; give a smaller fraction`,
      { option: 'test', value: test, rows: n },
    );
  return nTest;
}

/**
 * scikit-learn's `_approximate_mode`: the per-class counts of `draws` rows that follow the class proportions, the
 * floor of each share plus one for the largest remainders (ties broken at random).
 */
function approximateMode(counts: readonly number[], draws: number, rng: Rng): number[] {
  const total = counts.reduce((a, b) => a + b, 0);
  const continuous = counts.map((c) => (c / total) * draws);
  const out = continuous.map(Math.floor);
  let need = draws - out.reduce((a, b) => a + b, 0);
  if (need > 0) {
    const rem = continuous.map((c, i) => c - out[i]!);
    const values = [...new Set(rem)].sort((a, b) => b - a);
    // the classes of each remainder, in class order (one pass: there may be many classes)
    const byRemainder = new Map<number, number[]>();
    rem.forEach((r, i) => {
      const list = byRemainder.get(r);
      if (list) list.push(i);
      else byRemainder.set(r, [i]);
    });
    for (const v of values) {
      if (need === 0) break;
      const inds = byRemainder.get(v)!;
      const chosen = inds.length <= need ? inds : Array.from(rng.choice(inds.length, need), (t) => inds[t]!);
      for (const i of chosen) out[i]!++;
      need -= chosen.length;
    }
  }
  return out;
}

function classIndices(ds: Dataset): number[][] {
  const K = ds.classNames.length;
  const byClass: number[][] = Array.from({ length: K }, () => []);
  for (let i = 0; i < ds.y.length; i++) {
    const c = ds.y[i]!;
    if (c < 0 || c >= K)
      throw new DiscernError('INVALID_ARGUMENT', (n) => `${n.row(i)} has class index ${c}, outside 0..${K - 1} (the dataset's ${K} classes)`, { row: i, value: c });
    byClass[c]!.push(i);
  }
  return byClass;
}

function unlabelled(ds: Dataset): DiscernError {
  return new DiscernError('INVALID_ARGUMENT', (nm) => `cannot stratify ${ds.source}: it has no label column; set ${nm.option('stratify')}: false (or give a label)`, {
    file: ds.source,
    option: 'stratify',
  });
}

function sorted(a: number[]): Int32Array {
  return Int32Array.from(a).sort();
}

/**
 * Train/test row indices, deterministic for a seed. Stratified (default for labelled data), the per-class test
 * counts are those of scikit-learn's train_test_split(stratify=y): total ceil(test·n), per class about test·n_c.
 */
export function splitIndices(ds: Dataset, options: SplitOptions): SplitIndices {
  const n = ds.X.rows;
  const labelled = ds.classNames.length > 0;
  const stratify = options.stratify ?? labelled;
  const nTest = testSize(options.test, n);
  const nTrain = n - nTest;
  const rng = createRng(options.seed).fork('split');
  if (!stratify) {
    const perm = rng.permutation(n);
    return { train: perm.slice(nTest).sort(), test: perm.slice(0, nTest).sort() };
  }
  if (!labelled) throw unlabelled(ds);
  const byClass = classIndices(ds);
  const counts = byClass.map((c) => c.length);
  const present = counts.filter((c) => c > 0).length;
  counts.forEach((c, k) => {
    if (c === 1) {
      const name = quote(ds.classNames[k]!);
      throw new DiscernError(
        'TOO_FEW_SAMPLES',
        (nm) => `class ${name} has only 1 row in ${ds.source}; a stratified split needs at least 2 per class (or set ${nm.option('stratify')}: false)`,
        { class: ds.classNames[k], option: 'stratify' },
      );
    }
  });
  if (nTest < present || nTrain < present) {
    const test = options.test;
    throw new DiscernError(
      'TOO_FEW_SAMPLES',
      (nm) =>
        `${nm.option('test')}: ${test} splits ${n} rows into ${nTrain} train and ${nTest} test rows, which cannot hold each of the ${present} classes on both sides; give between ${present} and ${n - present} test rows`,
      { option: 'test', value: test, rows: n, classes: present },
    );
  }
  const trainCounts = approximateMode(counts, nTrain, rng);
  trainCounts.forEach((t, k) => {
    if (t === 0 && counts[k]! > 0) {
      const test = options.test;
      const name = quote(ds.classNames[k]!);
      throw new DiscernError(
        'TOO_FEW_SAMPLES',
        (nm) => `${nm.option('test')}: ${test} leaves class ${name} (${counts[k]} rows) with no training row; use a smaller test size`,
        { class: ds.classNames[k], option: 'test', value: test },
      );
    }
  });
  const train: number[] = [];
  const test: number[] = [];
  byClass.forEach((members, k) => {
    const shuffled = rng.shuffle([...members]);
    const t = trainCounts[k]!;
    for (let i = 0; i < shuffled.length; i++) (i < t ? train : test).push(shuffled[i]!);
  });
  return { train: sorted(train), test: sorted(test) };
}

/** A train/test split of a dataset (stratified by default); see splitIndices. */
export function stratifiedSplit(ds: Dataset, options: SplitOptions): DatasetSplit {
  const { train, test } = splitIndices(ds, options);
  return { train: subsetDataset(ds, train), test: subsetDataset(ds, test), trainIndex: train, testIndex: test };
}

export interface KFoldOptions {
  /** Keep class proportions in every fold (default: true for labelled data). */
  stratify?: boolean;
  seed: number;
}

/**
 * k folds of row indices: each row is in exactly one test fold, fold sizes differ by at most one. Stratified, the
 * per-class fold counts are allocated as scikit-learn's StratifiedKFold does (the rows sorted by class, dealt round-robin).
 */
export function kFold(ds: Dataset, k: number, options: KFoldOptions): SplitIndices[] {
  const n = ds.X.rows;
  if (!Number.isInteger(k) || k < 2)
    throw new DiscernError('INVALID_ARGUMENT', (nm) => `k-fold needs a whole number of folds ${nm.option('k')} ≥ 2, got ${String(k)}`, { option: 'k', value: String(k) });
  if (k > n)
    throw new DiscernError('TOO_FEW_SAMPLES', (nm) => `cannot make ${k} folds (${nm.option('k')}) of ${n} rows: each fold needs at least one row; use at most ${n} folds`, {
      option: 'k',
      value: k,
      rows: n,
    });
  const labelled = ds.classNames.length > 0;
  const stratify = options.stratify ?? labelled;
  const rng = createRng(options.seed).fork('kfold');
  const fold = new Int32Array(n);
  if (stratify) {
    if (!labelled) throw unlabelled(ds);
    // each class spread as evenly as possible over the folds, fold sizes within one of each other; which rows of a
    // class go where is random (as StratifiedKFold allocates them)
    fold.set(stratifiedFoldOf(classIndices(ds), n, k, rng));
  } else {
    const perm = rng.permutation(n);
    for (let i = 0; i < n; i++) fold[perm[i]!] = i % k;
  }
  const folds: SplitIndices[] = [];
  for (let f = 0; f < k; f++) {
    const train: number[] = [];
    const test: number[] = [];
    for (let i = 0; i < n; i++) (fold[i] === f ? test : train).push(i);
    folds.push({ train: Int32Array.from(train), test: Int32Array.from(test) });
  }
  return folds;
}
