import { type Dataset, kFold, subsetDataset } from '@discern/data';
import { type DenseMatrix } from '@discern/linalg';
import { brierScore, calibrationSummary, logLoss } from '@discern/metrics';
import { type Calibration, type Classifier, applyCalibration, fitCalibration } from '@discern/models';
import { isDiscernError } from '@discern/core';
import { z } from 'zod';
import { type FittedModel, type RunContext } from '../../context.js';
import { fig } from '../../figures.js';
import { type PlotInput, fileSafe } from '../../report/inputs.js';
import { cell } from '../../report/tables.js';
import { defineStep } from '../../step.js';
import { strict } from '../../config/zod-helpers.js';
import { saveModel } from '../fitted.js';
import { fitEstimator, modelName } from '../fit/fitting.js';
import { datasetNaming, weightsNaming } from '../naming.js';
import { stratifiedFoldsProblem } from '../crossvalidate/folds.js';

const quality = z.strictObject({
  log_loss: fig.value(),
  brier: fig.rate().optional(),
  ece: fig.rate(),
  mce: fig.rate(),
});

const bin = z.strictObject({ from: fig.value(), to: fig.value(), n: fig.count(), predicted: fig.rate(), observed: fig.rate(), interval: fig.interval('rate') });

/** What `calibrate` adds to metrics.json: how the calibration was fitted, and the figures before and after it. */
const resultSchema = z.strictObject({
  model: fig.label(),
  method: fig.label(),
  fitted_on: fig.label(),
  events: fig.count(),
  form: fig.label(),
  datasets: z.record(z.string(), z.strictObject({ before: quality, after: quality, reliability: z.strictObject({ before: z.array(bin), after: z.array(bin) }) })),
});
type CalibrateResult = z.output<typeof resultSchema>;

const params = strict({
  model: z.string().default('model').describe('the fitted classifier to calibrate'),
  name: modelName.optional().describe('the name of the calibrated model, for later steps (default: <model>-calibrated)'),
  method: z.enum(['isotonic', 'platt']).default('isotonic').describe("isotonic regression, or Platt's sigmoid (fewer parameters: for small calibration samples)"),
  on: z.string().optional().describe('the dataset the calibration is fitted on: events the model did not train on (e.g. a part carved out by `split`)'),
  cv: z
    .number()
    .int()
    .min(2)
    .max(20)
    .optional()
    .describe('instead of `on`: fit the calibration on out-of-fold probabilities of the training set, the model refitted on cv − 1 folds at a time (its fit options as the fit step gave them); the calibrated model is the model fitted on all of it'),
  evaluate: z.array(z.string()).min(1).default(['test']).describe('datasets on which the figures before and after are measured'),
  bins: z.number().int().min(2).max(100).default(10).describe('bins of the reliability diagram and of the calibration errors'),
  confidence: z.number().gt(0).lt(1).default(0.95),
  interval: z.enum(['clopper-pearson', 'wilson']).default('clopper-pearson'),
});
type Params = z.output<typeof params>;

const nameOf = (p: Params) => p.name ?? `${p.model}-calibrated`;

/** The classifier's probabilities on a dataset without any calibration it may carry (the raw posteriors). */
async function rawProba(ctx: Pick<RunContext, 'dataset'>, fitted: FittedModel, dataset: string): Promise<DenseMatrix> {
  const est = fitted.estimator as Classifier;
  const ds = ctx.dataset(dataset);
  const out = new Float64Array(ds.rows * fitted.classNames.length);
  let K = fitted.classNames.length;
  for await (const b of ds.batches()) {
    const P = est.predictProba(b.X);
    K = P.cols;
    out.set(P.data, b.start * K);
  }
  return { rows: ds.rows, cols: K, data: out };
}

/** Out-of-fold probabilities of the training set: the model's family refitted on cv − 1 folds, each fold scored by the model that did not see it. */
function outOfFold(ctx: RunContext, fitted: FittedModel, ds: Dataset, cv: number, path: string): DenseMatrix {
  const K = fitted.classNames.length;
  const out = new Float64Array(ds.X.rows * K);
  const folds = kFold(ds, cv, { stratify: true, seed: ctx.seedFor(`${fitted.name}:calibration-folds`) });
  folds.forEach((f, k) => {
    const { estimator } = fitEstimator(ctx, subsetDataset(ds, f.train), { model: fitted.model, options: { ...fitted.options }, seed: ctx.seedFor(`${fitted.name}:fold${k}`), path });
    const held = subsetDataset(ds, f.test);
    const P = (estimator as Classifier).predictProba(held.X);
    f.test.forEach((row, i) => out.set(P.data.subarray(i * K, (i + 1) * K), row * K));
  });
  return { rows: ds.X.rows, cols: K, data: out };
}

