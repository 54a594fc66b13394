import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bayesPosteriorThreshold, parseRule } from '@discern/decision';
import { describe, expect, it } from 'vitest';
import { runConfig, runError, threeClassCsv, twoClassCsv } from '../steps.test-helpers.js';

const BINARY = (steps: string, split = '{ test: 0.4, stratify: true }') => `name: d
seed: 3
data:
  source: d.csv
  label: label
  positive: s
  split: ${split}
steps:
${steps}`;

const files = { 'd.csv': twoClassCsv(600) };

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('decide: neyman-pearson on a calibration part carved out by split', () => {
  it('records the rule with the model (saved JSON too), and judges it on calibration and test', async () => {
    const r = await runConfig(
      BINARY(`  - split: { from: train, into: [train, calibration], fraction: 0.3 }
  - fit: { model: logistic }
  - decide: { rule: neyman-pearson, alpha: 0.1, calibration: calibration, on: [calibration, test] }
`),
      files,
    );
    const d = (r.metrics.decisions as Json)['neyman-pearson'];
    expect(d.rule.kind).toBe('neyman-pearson');
    expect(d.rule.on).toBe('proba');
    expect(d.rule.positive).toBe(1);
    expect(d.score).toBe('P(s)');
    // On the calibration sample the achieved rate never exceeds α and equals the judged εB there.
    expect(d.threshold_choice.achieved_fpr.value).toBeLessThanOrEqual(0.1);
    expect(d.threshold_choice.dataset).toBe('calibration');
    expect(d.threshold_choice.n_background + d.threshold_choice.n_signal).toBe(d.calibration.n);
    expect(d.calibration.background_efficiency.value).toBeCloseTo(d.threshold_choice.achieved_fpr.value, 12);
    for (const ds of ['calibration', 'test']) {
      const e = d[ds];
      expect(Object.keys(e)).toEqual(expect.arrayContaining(['n', 'confusion_matrix', 'accuracy', 'signal_efficiency', 'background_efficiency', 'background_rejection', 'alpha_inside_interval']));
      const [lo, hi] = e.background_efficiency.interval;
      expect(lo).toBeLessThanOrEqual(e.background_efficiency.value);
      expect(hi).toBeGreaterThanOrEqual(e.background_efficiency.value);
      expect(e.alpha_inside_interval).toBe(lo <= 0.1 && 0.1 <= hi);
      // εB = FP / (FP + TN) from the confusion matrix (rows: true b, s; columns: decided b, s).
      const [[tn, fp]] = e.confusion_matrix.counts;
      expect(e.background_efficiency.value).toBeCloseTo(fp / (tn + fp), 12);
    }
    const saved = JSON.parse(readFileSync(join(r.outDir, 'models', 'model.json'), 'utf8'));
    expect(parseRule(saved.decision)).toEqual(parseRule(d.rule));
    expect(r.summary.some((l) => /^decide neyman-pearson: Neyman–Pearson at α = 0.1: P\(s\) ≥ /.test(l))).toBe(true);
  });

  it('names an unknown calibration dataset and lists the ones there are, when the config is read', async () => {
    const e = await runError(BINARY(`  - fit: { model: logistic }\n  - decide: { rule: neyman-pearson, alpha: 0.05, calibration: calib }\n`), files);
    expect(e.code).toBe('CONFIG_INVALID');
    expect(e.message).toMatch(/no dataset named "calib" exists at this step \(datasets so far: "train", "test"\).* → at steps\[1\]\.decide\.calibration \(c\.yaml:\d+:\d+\)/);
  });

  it('refuses alpha outside (0, 1) when the config is read, naming the path', async () => {
    const e = await runError(BINARY(`  - fit: { model: logistic }\n  - decide: { rule: neyman-pearson, alpha: 1.5 }\n`), files);
    expect(e.code).toBe('CONFIG_INVALID');
    expect(e.message).toMatch(/alpha must be in \(0, 1\).*got 1\.5 → at steps\[1\]\.decide\.alpha \(c\.yaml:\d+:\d+\)/);
  });

  it('lists the keys a rule accepts for a misspelt one, and the rules for an unknown rule', async () => {
    const e = await runError(BINARY(`  - fit: { model: logistic }\n  - decide: { rule: neyman-pearson, alfa: 0.05 }\n`), files);
    expect(e.message).toMatch(/unknown key "alfa" \(did you mean "alpha"\?\); accepted keys: rule, alpha, calibration/);
    const u = await runError(BINARY(`  - fit: { model: logistic }\n  - decide: { rule: minimax }\n`), files);
    expect(u.message).toMatch(/unknown rule "minimax"; accepted: threshold, neyman-pearson, bayes-risk, map, ml/);
  });
});

