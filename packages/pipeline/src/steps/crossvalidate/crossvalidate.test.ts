import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildDataset, readCsvFile } from '@discern/data';
import { rocAuc } from '@discern/metrics';
import { type FoldEnsemble, parseSavedModel } from '@discern/models';
import { exportModelChecked } from '@discern/onnx';
import { createRng } from '@discern/linalg';
import { describe, expect, it } from 'vitest';
import { findModel } from '../fit/models/index.js';
import { runConfig, runError, twoClassCsv } from '../steps.test-helpers.js';
import { fitFolds, foldStat } from './cv.js';
import { foldRows } from './folds.js';

const here = dirname(fileURLToPath(import.meta.url));
const shared = join(here, '..', '..', '..', '..', '..', '..', 'shared', 'data');

/** Two classes in x1, x2, with an event number 1000, 1001, … (in file order): the fold column of TMVA's SplitExpr. */
function eventsCsv(n: number, seed = 4, first = 1000): string {
  const rng = createRng(seed);
  const lines = ['Event,x1,x2,label'];
  for (let i = 0; i < n; i++) {
    const s = rng.uniform() < 0.5;
    lines.push(`${first + i},${rng.normal() + (s ? 1.2 : 0)},${rng.normal() - (s ? 0.5 : 0)},${s ? 's' : 'b'}`);
  }
  return `${lines.join('\n')}\n`;
}

const csvRows = (text: string) => text.trim().split('\n').slice(1).map((l) => l.split(','));

describe('crossvalidate against scikit-learn', () => {
  it("logistic regression on MAGIC, the same five folds: the out-of-fold AUC within 0.002 of cross_val_predict's (measured: 1.2e-8), every 20th probability within 1e-6 (measured: 2.4e-8)", () => {
    const fx = JSON.parse(readFileSync(join(here, '__fixtures__', 'cv_magic.json'), 'utf8')) as { folds: number[]; oof_auc: number; fold_auc: number[]; every: number; proba: number[] };
    const ds = buildDataset(readCsvFile(join(shared, 'magic04.csv')), { label: 'class', positive: 'g' });
    const folds = { fold: Int32Array.from(fx.folds), k: 5 };
    const options = findModel('logistic')!.schema.parse({ tol: 1e-10, max_iter: 10000 }) as Record<string, unknown>;
    // make_pipeline(StandardScaler(), LogisticRegression(penalty=None)): each fold standardised by its training rows
    const fit = fitFolds({ execution: {} }, ds, folds, { model: 'logistic', options, seeds: [1, 2, 3, 4, 5], path: 'steps[0].crossvalidate', standardize: true });
    const score = Float64Array.from({ length: ds.X.rows }, (_, i) => fit.oof[i * 2 + 1]!);
    const auc = rocAuc(ds.y, score);
    expect(Math.abs(auc - fx.oof_auc)).toBeLessThan(0.002);
    // both sides solve each fold to the optimum: they agree far closer than the issue asks
    expect(Math.abs(auc - fx.oof_auc)).toBeLessThan(1e-6);
    foldRows(folds).forEach((rows, f) => {
      const a = rocAuc(Int32Array.from(rows, (i) => ds.y[i]!), Float64Array.from(rows, (i) => score[i]!));
      expect(Math.abs(a - fx.fold_auc[f]!)).toBeLessThan(1e-6);
    });
    fx.proba.forEach((p, t) => expect(Math.abs(score[t * fx.every]! - p)).toBeLessThan(1e-6));
    // the fold models differ
    expect(new Set(fit.members.map((m) => JSON.stringify(m.estimator.toJSON()))).size).toBe(5);
  });
});

describe('figures over the folds', () => {
  it("mean, standard deviation (n − 1) and Student's interval, hand-worked", () => {
    // 0.80, 0.82, 0.84, 0.86: mean 0.83, sd √(0.002/3) = 0.025820; t(0.975, 3) = 3.182446305; half-width t·sd/2
    const s = foldStat([0.8, 0.82, 0.84, 0.86], 0.95);
    expect(s.mean).toBeCloseTo(0.83, 15);
    expect(s.sd).toBeCloseTo(Math.sqrt(0.002 / 3), 14);
    const half = (3.182446305284263 * Math.sqrt(0.002 / 3)) / 2;
    expect(s.interval[0]).toBeCloseTo(0.83 - half, 9);
    expect(s.interval[1]).toBeCloseTo(0.83 + half, 9);
    expect(foldStat([0.5, null], 0.95)).toEqual({ mean: 0.5, sd: null, interval: [null, null] });
  });
});

