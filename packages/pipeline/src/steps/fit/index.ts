import { type Estimator } from '@discern/models';
import { z } from 'zod';
import { defineStep } from '../../step.js';
import { fileSafe } from '../../report/inputs.js';
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
      needs: { datasets: [{ name: p.train, path: `${at.path}.train` }] },
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
    const { spec, estimator } = fitEstimator(ctx, ds, {
      model,
      options,
      seed: ctx.seedFor(p.name),
      path: `steps[${ctx.step.index}].fit`,
      ...(onProgress ? { fit: { onProgress } } : {}),
    });
    const fitted = fittedModel(ctx, ds, p.name, spec, estimator, options);
    ctx.models.set(p.name, fitted);
    saveModel(ctx, fitted);
    ctx.say(`fit ${p.name}: ${describeFit(spec, estimator)}`);
  },
  async report(_result, view, params) {
    const p = params as FitParams;
    const m = view.fittedModel(p.name);
    const rep = m.estimator.fitReport;
    if (!rep || rep.history.length < 2) return undefined;
    const series = [{ name: 'training', values: [...rep.history] }];
    const val = rep.details?.validationLoss;
    if (Array.isArray(val) && val.length > 1 && val.every((v) => typeof v === 'number')) series.push({ name: 'validation', values: val as number[] });
    const label = rep.historyLabel.split(/ \(| per | before | after |, /)[0]!;
    const em = /log-likelihood/.test(rep.historyLabel);
    const r = await import('@discern/report');
    return {
      title: 'Fit history',
      plots: [
        {
          kind: 'spec',
          file: fileSafe(`history-${m.name}`),
          caption: `${rep.historyLabel} of ${m.name} (${m.model}), per ${em ? 'EM iteration' : /epoch/.test(rep.historyLabel) || m.model === 'mlp' ? 'epoch' : 'iteration'}.`,
          spec: () => r.historyPlot({ series, yTitle: label.charAt(0).toUpperCase() + label.slice(1), xTitle: em ? 'EM iteration' : m.model === 'mlp' ? 'Epoch' : 'Iteration', title: `Fit history: ${m.name} (${m.model})` }),
        },
      ],
    };
  },
});
