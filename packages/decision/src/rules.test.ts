import { describe, expect, it } from 'vitest';
import { fromRows } from '@discern/linalg';
import { isDiscernError } from '@discern/core';
import { REJECT, zeroOneCost } from './bayes-risk.js';
import { neymanPearsonThreshold } from './neyman-pearson.js';
import { type DecisionRule, applyRule, bayesThresholdRule, neymanPearsonRule, parseRule, ruleToJSON, validateRule } from './rules.js';

function messageOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (isDiscernError(e)) return `${e.code}: ${e.message}`;
    throw e;
  }
  throw new Error('expected a DiscernError');
}

const proba = fromRows([
  [0.7, 0.2, 0.1],
  [0.1, 0.3, 0.6],
  [0.9, 0.1, 0.0],
  [0.34, 0.33, 0.33],
]);
const binary = fromRows([
  [0.8, 0.2],
  [0.3, 0.7],
  [0.5, 0.5],
]);

describe('applyRule', () => {
  it('threshold on a score: ≥ by default, > when inclusive is false; positive/negative classes', () => {
    const score = [0.1, 0.5, 0.9];
    expect(Array.from(applyRule({ kind: 'threshold', on: 'score', threshold: 0.5, positive: 1 }, { score }))).toEqual([0, 1, 1]);
    expect(Array.from(applyRule({ kind: 'threshold', on: 'score', threshold: 0.5, positive: 1, inclusive: false }, { score }))).toEqual([0, 0, 1]);
    expect(Array.from(applyRule({ kind: 'threshold', on: 'score', threshold: 0.5, positive: 0 }, { score }))).toEqual([1, 0, 0]);
    expect(Array.from(applyRule({ kind: 'threshold', on: 'score', threshold: 0.5, positive: 2, negative: 1 }, { score }))).toEqual([1, 2, 2]);
  });

  it('threshold on a posterior column', () => {
    expect(Array.from(applyRule({ kind: 'threshold', on: 'proba', threshold: 0.5, positive: 1 }, { proba: binary }))).toEqual([0, 1, 1]);
  });

  it('bayes-risk: argmin of expected cost, with reject (−1) and with a prior shift', () => {
    const cost = [
      [0, 2, 8],
      [1, 0, 4],
      [6, 3, 0],
    ];
    expect(Array.from(applyRule({ kind: 'bayes-risk', cost }, { proba }))).toEqual([1, 2, 0, 1]);
    expect(Array.from(applyRule({ kind: 'bayes-risk', cost: zeroOneCost(3), rejectCost: 0.5 }, { proba }))).toEqual([0, 2, 0, REJECT]);
    // deployment priors [0.9, 0.1] vs training [0.5, 0.5] turn [0.3, 0.7] into [27/34, 7/34]: class 0 under 0-1 costs
    const shifted = applyRule({ kind: 'bayes-risk', cost: zeroOneCost(2), priors: [0.9, 0.1], trainPriors: [0.5, 0.5] }, { proba: binary });
    expect(Array.from(shifted)).toEqual([0, 0, 0]);
  });

  it('map and ml', () => {
    expect(Array.from(applyRule({ kind: 'map' }, { proba }))).toEqual([0, 2, 0, 0]);
    // P/π with π = [0.8, 0.1, 0.1]: row 0 → [0.875, 2, 1] → 1
    expect(Array.from(applyRule({ kind: 'ml', trainPriors: [0.8, 0.1, 0.1] }, { proba }))).toEqual([1, 2, 0, 1]);
  });

  it('a Neyman–Pearson rule from a calibration result decides score ≥ threshold', () => {
    const cal = neymanPearsonThreshold([0.1, 0.2, 0.3, 0.9, 0.4, 0.8], [0, 0, 0, 0, 1, 1], 0.25);
    expect(cal.threshold).toBe(0.9);
    const rule = neymanPearsonRule(cal);
    expect(rule).toMatchObject({ kind: 'neyman-pearson', alpha: 0.25, threshold: 0.9, on: 'score', positive: 1, achievedFpr: 0.25, power: 0 });
    expect(Array.from(applyRule(rule, { score: [0.89, 0.9, 1.2] }))).toEqual([0, 1, 1]);
  });

  it('the two-class Bayes rule as an LLR cut: llr > ln ξ', () => {
    const rule = bayesThresholdRule([[0, 5], [1, 0]], [0.9, 0.1]);
    expect(rule.threshold).toBeCloseTo(Math.log(1.8), 15);
    expect(Array.from(applyRule(rule, { score: [0, Math.log(1.8), 1] }))).toEqual([0, 0, 1]);
  });

  it('says which input is missing', () => {
    expect(messageOf(() => applyRule({ kind: 'map' }, { score: [1] }))).toMatch(/'map' rule needs inputs.proba/);
    expect(messageOf(() => applyRule({ kind: 'threshold', on: 'score', threshold: 0, positive: 1 }, {}))).toMatch(/needs inputs.score/);
    expect(messageOf(() => applyRule({ kind: 'threshold', on: 'proba', threshold: 0, positive: 3 }, { proba: binary }))).toMatch(/posterior column 3, but proba has 2 columns/);
    expect(messageOf(() => applyRule({ kind: 'bayes-risk', cost: zeroOneCost(3) }, { proba: binary }))).toMatch(/posteriors have 2 columns but there are 3 classes/);
  });
});