describe('decide: bayes-risk', () => {
  it('a cost matrix of the wrong size names the path and the expected K×K with the class names', async () => {
    const e = await runError(BINARY(`  - fit: { model: logistic }\n  - decide: { rule: bayes-risk, cost: [[0, 1, 2], [1, 0, 2], [1, 1, 0]] }\n`), files);
    expect(e.code).toBe('CONFIG_INVALID');
    expect(e.message).toMatch(/steps\[1\]\.decide\.cost: must be a 2×2 matrix cost\[decided\]\[true\] with rows and columns in class order "b", "s".*got 3 rows/);
    const n = await runError(BINARY(`  - fit: { model: logistic }\n  - decide: { rule: bayes-risk, cost: { b: { b: 0, s: 1 }, x: { b: 1, s: 0 } } }\n`), files);
    expect(n.message).toMatch(/steps\[1\]\.decide\.cost\.x: is not a class; the cost matrix is keyed by the classes "b", "s"/);
    const p = await runError(BINARY(`  - fit: { model: logistic }\n  - decide: { rule: bayes-risk, cost: [[0, 1], [1, 0]], priors: [0.5, 0.6] }\n`), files);
    // priors that do not sum to 1 are found when the config is read, with their line
    expect(p.message).toMatch(/priors must sum to 1, got a sum of 1\.1 → at steps\[1\]\.decide\.priors \(c\.yaml:\d+:\d+\)/);
  });

  it('two classes: the minimum-risk cut on P(signal) under deployment priors, and the expected risk under them', async () => {
    const r = await runConfig(
      BINARY(`  - fit: { model: logistic }
  - decide:
      rule: bayes-risk
      cost: { b: { b: 0, s: 1 }, s: { b: 4, s: 0 } }
      priors: { b: 0.8, s: 0.2 }
`),
      files,
    );
    const d = (r.metrics.decisions as Json)['bayes-risk'];
    // cost in class order [b, s]: cost[s][b] = 4 (a kept background), cost[b][s] = 1 (a lost signal).
    expect(d.rule.cost).toEqual([[0, 1], [4, 0]]);
    expect(d.rule.priors).toEqual([0.8, 0.2]);
    expect(d.rule.trainPriors[0]).toBeCloseTo(0.5, 12);
    const t = bayesPosteriorThreshold([[0, 1], [4, 0]], [0.8, 0.2], d.rule.trainPriors);
    expect(d.minimum_risk_threshold.threshold).toBeCloseTo(t, 12);
    expect(t).toBeCloseTo(16 / 17, 10); // κ = 4·0.8/(1·0.2) = 16 with balanced training priors
    const e = d.test;
    expect(e.expected_risk.priors).toBe('deployment');
    // R = Σ_j π'_j R_j: R_b = 4 εB, R_s = 1 − εS.
    expect(e.expected_risk.value).toBeCloseTo(0.8 * 4 * e.background_efficiency.value + 0.2 * (1 - e.signal_efficiency.value), 10);
    expect(e.expected_risk.interval[0]).toBeLessThanOrEqual(e.expected_risk.value);
  });

  it('K classes: cost matrix by class name, reject option counted apart, and MAP equals 0-1 costs', async () => {
    const three = { 'd.csv': threeClassCsv(80) };
    const cfg = (steps: string) => `name: k\nseed: 1\ndata:\n  source: d.csv\n  label: label\n  split: { test: 0.5, stratify: true }\nsteps:\n  - fit: { model: lda }\n${steps}`;
    const r = await runConfig(
      cfg(`  - decide: { rule: map, name: map }
  - decide: { rule: bayes-risk, name: zero-one, cost: [[0, 1, 1], [1, 0, 1], [1, 1, 0]] }
  - decide: { rule: ml, name: ml }
  - decide: { rule: bayes-risk, name: reject, cost: [[0, 1, 1], [1, 0, 1], [1, 1, 0]], reject_cost: 0.05 }
`),
      three,
    );
    const d = r.metrics.decisions as Json;
    expect(d.map.test.confusion_matrix).toEqual(d['zero-one'].test.confusion_matrix);
    expect(d.map.test.confusion_matrix.labels).toEqual(['a', 'b', 'c']);
    expect(d.ml.rule.trainPriors.reduce((a: number, b: number) => a + b, 0)).toBeCloseTo(1, 12);
    const rej = d.reject.test;
    const decided = rej.confusion_matrix.counts.flat().reduce((a: number, b: number) => a + b, 0);
    const rejected = Object.values(rej.rejected as Record<string, number>).reduce((a, b) => a + b, 0);
    expect(rejected).toBeGreaterThan(0);
    expect(decided + rejected).toBe(rej.n);
    expect(rej.signal_efficiency).toBeUndefined();
    const bad = await runError(cfg(`  - decide: { rule: neyman-pearson, alpha: 0.1 }\n`), three);
    expect(bad.message).toMatch(/steps\[1\]\.decide\.rule: a 'neyman-pearson' rule cuts on one score and needs two classes; the model has 3 \(a, b, c\)/);
  });
});

