import { describe, expect, it } from 'vitest';
import { createRng, fromRows, type DenseMatrix } from '@discern/linalg';
import { DiscernError } from '@discern/core';
import { LogisticRegression, type LogisticRegressionOptions } from './index.js';

const NAND_X = fromRows([
  [0, 0],
  [0, 1],
  [1, 0],
  [1, 1],
]);
const NAND_Y = Int32Array.from([1, 1, 1, 0]);

function code(fn: () => unknown): DiscernError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(DiscernError);
    return e as DiscernError;
  }
  throw new Error('expected a DiscernError, nothing was thrown');
}

/** Three Gaussian blobs in 2-D (seeded), overlapping enough that the multinomial fit is finite without l2. */
function blobs(seed: number, n = 90): { X: DenseMatrix; y: Int32Array } {
  const rng = createRng(seed);
  const centres = [
    [0, 0],
    [2, 1],
    [-1, 2],
  ];
  const data = new Float64Array(n * 2);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const k = i % 3;
    y[i] = k;
    data[2 * i] = centres[k]![0]! + rng.normal();
    data[2 * i + 1] = centres[k]![1]! + rng.normal();
  }
  return { X: { rows: n, cols: 2, data }, y };
}

describe('NAND gate by gradient descent (the perceptron exercise)', () => {
  for (const [loss, learningRate, epochs] of [
    ['log', 0.5, 5000],
    ['mse', 1, 5000],
  ] as const) {
    it(`${loss} loss, learning rate ${learningRate}, ${epochs} epochs: predicts 1,1,1,0 with a decreasing loss`, () => {
      const model = new LogisticRegression({ solver: 'gd', loss, learningRate, epochs }).fit(NAND_X, NAND_Y);
      expect(Array.from(model.predict(NAND_X))).toEqual([1, 1, 1, 0]);
      const r = model.fitReport!;
      expect(r.iterations).toBe(epochs);
      expect(r.reason).toBe('epochs');
      expect(r.history).toHaveLength(epochs);
      for (let e = 1; e < r.history.length; e++) expect(r.history[e]!).toBeLessThan(r.history[e - 1]!);
      // from log 2 (log loss) or ¼ (mse) at zero weights to a small fraction of it
      expect(r.history[epochs - 1]!).toBeLessThan(0.1 * (loss === 'log' ? Math.LN2 : 0.25));
      // NAND is z = b − w·(x1 + x2) with b > 0 > b − 2w... the fitted signs say so
      const [w1, w2] = model.coef.data;
      expect(w1).toBeLessThan(0);
      expect(w2).toBeLessThan(0);
      expect(model.intercept[0]).toBeGreaterThan(0);
      expect(r.details).toMatchObject({ solver: 'gd', loss });
    });
  }

  it('one epoch of learning rate 1 from zeros gives θ = (0, 0, ¼) and loss 0.6384394198788436 (worked by hand)', () => {
    const model = new LogisticRegression({ solver: 'gd', learningRate: 1, epochs: 1 }).fit(NAND_X, NAND_Y);
    expect(Array.from(model.coef.data)).toEqual([0, 0]);
    expect(Array.from(model.intercept)).toEqual([0.25]);
    expect(model.fitReport!.history[0]).toBeCloseTo(0.6384394198788436, 15);
  });

  it('starts from initialWeights (coefficients then intercept)', () => {
    // at the start (w1, w2, b) = (−10, −10, 15) every NAND row is already right with margin 5
    const model = new LogisticRegression({ solver: 'gd', epochs: 1, learningRate: 1e-9, initialWeights: [-10, -10, 15] }).fit(NAND_X, NAND_Y);
    expect(model.coef.data[0]).toBeCloseTo(-10, 6);
    expect(model.intercept[0]).toBeCloseTo(15, 6);
    expect(code(() => new LogisticRegression({ solver: 'gd', initialWeights: [1, 2] }).fit(NAND_X, NAND_Y)).message).toMatch(/initialWeights has 2 values, expected 3/);
  });

  it('reports progress once per epoch', () => {
    const steps: number[] = [];
    new LogisticRegression({ solver: 'gd', epochs: 7 }).fit(NAND_X, NAND_Y, { onProgress: (p) => steps.push(p.step) });
    expect(steps).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });
});

