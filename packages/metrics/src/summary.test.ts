import { fromRows } from '@discern/linalg';
import { describe, expect, it } from 'vitest';
import { expectAllClose, expectClose, loadFixture } from './fixture.test-helpers.js';
import { type ClassificationFixture } from './fixture-types.test-helpers.js';
import { summarizeClassification } from './summary.js';

const fx = loadFixture<ClassificationFixture>('classification.json');
const TOL = 1e-12;

describe('summarizeClassification against sklearn 1.2.1', () => {
  for (const c of fx.summary) {
    it(c.name, () => {
      const names = ['a', 'b', 'c', 'd'].slice(0, c.K);
      const s = summarizeClassification({
        yTrue: c.y_true,
        proba: fromRows(c.proba),
        classNames: names,
        positive: c.positive,
        threshold: c.threshold,
        fprs: c.fprs,
        ...(c.weights ? { weights: c.weights } : {}),
      });
      const e = c.expected;
      expect(s.n).toBe(c.y_true.length);
      expect(s.weighted).toBe(c.weights !== null);
      for (const k of ['accuracy', 'precision', 'recall', 'f1', 'balanced_accuracy', 'mcc', 'log_loss', 'auc'] as const) {
        expectClose(s[k] as number, e[k]!, TOL, k);
      }
      expectAllClose(s.confusion_matrix.counts.flat(), e.confusion.flat(), TOL, 'confusion');
      expect(s.confusion_matrix.labels).toEqual(names);
      if (c.K === 2) {
        expectClose(s.specificity!, e.specificity!, TOL, 'specificity');
        expectClose(s.brier!, e.brier!, TOL, 'brier');
        expect(Object.keys(s.tpr_at_fpr!)).toEqual(c.fprs);
        expectAllClose(Object.values(s.tpr_at_fpr!), e.tpr_at_fpr!, TOL, 'tpr_at_fpr');
      } else {
        expect(s.specificity).toBeNull();
        expect(s.undefined_reasons?.specificity).toMatch(/binary/);
      }
      // JSON-ready: survives a round trip unchanged
      expect(JSON.parse(JSON.stringify(s))).toEqual(s);
    });
  }
  it('AUC is null with a reason when the test set has one class', () => {
    const s = summarizeClassification({ yTrue: [1, 1, 1], proba: fromRows([[0.2, 0.8], [0.6, 0.4], [0.1, 0.9]]), classNames: ['bkg', 'sig'], fprs: ['0.1'] });
    expect(s.auc).toBeNull();
    expect(s.tpr_at_fpr).toBeNull();
    expect(s.undefined_reasons?.auc).toBe('class bkg has no sample (or no positive total weight) in yTrue');
    expect(s.recall).toBeCloseTo(2 / 3, 15);
    expect(s.accuracy).toBeCloseTo(2 / 3, 15);
  });
  it('rejects a class-name count that does not match proba', () => {
    expect(() => summarizeClassification({ yTrue: [0, 1], proba: fromRows([[0.5, 0.5], [0.5, 0.5]]), classNames: ['x'] })).toThrow(/classNames has 1 names but proba has 2 columns/);
  });
});

describe('summarizeClassification: weights that cannot give figures say why', () => {
  it('a weight sum that overflows double precision is named as such, not as non-positive class totals', () => {
    const proba = { rows: 4, cols: 2, data: Float64Array.from([0.9, 0.1, 0.2, 0.8, 0.6, 0.4, 0.3, 0.7]) };
    const input = { yTrue: [0, 1, 0, 1], proba, classNames: ['b', 's'], weights: Float64Array.from([1e308, 1e308, 1e308, 1e308]) };
    expect(() => summarizeClassification(input)).toThrow(/the weights add up to Infinity: each is finite, but their sum overflows double precision; divide them all by a common factor/);
    // the same events with weights scaled down give finite figures
    const ok = summarizeClassification({ ...input, weights: Float64Array.from([1, 1, 1, 1]) });
    expect(ok.accuracy).toBe(1);
  });
});
