import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fromRows } from '@discern/linalg';
import { type Dataset, buildDataset } from './dataset.js';
import { readCsvFile } from './csv/parse.js';
import { kFold, splitIndices, stratifiedSplit, subsetDataset } from './split.js';
import { tableFromRecords } from './table.js';
import { dataFile, discernError } from './testing.test-helpers.js';

interface SplitCase {
  test: number;
  seed: number;
  nTest: number;
  nTestUnstratified: number;
  testPerClass: number[];
}
interface Fixture {
  iris: { classes: string[]; cases: SplitCase[] };
  magic: { classes: string[]; cases: SplitCase[] };
  small: { classes: string[]; cases: SplitCase[]; y: string[] };
  kfold: { data: string; k: number; classes: string[]; testPerClassPerFold: number[][]; y?: string[] }[];
}
// scikit-learn 1.2.1 train_test_split / StratifiedKFold, from tools/fixtures/make_data_fixtures.py
const fixture = JSON.parse(readFileSync(new URL('./__fixtures__/splits.json', import.meta.url), 'utf8')) as Fixture;

const iris = buildDataset(readCsvFile(dataFile('iris.csv')), { label: 'label' });
const magic = buildDataset(readCsvFile(dataFile('magic04.csv')), { label: 'class' });
const labelsOnly = (y: string[]) =>
  buildDataset(
    tableFromRecords(
      y.map((c, i) => [i, c]),
      ['x', 'c'],
    ),
    { label: 'c' },
  );
const small = labelsOnly(fixture.small.y);
const datasets: Record<string, Dataset> = { iris, magic, small };

function perClass(ds: Dataset, idx: Int32Array): number[] {
  const out = new Array<number>(ds.classNames.length).fill(0);
  for (const i of idx) out[ds.y[i]!]!++;
  return out;
}

function isPartition(n: number, a: Int32Array, b: Int32Array): boolean {
  const seen = new Uint8Array(n);
  for (const i of [...a, ...b]) {
    if (seen[i]) return false;
    seen[i] = 1;
  }
  return seen.every((s) => s === 1);
}

