import { type DenseMatrix, denseMatrix, fromRows } from '@discern/linalg';
import { DiscernError } from '@discern/core';
import { describe, expect, it } from 'vitest';
import { MLPClassifier } from './mlp.js';

const XOR = fromRows([
  [0, 0],
  [0, 1],
  [1, 0],
  [1, 1],
]);

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    if (e instanceof DiscernError) return e.code;
    throw e;
  }
  return undefined;
}

/** Three Gaussian blobs in 4 dimensions, classes 0..2 (a deterministic toy sample). */
function blobs(n: number, spread = 1): { X: DenseMatrix; y: Int32Array } {
  const X = new Float64Array(n * 4);
  const y = new Int32Array(n);
  let s = 12345;
  const u = (): number => ((s = (s * 16807) % 2147483647) / 2147483647);
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    y[i] = c;
    for (let j = 0; j < 4; j++) {
      const g = Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
      X[i * 4 + j] = (j === c ? 2 : 0) + spread * g;
    }
  }
  return { X: denseMatrix(n, 4, X), y };
}

describe('MLPClassifier: classic exercises', () => {
  it('learns XOR (hidden [4] tanh, adam)', () => {
    const y = Int32Array.from([0, 1, 1, 0]);
    const m = new MLPClassifier({ hiddenLayers: [4], activation: 'tanh', learningRateInit: 0.05, maxIter: 1000, l2: 0, seed: 1 }).fit(XOR, y);
    expect(Array.from(m.predict(XOR))).toEqual([0, 1, 1, 0]);
    const P = m.predictProba(XOR);
    for (let i = 0; i < 4; i++) expect(P.data[i * 2 + y[i]!]!).toBeGreaterThan(0.9);
  });

  it('learns XOR (hidden [8] relu, sgd with Nesterov momentum)', () => {
    const y = Int32Array.from([0, 1, 1, 0]);
    const m = new MLPClassifier({ hiddenLayers: [8], solver: 'sgd', learningRateInit: 0.1, maxIter: 1000, l2: 0, seed: 3 }).fit(XOR, y);
    expect(Array.from(m.predict(XOR))).toEqual([0, 1, 1, 0]);
  });

  it('learns NAND with the mse loss (a single sigmoid unit, plain gradient descent)', () => {
    const y = Int32Array.from([1, 1, 1, 0]);
    const m = new MLPClassifier({ hiddenLayers: [], loss: 'mse', solver: 'sgd', momentum: 0, learningRateInit: 2, maxIter: 2000, l2: 0, tol: 0, nIterNoChange: 5000 }).fit(XOR, y);
    expect(Array.from(m.predict(XOR))).toEqual([1, 1, 1, 0]);
    const h = m.fitReport!.history;
    expect(h[h.length - 1]!).toBeLessThan(0.02); // ½(p − t)² per row
    expect(h[h.length - 1]!).toBeLessThan(h[0]!);
  });
});

