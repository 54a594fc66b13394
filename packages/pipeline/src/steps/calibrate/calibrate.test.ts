import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRng } from '@discern/linalg';
import { describe, expect, it } from 'vitest';
import { runConfig, runError } from '../steps.test-helpers.js';

/**
 * An overconfident naive Bayes by construction: the one informative variable x is given three times (with a little
 * noise), so naive Bayes counts the same evidence three times and its P(s) piles up near 0 and 1.
 */
function copiesCsv(n: number, seed = 5): string {
  const rng = createRng(seed);
  const lines = ['x,x_again,x_once_more,label'];
  for (let i = 0; i < n; i++) {
    for (const [label, shift] of [['b', 0], ['s', 1]] as const) {
      const x = rng.normal() + shift;
      lines.push(`${x},${x + 0.05 * rng.normal()},${x + 0.05 * rng.normal()},${label}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

const CONFIG = (steps: string) => `name: c
seed: 4
data:
  source: d.csv
  label: label
  positive: s
  split: { test: 0.3, stratify: true }
steps:
${steps}`;

const files = { 'd.csv': copiesCsv(1500) };
const carve = `  - split: { from: train, into: [train, calibration], fraction: 0.3 }\n  - fit: { model: gaussian-nb, name: nb }\n`;
const RISK = `rule: bayes-risk, cost: { s: { s: 0, b: 3 }, b: { s: 1, b: 0 } }, on: [test]`;

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('calibrate', () => {
  it('isotonic on a held-out part: the calibration error falls on test, and the Bayes risk of the same cost does not rise', async () => {
    const r = await runConfig(
      CONFIG(`${carve}  - calibrate: { model: nb, method: isotonic, on: calibration, evaluate: [test] }
  - decide: { model: nb, name: raw, ${RISK} }
  - decide: { model: nb-calibrated, name: calibrated, ${RISK} }
`),
      files,
    );
    const c = (r.metrics.calibration as Json)['nb-calibrated'];
    expect(c.model).toBe('nb');
    expect(c.method).toBe('isotonic');
    expect(c.fitted_on).toBe('calibration');
    expect(c.form).toBe('positive');
    const t = c.datasets.test;
    // Three copies of the evidence: far from calibrated before, close to it after.
    expect(t.before.ece).toBeGreaterThan(0.05);
    expect(t.after.ece).toBeLessThan(t.before.ece / 2);
    // (Not the log loss: isotonic maps the extreme bins to exactly 0 or 1, and one test event beyond them costs
    // −log(1e-15) — a known property of isotonic calibration; Platt's sigmoid, below, never reaches 0 or 1.)
    expect(t.after.brier).toBeLessThan(t.before.brier);
    expect(t.after.mce).toBeGreaterThanOrEqual(t.after.ece);
    // Reliability bins cover the test set, and each interval holds its observed frequency.
    const counted = t.reliability.after.reduce((s: number, b: Json) => s + b.n, 0);
    expect(counted).toBe(900); // 30 % of 3,000 events, stratified
    for (const b of t.reliability.after.filter((b: Json) => b.n > 0)) {
      expect(b.interval[0]).toBeLessThanOrEqual(b.observed);
      expect(b.interval[1]).toBeGreaterThanOrEqual(b.observed);
    }
    const risk = (name: string) => (r.metrics.decisions as Json)[name].test.expected_risk.value as number;
    expect(risk('calibrated')).toBeLessThanOrEqual(risk('raw') + 0.01);
    // The saved model carries the calibration, and scores of the calibrated model are its mapped probabilities.
    const saved = JSON.parse(readFileSync(join(r.outDir, 'models', 'nb-calibrated.json'), 'utf8'));
    expect(saved.calibration.method).toBe('isotonic');
    expect(saved.estimator.kind).toBe(JSON.parse(readFileSync(join(r.outDir, 'models', 'nb.json'), 'utf8')).estimator.kind);
    expect(r.summary.some((l) => /^calibrate nb-calibrated \(isotonic on calibration\), test: ECE 0\.\d{4} → 0\.\d{4}/.test(l))).toBe(true);
  });

  it('platt with cv: out-of-fold probabilities of the training set, no dataset set aside', async () => {
    const r = await runConfig(CONFIG(`  - fit: { model: gaussian-nb, name: nb }\n  - calibrate: { model: nb, name: nb-platt, method: platt, cv: 4 }\n`), files);
    const c = (r.metrics.calibration as Json)['nb-platt'];
    expect(c.fitted_on).toBe('train (4-fold out-of-fold)');
    expect(c.events).toBe(2100);
    expect(c.datasets.test.after.ece).toBeLessThan(c.datasets.test.before.ece);
    expect(c.datasets.test.after.log_loss).toBeLessThan(c.datasets.test.before.log_loss);
    expect(c.datasets.test.after.brier).toBeLessThan(c.datasets.test.before.brier);
    const saved = JSON.parse(readFileSync(join(r.outDir, 'models', 'nb-platt.json'), 'utf8'));
    expect(saved.calibration.method).toBe('platt');
  });

  it('refuses on and cv together, and neither, when the config is read', async () => {
    const both = await runError(CONFIG(`${carve}  - calibrate: { model: nb, on: calibration, cv: 3 }\n`), files);
    expect(both.code).toBe('CONFIG_INVALID');
    expect(both.message).toMatch(/give either on \(a calibration dataset\) or cv .*not both → at steps\[2\]\.calibrate/);
    const none = await runError(CONFIG(`${carve}  - calibrate: { model: nb }\n`), files);
    expect(none.message).toMatch(/give the events to calibrate on: on: .* or cv: <folds> → at steps\[2\]\.calibrate/);
  });

  it('refuses to calibrate a calibrated model when the config is read, naming the step that calibrated it', async () => {
    const e = await runError(
      CONFIG(`${carve}  - calibrate: { model: nb, on: calibration, evaluate: [test] }\n  - calibrate: { model: nb-calibrated, name: twice, on: calibration, evaluate: [test] }\n`),
      files,
    );
    expect(e.code).toBe('CONFIG_INVALID');
    expect(e.message).toMatch(/is not a valid discern config/);
    expect(e.message).toMatch(/model "nb-calibrated" is calibrated already \(made at steps\[2\]\.calibrate\.name \(c\.yaml:\d+:\d+\)\); name the model it was made from → at steps\[3\]\.calibrate\.model \(c\.yaml:\d+:\d+\)/);
  });

  it('refuses cv on a model no fit step made (a tune or crossvalidate model has no fit options) when the config is read', async () => {
    const cv = await runError(CONFIG(`  - crossvalidate: { model: logistic, folds: 3, name: cvl }\n  - calibrate: { model: cvl, cv: 3 }\n`), files);
    expect(cv.code).toBe('CONFIG_INVALID');
    expect(cv.message).toMatch(/model "cvl" was made by a crossvalidate step \(steps\[0\]\.crossvalidate\.name \(c\.yaml:\d+:\d+\)\), not by a fit step.* → at steps\[1\]\.calibrate\.model/);
    const tuned = await runError(CONFIG(`  - tune: { model: logistic, folds: 3, grid: { l2: [0.01, 0.1] } }\n  - calibrate: { model: tuned, cv: 3 }\n`), files);
    expect(tuned.message).toMatch(/model "tuned" was made by a tune step .*not by a fit step.* → at steps\[1\]\.calibrate\.model/);
    // on a dataset, a tuned model is calibrated as any other
    const r = await runConfig(CONFIG(`${carve}  - tune: { model: logistic, folds: 3, grid: { l2: [0.01, 0.1] } }\n  - calibrate: { model: tuned, on: calibration }\n`), files);
    expect(JSON.parse(readFileSync(join(r.outDir, 'metrics.json'), 'utf8')).calibration['tuned-calibrated'].method).toBe('isotonic');
  });

  it('names an unknown calibration dataset and a model that is not a classifier', async () => {
    const e = await runError(CONFIG(`${carve}  - calibrate: { model: nb, on: calib }\n`), files);
    expect(e.message).toMatch(/no dataset named "calib" exists at this step.*steps\[2\]\.calibrate\.on/);
    const k = await runError(CONFIG(`  - fit: { model: kmeans, name: km, n_clusters: 2 }\n  - calibrate: { model: km, cv: 3 }\n`), files);
    expect(k.code).toBe('CONFIG_INVALID');
    expect(k.message).toMatch(/steps\[1\]\.calibrate\.model/);
  });
});

describe('calibration refuses negative event weights, naming the event by its file line', () => {
  it('a weight of -0.5 on the calibration events', async () => {
    const lines = ['x,w,label'];
    for (let i = 0; i < 60; i++) lines.push(`${i % 10},${i === 7 ? -0.5 : 1},${i % 10 > 4 ? 's' : 'b'}`);
    const e = await runError(
      'name: c\nseed: 1\ndata:\n  source: d.csv\n  label: label\n  weight: w\n  split: none\nsteps:\n  - fit: { model: bdt, n_estimators: 5, negative_weights: keep, name: nb }\n  - calibrate: { model: nb, on: train }\n',
      { 'd.csv': `${lines.join('\n')}\n` },
    );
    expect(e.message).toMatch(/calibration: the event weight of .*d\.csv line 9 is -0\.5; calibration needs finite, non-negative weights/);
  });
});
