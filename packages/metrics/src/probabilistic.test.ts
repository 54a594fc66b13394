import { fromRows } from '@discern/linalg';
import { isDiscernError } from '@discern/core';
import { describe, expect, it } from 'vitest';
import { expectClose, loadFixture } from './fixture.test-helpers.js';
import { weightOpt, type ClassificationFixture } from './fixture-types.test-helpers.js';
import { brierScore, logLoss } from './probabilistic.js';

const fx = loadFixture<ClassificationFixture>('classification.json');
const TOL = 1e-12;

describe('log loss and Brier score against sklearn 1.2.1 (eps = 1e-15)', () => {
  for (const c of fx.binary) {
    it(`binary ${c.name}`, () => {
      const wo = weightOpt(c.weights);
      expectClose(logLoss(c.y_true, c.prob, wo), c.log_loss, TOL, 'P(positive) vector');
      expectClose(logLoss(c.y_true, fromRows(c.prob.map((p) => [1 - p, p])), wo), c.log_loss_matrix, TOL, 'n×2 matrix');
      expectClose(brierScore(c.y_true, c.prob, wo), c.brier, TOL, 'brier');
    });
  }
  for (const c of fx.multiclass) {
    it(`multiclass ${c.name}`, () => expectClose(logLoss(c.y_true, fromRows(c.proba), weightOpt(c.weights)), c.log_loss, TOL, c.name));
  }
});

describe('hand-worked', () => {
  it('log loss of two samples', () => {
    // −(ln 0.8 + ln 0.6)/2
    expectClose(logLoss([1, 0], [0.8, 0.4]), -(Math.log(0.8) + Math.log(0.6)) / 2, 1e-15);
    // a certain mistake is clipped to −ln(1e-15)
    expectClose(logLoss([1], [0]), -Math.log(1e-15), 1e-12);
    // weights: (2·(−ln .8) + 1·(−ln .6))/3
    expectClose(logLoss([1, 0], [0.8, 0.4], { weights: [2, 1] }), -(2 * Math.log(0.8) + Math.log(0.6)) / 3, 1e-15);
  });
  it('Brier score', () => {
    // ((1−.8)² + (0−.4)²)/2 = (0.04 + 0.16)/2
    expectClose(brierScore([1, 0], [0.8, 0.4]), 0.1, 1e-15);
  });
  it('rejects what is not a probability', () => {
    const msg = (f: () => unknown): string => {
      try {
        f();
      } catch (e) {
        if (isDiscernError(e)) return `${e.code}: ${e.message}`;
      }
      return 'no error';
    };
    expect(msg(() => brierScore([1, 0], [1.2, 0]))).toMatch(/^DATA_INVALID: probPositive\[0\] is 1.2; probabilities must be finite numbers in \[0, 1\]/);
    expect(msg(() => logLoss([0, 1], fromRows([[0.5, 0.6], [0.5, 0.5]])))).toMatch(/^DATA_INVALID: proba row 0 sums to 1.1/);
    expect(msg(() => logLoss([0, 3], fromRows([[0.5, 0.5], [0.5, 0.5]])))).toMatch(/^LABEL_INVALID: yTrue\[1\] is 3/);
  });
});