describe('MLPClassifier: model contract', () => {
  const { X, y } = blobs(150);

  it('same seed gives bit-identical weights, another seed different ones', () => {
    const a = new MLPClassifier({ hiddenLayers: [6, 5], maxIter: 15, seed: 7 }).fit(X, y);
    const b = new MLPClassifier({ hiddenLayers: [6, 5], maxIter: 15, seed: 7 }).fit(X, y);
    const c = new MLPClassifier({ hiddenLayers: [6, 5], maxIter: 15, seed: 8 }).fit(X, y);
    a.layers.forEach((l, i) => {
      expect(Array.from(l.weights)).toEqual(Array.from(b.layers[i]!.weights));
      expect(Array.from(l.biases)).toEqual(Array.from(b.layers[i]!.biases));
    });
    expect(Array.from(a.layers[0]!.weights)).not.toEqual(Array.from(c.layers[0]!.weights));
  });

  it('exposes layers (W inputs×outputs row-major, b, activation) that reproduce predictProba by hand', () => {
    const m = new MLPClassifier({ hiddenLayers: [5, 3], activation: 'tanh', maxIter: 20 }).fit(X, y);
    const layers = m.layers;
    expect(layers.map((l) => [l.inputs, l.outputs, l.activation])).toEqual([
      [4, 5, 'tanh'],
      [5, 3, 'tanh'],
      [3, 3, 'softmax'],
    ]);
    const P = m.predictProba(X);
    for (let i = 0; i < 10; i++) {
      let a = Array.from(X.data.subarray(i * 4, i * 4 + 4));
      for (const l of layers) {
        const z = Array.from({ length: l.outputs }, (_, j) => l.biases[j]! + a.reduce((s, v, k) => s + v * l.weights[k * l.outputs + j]!, 0));
        if (l.activation === 'tanh') a = z.map(Math.tanh);
        else {
          const e = z.map((v) => Math.exp(v - Math.max(...z)));
          a = e.map((v) => v / e.reduce((s, t) => s + t, 0));
        }
      }
      for (let k = 0; k < 3; k++) expect(Math.abs(P.data[i * 3 + k]! - a[k]!)).toBeLessThan(1e-12);
    }
    layers[0]!.weights[0] = 99; // a copy: the model is unchanged
    expect(m.layers[0]!.weights[0]).not.toBe(99);
  });

  it('binary: one sigmoid output, predictProba columns [1 − p, p] summing to one', () => {
    const yb = y.map((c) => (c === 0 ? 1 : 0));
    const m = new MLPClassifier({ hiddenLayers: [4], maxIter: 30 }).fit(X, yb);
    expect(m.nClasses).toBe(2);
    expect(m.layers[1]!.outputs).toBe(1);
    expect(m.layers[1]!.activation).toBe('sigmoid');
    const P = m.predictProba(X);
    expect(P.cols).toBe(2);
    for (let i = 0; i < X.rows; i++) expect(P.data[i * 2]! + P.data[i * 2 + 1]!).toBeCloseTo(1, 15);
  });

  it('round-trips through JSON exactly', () => {
    const m = new MLPClassifier({ hiddenLayers: [6], activation: 'sigmoid', solver: 'sgd', maxIter: 12, earlyStopping: true, validationFraction: 0.2 }).fit(X, y);
    const json = m.toJSON();
    const back = MLPClassifier.fromJSON(JSON.parse(JSON.stringify(json)));
    expect(back.toJSON()).toEqual(json);
    expect(Array.from(back.predictProba(X).data)).toEqual(Array.from(m.predictProba(X).data));
    expect(back.fitReport).toEqual(m.fitReport);
    expect(back.nFeatures).toBe(4);
    expect(back.nClasses).toBe(3);
  });

  it('rejects malformed JSON with MODEL_INVALID', () => {
    const json = JSON.parse(JSON.stringify(new MLPClassifier({ hiddenLayers: [3], maxIter: 2 }).fit(X, y).toJSON())) as Record<string, unknown> & { layers: Record<string, unknown>[] };
    const bad: unknown[] = [
      null,
      { ...json, kind: 'logistic' },
      { ...json, version: 2 },
      { ...json, nFeatures: 5 },
      { ...json, layers: json.layers.slice(1) },
      { ...json, layers: [{ ...json.layers[0], weights: [1, 2] }, json.layers[1]] },
      { ...json, layers: [{ ...json.layers[0], activation: 'softmax' }, json.layers[1]] },
      { ...json, layers: [json.layers[0], { ...json.layers[1], biases: [0, 'x', 0] }] },
      { ...json, options: { ...(json.options as object), activation: 'swish' } },
    ];
    for (const b of bad) expect(codeOf(() => MLPClassifier.fromJSON(b))).toBe('MODEL_INVALID');
  });

  it('reports progress once per epoch with the loss', () => {
    const seen: [string, number, number, number | undefined][] = [];
    const m = new MLPClassifier({ hiddenLayers: [3], maxIter: 5, tol: 0, nIterNoChange: 100 }).fit(X, y, { onProgress: (p) => seen.push([p.phase, p.step, p.total, p.value]) });
    expect(seen).toEqual(m.fitReport!.history.map((v, e) => ['epoch', e + 1, 5, v]));
    expect(m.fitReport).toMatchObject({ iterations: 5, converged: false, reason: 'max_iter' });
  });

  it('stops on a training-loss plateau (tol, nIterNoChange) as scikit-learn', () => {
    const m = new MLPClassifier({ hiddenLayers: [4], maxIter: 500, tol: 1e-3, nIterNoChange: 3, learningRateInit: 0.05 }).fit(X, y);
    const r = m.fitReport!;
    expect(r.reason).toBe('tol');
    expect(r.converged).toBe(true);
    expect(r.iterations).toBeLessThan(500);
    // each of the last nIterNoChange + 1 epochs failed to beat the best loss before it by tol
    const h = r.history;
    for (let e = h.length - 4; e < h.length; e++) expect(h[e]!).toBeGreaterThan(Math.min(...h.slice(0, e)) - 1e-3);
    // and the epoch before them did improve by tol (otherwise training would have stopped earlier)
    const e0 = h.length - 5;
    expect(h[e0]!).toBeLessThanOrEqual(Math.min(...h.slice(0, e0)) - 1e-3);
  });
});