function figures(y: Int32Array, P: DenseMatrix, p: Params, positive: number, weights: Float64Array | undefined) {
  const s = calibrationSummary(y, P, { bins: p.bins, positive, method: p.interval, cl: p.confidence, ...(weights ? { weights } : {}) });
  const w = weights ? { weights } : {};
  const q = {
    log_loss: logLoss(y, P, w),
    ...(P.cols === 2 ? { brier: brierScore(y.map((c) => (c === positive ? 1 : 0)), Float64Array.from({ length: P.rows }, (_, i) => P.data[i * 2 + positive]!), w) } : {}),
    ece: s.ece,
    mce: s.mce,
  };
  return { quality: q, form: s.form, bins: s.bins.map((b) => ({ from: b.from, to: b.to, n: b.n, predicted: b.predicted, observed: b.observed, interval: b.interval })) };
}

const f4 = (v: number | null | undefined) => (typeof v === 'number' ? v.toFixed(4) : 'n/a');

/**
 * Calibrates a fitted classifier's probabilities (Platt's sigmoid or isotonic regression, @discern/models) on events
 * it did not train on — a named dataset, or out-of-fold probabilities of the training set — and makes a calibrated
 * model under a new name: the same estimator with the calibration applied to every probability it gives, in later
 * steps (`decide`'s minimum-risk rules assume calibrated posteriors) and inside its ONNX export. The figures before and
 * after (log loss, Brier, expected calibration error) and a reliability diagram show what it changed.
 */
