/**
 * The boosted trees against scikit-learn 1.2.1 (fixtures from tools/fixtures/make_trees_fixtures.py), on the same
 * stratified MAGIC split: the binning exactly, the first tree's raw predictions, the test AUC of 200 iterations and of
 * the defaults with early stopping (within 0.003), AdaBoost against AdaBoostClassifier with depth-3 trees (within
 * 0.005), and multi-class accuracy on iris and digits (no lower than scikit-learn's − 0.01).
 */
import { createRng } from '@discern/linalg';
import { describe, expect, it } from 'vitest';
import { AdaBoostClassifier } from './adaboost.js';
import { HistGradientBoostingClassifier } from './bdt.js';
import { fitBins } from './binning.js';
import { accuracy, auc, col, magicSplit, multiclassSplit, treesFixture, withMissing, loadMagic } from './trees.test-helpers.js';

const f = treesFixture();
const { train, test } = magicSplit();

describe('binning', () => {
  it("every MAGIC feature's thresholds split the training rows as scikit-learn's _BinMapper(n_bins=256) does, each at a float32 rounding boundary", () => {
    const rows = Int32Array.from({ length: train.X.rows }, (_, i) => i);
    const m = fitBins(train.X.data, 10, rows, 255, createRng(0));
    for (let j = 0; j < 10; j++) {
      const ours = m.thresholds[j]!, theirs = f.binning[j]!;
      expect(ours.length, `feature ${j}`).toBe(theirs.length);
      const values = Float64Array.from({ length: train.X.rows }, (_, i) => train.X.data[i * 10 + j]!).sort();
      const below = (t: number) => values.findLastIndex((v) => v <= t) + 1;
      let moved = 0;
      for (let k = 0; k < ours.length; k++) {
        // the same training values on each side
        expect(below(ours[k]!), `feature ${j} threshold ${k}`).toBe(below(theirs[k]!));
        // the largest double that rounds to its float32: the next double rounds to the next float32
        const up = ours[k]! + Math.abs(ours[k]!) * Number.EPSILON;
        expect(Math.fround(up) > Math.fround(ours[k]!) || up === ours[k]!, `feature ${j} threshold ${k}`).toBe(true);
        if (ours[k] !== theirs[k]) moved++;
        // by at most one float32 step (the nearer boundary, or the other when the nearer leaves the gap)
        expect(Math.abs(ours[k]! - theirs[k]!)).toBeLessThanOrEqual(Math.max(Math.abs(theirs[k]!) * 2 ** -23, 1.4e-45));
      }
      expect(moved).toBeGreaterThan(0);
    }
  });
});

describe('HistGradientBoostingClassifier against scikit-learn on MAGIC', () => {
  it('the first tree: raw predictions (baseline + first tree) equal to 1e-6, with and without missing values', () => {
    // scikit-learn sums float32 gradients, discern float64: the leaf values agree to ~1e-7 relative
    for (const key of ['plain', 'missing'] as const) {
      const s = key === 'plain' ? { train, test } : magicSplit(withMissing(loadMagic().X));
      const m = new HistGradientBoostingClassifier({ maxIter: 1, earlyStopping: false, threads: 1 }).fit(s.train.X, s.train.y);
      const F = m.decisionFunction({ rows: f.first_rows, cols: 10, data: s.test.X.data.subarray(0, f.first_rows * 10) }).data;
      let worst = 0;
      for (let i = 0; i < f.first_rows; i++) worst = Math.max(worst, Math.abs(F[i]! - f.first_tree[key][i]!));
      expect(worst, key).toBeLessThan(1e-6);
    }
  });

  it('200 iterations, 31 leaves, 255 bins, learning rate 0.1, no early stopping: test AUC within 0.003', () => {
    const m = new HistGradientBoostingClassifier({ maxIter: 200, earlyStopping: false }).fit(train.X, train.y);
    const a = auc(col(m.predictProba(test.X), 1), test.y);
    expect(Math.abs(a - f.hgb_200.auc), `discern ${a}, scikit-learn ${f.hgb_200.auc}`).toBeLessThan(0.003);
    expect(m.nIter).toBe(200);
  });

  it('both at their defaults (early stopping on a tenth of the training rows): mean test AUC over five validation splits within 0.003', () => {
    // which tenth is held out moves the AUC by a few thousandths (scikit-learn's own range over random_state 0..4 is
    // in the fixture), so the means over five seeds of each are compared
    const aucs = [0, 1, 2, 3, 4].map((seed) => {
      const m = new HistGradientBoostingClassifier({ seed }).fit(train.X, train.y);
      expect(m.fitReport!.details!.earlyStopping).toBe('validation fraction');
      expect(m.fitReport!.details!.validationRows).toBe(Math.round(0.1 * 4682) + Math.round(0.1 * 8632));
      return auc(col(m.predictProba(test.X), 1), test.y);
    });
    const mean = (a: readonly number[]) => a.reduce((s, v) => s + v, 0) / a.length;
    expect(Math.abs(mean(aucs) - mean(f.hgb_default.auc)), `discern ${aucs.join(', ')}; scikit-learn ${f.hgb_default.auc.join(', ')}`).toBeLessThan(0.003);
  });
});

describe('AdaBoostClassifier against scikit-learn on MAGIC', () => {
  it("TMVA's defaults (800 trees of depth 3, β 0.5) against AdaBoostClassifier(SAMME, depth-3 trees, 800, learning rate 0.5): test AUC within 0.005", () => {
    const m = new AdaBoostClassifier().fit(train.X, train.y);
    const a = auc(col(m.decisionFunction(test.X), 0), test.y);
    expect(Math.abs(a - f.adaboost.SAMME.auc), `discern ${a}, scikit-learn ${f.adaboost.SAMME.auc}`).toBeLessThan(0.005);
    expect(m.fitReport!.iterations).toBe(800);
  });
});

describe('multi-class accuracy against scikit-learn (defaults)', () => {
  for (const name of ['iris', 'digits'] as const)
    it(`${name}: no lower than scikit-learn's − 0.01`, () => {
      const s = multiclassSplit(name);
      const m = new HistGradientBoostingClassifier().fit(s.train.X, s.train.y);
      const acc = accuracy(m.predict(s.test.X), s.test.y);
      expect(acc, `discern ${acc}, scikit-learn ${f.multiclass[name].accuracy}`).toBeGreaterThanOrEqual(f.multiclass[name].accuracy - 0.01);
    });
});