describe('MLPClassifier: learning-rate schedules', () => {
  const { X, y } = blobs(60);

  it("'invscaling' runs epoch e at init / e^powerT", () => {
    const m = new MLPClassifier({ hiddenLayers: [3], solver: 'sgd', learningRate: 'invscaling', learningRateInit: 0.1, maxIter: 4, tol: 0, nIterNoChange: 100 }).fit(X, y);
    const lr = m.fitReport!.details!.learningRates as number[];
    const expected = [0.1, 0.07071067811865475, 0.05773502691896258, 0.05];
    lr.forEach((v, e) => expect(Math.abs(v - expected[e]!)).toBeLessThan(1e-17));
    expect(lr.length).toBe(4);
  });

  it("'plateau' divides by 5 after more than nIterNoChange stalled epochs and stops once lr ≤ 1e-6", () => {
    // tol = 1e9: every epoch after the first counts as stalled
    const m = new MLPClassifier({ hiddenLayers: [3], solver: 'sgd', learningRate: 'plateau', learningRateInit: 1e-4, tol: 1e9, nIterNoChange: 2, maxIter: 100 }).fit(X, y);
    const lr = m.fitReport!.details!.learningRates as number[];
    const expected = [1e-4, 1e-4, 1e-4, 1e-4, 2e-5, 2e-5, 2e-5, 4e-6, 4e-6, 4e-6, 8e-7, 8e-7, 8e-7];
    expect(lr.length).toBe(expected.length);
    lr.forEach((v, e) => expect(Math.abs(v - expected[e]!) / expected[e]!).toBeLessThan(1e-14));
    expect(m.fitReport).toMatchObject({ reason: 'tol', iterations: 13 });
  });

  it("'constant' keeps the initial rate", () => {
    const m = new MLPClassifier({ hiddenLayers: [3], learningRateInit: 0.003, maxIter: 3, tol: 0 }).fit(X, y);
    expect(m.fitReport!.details!.learningRates).toEqual([0.003, 0.003, 0.003]);
  });
});

describe('MLPClassifier: early stopping', () => {
  // noisy blobs and a large network: the validation loss turns up while the training loss keeps falling
  const { X, y } = blobs(240, 2.5);
  const opts = { hiddenLayers: [64, 64], learningRateInit: 0.01, l2: 0, earlyStopping: true, validationFraction: 0.25, patience: 5, seed: 4 } as const;

  it('stops on the validation loss and restores the best weights', () => {
    const m = new MLPClassifier({ ...opts, maxIter: 300 }).fit(X, y);
    const r = m.fitReport!;
    expect(r.reason).toBe('early_stopping');
    const vl = r.details!.validationLoss as number[];
    const best = r.details!.bestEpoch as number;
    expect(vl.length).toBe(r.iterations);
    expect(r.iterations).toBe(best + 6); // more than patience = 5 epochs without improvement
    expect(vl[best - 1]).toBe(Math.min(...vl));
    expect((r.details!.validationAccuracy as number[]).length).toBe(r.iterations);
    expect(r.details!.validationRows).toBe(60); // stratified: 20 of each class's 80
    // the same run cut at the best epoch ends on those weights: they are what was kept
    const cut = new MLPClassifier({ ...opts, maxIter: best }).fit(X, y);
    m.layers.forEach((l, i) => expect(Array.from(l.weights)).toEqual(Array.from(cut.layers[i]!.weights)));
  });
});