describe('rules as data', () => {
  it('round-trip through JSON, ±Infinity included', () => {
    const rules: DecisionRule[] = [
      { kind: 'threshold', on: 'llr', threshold: -0.5, positive: 1, inclusive: false },
      { kind: 'neyman-pearson', alpha: 0.001, threshold: Infinity, achievedFpr: 0, fprInterval: [0, 0.3], confidence: 0.95 },
      { kind: 'bayes-risk', cost: [[0, 5], [1, 0]], priors: [0.9, 0.1], trainPriors: [0.5, 0.5], rejectCost: 0.4 },
      { kind: 'map' },
      { kind: 'ml', trainPriors: [0.25, 0.75] },
    ];
    for (const rule of rules) {
      const text = JSON.stringify(ruleToJSON(rule));
      expect(parseRule(JSON.parse(text))).toEqual(rule);
    }
    expect(ruleToJSON(rules[1]!).threshold).toBe('Infinity');
  });

  it('validation names the path and what is accepted', () => {
    const cases: Array<[unknown, RegExp]> = [
      [null, /rule must be an object with a 'kind'/],
      [{ kind: 'cut' }, /rule.kind must be one of 'threshold', 'neyman-pearson', 'bayes-risk', 'map', 'ml', got "cut"/],
      [{ kind: 'map', alpha: 0.1 }, /rule.alpha is not a key of a 'map' rule/],
      [{ kind: 'threshold', on: 'logit', threshold: 0, positive: 1 }, /rule.on must be 'score', 'proba' or 'llr', got "logit"/],
      [{ kind: 'threshold', on: 'score', threshold: NaN, positive: 1 }, /rule.threshold must be a number \(±Infinity allowed\), got NaN/],
      [{ kind: 'threshold', on: 'score', threshold: 0, positive: 1.5 }, /rule.positive must be a class index/],
      [{ kind: 'threshold', on: 'score', threshold: 0, positive: 1, negative: 1 }, /rule.negative must differ from rule.positive/],
      [{ kind: 'neyman-pearson', alpha: 0, threshold: 1 }, /rule.alpha must be in \(0, 1\], got 0/],
      [{ kind: 'neyman-pearson', alpha: 0.1, threshold: 1, fprInterval: [0.3, 0.1] }, /rule.fprInterval must be an interval \[lo, hi\]/],
      [{ kind: 'bayes-risk', cost: [[0, 1, 2], [1, 0, 2]] }, /rule.cost .*must be 2×2, but row 0 has 3 entries/],
      [{ kind: 'bayes-risk', cost: zeroOneCost(2), priors: [0.5, 0.5] }, /rule.priors needs its partner/],
      [{ kind: 'bayes-risk', cost: zeroOneCost(2), priors: [0.5, 0.6], trainPriors: [0.5, 0.5] }, /rule.priors is not a valid prior vector: priors must sum to 1/],
      [{ kind: 'bayes-risk', cost: zeroOneCost(2), rejectCost: 'high' }, /rule.rejectCost must be a finite number, got "high"/],
      [{ kind: 'ml' }, /rule.trainPriors is required/],
    ];
    for (const [rule, re] of cases) {
      const m = messageOf(() => validateRule(rule));
      expect(m.startsWith('INVALID_ARGUMENT: invalid decision rule: ')).toBe(true);
      expect(m).toMatch(re);
    }
  });
});
