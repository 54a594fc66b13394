import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDiscernError } from '@discern/core';
import { describe, expect, it } from 'vitest';
import { prepareConfig, runPipeline } from '../engine.js';
import { parseOverride } from './overrides.js';

// `discern validate` accepts a config only if `discern run` gets past configuration: every check that needs no data
// is made by validation (the schemas, and one pass over the step sequence). Each config below was accepted by
// validate and rejected by run before this check existed (issue 10, point 5 and the silent overwrites of point 4).

const DATA = 'x1,x2,label\n' + Array.from({ length: 40 }, (_, i) => `${(i % 7) / 3 + (i % 2)},${(i * 3) % 5},${i % 2 ? 's' : 'b'}`).join('\n') + '\n';

function config(steps: string, data = '  source: d.csv\n  label: label\n  positive: s\n'): string {
  return `name: t\nseed: 1\ndata:\n${data}steps:\n${steps}report: { plots: false }\n`;
}

/** Each: the config, the path the error must name, and the file:line:col it must point at (or "from --set"). */
const BAD: { what: string; text: string; sets?: string[]; path: string; at: RegExp }[] = [
  { what: 'evaluate before any fit', text: config('  - evaluate: {}\n  - fit: { model: logistic }\n'), path: 'steps[0].evaluate.model', at: /c\.yaml:8:15/ },
  { what: 'evaluate on a dataset no step creates', text: config('  - fit: { model: logistic }\n  - evaluate: { on: [train, valid] }\n'), path: 'steps[1].evaluate.on[1]', at: /c\.yaml:9:29/ },
  { what: 'split test of 1 (a share or a count?)', text: config('  - fit: { model: logistic }\n', '  source: d.csv\n  label: label\n  split: { test: 1 }\n'), path: 'data.split.test', at: /1 is ambiguous[\s\S]*c\.yaml:6:18/ },
  { what: 'split test fraction out of range', text: config('  - fit: { model: logistic }\n', '  source: d.csv\n  label: label\n  split: { test: 1.5 }\n'), path: 'data.split.test', at: /c\.yaml:6:18/ },
  { what: 'the same fit name twice (the default)', text: config('  - fit: { model: qda }\n  - fit: { model: lda }\n  - evaluate: {}\n'), path: 'steps[1].fit.name', at: /c\.yaml:9:10/ },
  { what: 'two exports to one file', text: config('  - fit: { model: logistic }\n  - export: { onnx: m.onnx }\n  - export: { onnx: m.onnx }\n'), path: 'steps[2].export.onnx', at: /steps\[1\]\.export\.onnx \(c\.yaml:9:21\)[\s\S]*c\.yaml:10:21/ },
  { what: 'a split into the held-out test set', text: config('  - split: { from: train, into: [train, test], fraction: 0.2 }\n  - fit: { model: logistic }\n'), path: 'steps[0].split.into[1]', at: /c\.yaml:8:41/ },
  { what: 'priors that do not sum to 1', text: config('  - fit: { model: gaussian-nb, priors: [0.3, 0.3] }\n'), path: 'steps[0].fit.priors', at: /sum to 1, got a sum of 0\.6[\s\S]*c\.yaml:8:40/ },
  { what: 'decide priors that do not sum to 1', text: config('  - fit: { model: logistic }\n  - decide: { rule: bayes-risk, cost: [[0, 1], [1, 0]], priors: [0.9, 0.3] }\n'), path: 'steps[1].decide.priors', at: /sum to 1, got a sum of 1\.2[\s\S]*c\.yaml:9:65/ },
  { what: 'a 300-character name', text: config('  - fit: { model: logistic }\n').replace('name: t', `name: ${'n'.repeat(300)}`), path: 'name', at: /c\.yaml:1:7/ },
  { what: '--set data={}', text: config('  - fit: { model: logistic }\n'), sets: ['data={}'], path: 'data', at: /from --set/ },
  { what: 'two evaluations under one metrics key', text: config('  - fit: { model: logistic }\n  - evaluate: { on: [train] }\n  - evaluate: { on: [test] }\n'), path: 'steps[2].evaluate', at: /steps\[1\]\.evaluate \(c\.yaml:9:15\)[\s\S]*c\.yaml:10:15/ },
  { what: 'two decisions of one name', text: config('  - fit: { model: logistic }\n  - decide: { rule: map }\n  - decide: { rule: map }\n'), path: 'steps[2].decide', at: /steps\[1\]\.decide \(c\.yaml:9:13\)[\s\S]*c\.yaml:10:13/ },
  { what: 'a classifier without a label', text: config('  - fit: { model: logistic }\n', '  source: d.csv\n'), path: 'steps[0].fit.model', at: /c\.yaml:6:19/ },
  { what: 'predict with a clustering model', text: config('  - fit: { model: kmeans, n_clusters: 2 }\n  - predict: {}\n'), path: 'steps[1].predict.model', at: /c\.yaml:9:14/ },
  { what: 'decide on a feature and a model at once', text: config('  - fit: { model: logistic }\n  - decide: { rule: threshold, threshold: 0.5, model: model, score: { feature: x1 } }\n'), path: 'steps[1].decide', at: /c\.yaml:9:13/ },
  { what: 'train without test', text: config('  - fit: { model: logistic }\n', '  train: d.csv\n  label: label\n'), path: 'data.test', at: /c\.yaml:4:\d+/ },
  { what: 'two predictions into one score file', text: config('  - fit: { model: logistic }\n  - export: { onnx: report.onnx }\n  - predict: { on: [test] }\n  - predict: { on: [test] }\n'), path: 'steps[3].predict.on[0]', at: /c\.yaml:11:21/ },
  { what: '--set past the end of the steps', text: config('  - fit: { model: logistic }\n'), sets: ['steps[99].fit.l2=0.1'], path: '', at: /steps has 1 entry/ },
  // the probe's cases (validate passed them, run refused them or ran them wrongly)
  { what: 'calibrating a calibrated model', text: config('  - split: { from: train, into: [train, cal], fraction: 0.3 }\n  - fit: { model: logistic, name: b }\n  - calibrate: { model: b, on: cal, evaluate: [cal] }\n  - calibrate: { model: b-calibrated, on: cal, evaluate: [cal], name: bb }\n'), path: 'steps[3].calibrate.model', at: /model "b-calibrated" is calibrated already \(made at steps\[2\]\.calibrate\.name \(c\.yaml:10:\d+\)\)[\s\S]*c\.yaml:11:\d+/ },
  { what: 'cv calibration of a crossvalidate model', text: config('  - crossvalidate: { model: logistic, folds: 3, name: cvl }\n  - calibrate: { model: cvl, cv: 3 }\n'), path: 'steps[1].calibrate.model', at: /made by a crossvalidate step \(steps\[0\]\.crossvalidate\.name \(c\.yaml:8:\d+\)\), not by a fit step[\s\S]*c\.yaml:9:25/ },
  { what: 'cv calibration of a tuned model', text: config('  - tune: { model: logistic, folds: 3, grid: { l2: [0.1, 1] } }\n  - calibrate: { model: tuned, cv: 3 }\n'), path: 'steps[1].calibrate.model', at: /made by a tune step[\s\S]*c\.yaml:9:25/ },
  { what: 'a fold expression after a standardize step', text: config('  - standardize: {}\n  - crossvalidate: { model: logistic, folds: 3, fold: "x2 % 3" }\n'), path: 'steps[1].crossvalidate.fold', at: /a standardize step before this one[\s\S]*c\.yaml:9:\d+/ },
  { what: 'inspect naming a feature twice', text: config('  - inspect: { features: [x1, x1] }\n'), path: 'steps[0].inspect.features[1]', at: /names "x1" again \(it is features\[0\]\); list each feature once → at steps\[0\]\.inspect\.features\[1\] \(c\.yaml:8:\d+\)/ },
  { what: 'a bdt option and its alias', text: config('  - fit: { model: bdt, n_estimators: 20, max_iter: 30 }\n'), path: 'steps[0].fit.max_iter', at: /max_iter is bdt's other name for n_estimators, which is given too \(n_estimators: 20, max_iter: 30\); give one of them \(steps\[0\]\.fit\.n_estimators is at c\.yaml:8:38\)[\s\S]*c\.yaml:8:52/ },
  { what: 'tune: a fixed option and its alias in the grid', text: config('  - tune: { model: bdt, n_estimators: 10, folds: 3, grid: { max_iter: [5, 10] } }\n'), path: 'steps[0].tune.grid.max_iter', at: /max_iter is the other name of n_estimators\), and steps\[0\]\.tune\.n_estimators \(c\.yaml:8:39\) gives it too[\s\S]*c\.yaml:8:\d+/ },
  { what: 'tune: a fixed option searched too', text: config('  - tune: { model: bdt, max_depth: 4, folds: 3, grid: { max_depth: [3, 5] } }\n'), path: 'steps[0].tune.grid.max_depth', at: /max_depth is searched here and fixed at steps\[0\]\.tune\.max_depth \(c\.yaml:8:\d+\) to 4 too/ },
  { what: 'tune: an empty grid', text: config('  - tune: { model: bdt, folds: 3, grid: {} }\n'), path: 'steps[0].tune.grid', at: /is empty: give at least one option of bdt[\s\S]*c\.yaml:8:\d+/ },
  { what: 'tune: a grid key with no values', text: config('  - tune: { model: bdt, folds: 3, grid: { max_depth: [] } }\n'), path: 'steps[0].tune.grid.max_depth', at: /a list of at least one value to try, got a list of 0/ },
  { what: 'tune: a validation dataset in the grid', text: config('  - split: { from: train, into: [train, v], fraction: 0.2 }\n  - tune: { model: bdt, folds: 3, grid: { validation: [v] } }\n'), path: 'steps[1].tune.grid.validation', at: /a validation dataset is for a single fit step/ },
  { what: 'tune: a real range of a whole-number option', text: config('  - tune: { model: bdt, folds: 3, n_trials: 3, ranges: { max_depth: { low: 2, high: 6 } } }\n'), path: 'steps[0].tune.ranges.max_depth', at: /max_depth takes whole numbers: add integer: true to its range/ },
  { what: 'tune: a range outside the option', text: config('  - tune: { model: bdt, folds: 3, n_trials: 3, ranges: { subsample: { low: 0.5, high: 3 } } }\n'), path: 'steps[0].tune.ranges.subsample.high', at: /high 3 is outside what subsample takes \(a number > 0 and ≤ 1\)/ },
  { what: 'tune: a grid value its option refuses', text: config('  - tune: { model: bdt, folds: 3, grid: { max_depth: [3, -1] } }\n'), path: 'steps[0].tune.grid.max_depth[1]', at: /max_depth takes a whole number ≥ 1 or null, got -1[\s\S]*c\.yaml:8:\d+/ },
  { what: 'tune: a grid value of the wrong type', text: config('  - tune: { model: bdt, folds: 3, grid: { learning_rate: [0.1, fast] } }\n'), path: 'steps[0].tune.grid.learning_rate[1]', at: /learning_rate takes a number > 0, got "fast"/ },
  { what: 'tune: a choice its option refuses', text: config('  - tune: { model: bdt, folds: 3, n_trials: 2, ranges: { early_stopping: [true, maybe] } }\n'), path: 'steps[0].tune.ranges.early_stopping[1]', at: /early_stopping takes "auto", true or false, got "maybe"/ },
  { what: 'tune: a misspelt grid key', text: config('  - tune: { model: bdt, folds: 3, grid: { max_dept: [3, 4] } }\n'), path: 'steps[0].tune.grid.max_dept', at: /"max_dept" is not an option of bdt \(did you mean "max_depth"\?\)/ },
  { what: 'a misspelt model', text: config('  - fit: { model: bdtt }\n'), path: 'steps[0].fit.model', at: /unknown model "bdtt" \(did you mean "bdt"\?\)/ },
  { what: 'an enum-or-boolean option', text: config('  - fit: { model: bdt, early_stopping: yes }\n'), path: 'steps[0].fit.early_stopping', at: /expected "auto", true or false, got "yes"/ },
  { what: 'a sample without its class', text: config('  - fit: { model: logistic }\n', '  samples: [{ path: d.csv }]\n'), path: 'data.samples[0].class', at: /missing required key \(expected a text or a number\)/ },
  { what: '--set steps[0]=null', text: config('  - fit: { model: logistic }\n'), sets: ['steps[0]=null'], path: 'steps[0]', at: /from --set/ },
  { what: 'a fold expression reading a column data.features leaves out', text: config('  - crossvalidate: { model: logistic, folds: 3, fold: "x2 % 3" }\n', '  source: d.csv\n  label: label\n  features: [x1]\n'), path: 'steps[0].crossvalidate.fold', at: /the fold expression "x2 % 3" reads "x2", which is not a column of the dataset \(its columns: x1; did you mean "x1"\?\); to fold by it, add "x2" to data\.features \(the columns of a fold expression pick the fold and are not inputs of the fold models\) → at steps\[0\]\.crossvalidate\.fold \(c\.yaml:8:\d+\)/ },
  { what: 'a fold expression reading a define data.features leaves out', text: config('  - crossvalidate: { model: logistic, folds: 3, fold: "evt % 3" }\n', '  source: d.csv\n  label: label\n  define: { evt: "x2 * 2" }\n  features: [x1, x2]\n'), path: 'steps[0].crossvalidate.fold', at: /reads "evt", which is not a column of the dataset \(its columns: x1, x2\); to fold by it, add "evt" to data\.features/ },
  { what: '--set a step to null', text: config('  - tune: { model: logistic, folds: 3, grid: { l2: [0.1, 1] } }\n'), sets: ['steps[0].tune=null'], path: 'steps[0].tune', at: /^[^\n]*\n✖ expected a map of the step's keys, got null → at steps\[0\]\.tune \(from --set\)$/ },
  { what: 'a step left empty that needs a model', text: config('  - tune:\n'), path: 'steps[0].tune.model', at: /✖ no model given: set model to one of logistic, [^\n]* → at steps\[0\]\.tune\.model \(c\.yaml:8:\d+\)$/ },
  { what: '--set data.samples=[]', text: config('  - fit: { model: logistic }\n', '  samples: [{ path: d.csv, class: s }]\n  positive: s\n'), sets: ['data.samples=[]'], path: 'data.samples', at: /^[^\n]*\n✖ give at least one sample \(a file or glob with its class\), got a list of 0 → at data\.samples \(from --set\)$/ },
];

function write(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'discern-validate-run-'));
  writeFileSync(join(dir, 'd.csv'), DATA);
  writeFileSync(join(dir, 'c.yaml'), text);
  return join(dir, 'c.yaml');
}

