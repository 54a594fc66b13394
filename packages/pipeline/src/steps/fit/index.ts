import { type Estimator } from '@discern/models';
import type { ReportTable } from '@discern/report';
import { z } from 'zod';
import { defineStep } from '../../step.js';
import { type PlotInput, fileSafe } from '../../report/inputs.js';
import { saveModel } from '../fitted.js';
import { fitEstimator, fittedModel, modelConfigSchema, modelName } from './fitting.js';
import { builtinModels, findModel } from './models/index.js';
import { type ModelSpec } from './models/spec.js';

type FitParams = { model: string; name: string; train: string } & Record<string, unknown>;

function describeFit(spec: ModelSpec, m: Estimator): string {
  const r = m.fitReport;
  if (!r) return `${spec.name} fitted`;
  const last = r.history[r.history.length - 1];
  const label = r.historyLabel.split(/ \(| per | before | after |, /)[0];
  const value = last !== undefined ? `; final ${label} ${last.toPrecision(6)}` : '';
  if (r.reason === 'closed_form') return `${spec.name}: fitted in closed form`;
  // Gradient descent and epoch-based training run a set number of epochs by design: that is not a failure to converge.
  if (r.reason === 'epochs') return `${spec.name}: ran ${r.iterations} epochs${value}`;
  // so do boosted trees: their iterations are the model's size, not a search that may fail to converge
  if (r.reason === 'n_estimators') return `${spec.name}: ran ${r.iterations} boosting iterations${value}`;
  return `${spec.name}: ${r.converged ? 'converged' : 'did NOT converge'} after ${r.iterations} iterations (${r.reason})${value}`;
}

/** Fits a model family on a dataset; saves it to models/<name>.json with what it needs to be applied and exported. */
export const fitStep = defineStep({
  name: 'fit',
  description: `fit a model on the training set; model: ${builtinModels.map((m) => m.name).join(' | ')}`,
  params: modelConfigSchema({
    name: modelName.default('model').describe('the name later steps use for this fitted model (two fits need two names)'),
    train: z.string().default('train').describe('the dataset to fit on'),
  }),
  plan: (params, at) => {
    const p = params as FitParams;
    const spec = findModel(p.model);
    return {
      // a dataset to stop early on (bdt's `validation`) is read too
      needs: { datasets: [{ name: p.train, path: `${at.path}.train` }, ...(typeof p.validation === 'string' ? [{ name: p.validation, path: `${at.path}.validation` }] : [])] },
      makes: { models: [{ name: p.name, path: `${at.path}.name`, ...(spec ? { supervised: spec.supervised } : {}) }] },
      ...(spec?.supervised && at.config.data.label === undefined
        ? { problems: [{ path: `${at.path}.model`, message: `${p.model} is a classifier and needs labels: set data.label to the class column (or fit an unsupervised model: gmm, kmeans, multinomial-mixture, latent-class)` }] }
        : {}),
    };
  },
  run(ctx, params) {
    const p = params as FitParams;
    const ds = ctx.dataset(p.train).whole();
    const { model, name: _n, train: _t, ...options } = p;
    const onProgress = ctx.progress(`fit ${p.name}`);
    // bdt's `validation`: the dataset early stopping judges (FitOptions.validation), instead of a held-out fraction
    const held = typeof options.validation === 'string' ? ctx.dataset(options.validation).whole() : undefined;
    const validation = held ? { X: held.X, y: held.y, ...(held.weights ? { weights: held.weights } : {}) } : undefined;
    const { spec, estimator } = fitEstimator(ctx, ds, {
      model,
      options,
      seed: ctx.seedFor(p.name),
      path: `steps[${ctx.step.index}].fit`,
      ...(onProgress || validation ? { fit: { ...(onProgress ? { onProgress } : {}), ...(validation ? { validation } : {}) } } : {}),
    });
    const fitted = fittedModel(ctx, ds, p.name, spec, estimator, options);
    ctx.models.set(p.name, fitted);
    saveModel(ctx, fitted);
    ctx.say(`fit ${p.name}: ${describeFit(spec, estimator)}`);
    // as calibrate says of a calibration set it is then evaluated on: the held-out test set chose when to stop
    if (validation && options.validation === 'test' && options.early_stopping !== false)
      ctx.say(
        `fit ${p.name}: note — the figures on test are optimistic: early stopping chose the number of iterations on it (validation: test); set events aside with split (e.g. split: { from: train, into: [train, val], fraction: 0.2 }) and give validation: val`,
      );
  },
  async report(_result, view, params) {
    const p = params as FitParams;
    const m = view.fittedModel(p.name);
    const rep = m.estimator.fitReport;
    if (!rep) return undefined;
    const r = await import('@discern/report');
    const plots: PlotInput[] = [];
    const tables: ReportTable[] = [];
    if (rep.history.length >= 2) {
      const series = [{ name: 'training', values: [...rep.history] }];
      const val = rep.details?.validationLoss;
      if (Array.isArray(val) && val.length > 1 && val.every((v) => typeof v === 'number')) series.push({ name: 'validation', values: val as number[] });
      const label = rep.historyLabel.split(/ \(| per | before | after |, /)[0]!;
      const em = /log-likelihood/.test(rep.historyLabel);
      // early stopping (the boosted trees): where the fit stopped, and the iteration of the best validation loss
      const best = rep.details?.bestIteration;
      const markers =
        rep.reason === 'early_stopping'
          ? [
              ...(typeof best === 'number' && best !== rep.iterations ? [{ x: best, label: `best validation loss: ${best}`, dash: 'dashed' as const }] : []),
              { x: rep.iterations, label: `early stop: ${rep.iterations}` },
            ]
          : [];
      plots.push({
        kind: 'spec',
        file: fileSafe(`history-${m.name}`),
        caption: `${rep.historyLabel} of ${m.name} (${m.model}), per ${em ? 'EM iteration' : /epoch/.test(rep.historyLabel) || m.model === 'mlp' ? 'epoch' : m.model === 'adaboost' ? 'tree' : 'iteration'}${markers.length ? `; early stopping ended the fit at iteration ${rep.iterations}, when the validation loss had not improved for ${String(rep.details?.nIterNoChange ?? 'n_iter_no_change')} iterations` : ''}.`,
        spec: () =>
          r.historyPlot({
            series,
            markers,
            yTitle: label.charAt(0).toUpperCase() + label.slice(1),
            xTitle: em ? 'EM iteration' : m.model === 'mlp' ? 'Epoch' : m.model === 'adaboost' ? 'Tree' : 'Iteration',
            title: `Fit history: ${m.name} (${m.model})`,
          }),
      });
    }
    // feature importance (the trees): the share of the split gain and of the splits per feature, ranked
    const imp = rep.details?.featureImportance as { gain?: unknown; splits?: unknown } | undefined;
    const names = m.featureNames;
    if (imp && Array.isArray(imp.gain) && Array.isArray(imp.splits) && imp.gain.length === names.length && imp.splits.length === names.length) {
      const gain = imp.gain as number[], splits = imp.splits as number[];
      const order = names.map((_, j) => j).sort((a, b) => gain[b]! - gain[a]! || splits[b]! - splits[a]! || a - b);
      tables.push({
        caption: `Feature importance of ${m.name} (${m.model}): each feature's share of the total split gain (the decrease of the training objective its splits made) and of the number of splits, over all trees`,
        columns: ['rank', 'feature', 'share of the gain', 'share of the splits'],
        rows: order.map((j, k) => [k + 1, names[j]!, gain[j]!, splits[j]!]),
      });
      plots.push({
        kind: 'spec',
        file: fileSafe(`importance-${m.name}`),
        caption: `Feature importance of ${m.name} (${m.model}), ranked by the share of the split gain; grey: the share of the splits.`,
        spec: () => r.importancePlot({ features: names, gain, splits, title: `Feature importance: ${m.name} (${m.model})`, limit: 25 }),
      });
    }
    if (plots.length === 0 && tables.length === 0) return undefined;
    return { title: 'Fit history', ...(tables.length ? { tables } : {}), plots };
  },
});