describe('the crossvalidate step', () => {
  it('by fold: the fold ensemble applied to the training events gives their out-of-fold scores, bit for bit (each event scored by the model that did not see it)', async () => {
    const r = await runConfig(
      `
name: cv
seed: 5
data: { train: d.csv, test: t.csv, label: label, positive: s }
steps:
  - crossvalidate: { model: logistic, name: cv, folds: 4, fold: "Event % 4", apply: by-fold, standardize: true, signal_efficiency: [0.5] }
  - predict: { model: cv, on: [train, test] }
  - evaluate: { model: cv, name: cv_eval }
  - export: { model: cv, onnx: cv.onnx, dtype: float64 }
`,
      { 'd.csv': eventsCsv(300), 't.csv': eventsCsv(100, 5, 5000) },
    );
    const run = join(r.dir, 'run');
    const oof = csvRows(readFileSync(join(run, 'scores', 'cv-oof.csv'), 'utf8'));
    const byFold = csvRows(readFileSync(join(run, 'scores', 'cv-train.csv'), 'utf8'));
    expect(oof).toHaveLength(300);
    // label, p_b, p_s, predicted (and the OOF file's fold): the same text, so the same doubles
    oof.forEach((row, i) => expect(byFold[i]).toEqual(row.slice(0, 4)));
    // the fold of each event is its event number mod 4; the fold models do not read the event number
    const saved = parseSavedModel(readFileSync(join(run, 'models', 'cv.json'), 'utf8'));
    const e = saved.estimator as FoldEnsemble;
    expect(saved.saved.model).toBe('fold-ensemble');
    expect(saved.saved.features).toEqual(['Event', 'x1', 'x2']);
    expect(e.members.map((m) => m.estimator.nFeatures)).toEqual([2, 2, 2, 2]);
    expect(new Set(e.members.map((m) => JSON.stringify(m.estimator.toJSON()))).size).toBe(4);
    // the training file's row i is event 1000 + i, in fold (1000 + i) mod 4
    oof.forEach((row, i) => expect(row[4]).toBe(String((1000 + i) % 4)));
    const metrics = JSON.parse(readFileSync(join(run, 'metrics.json'), 'utf8'));
    const cv = metrics.crossvalidate.cv;
    expect(cv.assignment).toBe('expression');
    expect(cv.per_fold.map((f: { rows: number }) => f.rows).reduce((a: number, b: number) => a + b, 0)).toBe(300);
    // the figures over the folds are those of the per-fold figures
    const aucs = cv.per_fold.map((f: { auc: number }) => f.auc) as number[];
    const mean = aucs.reduce((a, b) => a + b, 0) / 4;
    expect(cv.over_folds.auc.mean).toBeCloseTo(mean, 14);
    expect(cv.over_folds.auc.sd).toBeCloseTo(Math.sqrt(aucs.reduce((a, b) => a + (b - mean) ** 2, 0) / 3), 14);
    // out of fold = evaluate of the by-fold ensemble on the training rows (the same scores)
    expect(cv.out_of_fold.auc).toBe(metrics.cv_eval.train.auc);
    expect(cv.out_of_fold.log_loss).toBe(metrics.cv_eval.train.log_loss);
    expect(Object.keys(cv.out_of_fold.physics.background_at_signal_efficiency)).toEqual(['0.5']);
    // exported from its file alone (as `discern export` does), the fold computed in the graph from Event
    const x = await exportModelChecked({
      estimator: e,
      featureNames: saved.saved.features,
      classNames: saved.saved.classes,
      positive: saved.saved.positive!,
      training: saved.saved.training!,
      dtype: 'float32',
    });
    expect(x.parity.outputs.every((o) => o.maxDiff <= 1e-5)).toBe(true);
  }, 60_000);

  it('average: the ensemble is the mean of the fold models; random stratified folds, seeded (the same run twice is the same)', async () => {
    const yaml = `
name: cv
seed: 9
data: { source: d.csv, label: label, positive: s, split: { test: 0.3 } }
steps:
  - standardize: {}
  - crossvalidate: { model: mlp, hidden_layers: [3], epochs: 20, name: nets, folds: 3 }
  - evaluate: { model: nets, on: [test] }
  - decide: { model: nets, rule: neyman-pearson, alpha: 0.1 }
`;
    const a = await runConfig(yaml, { 'd.csv': twoClassCsv(150) });
    const b = await runConfig(yaml, { 'd.csv': twoClassCsv(150) });
    const text = (r: typeof a, f: string) => readFileSync(join(r.dir, 'run', f), 'utf8');
    expect(text(a, 'metrics.json')).toBe(text(b, 'metrics.json'));
    expect(text(a, 'scores/nets-oof.csv')).toBe(text(b, 'scores/nets-oof.csv'));
    const m = JSON.parse(text(a, 'metrics.json'));
    expect(m.crossvalidate.nets.assignment).toBe('stratified');
    expect(m.crossvalidate.nets.apply).toBe('average');
    // stratified: each fold holds 1/3 of each class of the 210 training rows (70 per class: 23 or 24 per fold)
    const oof = csvRows(text(a, 'scores/nets-oof.csv'));
    for (const c of ['s', 'b']) {
      const per = [0, 1, 2].map((f) => oof.filter((r) => r[0] === c && r[4] === String(f)).length);
      expect(Math.max(...per) - Math.min(...per)).toBeLessThanOrEqual(1);
    }
    const e = parseSavedModel(text(a, 'models/nets.json')).estimator as FoldEnsemble;
    expect(e.mode).toBe('average');
    expect(new Set(e.members.map((x) => JSON.stringify(x.estimator.toJSON()))).size).toBe(3);
  }, 60_000);

  it('says what is wrong in the config’s terms', async () => {
    const files = { 'd.csv': eventsCsv(60) };
    const head = 'name: cv\nseed: 1\ndata: { source: d.csv, label: label, positive: s, split: { test: 0.25 } }\nsteps:\n';
    const err = async (step: string) => (await runError(`${head}${step}`, files)).message;
    expect(await err('  - crossvalidate: { model: logistic, apply: by-fold }')).toMatch(/by-fold needs a fold expression .* → at steps\[0\]\.crossvalidate\.apply/);
    expect(await err('  - crossvalidate: { model: logistic, fold: "Event ^ 2 % 5" }')).toMatch(
      /"Event \^ 2" uses "\^", which a fold expression cannot use .* → at steps\[0\]\.crossvalidate\.fold \(c\.yaml:5:/,
    );
    expect(await err('  - crossvalidate: { model: logistic, fold: "Evnt % 5" }')).toMatch(/reads "Evnt", which is not a column of the dataset \(its columns: Event, x1, x2; did you mean "Event"\?\) \(c\.yaml/);
    expect(await err('  - crossvalidate: { model: logistic, fold: "Event % 3", folds: 5 }')).toMatch(/fold 3 of 5 has no event/);
    expect(await err('  - standardize: {}\n  - crossvalidate: { model: logistic, fold: "Event % 5" }')).toMatch(/a standardize step before this one standardised every feature; remove that step and set standardize: true here/);
    expect(await err('  - crossvalidate: { model: kmeans }')).toMatch(/crossvalidate scores classifiers by their class probabilities; kmeans is not a classifier/);
    expect(await err('  - fit: { model: fold-ensemble }')).toMatch(/a fold ensemble is made by the crossvalidate step .* → at steps\[0\]\.fit/);
    expect(await err('  - crossvalidate: { model: logistic, folds: 1 }')).toMatch(/steps\[0\]\.crossvalidate\.folds/);
    expect(await err('  - crossvalidate: { model: bdt, validation: test }')).toMatch(/crossvalidate fits a model per fold, each stopping early on validation_fraction .* → at steps\[0\]\.crossvalidate\.validation/);
  }, 60_000);
});