async function outcome(f: () => Promise<unknown>): Promise<{ code: string; message: string } | undefined> {
  try {
    await f();
    return undefined;
  } catch (e) {
    if (isDiscernError(e)) return { code: e.code, message: e.message };
    throw e;
  }
}

describe('validate rejects what run would reject before reading data', () => {
  for (const c of BAD) {
    it(c.what, async () => {
      const file = write(c.text);
      const overrides = () => (c.sets ?? []).map(parseOverride);
      const v = await outcome(async () => prepareConfig(file, { overrides: overrides() }));
      expect(v, "validate must reject it").toBeDefined();
      expect(v!.code).toBe('CONFIG_INVALID');
      if (c.path) expect(v!.message).toContain(`→ at ${c.path}`);
      expect(v!.message).toMatch(c.at);
      // and run says the same, before any step
      const r = await outcome(async () => runPipeline(file, { overrides: overrides(), outDir: join(file, '..', 'run') }));
      expect(r).toEqual(v);
    });
  }
});

/**
 * The property the other way round: over variations of a valid config (steps dropped, repeated, reordered, renamed,
 * pointed at other datasets), whatever validate accepts, run gets past configuration (it may still fail on the
 * data, never with a configuration error or a missing model or dataset).
 */
describe('whatever validate accepts, run gets past configuration', () => {
  const STEPS = [
    '  - split: { from: train, into: [train, calibration], fraction: 0.25 }\n',
    '  - standardize: {}\n',
    '  - fit: { model: logistic }\n',
    '  - fit: { model: qda, name: q }\n',
    '  - fit: { model: kmeans, n_clusters: 2, name: km }\n',
    '  - evaluate: {}\n',
    '  - evaluate: { model: q, on: [test] }\n',
    '  - evaluate: { model: km, on: [train] }\n',
    '  - predict: { on: [test] }\n',
    '  - decide: { rule: neyman-pearson, alpha: 0.2, calibration: calibration }\n',
    '  - decide: { rule: map, model: q, name: mq }\n',
    '  - export: { model: q, onnx: q.onnx }\n',
    '  - predict: { model: km }\n',
    '  - evaluate: { on: [calibration], name: cal }\n',
  ];
  it('over 60 seeded variations', async () => {
    let seed = 12345;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    let accepted = 0;
    for (let trial = 0; trial < 60; trial++) {
      const n = 1 + Math.floor(next() * 6);
      const steps = Array.from({ length: n }, () => STEPS[Math.floor(next() * STEPS.length)]!).join('');
      const file = write(config(steps));
      const v = await outcome(async () => prepareConfig(file));
      if (v) {
        expect(v.code, v.message).toBe('CONFIG_INVALID');
        continue;
      }
      accepted++;
      const r = await outcome(async () => runPipeline(file, { outDir: join(file, '..', 'run') }));
      if (r) expect(['CONFIG_INVALID', 'STEP_FAILED'], `${steps}\n→ ${r.code}: ${r.message}`).not.toContain(r.code);
    }
    // both sides of the property are exercised
    expect(accepted).toBeGreaterThan(5);
    expect(accepted).toBeLessThan(55);
  });
});