describe('divergence', () => {
  it('learning rate 1e6 throws FIT_DIVERGED at epoch 1, naming the last finite loss and the fix', () => {
    const e = code(() => new LogisticRegression({ solver: 'gd', learningRate: 1e6, epochs: 100 }).fit(NAND_X, NAND_Y));
    expect(e.code).toBe('FIT_DIVERGED');
    // from zeros the first step puts b = 2.5e5: loss 62500 ≫ 1000 × log 2
    expect(e.message).toMatch(/diverged at epoch 1 of 100/);
    expect(e.message).toMatch(/last finite loss 0\.693147/);
    expect(e.message).toMatch(/lower learningRate \(now 1000000\)/);
    // said in the user's terms once the pipeline names the option by its config key
    expect(e.renamed({ option: (o) => (o === 'learningRate' ? 'steps[0].fit.learning_rate' : o) }).message).toMatch(/lower steps\[0\]\.fit\.learning_rate \(now 1000000\)/);
  });

  it('with l2 the weights grow geometrically until the loss is Infinity or NaN: FIT_DIVERGED, never NaN coefficients', () => {
    const { X, y } = blobs(3);
    const model = new LogisticRegression({ solver: 'gd', learningRate: 1e3, l2: 10, epochs: 1000 });
    const e = code(() => model.fit(X, y));
    expect(e.code).toBe('FIT_DIVERGED');
    expect(e.message).toMatch(/lower learningRate/);
    expect(() => model.coef).toThrowError(/not fitted/);
  });
});

