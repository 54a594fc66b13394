import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { backgroundAtSignalEfficiency, delongAuc } from '@discern/metrics';
import { loadEstimator } from '@discern/models';
import { describe, expect, it } from 'vitest';
import { runConfig, twoClassCsv } from '../steps.test-helpers.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const CFG = (evaluate: string) => `name: e
seed: 5
data:
  source: d.csv
  label: label
  positive: s
  split: { test: 0.5, stratify: true }
steps:
  - fit: { model: logistic }
  - evaluate: ${evaluate}
`;

describe('evaluate: physics figures for binary classifiers', () => {
  it('adds intervals, εB at εS, εS at εB, significance and the overtraining check, keeping the existing keys', async () => {
    const r = await runConfig(
      CFG('{ fpr: [0.1], signal_efficiency: [0.5, 0.9], background_efficiency: [0.1], significance: { signal_scale: 0.1, background_scale: 2 } }'),
      { 'd.csv': twoClassCsv(500, 4, 1.5) },
    );
    const t = (r.metrics.model as Json).test;
    for (const k of ['auc', 'accuracy', 'precision', 'recall', 'f1', 'log_loss', 'confusion_matrix', 'tpr_at_fpr']) expect(t).toHaveProperty(k);
    expect(Object.keys(t.tpr_at_fpr)).toEqual(['0.1']);
    expect(t.auc_interval.method).toBe('delong');
    expect(t.auc_interval.value).toBeCloseTo(t.auc, 12);
    expect(t.auc_interval.interval[0]).toBeLessThan(t.auc);
    expect(t.auc_interval.interval[1]).toBeGreaterThan(t.auc);
    expect(t.average_precision).toBeGreaterThan(0.5);
    const ph = t.physics;
    expect(Object.keys(ph.background_at_signal_efficiency)).toEqual(['0.5', '0.9']);
    const at90 = ph.background_at_signal_efficiency['0.9'];
    expect(at90.background_rejection.value).toBeCloseTo(1 - at90.background_efficiency.value, 12);
    expect(at90.background_rejection.interval[0]).toBeCloseTo(1 - at90.background_efficiency.interval[1], 12);
    expect(at90.rejection_factor.value).toBeCloseTo(1 / at90.background_efficiency.value, 9);
    expect(ph.signal_at_background_efficiency['0.1'].signal_efficiency.value).toBeCloseTo(t.tpr_at_fpr['0.1'], 9);
    expect(ph.significance.s_over_sqrt_b.value).toBeGreaterThan(0);
    expect(ph.significance.signal_scale).toBe(0.1);
    expect(t.overtraining.train).toBe('train');
    expect(t.overtraining.signal.p_value).toBeGreaterThan(0);
    expect(t.overtraining.signal.p_value).toBeLessThanOrEqual(1);
    expect((r.metrics.model as Json).train.overtraining).toBeUndefined();
    expect(r.summary.some((l) => /evaluate model on test: AUC 0\.\d{4} \[0\.\d{4}, 0\.\d{4}\].*1 − εB at εS = 0\.9: 0\.\d{4}/.test(l))).toBe(true);
  });

  it('agrees with @discern/metrics called directly on the model’s scores (Wilson, 90 %)', async () => {
    const csv = twoClassCsv(300, 8);
    const r = await runConfig(CFG('{ on: [train], signal_efficiency: [0.7], interval: wilson, confidence: 0.9 }').replace('{ test: 0.5, stratify: true }', 'none'), { 'd.csv': csv });
    const t = (r.metrics.model as Json).train;
    expect(t.overtraining).toBeUndefined(); // train and test are the same rows: no overtraining check
    const saved = JSON.parse(readFileSync(join(r.outDir, 'models', 'model.json'), 'utf8'));
    const est = loadEstimator(saved.estimator) as unknown as { predictProba(X: { rows: number; cols: number; data: Float64Array }): { data: Float64Array } };
    const rows = csv.trim().split('\n').slice(1).map((l) => l.split(','));
    const X = { rows: rows.length, cols: 2, data: Float64Array.from(rows.flatMap((c) => [Number(c[0]), Number(c[1])])) };
    const y = rows.map((c) => (c[2] === 's' ? 1 : 0));
    const P = est.predictProba(X).data;
    const score = y.map((_, i) => P[2 * i + 1]!);
    const want = backgroundAtSignalEfficiency(y, score, [0.7], { method: 'wilson', cl: 0.9 })[0]!;
    const got = t.physics.background_at_signal_efficiency['0.7'];
    expect(got.background_efficiency.value).toBeCloseTo(want.effB, 12);
    expect(got.background_efficiency.interval).toEqual([want.effBInterval.lower, want.effBInterval.upper]);
    const d = delongAuc(y, score, { cl: 0.9 });
    expect(t.auc_interval.interval[0]).toBeCloseTo(d.lower, 12);
    expect(t.auc_interval.confidence).toBe(0.9);
  });
});
