import { type DenseMatrix, createRng } from '@discern/linalg';
import { describe, expect, it } from 'vitest';
import { AdaBoostClassifier } from './adaboost.js';
import { HistGradientBoostingClassifier } from './bdt.js';
import { applyNegativeWeights } from './weights.js';

describe('pairing negative weights (TMVA PairNegWeightsGlobal), worked by hand', () => {
  it('a negative row is absorbed by its nearest positive rows of the same class, in order of distance', () => {
    // class 0: the negative row at x = 0 (weight −1); positives at 0.1 (0.5), 5 (2) and −0.3 (3); class 1 at 0.05 is
    // nearer but of the other class. −1 + 0.5 < 0: the row at 0.1 drops to 0 and −0.5 is left; the next nearest,
    // −0.3, takes it: 3 − 0.5 = 2.5.
    const X = Float64Array.of(0, 0.1, 5, -0.3, 0.05);
    const y = Int32Array.of(0, 0, 0, 0, 1);
    const w = Float64Array.of(-1, 0.5, 2, 3, 1);
    const r = applyNegativeWeights('pair', X, 1, y, w);
    expect(Array.from(r.w)).toEqual([0, 0, 2, 2.5, 1]);
    expect(Array.from(r.rows)).toEqual([0, 1, 2, 3, 4]);
    expect(r.report).toEqual({ policy: 'pair', negativeRows: 1, ignoredRows: 0, pairings: 2, unpaired: 0 });
    // the input is not changed
    expect(Array.from(w)).toEqual([-1, 0.5, 2, 3, 1]);
  });

  it('distances are in standard deviations: a far-off value of a wide feature counts less than one of a narrow one', () => {
    // feature 0 spans ~100, feature 1 ~1: the row differing by 10 in feature 0 is nearer than the one differing by
    // 0.5 in feature 1
    const X = Float64Array.of(0, 0, 10, 0, 0, 0.5, -100, 1, 100, -1);
    const y = new Int32Array(5);
    const r = applyNegativeWeights('pair', X, 2, y, Float64Array.of(-1, 1, 1, 1, 1));
    expect(Array.from(r.w)).toEqual([0, 0, 1, 1, 1]);
  });

  it('ignore leaves the negative rows out; keep uses every weight as it is', () => {
    const X = Float64Array.of(0, 1, 2);
    const y = Int32Array.of(0, 0, 1);
    const w = Float64Array.of(1, -0.5, 2);
    expect(Array.from(applyNegativeWeights('ignore', X, 1, y, w).rows)).toEqual([0, 2]);
    const keep = applyNegativeWeights('keep', X, 1, y, w);
    expect([Array.from(keep.rows), Array.from(keep.w)]).toEqual([[0, 1, 2], [1, -0.5, 2]]);
  });
});

/**
 * A sample with 20 % negative weights whose weighted distribution is known: per class, positive-weight events (+1)
 * drawn ¾ from the class density and ¼ from a "bump" elsewhere, and negative-weight events (−1), one per three
 * positives... a third as many as the bump's positives times three: N_neg = N_pos/4, drawn from the bump. The weighted
 * density is then N_pos·(¾·f + ¼·b) − (N_pos/4)·b = ¾·N_pos·f: exactly the class density f. Class 0: f = N(0, 1),
 * bump N(3, 0.5²) (in class 1's region); class 1: f = N(1.5, 1), bump N(−1.5, 0.5²). Equal priors, so the true
 * posterior is P(1 | x) = φ(x − 1.5) / (φ(x) + φ(x − 1.5)). Left out, the negative rows leave the bumps in: near
 * x = −1.5 a model sees class 1 where there is almost none (P(1 | −1.5) ≈ 0.03, the bump alone makes it ≈ 0.68).
 */
function nloSample(seed: number): { X: DenseMatrix; y: Int32Array; w: Float64Array } {
  const rng = createRng(seed);
  const nPos = 12_000, nNeg = nPos / 4;
  const x: number[] = [], y: number[] = [], w: number[] = [];
  for (const [c, mu, bump] of [
    [0, 0, 3],
    [1, 1.5, -1.5],
  ] as const) {
    for (let i = 0; i < nPos; i++) {
      x.push(rng.uniform() < 0.75 ? mu + rng.normal() : bump + 0.5 * rng.normal());
      y.push(c);
      w.push(1);
    }
    for (let i = 0; i < nNeg; i++) {
      x.push(bump + 0.5 * rng.normal());
      y.push(c);
      w.push(-1);
    }
  }
  return { X: { rows: x.length, cols: 1, data: Float64Array.from(x) }, y: Int32Array.from(y), w: Float64Array.from(w) };
}

const phi = (z: number) => Math.exp(-0.5 * z * z);
const truth = (x: number) => phi(x - 1.5) / (phi(x) + phi(x - 1.5));
const grid = Array.from({ length: 27 }, (_, k) => -2 + k * 0.2); // −2 … 3.2, where both classes have events

