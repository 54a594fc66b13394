import { readFileSync } from 'node:fs';
import { denseMatrix } from '@discern/linalg';
import { describe, expect, it } from 'vitest';
import { type MLPOptions } from './options.js';
import { MLPClassifier } from './mlp.js';

/**
 * scikit-learn 1.2.1 trajectories (tools/fixtures/make_mlp_fixtures.py): the same initial weights, no shuffling,
 * a constant learning rate, a few epochs of SGD (plain, classical and Nesterov momentum) or Adam, full-batch and
 * mini-batch. Same weights after the same steps prove the loss, L2 and update scaling equal sklearn's.
 * Tolerances: weights 1e-10 absolute (summation order differs: BLAS vs our blocked loops), loss curve and
 * probabilities 1e-10 relative.
 */
interface Case {
  name: string;
  options: MLPOptions;
  X: number[];
  n: number;
  p: number;
  y: number[];
  initial: { weights: number[]; biases: number[] }[];
  final: { weights: number[]; biases: number[] }[];
  lossCurve: number[];
  predictProba: number[];
}
const fixture = JSON.parse(readFileSync(new URL('./mlp-sklearn.fixture.json', import.meta.url), 'utf8')) as { sklearn: string; cases: Case[] };

describe(`MLPClassifier follows scikit-learn ${fixture.sklearn} step by step`, () => {
  for (const c of fixture.cases) {
    it(c.name, () => {
      const X = denseMatrix(c.n, c.p, c.X);
      const model = new MLPClassifier({ ...c.options, initialLayers: c.initial, shuffle: false, tol: 0, nIterNoChange: 1000, learningRate: 'constant' });
      model.fit(X, Int32Array.from(c.y));
      const layers = model.layers;
      expect(layers.length).toBe(c.final.length);
      let maxDiff = 0;
      let moved = 0;
      layers.forEach((layer, l) => {
        const ref = c.final[l]!;
        const init = c.initial[l]!;
        ref.weights.forEach((v, t) => {
          maxDiff = Math.max(maxDiff, Math.abs(layer.weights[t]! - v));
          moved = Math.max(moved, Math.abs(v - init.weights[t]!));
        });
        ref.biases.forEach((v, t) => (maxDiff = Math.max(maxDiff, Math.abs(layer.biases[t]! - v))));
      });
      expect(maxDiff).toBeLessThan(1e-10);
      expect(moved).toBeGreaterThan(1e-3); // training really moved the weights
      const history = model.fitReport!.history;
      expect(history.length).toBe(c.lossCurve.length);
      history.forEach((v, e) => expect(Math.abs(v - c.lossCurve[e]!) / c.lossCurve[e]!).toBeLessThan(1e-10));
      const P = model.predictProba(X);
      const K = P.cols;
      // sklearn's binary predict_proba is [1 − p, p] too
      c.predictProba.forEach((v, t) => expect(Math.abs(P.data[t]! - v)).toBeLessThan(1e-10));
      expect(P.data.length).toBe(c.n * K);
    });
  }
});
