import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runConfig, threeClassCsv, twoClassCsv } from '../steps.test-helpers.js';
import { gainImportance } from './index.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const CONFIG = (steps: string) => `name: p
seed: 9
data:
  source: d.csv
  label: label
  positive: s
  split: { test: 0.4, stratify: true }
steps:
  - standardize: {}
  - fit: { name: lr, model: logistic }
${steps}`;

const files = { 'd.csv': twoClassCsv(400, 12, 1.2) };

describe('importance: permutation importance of a fitted classifier', () => {
  it('ranks the informative variable first; the noise variable moves the AUC little; an interval around each mean', async () => {
    const r = await runConfig(CONFIG('  - evaluate: { model: lr, on: [test] }\n  - importance: { model: lr, n_repeats: 8 }\n'), files);
    const m = (r.metrics.importance as Json).lr;
    expect(m.metric).toBe('auc');
    expect(m.dataset).toBe('test');
    // the baseline is the model's AUC on the same events, as evaluate reports it
    expect(m.baseline).toBe((r.metrics.lr as Json).test.auc);
    expect(m.ranking).toEqual(['x1', 'x2']);
    expect(m.features.x1.rank).toBe(1);
    expect(m.features.x1.importance.value).toBeGreaterThan(0.2);
    expect(Math.abs(m.features.x2.importance.value)).toBeLessThan(0.02);
    for (const f of ['x1', 'x2']) {
      const [lo, hi] = m.features[f].importance.interval;
      expect(lo).toBeLessThan(m.features[f].importance.value);
      expect(hi).toBeGreaterThan(m.features[f].importance.value);
    }
    expect(m.gain).toBeUndefined();
    expect(r.summary.some((l) => l.startsWith("importance of lr's features on test (drop in AUC when shuffled, 8 repeats): x1 "))).toBe(true);
  });

  it('one seed, one result; log loss rises when a variable is shuffled', async () => {
    const steps = '  - importance: { model: lr, metric: log_loss, n_repeats: 3 }\n';
    const a = (await runConfig(CONFIG(steps), files)).metrics.importance as Json;
    const b = (await runConfig(CONFIG(steps), files)).metrics.importance as Json;
    expect(b).toEqual(a);
    expect(a.lr.features.x1.importance.value).toBeGreaterThan(0.1);
  });

  it('three classes (macro one-vs-rest AUC, accuracy); two importance steps under two keys; the bar chart drawn', async () => {
    const r = await runConfig(
      'name: p\nseed: 1\ndata: { source: d.csv, label: label, split: { test: 0.4, stratify: true } }\nsteps:\n  - fit: { model: lda }\n  - importance: { n_repeats: 3 }\n  - importance: { metric: accuracy, n_repeats: 3, name: acc }\n',
      { 'd.csv': threeClassCsv(80) },
      { plots: true },
    );
    const imp = r.metrics.importance as Json;
    expect(imp.model.ranking[0]).toBe('x1');
    expect(imp.acc.metric).toBe('accuracy');
    expect(existsSync(join(r.outDir, 'plots', 'permutation-importance-model-test.png'))).toBe(true);
  });
});

describe("gain importance: a tree ensemble's own", () => {
  it('a bdt gives its share of the split gain beside the permutation importance', async () => {
    const r = await runConfig(CONFIG('  - fit: { name: trees, model: bdt, n_estimators: 20, early_stopping: false }\n  - importance: { model: trees, n_repeats: 3 }\n'), files);
    const m = (r.metrics.importance as Json).trees;
    expect(Object.keys(m.gain)).toEqual(['x1', 'x2']);
    expect(m.gain.x1 + m.gain.x2).toBeCloseTo(1, 12);
    // x1 carries the classes: most of the gain, and the first rank by permutation
    expect(m.gain.x1).toBeGreaterThan(m.gain.x2);
    expect(m.ranking[0]).toBe('x1');
  });

  it('is read from featureImportance.gain (a getter, as BoostedTrees has it, or a method) when an estimator has it, and only then', () => {
    expect(gainImportance({ featureImportance: () => ({ gain: [0.7, 0.3], splits: [0.5, 0.5] }) }, 2)).toEqual([0.7, 0.3]);
    expect(gainImportance({ get featureImportance() { return { gain: [0.2, 0.8] }; } }, 2)).toEqual([0.2, 0.8]);
    expect(gainImportance({}, 2)).toBeUndefined();
    expect(gainImportance({ featureImportance: () => ({ gain: [1] }) }, 2)).toBeUndefined();
  });
});
