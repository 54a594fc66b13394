import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runConfig, runError, twoClassCsv } from '../steps.test-helpers.js';

// The boosted trees through the pipeline: early stopping on a dataset the config names, the fit report's history
// and feature importance, and the exported BDT scored by onnxruntime (the score step) against the pipeline's own
// test scores (the predict step), row by row.

const magic = readFileSync(join(import.meta.dirname, '..', '..', '..', '..', '..', '..', 'shared', 'data', 'magic04.csv'), 'utf8').trim().split('\n');
// every third row for training, every seventh of the rest for testing (a quick, stable cut of the file)
const trainCsv = [magic[0], ...magic.slice(1).filter((_, i) => i % 3 === 0)].join('\n') + '\n';
const testCsv = [magic[0], ...magic.slice(1).filter((_, i) => i % 3 !== 0 && i % 7 === 0)].join('\n') + '\n';

function readCsv(path: string): { header: string[]; rows: string[][] } {
  const lines = readFileSync(path, 'utf8').trim().split('\n');
  return { header: lines[0]!.split(','), rows: lines.slice(1).map((l) => l.split(',')) };
}

function column(t: { header: string[]; rows: string[][] }, name: string): number[] {
  const j = t.header.indexOf(name);
  expect(j, `column ${name} of ${t.header.join(',')}`).toBeGreaterThanOrEqual(0);
  return t.rows.map((r) => Number(r[j]));
}

describe('bdt in a pipeline', () => {
  it('stops early on the named dataset, reports history and importance, and its ONNX export reproduces the test scores', async () => {
    const r = await runConfig(
      `name: t
seed: 3
data: { train: train.csv, test: test.csv, label: class, positive: g }
steps:
  - split: { from: train, into: [train, validation], fraction: 0.2 }
  - fit: { model: bdt, n_estimators: 400, learning_rate: 0.3, validation: validation, n_iter_no_change: 5 }
  - evaluate: {}
  - predict: { on: [test] }
  - export: { onnx: model.onnx }
  - export: { onnx: model64.onnx, dtype: float64 }
  - score: { onnx: model.onnx }
  - score: { name: onnx64, onnx: model64.onnx }
`,
      { 'train.csv': trainCsv, 'test.csv': testCsv },
      { plots: true },
    );
    const saved = JSON.parse(readFileSync(join(r.outDir, 'models', 'model.json'), 'utf8'));
    expect(saved.model).toBe('bdt');
    const fit = saved.fit;
    expect(fit.reason).toBe('early_stopping');
    expect(fit.details.earlyStopping).toBe('validation set');
    expect(fit.details.validationRows).toBe(Math.round(0.2 * (magic.length - 1) / 3));
    expect(fit.iterations).toBeLessThan(400);
    expect(fit.details.featureImportance.gain).toHaveLength(10);
    // the plots: history with the stop marked, feature importance
    const html = readFileSync(join(r.outDir, 'report.html'), 'utf8');
    expect(html).toContain(`early stop: ${fit.iterations}`);
    expect(html).toContain('Feature importance of model (bdt)');
    expect(html).toContain('share of the splits');

    const ts = readCsv(join(r.outDir, 'scores', 'model-test.csv'));
    const f64 = readCsv(join(r.outDir, 'scores', 'onnx64.csv'));
    const f32 = readCsv(join(r.outDir, 'scores', 'onnx.csv'));
    const p = column(ts, 'p_g');
    const q64 = column(f64, 'probabilities_g');
    const q32 = column(f32, 'probabilities_g');
    expect(q64).toHaveLength(p.length);
    let d64 = 0, d32 = 0;
    for (let i = 0; i < p.length; i++) {
      d64 = Math.max(d64, Math.abs(p[i]! - q64[i]!));
      d32 = Math.max(d32, Math.abs(p[i]! - q32[i]!));
    }
    expect(d64).toBeLessThanOrEqual(1e-12);
    expect(d32).toBeLessThanOrEqual(1e-5);
    // the same decisions (the model's argmax) from the pipeline and from both graphs
    const predicted = ts.rows.map((row) => (row[ts.header.indexOf('predicted')] === 'g' ? 1 : 0));
    expect(column(f64, 'label')).toEqual(predicted);
    expect(column(f32, 'label')).toEqual(predicted);
    // and the AUC the score step computes is the evaluate step's
    const metrics = r.metrics as { onnx64: { metrics: { auc: number } }; model: { test: { auc: number } } };
    expect(metrics.onnx64.metrics.auc).toBeCloseTo(metrics.model.test.auc, 12);
  }, 120_000);

  it('n_estimators and its alias max_iter together are refused, naming both keys', async () => {
    const e = await runError('name: t\ndata: { source: d.csv, label: label, split: none }\nsteps:\n  - fit: { model: bdt, n_estimators: 10, max_iter: 20 }\n', {
      'd.csv': 'x,label\n1,a\n2,a\n3,b\n4,b\n',
    });
    // when the config is read (validate), at the alias, with where the other key is written
    expect(e.code).toBe('CONFIG_INVALID');
    expect(e.message).toMatch(
      /max_iter is bdt's other name for n_estimators, which is given too \(n_estimators: 10, max_iter: 20\); give one of them \(steps\[0\]\.fit\.n_estimators is at c\.yaml:4:\d+\) → at steps\[0\]\.fit\.max_iter \(c\.yaml:4:\d+\)/,
    );
  });

  it('a validation dataset that no step makes is a config error at its key', async () => {
    const e = await runError('name: t\ndata: { source: d.csv, label: label, split: none }\nsteps:\n  - fit: { model: bdt, validation: held }\n', { 'd.csv': 'x,label\n1,a\n2,a\n3,b\n4,b\n' });
    expect(e.code).toBe('CONFIG_INVALID');
    expect(e.message).toMatch(/held/);
    expect(e.message).toMatch(/steps\[0\]\.fit\.validation/);
  });
});

describe('early stopping on the test set', () => {
  const cfg = (validation: string) => `name: t
seed: 2
data:
  source: d.csv
  label: label
  positive: s
  split: { test: 0.3 }
steps:
  - split: { from: train, into: [train, val], fraction: 0.25 }
  - fit: { model: bdt, n_estimators: 10, validation: ${validation} }
`;
  it('is said to make the figures on test optimistic, as calibrate says of its calibration set', async () => {
    const r = await runConfig(cfg('test'), { 'd.csv': twoClassCsv(60) });
    expect(r.summary.filter((l) => /^fit model: note — the figures on test are optimistic: early stopping chose the number of iterations on it \(validation: test\)/.test(l))).toHaveLength(1);
    // a validation set carved out by split draws no note
    const ok = await runConfig(cfg('val'), { 'd.csv': twoClassCsv(60) });
    expect(ok.summary.some((l) => /note/.test(l))).toBe(false);
  });
});