describe('stratifiedSplit vs scikit-learn train_test_split', () => {
  for (const name of ['iris', 'magic', 'small'] as const) {
    it(`${name}: total test size equal, per-class test counts within ±1`, () => {
      const ds = datasets[name]!;
      expect(ds.classNames).toEqual(fixture[name].classes);
      let exact = 0;
      for (const c of fixture[name].cases) {
        for (const seed of [c.seed, c.seed + 100]) {
          const { train, test } = splitIndices(ds, { test: c.test, seed });
          expect(test.length).toBe(c.nTest);
          expect(isPartition(ds.X.rows, train, test)).toBe(true);
          const got = perClass(ds, test);
          got.forEach((g, k) => expect(Math.abs(g - c.testPerClass[k]!)).toBeLessThanOrEqual(1));
          if (got.every((g, k) => g === c.testPerClass[k])) exact++;
          // class proportions of the training part follow the whole to within one row per class
          const tr = perClass(ds, train);
          const counts = perClass(ds, Int32Array.from({ length: ds.X.rows }, (_, i) => i));
          tr.forEach((t, k) => expect(Math.abs(t - (counts[k]! * train.length) / ds.X.rows)).toBeLessThan(1));
          expect(splitIndices(ds, { test: c.test, seed, stratify: false }).test.length).toBe(c.nTestUnstratified);
        }
      }
      // Only ties between equal remainders, broken at random by both, may differ: iris's three classes have 50 rows
      // each, so every remainder ties there; magic's and the small set's do not, and match exactly.
      const runs = 2 * fixture[name].cases.length;
      expect(exact).toBeGreaterThanOrEqual(name === 'iris' ? runs / 3 : runs);
    });
  }

  it('is deterministic for a seed and differs across seeds', () => {
    const a = stratifiedSplit(magic, { test: 0.3, seed: 7 });
    const b = stratifiedSplit(magic, { test: 0.3, seed: 7 });
    expect(Array.from(a.testIndex)).toEqual(Array.from(b.testIndex));
    expect(Array.from(a.test.X.data)).toEqual(Array.from(b.test.X.data));
    const c = stratifiedSplit(magic, { test: 0.3, seed: 8 });
    expect(Array.from(c.testIndex)).not.toEqual(Array.from(a.testIndex));
    const u1 = splitIndices(magic, { test: 0.3, seed: 7, stratify: false });
    const u2 = splitIndices(magic, { test: 0.3, seed: 7, stratify: false });
    expect(Array.from(u1.test)).toEqual(Array.from(u2.test));
  });

  it('carries rows, labels, weights and provenance into the parts', () => {
    const ds: Dataset = { ...iris, weights: Float64Array.from({ length: 150 }, (_, i) => i - 10) };
    const { train, test, trainIndex, testIndex } = stratifiedSplit(ds, { test: 30, seed: 1 });
    expect(test.X.rows).toBe(30);
    expect(train.X.rows).toBe(120);
    const k = testIndex[3]!;
    expect(Array.from(test.X.data.subarray(12, 16))).toEqual(Array.from(ds.X.data.subarray(k * 4, k * 4 + 4)));
    expect(test.y[3]).toBe(ds.y[k]);
    expect(test.weights![3]).toBe(k - 10);
    expect(test.rowIndex![3]).toBe(k);
    expect(train.classNames).toEqual(ds.classNames);
    expect(trainIndex.length + testIndex.length).toBe(150);
  });

  it('rejects bad test sizes and splits that starve a class', () => {
    for (const t of [0, 1.5, -0.2, Number.NaN, 30.5, Infinity]) {
      const e = discernError(() => splitIndices(iris, { test: t, seed: 0 }));
      expect(e.code).toBe('INVALID_ARGUMENT');
      expect(e.message).toBe(`test must be a fraction of the rows in (0, 1), such as 0.3 for 30 %, or a whole number of rows ≥ 2; got ${t}`);
      expect(e.context).toMatchObject({ option: 'test' });
    }
    // the pipeline names its own key
    expect(discernError(() => splitIndices(iris, { test: 1.5, seed: 0 })).renamed({ option: () => 'data.split.test' }).message).toMatch(/^data\.split\.test must be a fraction/);
    const e150 = discernError(() => splitIndices(iris, { test: 150, seed: 0 }));
    expect(e150.code).toBe('TOO_FEW_SAMPLES');
    expect(e150.message).toBe(
      'test: 150 asks for 150 test rows (a whole number is a count of rows), which leaves no training rows out of 150; give fewer rows, or a fraction in (0, 1) such as 0.3',
    );
    // a fraction so close to 1 that ceil(0.999 × 10) takes every row
    const ten = labelsOnly(['a', 'b', 'a', 'b', 'a', 'b', 'a', 'b', 'a', 'b']);
    expect(discernError(() => splitIndices(ten, { test: 0.999, seed: 0, stratify: false })).message).toBe(
      'test: 0.999 makes 10 test rows out of 10 (ceil(0.999 × 10)), which leaves no training rows; give a smaller fraction',
    );
    expect(discernError(() => splitIndices(iris, { test: 2, seed: 0 })).message).toBe(
      'test: 2 splits 150 rows into 148 train and 2 test rows, which cannot hold each of the 3 classes on both sides; give between 3 and 147 test rows',
    );
    // 3 of 100 rows in class b: a 0.9 test fraction leaves b with no training row
    const skewed = labelsOnly([...Array<string>(97).fill('a'), 'b', 'b', 'b']);
    const e = discernError(() => splitIndices(skewed, { test: 0.9, seed: 0 }));
    expect(e.code).toBe('TOO_FEW_SAMPLES');
    expect(e.message).toBe('test: 0.9 leaves class "b" (3 rows) with no training row; use a smaller test size');
    const single = discernError(() => splitIndices(labelsOnly(['a', 'a', 'b', 'c', 'c']), { test: 0.4, seed: 0 }));
    expect(single.message).toBe('class "b" has only 1 row in inline rows; a stratified split needs at least 2 per class (or set stratify: false)');
    expect(single.context).toMatchObject({ option: 'stratify' });
    const unlabelled = buildDataset(readCsvFile(dataFile('faithful.csv')));
    const u = discernError(() => splitIndices(unlabelled, { test: 0.3, seed: 0, stratify: true }));
    expect(u.code).toBe('INVALID_ARGUMENT');
    expect(u.message).toContain('it has no label column; set stratify: false (or give a label)');
    expect(splitIndices(unlabelled, { test: 0.3, seed: 0 }).test.length).toBe(Math.ceil(0.3 * 272));
  });

  it('test: 1 is refused as ambiguous; a whole number ≥ 2 is a count of rows, a number in (0, 1) a fraction', () => {
    const e = discernError(() => splitIndices(iris, { test: 1, seed: 0 }));
    expect(e.code).toBe('INVALID_ARGUMENT');
    expect(e.message).toBe(
      'test: 1 is ambiguous (every row, or one row?) and neither makes a test set; give a fraction of the rows in (0, 1), such as 0.3 for 30 %, or a whole number of rows ≥ 2',
    );
    expect(splitIndices(iris, { test: 2, seed: 0, stratify: false }).test.length).toBe(2);
    expect(splitIndices(iris, { test: 149, seed: 0, stratify: false }).test.length).toBe(149);
    // 0.02 of 150 rows: ceil(3) = 3 (not 2: a fraction is not a count)
    expect(splitIndices(iris, { test: 0.02, seed: 0 }).test.length).toBe(3);
  });

  it('keeps each row with its file line through dropped rows and the split', () => {
    // the value of `line` in each row is the line it is written on; rows 4 and 7 of the file miss a value and are dropped
    const dir = mkdtempSync(join(tmpdir(), 'discern-split-'));
    const path = join(dir, 'lines.csv');
    const rows = ['line,x,label'];
    for (let line = 2; line <= 41; line++) rows.push(`${line},${line === 4 || line === 7 ? 'NA' : line / 10},${line % 3 === 0 ? 'a' : 'b'}`);
    writeFileSync(path, rows.join('\n') + '\n');
    const ds = buildDataset(readCsvFile(path), { label: 'label', features: ['line', 'x'], missing: 'drop' });
    rmSync(dir, { recursive: true });
    expect(ds.X.rows).toBe(38);
    const check = (part: Dataset) => {
      expect(part.lines).toBeDefined();
      for (let k = 0; k < part.X.rows; k++) expect(part.lines![k]).toBe(part.X.data[k * 2]); // column `line`
    };
    check(ds);
    expect(Array.from(ds.lines!.subarray(0, 4))).toEqual([2, 3, 5, 6]);
    const { train, test } = stratifiedSplit(ds, { test: 0.3, seed: 5 });
    check(train);
    check(test);
    expect(train.X.rows + test.X.rows).toBe(38);
    for (const fold of kFold(ds, 4, { seed: 2 })) check(subsetDataset(ds, fold.test));
    // inline rows have no file lines
    expect(small.lines).toBeUndefined();
    expect(stratifiedSplit(small, { test: 0.3, seed: 1 }).test.lines).toBeUndefined();
  });
});

