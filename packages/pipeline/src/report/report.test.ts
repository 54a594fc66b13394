import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runConfig, threeClassCsv, twoClassCsv } from '../steps/steps.test-helpers.js';
import { flatten } from './tables.js';

const BINARY = (extra = '') => `name: rep
seed: 2
data:
  source: d.csv
  label: label
  positive: s
  split: { test: 0.4, stratify: true }
steps:
  - fit: { model: logistic }
  - evaluate: { signal_efficiency: [0.9] }
  - decide: { rule: neyman-pearson, alpha: 0.1 }
${extra}`;

describe('report.html and plots', () => {
  it('a binary classifier: ROC with the decision marked, rejection curves, output distributions, confusion matrix, history', async () => {
    const r = await runConfig(BINARY(), { 'd.csv': twoClassCsv(200, 3) }, { plots: true });
    const paths = (r.manifest.artifacts as { path: string; sha256: string }[]).map((a) => a.path);
    const plots = ['roc-model-test', 'rejection-model-test', 'inverse-rejection-model-test', 'scores-model-test', 'confusion-model-test', 'decision-neyman-pearson-test', 'history-model'];
    for (const p of plots) {
      expect(paths).toContain(`plots/${p}.svg`);
      expect(paths).toContain(`plots/${p}.png`);
      expect(readFileSync(join(r.outDir, 'plots', `${p}.png`)).subarray(1, 4).toString()).toBe('PNG');
    }
    expect(paths).toContain('report.html');
    const html = readFileSync(join(r.outDir, 'report.html'), 'utf8');
    expect(html.match(/<svg/g)?.length).toBe(plots.length);
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/); // self-contained: no script, nothing fetched
    const roc = readFileSync(join(r.outDir, 'plots', 'roc-model-test.svg'), 'utf8');
    expect(roc).toContain('NP α = 0.1'); // the operating point chosen by decide is marked
    expect(roc).toMatch(/AUC = 0\.\d+ \[0\.\d+, 0\.\d+\]/);
    for (const s of ['Configuration', 'Data', 'Classifier performance', 'Decisions', 'Fit history', 'Manifest']) expect(html).toContain(`<h2>${s}</h2>`);
    expect(html).toContain('background at fixed signal efficiency');
    expect(r.summary[r.summary.length - 1]).toBe(`report: ${join(r.outDir, 'report.html')}`);
  });

  it('sections in the order an analyst reads them, whatever the order of the steps', async () => {
    const r = await runConfig(
      `name: order
seed: 2
data: { source: d.csv, label: label, positive: s, split: { test: 0.4, stratify: true } }
steps:
  - split: { from: train, into: [train, calibration], fraction: 0.3 }
  - fit: { model: logistic, name: a }
  - calibrate: { model: a, on: calibration }
  - decide: { model: a, rule: threshold, threshold: 0.5 }
  - fit: { model: gaussian-nb, name: b }
  - compare: { models: [a, b], on: test }
  - evaluate: { model: a }
  - crossvalidate: { name: cv, model: logistic, folds: 3 }
  - inspect: { on: train }
`,
      { 'd.csv': twoClassCsv(150, 4) },
      { plots: true },
    );
    const html = readFileSync(join(r.outDir, 'report.html'), 'utf8');
    const sections = [...html.matchAll(/<h2>([^<]+)<\/h2>/g)].map((m) => m[1]);
    const expected = ['Inputs', 'Fit history', 'Cross-validation', 'Classifier performance', 'Comparison', 'Decisions', 'Calibration'];
    expect(sections.filter((s) => expected.includes(s!))).toEqual(expected);
  });

  it('report: { plots: false } writes the tables only; png: false writes SVG only', async () => {
    const a = await runConfig(BINARY(), { 'd.csv': twoClassCsv(100, 3) });
    expect(existsSync(join(a.outDir, 'plots'))).toBe(false);
    expect(readFileSync(join(a.outDir, 'report.html'), 'utf8')).not.toContain('<svg');
    const b = await runConfig(`${BINARY()}report: { png: false }\n`, { 'd.csv': twoClassCsv(100, 3) }, { plots: true });
    const paths = (b.manifest.artifacts as { path: string }[]).map((x) => x.path);
    expect(paths.filter((p) => p.endsWith('.png'))).toEqual([]);
    expect(paths.filter((p) => p.endsWith('.svg')).length).toBeGreaterThan(3);
  });

  it('K classes: the confusion matrix; a mixture: clusters in the chosen features with its ellipses', async () => {
    const r = await runConfig(
      `name: k
seed: 1
data: { source: d.csv, label: label, split: none }
steps:
  - fit: { model: qda, name: qda }
  - fit: { model: gmm, name: gmm, n_components: 3 }
  - evaluate: { model: qda, on: [train] }
  - evaluate: { model: gmm, on: [train] }
report: { cluster_features: [x2, x1], png: false }
`,
      { 'd.csv': threeClassCsv(40) },
      { plots: true },
    );
    const paths = (r.manifest.artifacts as { path: string }[]).map((x) => x.path);
    expect(paths).toEqual(expect.arrayContaining(['plots/confusion-qda-train.svg', 'plots/clusters-gmm-train.svg', 'plots/history-gmm.svg']));
    expect(paths).not.toContain('plots/roc-qda-train.svg');
    const svg = readFileSync(join(r.outDir, 'plots', 'clusters-gmm-train.svg'), 'utf8');
    expect(svg).toContain('2σ');
    expect(svg).toMatch(/>x2<[\s\S]*>x1</); // x axis title x2 comes before the y axis title x1 in the SVG
  });
});

describe('report helpers', () => {
  it('flatten keeps { value, interval } whole and prints short lists inline', () => {
    expect(flatten({ a: { value: 0.5, interval: [0.4, 0.6] }, b: { c: [1, 2] }, d: [{ e: 1 }] })).toEqual([
      ['a', { value: 0.5, interval: [0.4, 0.6] }],
      ['b.c', '1, 2'],
      ['d[0].e', 1],
    ]);
  });
});
