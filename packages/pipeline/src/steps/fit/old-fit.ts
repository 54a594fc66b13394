import { DiscernError } from '@discern/core';
import { type Classifier, type ClusterModel, type Estimator } from '@discern/models';
import { z } from 'zod';
import { type FittedModel, type RunContext } from '../context.js';
import { defineStep } from '../plugin.js';
import { builtinModels, findModel } from '../models/index.js';
import { type ModelSpec } from '../models/spec.js';

const modelName = z.string().regex(/^[A-Za-z][\w-]*$/, 'a name of letters, digits, "-" and "_"');

function fitSchema(models: readonly ModelSpec[]) {
  const branches = models.map((m) =>
    m.schema.extend({
      model: z.literal(m.name),
      name: modelName.default('model').describe('the name later steps use for this fitted model'),
      train: z.string().default('train').describe('the dataset to fit on'),
    }),
  );
  return z.discriminatedUnion('model', branches as unknown as [z.ZodObject, ...z.ZodObject[]], {
    error: (iss) =>
      iss.code === 'invalid_union' ? `unknown model ${JSON.stringify((iss.input as { model?: unknown } | undefined)?.model)}; accepted: ${models.map((m) => m.name).join(', ')}` : undefined,
  });
}

/** The saved form of a fitted model: the estimator plus what it needs to be applied to raw rows of a file. */
export function fittedModelJSON(m: FittedModel): Record<string, unknown> {
  return {
    format: 'discern-model',
    version: 1,
    name: m.name,
    model: m.model,
    features: m.featureNames,
    classes: m.classNames,
    positive: m.positive ?? null,
    standardizer: m.standardizer ? m.standardizer.toJSON() : null,
    decision: m.decision ?? null,
    estimator: m.estimator.toJSON(),
    fit: m.estimator.fitReport ?? null,
  };
}

export function saveModel(ctx: RunContext, m: FittedModel): void {
  ctx.artifacts.writeJson(`models/${m.name}.json`, fittedModelJSON(m));
}

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

export const fitStep = defineStep({
  name: 'fit',
  description: `fit a model on the training set; model: ${builtinModels.map((m) => m.name).join(' | ')}`,
  schema: fitSchema(builtinModels),
  run(ctx, params) {
    const p = params as { model: string; name: string; train: string } & Record<string, unknown>;
    const spec = findModel(p.model);
    if (!spec) throw new DiscernError('CONFIG_INVALID', `unknown model ${p.model}`, {});
    const ds = ctx.dataset(p.train);
    const { model: _m, name: _n, train: _t, ...options } = p;
    const estimator = spec.create(options as never, ctx.seedFor(p.name));
    const onProgress = ctx.progress(`fit ${p.name}`);
    const fitOptions = { ...(ds.weights ? { weights: ds.weights } : {}), ...(onProgress ? { onProgress } : {}), ...ctx.execution };
    if (spec.supervised) {
      if (ds.classNames.length === 0)
        throw new DiscernError('CONFIG_INVALID', `model ${spec.name} is a classifier and needs labels: set data.label to the class column`, { path: 'data.label' });
      (estimator as Classifier).fit(ds.X, ds.y, fitOptions);
    } else {
      (estimator as ClusterModel).fit(ds.X, fitOptions);
    }
    const fitted: FittedModel = {
      name: p.name,
      model: spec.name,
      estimator,
      supervised: spec.supervised,
      featureNames: ds.featureNames,
      classNames: ds.classNames,
      positive: ds.positive,
      standardizer: ctx.standardizer,
    };
    ctx.models.set(p.name, fitted);
    saveModel(ctx, fitted);
    const line = describeFit(spec, estimator);
    ctx.log(`fit ${p.name}: ${line}`);
    ctx.summary.push(`fit ${p.name}: ${line}`);
  },
});