export const calibrateStep = defineStep({
  name: 'calibrate',
  description: 'calibrate a classifier’s probabilities (isotonic | platt) on a calibration dataset or out-of-fold; a calibrated model for decide and export, with a reliability diagram',
  params,
  result: resultSchema,
  key: (p) => ['calibration', nameOf(p)],
  plan: (p, at) => ({
    problems:
      p.on !== undefined && p.cv !== undefined
        ? [{ path: at.path, message: 'give either on (a calibration dataset) or cv (out-of-fold calibration on the training set), not both' }]
        : p.on === undefined && p.cv === undefined
          ? [{ path: at.path, message: 'give the events to calibrate on: on: <a dataset the model did not train on> (e.g. one carved out by split), or cv: <folds>' }]
          : [],
    needs: {
      models: [{ name: p.model, path: `${at.path}.model`, classifier: true, uncalibrated: true, ...(p.cv !== undefined ? { refit: true } : {}) }],
      datasets: [...(p.on !== undefined ? [{ name: p.on, path: `${at.path}.on` }] : [{ name: 'train', path: `${at.path}.cv` }]), ...p.evaluate.map((name, i) => ({ name, path: `${at.path}.evaluate[${i}]` }))],
    },
    makes: { models: [{ name: nameOf(p), path: `${at.path}.name`, supervised: true }] },
  }),
  async run(ctx, p): Promise<CalibrateResult> {
    const path = `steps[${ctx.step.index}].calibrate`;
    const fitted = ctx.classifier(p.model, 'calibration maps class probabilities');
    if (fitted.calibration) throw ctx.config.error(`${path}.model`, `model "${p.model}" is calibrated already; calibrate the model it was made from`);
    const positive = fitted.positive ?? 1;
    let P: DenseMatrix, y: Int32Array, weights: Float64Array | undefined, source: string;
    let events: () => Dataset;
    if (p.cv !== undefined) {
      if (!fitted.options) throw ctx.config.error(`${path}.cv`, `model "${p.model}" was not made by a fit step, so it cannot be refitted on folds; calibrate on a dataset (on: …)`);
      const ds = ctx.dataset('train').whole();
      events = () => ds;
      const tooMany = stratifiedFoldsProblem(ds, p.cv, 'train');
      if (tooMany) throw ctx.config.error(`${path}.cv`, tooMany);
      P = outOfFold(ctx, fitted, ds, p.cv, path);
      y = ds.y;
      weights = ds.weights;
      source = `train (${p.cv}-fold out-of-fold)`;
    } else {
      const ds = ctx.dataset(p.on!);
      events = () => ds.whole();
      P = await rawProba(ctx, fitted, p.on!);
      y = ds.y;
      weights = ds.weights;
      source = p.on!;
    }
    let calibration: Calibration;
    try {
      calibration = fitCalibration(P, y, p.method, weights);
    } catch (e) {
      // an event (a weight) named by its file line and the weight column, as the fit step names them
      throw isDiscernError(e) ? e.renamed({ ...datasetNaming(events()), ...weightsNaming(ctx.config) }) : e;
    }
    const name = nameOf(p);
    const calibrated: FittedModel = { ...fitted, name, calibration };
    ctx.models.set(name, calibrated);
    saveModel(ctx, calibrated);
    if (p.on !== undefined && p.evaluate.includes(p.on))
      ctx.say(`calibrate ${name}: note — the figures after calibration on ${p.on} are optimistic: the calibration was fitted on it`);
    if (p.on === 'train') ctx.say(`calibrate ${name}: note — calibrating on the events the model trained on keeps its overconfidence; set events aside with split, or use cv`);
    const datasets: CalibrateResult['datasets'] = {};
    let form = 'positive';
    for (const dsName of p.evaluate) {
      const ds = ctx.dataset(dsName);
      const raw = await rawProba(ctx, fitted, dsName);
      const before = figures(ds.y, raw, p, positive, ds.weights);
      const after = figures(ds.y, applyCalibration(calibration, raw), p, positive, ds.weights);
      form = before.form;
      datasets[dsName] = { before: before.quality, after: after.quality, reliability: { before: before.bins, after: after.bins } };
      ctx.say(`calibrate ${name} (${p.method} on ${source}), ${dsName}: ECE ${f4(before.quality.ece)} → ${f4(after.quality.ece)}, log loss ${f4(before.quality.log_loss)} → ${f4(after.quality.log_loss)}${before.quality.brier !== undefined ? `, Brier ${f4(before.quality.brier)} → ${f4(after.quality.brier)}` : ''}`);
    }
    return { model: p.model, method: p.method, fitted_on: source, events: y.length, form, datasets };
  },
  async report(result, view, p) {
    const name = nameOf(p);
    const fitted = view.fittedModel(p.model);
    const what = result.form === 'positive' ? `P(${fitted.classNames[fitted.positive ?? 1]})` : 'top-class probability';
    const rows = Object.entries(result.datasets).flatMap(([ds, d]) => [
      [ds, 'before', cell(d.before.log_loss), cell(d.before.brier), cell(d.before.ece), cell(d.before.mce)],
      [ds, `after (${result.method})`, cell(d.after.log_loss), cell(d.after.brier), cell(d.after.ece), cell(d.after.mce)],
    ]);
    const r = await import('@discern/report');
    const plots: PlotInput[] = Object.entries(result.datasets).map(([ds, d]) => {
      const series = (label: string, bins: typeof d.reliability.before) => ({
        name: label,
        bins: bins.filter((b) => (b.n ?? 0) > 0 && typeof b.predicted === 'number' && typeof b.observed === 'number').map((b) => ({ predicted: b.predicted!, observed: b.observed!, lower: b.interval[0]!, upper: b.interval[1]!, count: b.n! })),
      });
      return {
        kind: 'spec',
        file: fileSafe(`reliability-${name}-${ds}`),
        caption: `Reliability of ${p.model} before and after ${result.method} calibration on ${ds}: observed frequency against the mean predicted ${what} per bin, with ${Math.round(p.confidence * 100)} % intervals; dashed, perfect calibration.`,
        spec: () =>
          r.reliabilityPlot({
            what,
            series: [series('before', d.reliability.before), series(String(result.method), d.reliability.after)],
            subtitle: [`${ds}: ECE ${f4(d.before.ece)} → ${f4(d.after.ece)}`],
            title: `Reliability: ${p.model} (${ds})`,
          }),
      };
    });
    return {
      title: 'Calibration',
      tables: [{ caption: `${name}: ${result.method} calibration of ${p.model} fitted on ${result.fitted_on} (${result.events} events)`, columns: ['dataset', 'probabilities', 'log loss', 'Brier', 'ECE', 'MCE'], rows }],
      plots,
    };
  },
});
