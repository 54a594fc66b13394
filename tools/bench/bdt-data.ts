/** The data and settings of tools/bench/bdt.ts, shared with its discern process (bdt-child.ts). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Dense, ROOT, readMagic } from './common.js';

export const ITER = 200;

/** The setting of issue 13's comparison: 200 iterations, learning rate 0.1, 31 leaves, 255 bins, no early stopping. */
export const FIT_OPTIONS = { learningRate: 0.1, maxIter: ITER, maxLeafNodes: 31, maxBins: 255, minSamplesLeaf: 20, l2Regularization: 0, earlyStopping: false } as const;

export interface Split {
  train: Dense;
  ytrain: Int32Array;
  test: Dense;
  ytest: Int32Array;
}

/** The trees' fixture split of MAGIC (packages/models/src/trees/__fixtures__/sklearn_trees.json): raw features, gamma = 1. */
export function magicSplit(): Split {
  const { X, y } = readMagic();
  const f = JSON.parse(readFileSync(join(ROOT, 'packages', 'models', 'src', 'trees', '__fixtures__', 'sklearn_trees.json'), 'utf8')) as { train: number[]; test: number[] };
  const take = (idx: number[]): [Dense, Int32Array] => {
    const d = new Float64Array(idx.length * X.cols);
    idx.forEach((i, k) => d.set(X.data.subarray(i * X.cols, (i + 1) * X.cols), k * X.cols));
    return [{ rows: idx.length, cols: X.cols, data: d }, Int32Array.from(idx, (i) => y[i]!)];
  };
  const [train, ytrain] = take(f.train);
  const [test, ytest] = take(f.test);
  return { train, ytrain, test, ytest };
}

/** AUC as the Mann–Whitney statistic (ties half). */
export function aucOf(score: ArrayLike<number>, y: Int32Array): number {
  const idx = Array.from({ length: y.length }, (_, i) => i).sort((a, b) => score[a]! - score[b]!);
  let rank = 0, pos = 0;
  for (let s = 0; s < idx.length; ) {
    let e = s;
    while (e + 1 < idx.length && score[idx[e + 1]!] === score[idx[s]!]) e++;
    for (let t = s; t <= e; t++)
      if (y[idx[t]!] === 1) {
        rank += (s + e) / 2 + 1;
        pos++;
      }
    s = e + 1;
  }
  return (rank - (pos * (pos + 1)) / 2) / (pos * (y.length - pos));
}