describe('L-BFGS fits', () => {
  it('multinomial: probabilities sum to one, predict = argmax, decisionFunction is n×K', () => {
    const { X, y } = blobs(1);
    const model = new LogisticRegression({ l2: 0.01 }).fit(X, y);
    expect(model.nClasses).toBe(3);
    expect(model.nFeatures).toBe(2);
    expect(model.coef.rows).toBe(3);
    const P = model.predictProba(X);
    const D = model.decisionFunction(X) as DenseMatrix;
    expect([D.rows, D.cols]).toEqual([90, 3]);
    const pred = model.predict(X);
    let right = 0;
    for (let i = 0; i < X.rows; i++) {
      const row = Array.from(P.data.subarray(3 * i, 3 * i + 3));
      expect(Math.abs(row.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-15);
      expect(pred[i]).toBe(row.indexOf(Math.max(...row)));
      if (pred[i] === y[i]) right++;
    }
    expect(right / X.rows).toBeGreaterThan(0.6);
    // l2 > 0 makes the multinomial coefficients sum to zero over classes at the optimum (the gradient of the
    // data term sums to zero over classes, so l2·Σ_k coef_k = 0)
    for (let j = 0; j < 2; j++) expect(Math.abs(model.coef.data[j]! + model.coef.data[2 + j]! + model.coef.data[4 + j]!)).toBeLessThan(1e-6);
    expect(model.fitReport!.converged).toBe(true);
    expect(model.fitReport!.details?.['gradNorm']).toBeLessThanOrEqual(1e-6);
  });

  it('binary: decisionFunction is the logit of predictProba[:, 1]', () => {
    const { X, y } = blobs(2);
    const y2 = Int32Array.from(y, (v) => (v === 1 ? 1 : 0));
    const model = new LogisticRegression().fit(X, y2);
    const z = model.decisionFunction(X) as Float64Array;
    const P = model.predictProba(X);
    expect(z).toBeInstanceOf(Float64Array);
    for (let i = 0; i < X.rows; i++) {
      expect(P.data[2 * i + 1]).toBeCloseTo(1 / (1 + Math.exp(-z[i]!)), 15);
      expect(P.data[2 * i]! + P.data[2 * i + 1]!).toBeCloseTo(1, 15);
    }
  });

  it('weights of ones give exactly the same coefficients as no weights', () => {
    const { X, y } = blobs(4);
    const a = new LogisticRegression({ l2: 0.1 }).fit(X, y);
    const b = new LogisticRegression({ l2: 0.1 }).fit(X, y, { weights: new Float64Array(X.rows).fill(1) });
    expect(Array.from(b.coef.data)).toEqual(Array.from(a.coef.data));
    expect(Array.from(b.intercept)).toEqual(Array.from(a.intercept));
  });

  it('class weights equal event weights set per class (bit for bit), and scaling all weights changes nothing', () => {
    const { X, y } = blobs(5);
    const cw = [0.5, 2, 1.25];
    const a = new LogisticRegression({ l2: 0.05, classWeight: cw }).fit(X, y);
    const b = new LogisticRegression({ l2: 0.05 }).fit(X, y, { weights: Float64Array.from(y, (k) => cw[k]!) });
    expect(Array.from(a.coef.data)).toEqual(Array.from(b.coef.data));
    // the objective is a weighted mean, so weights ×4 leave the optimum unchanged
    const c = new LogisticRegression({ l2: 0.05, tol: 1e-9 }).fit(X, y, { weights: Float64Array.from(y, (k) => 4 * cw[k]!) });
    const d = new LogisticRegression({ l2: 0.05, tol: 1e-9 }).fit(X, y, { weights: Float64Array.from(y, (k) => cw[k]!) });
    for (let j = 0; j < 6; j++) expect(c.coef.data[j]).toBeCloseTo(d.coef.data[j]!, 6);
  });

  it('reports progress once per iteration and stops at maxIter with converged false', () => {
    const { X, y } = blobs(6);
    const steps: number[] = [];
    const m = new LogisticRegression({ maxIter: 3, tol: 0 }).fit(X, y, { onProgress: (p) => steps.push(p.step) });
    expect(steps).toEqual([1, 2, 3]);
    expect(m.fitReport).toMatchObject({ iterations: 3, converged: false, reason: 'max_iter' });
    expect(m.fitReport!.history).toHaveLength(3);
  });

  it('fitIntercept false: intercepts are zero', () => {
    const { X, y } = blobs(7);
    const m = new LogisticRegression({ fitIntercept: false, l2: 0.1 }).fit(X, y);
    expect(Array.from(m.intercept)).toEqual([0, 0, 0]);
  });
});

describe('bad input', () => {
  it('one class → LABEL_INVALID', () => {
    expect(code(() => new LogisticRegression().fit(NAND_X, new Int32Array(4))).code).toBe('LABEL_INVALID');
  });

  it('NaN in X → DATA_INVALID naming row and feature', () => {
    const X = fromRows([
      [0, 0],
      [0, NaN],
      [1, 0],
      [1, 1],
    ]);
    const e = code(() => new LogisticRegression().fit(X, NAND_Y));
    expect(e.code).toBe('DATA_INVALID');
    expect(e.message).toMatch(/row 1, feature 1/);
    const m = new LogisticRegression().fit(NAND_X, NAND_Y);
    expect(code(() => m.predictProba(X)).code).toBe('DATA_INVALID');
    expect(code(() => m.predict(fromRows([[1, 2, 3]]))).code).toBe('DATA_INVALID');
  });

  it('negative weights → DATA_INVALID explaining that the log-loss objective would be unbounded', () => {
    const e = code(() => new LogisticRegression().fit(NAND_X, NAND_Y, { weights: Float64Array.from([1, -1, 1, 1]) }));
    expect(e.code).toBe('DATA_INVALID');
    expect(e.message).toMatch(/row 1 is negative \(-1\).*unbounded/);
  });

  it('weights all zero, or class weights that zero every row → DATA_INVALID', () => {
    expect(code(() => new LogisticRegression().fit(NAND_X, NAND_Y, { weights: new Float64Array(4) })).code).toBe('DATA_INVALID');
    expect(code(() => new LogisticRegression({ classWeight: [0, 0] }).fit(NAND_X, NAND_Y)).code).toBe('DATA_INVALID');
  });

  it('class weights of the wrong length → INVALID_ARGUMENT', () => {
    expect(code(() => new LogisticRegression({ classWeight: [1, 2, 3] }).fit(NAND_X, NAND_Y)).message).toMatch(/classWeight has 3 values but the labels have 2 classes/);
  });

  it('predict before fit → MODEL_NOT_FITTED', () => {
    expect(code(() => new LogisticRegression().predict(NAND_X)).code).toBe('MODEL_NOT_FITTED');
    expect(code(() => new LogisticRegression().toJSON()).code).toBe('MODEL_NOT_FITTED');
  });

  it.each<[LogisticRegressionOptions, RegExp]>([
    [{ loss: 'mse' }, /loss 'mse' is only available with solver 'gd'/],
    [{ solver: 'newton' as 'gd' }, /solver is 'newton'; expected 'lbfgs' or 'gd'/],
    [{ learningRate: 0 }, /learningRate is 0; expected a finite number > 0/],
    [{ epochs: 2.5 }, /epochs is 2.5; expected an integer ≥ 1/],
    [{ tol: -1 }, /tol is -1/],
    [{ l2: NaN }, /l2 is NaN/],
    [{ classWeight: 'auto' as 'balanced' }, /classWeight is 'auto'; expected 'balanced' or an array/],
    [{ initialWeights: [1, NaN] }, /initialWeights is \[1, NaN\]/],
    [{ learning_rate: 0.1 } as LogisticRegressionOptions, /unknown option 'learning_rate'; accepted: solver, loss, learningRate/],
  ])('options %o → INVALID_ARGUMENT', (opts, msg) => {
    const e = code(() => new LogisticRegression(opts));
    expect(e.code).toBe('INVALID_ARGUMENT');
    expect(e.message).toMatch(msg);
  });
});

describe('toJSON / fromJSON', () => {
  it('binary and multinomial models survive JSON text with bit-identical predictions', () => {
    const { X, y } = blobs(8);
    for (const model of [new LogisticRegression({ l2: 0.01, classWeight: 'balanced' }).fit(X, y), new LogisticRegression({ solver: 'gd', epochs: 50 }).fit(NAND_X, NAND_Y)]) {
      const Xs = model.nClasses === 2 ? NAND_X : X;
      const back = LogisticRegression.fromJSON(JSON.parse(JSON.stringify(model.toJSON())));
      expect(Array.from(back.predictProba(Xs).data)).toEqual(Array.from(model.predictProba(Xs).data));
      expect(Array.from(back.predict(Xs))).toEqual(Array.from(model.predict(Xs)));
      expect(back.options).toEqual(model.options);
      expect([back.nClasses, back.nFeatures]).toEqual([model.nClasses, model.nFeatures]);
    }
  });

  it('malformed JSON → MODEL_INVALID naming the field and what is wrong', () => {
    const good = new LogisticRegression().fit(NAND_X, NAND_Y).toJSON();
    const cases: [unknown, RegExp][] = [
      [null, /^estimator is null; expected an object$/],
      [{ ...good, kind: 'gmm' }, /^estimator\.kind is "gmm"; expected "logistic"$/],
      [{ ...good, version: 2 }, /^estimator\.version is 2; this discern reads version 1/],
      [{ ...good, nClasses: 3 }, /^estimator\.coef is an array of 1 value; expected a 3 × 2 nested array of numbers$/],
      [{ ...good, nFeatures: 3 }, /^estimator\.coef\[0\] is an array of 2 values; expected an array of 3 numbers$/],
      [{ ...good, coef: [[1, 'x']] }, /^estimator\.coef\[0\]\[1\] is "x"; expected a finite number$/],
      [{ ...good, intercept: [] }, /^estimator\.intercept is an array of 0 values; expected an array of 1 number$/],
      [{ ...good, options: { ...good.options, solver: 'sgd' } }, /^estimator\.options\.solver is not a valid option: LogisticRegression: solver is 'sgd'/],
      [{ ...good, options: undefined }, /^estimator\.options is missing; expected an object$/],
    ];
    for (const [json, msg] of cases) {
      const e = code(() => LogisticRegression.fromJSON(json));
      expect(e.code).toBe('MODEL_INVALID');
      expect(e.message).toMatch(msg);
    }
  });
});