describe('MLPClassifier: event weights', () => {
  const { X, y } = blobs(30);

  it('weights of ones give bit-identical weights to no weights', () => {
    const a = new MLPClassifier({ hiddenLayers: [4], maxIter: 10 }).fit(X, y);
    const b = new MLPClassifier({ hiddenLayers: [4], maxIter: 10 }).fit(X, y, { weights: new Float64Array(30).fill(1) });
    a.layers.forEach((l, i) => expect(Array.from(l.weights)).toEqual(Array.from(b.layers[i]!.weights)));
  });

  it('an integer weight equals repeating the row (full batch, no penalty), and the scale of weights does not matter', () => {
    const w = new Float64Array(30).fill(1);
    w[3] = 2;
    w[7] = 3;
    const dupRows: number[] = [];
    for (let i = 0; i < 30; i++) for (let r = 0; r < w[i]!; r++) dupRows.push(i);
    const Xd = denseMatrix(dupRows.length, 4, Float64Array.from(dupRows.flatMap((i) => Array.from(X.data.subarray(i * 4, i * 4 + 4)))));
    const yd = Int32Array.from(dupRows.map((i) => y[i]!));
    const opts = { hiddenLayers: [4], l2: 0, batchSize: 1000, maxIter: 20, shuffle: false, solver: 'sgd', learningRateInit: 0.1 } as const;
    const a = new MLPClassifier(opts).fit(X, y, { weights: w });
    const b = new MLPClassifier(opts).fit(Xd, yd);
    const c = new MLPClassifier(opts).fit(X, y, { weights: w.map((v) => v * 1e-3) });
    a.layers.forEach((l, i) =>
      l.weights.forEach((v, t) => {
        expect(Math.abs(v - b.layers[i]!.weights[t]!)).toBeLessThan(1e-12);
        expect(Math.abs(v - c.layers[i]!.weights[t]!)).toBeLessThan(1e-12);
      }),
    );
    const unweighted = new MLPClassifier(opts).fit(X, y);
    expect(Math.abs(unweighted.layers[0]!.weights[0]! - a.layers[0]!.weights[0]!)).toBeGreaterThan(1e-6);
  });

  it('rejects negative weights', () => {
    const w = new Float64Array(30).fill(1);
    w[2] = -1;
    expect(codeOf(() => new MLPClassifier().fit(X, y, { weights: w }))).toBe('DATA_INVALID');
  });
});

describe('MLPClassifier: bad input', () => {
  const { X, y } = blobs(30);

  it('fails with the shared codes', () => {
    const nan = denseMatrix(30, 4, X.data.slice());
    nan.data[5] = NaN;
    expect(codeOf(() => new MLPClassifier().fit(nan, y))).toBe('DATA_INVALID');
    expect(codeOf(() => new MLPClassifier().fit(X, new Int32Array(30)))).toBe('LABEL_INVALID');
    expect(codeOf(() => new MLPClassifier().fit(denseMatrix(1, 4, [1, 2, 3, 4]), Int32Array.from([0])))).toBe('TOO_FEW_SAMPLES');
    expect(codeOf(() => new MLPClassifier().predict(X))).toBe('MODEL_NOT_FITTED');
    expect(codeOf(() => new MLPClassifier().toJSON())).toBe('MODEL_NOT_FITTED');
    const m = new MLPClassifier({ maxIter: 2 }).fit(X, y);
    expect(codeOf(() => m.predict(denseMatrix(1, 3, [1, 2, 3])))).toBe('DATA_INVALID');
  });

  it('checks options, naming the option and what is accepted', () => {
    for (const o of [{ hiddenLayers: [0] }, { activation: 'swish' }, { learningRateInit: -1 }, { momentum: 1 }, { batchSize: 2.5 }, { maxIter: 3, epochs: 4 }, { validationFraction: 1 }, { learningRate: 'cosine' }])
      expect(codeOf(() => new MLPClassifier(o as never))).toBe('INVALID_ARGUMENT');
    expect(() => new MLPClassifier({ activation: 'swish' as never })).toThrow(/activation .*'relu', 'tanh', 'sigmoid', 'identity'/);
    expect(codeOf(() => new MLPClassifier({ hiddenLayers: [2], initialLayers: [{ weights: [1], biases: [0] }] }).fit(X, y))).toBe('INVALID_ARGUMENT');
  });
});