describe('kFold', () => {
  for (const f of fixture.kfold) {
    it(`${f.data}, k=${f.k}: per-class fold sizes as StratifiedKFold`, () => {
      const ds = f.y ? labelsOnly(f.y) : datasets[f.data]!;
      const folds = kFold(ds, f.k, { seed: 3 });
      expect(folds).toHaveLength(f.k);
      const seen = new Uint8Array(ds.X.rows);
      for (const { train, test } of folds) {
        expect(isPartition(ds.X.rows, train, test)).toBe(true);
        for (const i of test) seen[i]!++;
      }
      expect(seen.every((s) => s === 1)).toBe(true);
      const got = folds.map(({ test }) => perClass(ds, test)).sort((a, b) => (a.join() < b.join() ? -1 : a.join() > b.join() ? 1 : 0));
      expect(got).toEqual(f.testPerClassPerFold);
    });
  }

  it('unstratified folds differ in size by at most one; deterministic for a seed', () => {
    const folds = kFold(iris, 7, { seed: 1, stratify: false });
    const sizes = folds.map((f) => f.test.length);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(150);
    expect(kFold(iris, 7, { seed: 1, stratify: false }).map((f) => Array.from(f.test))).toEqual(folds.map((f) => Array.from(f.test)));
    expect(kFold(iris, 5, { seed: 1 }).map((f) => Array.from(f.test))).toEqual(kFold(iris, 5, { seed: 1 }).map((f) => Array.from(f.test)));
    const k1 = discernError(() => kFold(iris, 1, { seed: 0 }));
    expect(k1.code).toBe('INVALID_ARGUMENT');
    expect(k1.message).toBe('k-fold needs a whole number of folds k ≥ 2, got 1');
    expect(k1.renamed({ option: () => 'steps[2].crossvalidate.folds' }).message).toContain('folds steps[2].crossvalidate.folds ≥ 2');
    const k151 = discernError(() => kFold(iris, 151, { seed: 0 }));
    expect(k151.code).toBe('TOO_FEW_SAMPLES');
    expect(k151.message).toBe('cannot make 151 folds (k) of 150 rows: each fold needs at least one row; use at most 150 folds');
  });
});

describe('subsetDataset', () => {
  it('picks rows in the given order and rejects out-of-range indices', () => {
    const ds: Dataset = { X: fromRows([[1], [2], [3]]), y: Int32Array.from([0, 1, 0]), classNames: ['a', 'b'], featureNames: ['x'], source: 's' };
    const s = subsetDataset(ds, [2, 0, 2]);
    expect(Array.from(s.X.data)).toEqual([3, 1, 3]);
    expect(Array.from(s.y)).toEqual([0, 0, 0]);
    expect(s.weights).toBeUndefined();
    expect(discernError(() => subsetDataset(ds, [3])).code).toBe('INVALID_ARGUMENT');
    expect(discernError(() => subsetDataset(ds, [0.5])).code).toBe('INVALID_ARGUMENT');
  });
});