describe('decide: a raw feature as the score', () => {
  it('cuts on the feature in its own units (standardize undone) and saves no model', async () => {
    const r = await runConfig(
      BINARY(`  - standardize: {}
  - decide: { rule: threshold, score: { feature: x1 }, threshold: 0.5, on: [train, test] }
`),
      files,
    );
    const d = (r.metrics.decisions as Json).threshold;
    expect(d.model).toBeNull();
    expect(d.rule).toEqual({ kind: 'threshold', on: 'score', threshold: 0.5, positive: 1, negative: 0, inclusive: true });
    // Both classes have unit variance, shift 1: the cut at 1/2 makes both error rates about Q(1/2) = 0.3085.
    expect(Math.abs(d.test.background_efficiency.value - 0.3085)).toBeLessThan(0.06);
    expect(Math.abs(1 - d.test.signal_efficiency.value - 0.3085)).toBeLessThan(0.06);
    const e = await runError(BINARY(`  - decide: { rule: threshold, score: { feature: x9 }, threshold: 0.5 }\n`), files);
    expect(e.message).toMatch(/steps\[0\]\.decide\.score\.feature: no feature named "x9"; features: x1, x2/);
    const m = await runError(BINARY(`  - decide: { rule: map, score: { feature: x1 } }\n`), files);
    expect(m.message).toMatch(/a 'map' rule needs class posteriors; give model/);
  });
});

describe('split', () => {
  it('carves a stratified, seeded part out of a dataset', async () => {
    const cfg = BINARY(`  - split: { from: train, into: [train, calibration], fraction: 0.25 }\n  - fit: { model: logistic }\n  - evaluate: { on: [train, calibration, test] }\n`);
    const a = await runConfig(cfg, files);
    const m = a.metrics.model as Json;
    expect(m.train.n + m.calibration.n).toBe(720); // 60 % of 1 200 rows
    expect(m.calibration.n).toBe(180);
    // stratified: both classes keep their 50 % share
    expect(m.calibration.confusion_matrix.counts[0].reduce((x: number, y: number) => x + y, 0)).toBe(90);
    const b = await runConfig(cfg, files);
    expect((b.metrics.model as Json).calibration).toEqual(m.calibration);
    const e = await runError(BINARY(`  - split: { into: [train, train], fraction: 0.2 }\n  - fit: { model: logistic }\n`), files);
    expect(e.message).toMatch(/names the same dataset twice; give two different names, e\.g\. \[train, calibration\].* → at steps\[0\]\.split\.into \(c\.yaml:\d+:\d+\)/);
  });
});