/**
 * ΔP = P(1 | x) − the true posterior on the grid: its mean |ΔP|, and ΔP at a point. The mean, because the bumps hold
 * as many negative as positive rows of one class: their net weight there is ~0 ± √(2·N_bump·0.2) per leaf, which moves
 * single points of any fit by up to ~0.1 (of 'keep' more: a leaf of mixed signs can have a small hessian sum).
 */
function errors(predict: (X: DenseMatrix) => DenseMatrix): { mean: number; at: (x: number) => number } {
  const P = predict({ rows: grid.length, cols: 1, data: Float64Array.from(grid) });
  const err = grid.map((x, k) => P.data[2 * k + 1]! - truth(x));
  return { mean: err.reduce((s, e) => s + Math.abs(e), 0) / err.length, at: (x) => err[grid.findIndex((g) => Math.abs(g - x) < 1e-9)]! };
}

describe('negative weights in training: 20 % of the events, true weighted distribution known', () => {
  const { X, y, w } = nloSample(17);
  it('the sample: 20 % negative rows; the weighted class totals are ¾ of the positive counts', () => {
    expect(w.filter((v) => v < 0).length / w.length).toBe(0.2);
    let t0 = 0, t1 = 0;
    for (let i = 0; i < y.length; i++) {
      if (y[i]) t1 += w[i]!;
      else t0 += w[i]!;
    }
    expect([t0, t1]).toEqual([9000, 9000]);
  });

  // a smooth fit: small steps, shallow trees, large leaves
  const o = { maxIter: 150, learningRate: 0.05, maxLeafNodes: 8, minSamplesLeaf: 200, earlyStopping: false } as const;
  const fits = Object.fromEntries((['keep', 'pair', 'ignore'] as const).map((mode) => [mode, new HistGradientBoostingClassifier({ ...o, negativeWeights: mode }).fit(X, y, { weights: w })]));

  it('keep: the posterior follows the true one (mean |ΔP| ≤ 0.05 over x in [−2, 3.2]; measured 0.025)', () => {
    const e = errors((g) => fits.keep!.predictProba(g));
    expect(e.mean).toBeLessThan(0.05);
    expect(fits.keep!.fitReport!.details!.negativeWeights).toMatchObject({ policy: 'keep', negativeRows: 6000 });
  });

  it('pair: every negative row is absorbed, class totals kept, the posterior follows the true one (mean |ΔP| ≤ 0.05; measured 0.029)', () => {
    const e = errors((g) => fits.pair!.predictProba(g));
    expect(e.mean).toBeLessThan(0.05);
    expect(fits.pair!.fitReport!.details!.negativeWeights).toMatchObject({ policy: 'pair', negativeRows: 6000, unpaired: 0 });
    const r = applyNegativeWeights('pair', X.data, 1, y, w);
    let t0 = 0, t1 = 0;
    for (let i = 0; i < y.length; i++) {
      if (y[i]) t1 += r.w[i]!;
      else t0 += r.w[i]!;
    }
    expect([t0, t1]).toEqual([9000, 9000]);
    expect(r.w.every((v) => v >= 0)).toBe(true);
  });

  it('ignore: the bumps stay in and the posterior is far off (mean |ΔP| > 0.2; ΔP > 0.3 at x = −1.6, < −0.3 at x = 3)', () => {
    const e = errors((g) => fits.ignore!.predictProba(g));
    expect(e.mean).toBeGreaterThan(0.2);
    expect(e.at(-1.6)).toBeGreaterThan(0.3);
    expect(e.at(3)).toBeLessThan(-0.3);
    expect(fits.ignore!.fitReport!.details!.trainingRows).toBe(24_000);
  });

  it("AdaBoost with keep and pair ranks like the true posterior (its probabilities are not calibrated): monotone in x where it matters", () => {
    for (const mode of ['keep', 'pair'] as const) {
      const m = new AdaBoostClassifier({ nEstimators: 50, negativeWeights: mode }).fit(X, y, { weights: w });
      const d = m.decisionFunction({ rows: 3, cols: 1, data: Float64Array.of(-1.5, 0.75, 3) }).data;
      // the true posterior rises with x: 0.03, 0.5, 0.97
      expect(d[0]! < d[1]! && d[1]! < d[2]!, `${mode}: ${Array.from(d).join(', ')}`).toBe(true);
      expect(d[0]!).toBeLessThan(0);
    }
    const ignored = new AdaBoostClassifier({ nEstimators: 50, negativeWeights: 'ignore' }).fit(X, y, { weights: w });
    // left in, the bump of class 1 near −1.5 makes the model call it class 1
    expect(ignored.decisionFunction({ rows: 1, cols: 1, data: Float64Array.of(-1.5) }).data[0]!).toBeGreaterThan(0);
  });
});
