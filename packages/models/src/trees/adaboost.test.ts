import { type DenseMatrix } from '@discern/linalg';
import { describe, expect, it } from 'vitest';
import { AdaBoostClassifier } from './adaboost.js';
import { loadEstimator } from '../load.js';
import { expectDiscernError } from './trees.test-helpers.js';

function column(values: number[]): DenseMatrix {
  return { rows: values.length, cols: 1, data: Float64Array.from(values) };
}

// x = 1..10, class 0 except x = 6..9; x = 10 is a class-0 row among class-1 rows
const X = column([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
const y = Int32Array.of(0, 0, 0, 0, 0, 1, 1, 1, 1, 0);

describe('discrete AdaBoost (TMVA), worked by hand', () => {
  // nCuts 9 over [1, 10]: cuts at 1 + 0.9c, c = 1..9. At equal weights (0.1) the weighted Gini impurity W − Σ W_k²/W
  // is 1 − (0.36 + 0.16) = 0.48 at the root; the cut 5.5 leaves {1..5} pure and {6..10} with (0.1, 0.4):
  // 0.5 − 0.17/0.5 = 0.16, a gain of 0.32, the best (4.6 gains 0.213, 9.1 less).
  const m = new AdaBoostClassifier({ nEstimators: 2, maxDepth: 1, nCuts: 9, beta: 0.5 }).fit(X, y);
  const r = m.fitReport!;
  const alphas = r.details!.boostWeights as number[];

  it('tree 1 cuts at 5.5 and misclassifies x = 10: ε₁ = 0.1, α₁ = β·ln((1 − ε₁)/ε₁) = ½ ln 9', () => {
    const t = m.ensemble.trees[0]!;
    expect(t.feature[0]).toBe(0);
    // 5.5, moved to the float32 rounding boundary above it
    expect(Math.fround(t.threshold[0]!)).toBe(5.5);
    expect(t.gain[0]).toBeCloseTo(0.32, 14);
    expect(r.history[0]).toBeCloseTo(0.1, 15);
    expect(alphas[0]).toBeCloseTo(0.5 * Math.log(9), 14);
  });

  it("tree 2 is fitted at the boosted weights (x = 10's weight times e^α₁ = 3, renormalised) and weighted the same way", () => {
    const w = Array.from({ length: 10 }, (_, i) => (i === 9 ? 0.1 * Math.exp(alphas[0]!) : 0.1));
    const total = w.reduce((s, v) => s + v, 0);
    // tree 2's vote per row, read off its leaves (a positive leaf value votes class 1)
    const t2 = m.ensemble.trees[1]!;
    let miss = 0;
    for (let i = 0; i < 10; i++) {
      const leaf = X.data[i]! <= t2.threshold[0]! ? t2.left[0]! : t2.right[0]!;
      if ((t2.value[leaf]! > 0 ? 1 : 0) !== y[i]) miss += w[i]! / total;
    }
    expect(r.history[1]).toBeCloseTo(miss, 14);
    expect(alphas[1]).toBeCloseTo(0.5 * Math.log((1 - miss) / miss), 13);
  });

  it("the response is TMVA's Σ α_t h_t / Σ α_t with h = ±1, and P(class 1) = σ(response)", () => {
    const d = m.decisionFunction(X).data;
    const P = m.predictProba(X).data;
    const A = alphas[0]! + alphas[1]!;
    for (let i = 0; i < 10; i++) {
      let s = 0;
      m.ensemble.trees.forEach((t, k) => {
        const leaf = X.data[i]! <= t.threshold[0]! ? t.left[0]! : t.right[0]!;
        s += alphas[k]! * (t.value[leaf]! > 0 ? 1 : -1);
      });
      expect(d[i]).toBeCloseTo(s / A, 14);
      expect(P[2 * i + 1]).toBeCloseTo(1 / (1 + Math.exp(-d[i]!)), 15);
    }
  });
});

describe('real AdaBoost (TMVA RealAdaBoost, SAMME.R)', () => {
  it("one tree: each leaf's response is log(p₁/p₀) of its weighted class fractions (p clipped at the float64 epsilon)", () => {
    const m = new AdaBoostClassifier({ nEstimators: 1, maxDepth: 1, nCuts: 9, algorithm: 'real' }).fit(X, y);
    const t = m.ensemble.trees[0]!;
    // left {1..5}: no class 1 → log(eps/1); right {6..10}: 4 of 5 → log 4
    expect(t.value[t.left[0]!]).toBeCloseTo(Math.log(2.220446049250313e-16), 12);
    expect(t.value[t.right[0]!]).toBeCloseTo(Math.log(4), 14);
  });

  it('three classes: probabilities sum to one; the trees vote for every class', () => {
    const X3 = column([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    const y3 = Int32Array.of(0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2);
    const m = new AdaBoostClassifier({ nEstimators: 5, maxDepth: 2, nCuts: 11, algorithm: 'real', minNodeSize: 0.05 }).fit(X3, y3);
    expect(Array.from(m.predict(X3))).toEqual(Array.from(y3));
    expect(m.ensemble.width).toBe(3);
  });
});

const r0 = (m: AdaBoostClassifier) => m.fitReport!.reason;

describe('discrete AdaBoost for K classes (SAMME)', () => {
  it('α = β·(ln((1 − ε)/ε) + ln(K − 1)), from each tree\'s recorded error', () => {
    const X3 = column([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
    const y3 = Int32Array.of(0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 0);
    const m = new AdaBoostClassifier({ nEstimators: 4, maxDepth: 1, nCuts: 12, beta: 0.5, minNodeSize: 0.05 }).fit(X3, y3);
    expect(r0(m)).toBe('n_estimators');
    const r = m.fitReport!;
    const alphas = r.details!.boostWeights as number[];
    expect(alphas).toHaveLength(r.iterations);
    r.history.forEach((err, t) => expect(alphas[t]).toBeCloseTo(0.5 * (Math.log((1 - err) / err) + Math.log(2)), 13));
  });
});

describe('stopping and saved models', () => {
  it('a tree without error ends the boosting, kept with weight 1', () => {
    const Xs = column([1, 2, 3, 4, 5, 6]);
    const m = new AdaBoostClassifier({ nEstimators: 10, maxDepth: 1 }).fit(Xs, Int32Array.of(0, 0, 0, 1, 1, 1));
    expect(m.fitReport!.reason).toBe('perfect_fit');
    expect(m.fitReport!.iterations).toBe(1);
    expect(m.fitReport!.details!.boostWeights).toEqual([1]);
  });

  it('options are checked, naming the option and what is accepted', () => {
    expectDiscernError(() => new AdaBoostClassifier({ minNodeSize: 2.5 }), 'INVALID_ARGUMENT', /minNodeSize is 2\.5; expected a fraction of the training weight, in \(0, 0\.5\)/);
    expectDiscernError(() => new AdaBoostClassifier({ algorithm: 'gentle' as never }), 'INVALID_ARGUMENT', /algorithm is 'gentle'; expected one of 'discrete', 'real'/);
    expectDiscernError(() => new AdaBoostClassifier({ nCuts: 0 }), 'INVALID_ARGUMENT', /nCuts is 0/);
  });

  it('round-trips through JSON text and loadEstimator with identical predictions', () => {
    const m = new AdaBoostClassifier({ nEstimators: 5, maxDepth: 2 }).fit(X, y);
    const back = loadEstimator(JSON.parse(JSON.stringify(m.toJSON()))) as AdaBoostClassifier;
    expect(Array.from(back.predictProba(X).data)).toEqual(Array.from(m.predictProba(X).data));
    expect(back.toJSON()).toEqual(m.toJSON());
  });
});
