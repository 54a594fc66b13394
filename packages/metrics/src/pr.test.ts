import { describe, expect, it } from 'vitest';
import { expectAllClose, expectClose, loadFixture } from './fixture.test-helpers.js';
import { weightOpt, type ClassificationFixture } from './fixture-types.test-helpers.js';
import { averagePrecision, precisionRecallCurve } from './pr.js';

const fx = loadFixture<ClassificationFixture>('classification.json');

describe('precision–recall against sklearn 1.2.1', () => {
  for (const c of fx.binary) {
    it(c.name, () => {
      const wo = weightOpt(c.weights);
      const pr = precisionRecallCurve(c.y_true, c.score, wo);
      expectAllClose(pr.precision, c.pr.precision, 1e-12, 'precision');
      expectAllClose(pr.recall, c.pr.recall, 1e-12, 'recall');
      expectAllClose(pr.thresholds, c.pr.thresholds, 0, 'thresholds');
      expectClose(averagePrecision(c.y_true, c.score, wo), c.average_precision, 1e-12, 'AP');
    });
  }
  it('hand-worked (sklearn docstring example)', () => {
    const pr = precisionRecallCurve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]);
    expectAllClose(pr.precision, [0.5, 2 / 3, 0.5, 1, 1], 1e-15);
    expect(Array.from(pr.recall)).toEqual([1, 1, 0.5, 0.5, 0]);
    expect(Array.from(pr.thresholds)).toEqual([0.1, 0.35, 0.4, 0.8]);
    // AP = Σ (R_k − R_{k+1}) P_k: recall falls by ½ at P = 2/3 and by ½ at P = 1
    expectClose(averagePrecision([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]), 0.5 * 1 + 0.5 * (2 / 3), 1e-15);
  });
  it('no positive sample is an error', () => {
    expect(() => precisionRecallCurve([0, 0], [0.1, 0.2])).toThrow(/positive total is 0/);
  });
});
