import { describe, expect, it } from 'vitest';
import { MLPClassifier } from './mlp.js';
import { accuracy, auc, readCsv, standardise, stratifiedSplit, take } from './testing.test-helpers.js';

describe('MLPClassifier on real data', () => {
  it('digits: test accuracy ≥ 0.97 on a stratified 30 % split (issue requirement)', () => {
    const { X, y } = readCsv('digits.csv', Number);
    for (let t = 0; t < X.data.length; t++) X.data[t]! /= 16; // pixel intensities 0..16
    const split = stratifiedSplit(y, 0.3, 11);
    const train = take(X, y, split.train);
    const test = take(X, y, split.test);
    const m = new MLPClassifier({ hiddenLayers: [64], learningRateInit: 0.01, batchSize: 64, maxIter: 40, seed: 0 }).fit(train.X, train.y);
    expect(m.nClasses).toBe(10);
    expect(accuracy(m.predict(test.X), test.y)).toBeGreaterThanOrEqual(0.97);
  });

  it('MAGIC (4,000 rows, standardised): test AUC above 0.88', () => {
    // gamma (signal) = class 1; the full-size comparison with scikit-learn is tools/bench/mlp.ts (AUC ≈ 0.92)
    const { X, y } = readCsv('magic04.csv', (c) => (c === 'g' ? 1 : 0));
    const sub = stratifiedSplit(y, 4000 / y.length, 5).test;
    const data = take(X, y, sub);
    const split = stratifiedSplit(data.y, 0.3, 6);
    const train = take(data.X, data.y, split.train);
    const test = take(data.X, data.y, split.test);
    standardise(train.X, train.X, test.X);
    const m = new MLPClassifier({ hiddenLayers: [32, 16], learningRateInit: 0.003, maxIter: 40, seed: 2 }).fit(train.X, train.y);
    const P = m.predictProba(test.X);
    const score = new Float64Array(test.y.length).map((_, i) => P.data[i * 2 + 1]!);
    const a = auc(score, test.y);
    expect(a).toBeGreaterThan(0.88);
    expect(a).toBeLessThan(1);
  });

  it('diverging SGD (learning rate 1e6, unscaled MAGIC) fails with FIT_DIVERGED and leaves the model unfitted', () => {
    const all = readCsv('magic04.csv', (c) => (c === 'g' ? 1 : 0));
    const { X, y } = take(all.X, all.y, stratifiedSplit(all.y, 1000 / all.y.length, 9).test);
    const m = new MLPClassifier({ solver: 'sgd', learningRateInit: 1e6, maxIter: 50 });
    let err: unknown;
    try {
      m.fit(X, y);
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: 'FIT_DIVERGED' });
    expect((err as Error).message).toMatch(/epoch \d+.*lower learningRateInit/);
    expect(m.nClasses).toBe(0);
    expect(m.layers).toEqual([]);
  });
});
