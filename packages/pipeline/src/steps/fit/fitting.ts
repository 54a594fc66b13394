import { closestName, isDiscernError } from '@discern/core';
import { type Dataset } from '@discern/data';
import { type Classifier, type ClusterModel, type Estimator, type FitOptions, summarizeTraining } from '@discern/models';
import { z } from 'zod';
import { type FittedModel, type RunContext } from '../../context.js';
import { type PipelineConfig } from '../../config/load.js';
import { strict } from '../../config/zod-helpers.js';
import { datasetNaming, weightsFrom, weightsSource } from '../naming.js';
import { NOT_FITTED_BY_FIT, builtinModels, findModel } from './models/index.js';
import { type ModelSpec, aliasClashes, configKeyOf } from './models/spec.js';

/** A model's name in the run: letters, digits, "-" and "_". */
export const modelName = z.string().max(64).regex(/^[A-Za-z][\w-]*$/, 'a name of letters, digits, "-" and "_"');

/**
 * The schema of a model's configuration — `model:` (the family) and that family's options — extended with `extra`
 * keys of the step that holds it. `fit` adds name and train; `crossvalidate` and `tune` their own keys; every step
 * that fits models takes the same family options, checked the same way.
 */
export function modelConfigSchema(extra: z.ZodRawShape, models: readonly ModelSpec[] = builtinModels) {
  // One strict map per family, built afresh so that an unknown key's message lists every key the entry accepts: model,
  // the step's own keys, then the family's (a step's own key wins over a family's of the same name).
  // An option and its alias both given: one option twice, refused at the alias, naming where the other is written.
  const branches = models.map((m) =>
    strict({ model: z.literal(m.name), ...extra, ...m.schema.shape, ...extra }).superRefine((o, c) => {
      for (const [option, alias] of aliasClashes(m, (k) => (o as Record<string, unknown>)[k] !== undefined))
        c.addIssue({
          code: 'custom',
          path: [alias],
          message: `${alias} is ${m.name}'s other name for ${option}, which is given too (${option}: ${String((o as Record<string, unknown>)[option])}, ${alias}: ${String((o as Record<string, unknown>)[alias])}); give one of them`,
          params: { also: [option] },
          input: undefined,
        });
    }),
  );
  return z.discriminatedUnion('model', branches as unknown as [z.ZodObject, ...z.ZodObject[]], {
    error: (iss) => {
      if (iss.code !== 'invalid_union') return undefined;
      const model = (iss.input as { model?: unknown } | undefined)?.model;
      const why = typeof model === 'string' && Object.hasOwn(NOT_FITTED_BY_FIT, model) ? NOT_FITTED_BY_FIT[model as keyof typeof NOT_FITTED_BY_FIT] : undefined;
      const near = typeof model === 'string' ? closestName(model, models.map((m) => m.name)) : undefined;
      if (model === undefined) return `no model given: set model to one of ${models.map((m) => m.name).join(', ')}`;
      return why ?? `unknown model ${JSON.stringify(model)}${near ? ` (did you mean "${near}"?)` : ''}; accepted: ${models.map((m) => m.name).join(', ')}`;
    },
  });
}

export interface FitRequest {
  /** The family (`model:`). */
  readonly model: string;
  /** The family's options as the config gives them (snake_case), without the step's own keys. */
  readonly options: Record<string, unknown>;
  /** The seed of the estimator (FitContext.seedFor of the model's name in a fit step). */
  readonly seed: number;
  /** The config path of the options, for messages (`steps[2].fit`). */
  readonly path: string;
  /** Options of the fit itself (weights are taken from the dataset). */
  readonly fit?: Omit<FitOptions, 'weights'>;
  /** Where the event weights come from (weightsSource), for messages; by default from ctx.config when there is one. */
  readonly weightsFrom?: string | undefined;
}

/**
 * Creates and fits an estimator of a family on a dataset: the one way every step fits a model. A failure is said in
 * the user's terms: the file line of a row, the column's name, the config key of an option.
 */
export function fitEstimator(ctx: Pick<RunContext, 'execution'> & { readonly config?: PipelineConfig }, ds: Dataset, req: FitRequest): { spec: ModelSpec; estimator: Estimator } {
  const spec = findModel(req.model)!;
  const fitOptions: FitOptions = { ...(ds.weights ? { weights: ds.weights } : {}), ...ctx.execution, ...(req.fit ?? {}) };
  try {
    const estimator = spec.create(req.options as never, req.seed);
    if (spec.supervised) (estimator as Classifier).fit(ds.X, ds.y, fitOptions);
    else (estimator as ClusterModel).fit(ds.X, fitOptions);
    return { spec, estimator };
  } catch (e) {
    if (isDiscernError(e)) {
      const from = ds.weights ? (req.weightsFrom ?? (ctx.config ? weightsSource(ctx.config) : undefined)) : undefined;
      throw e.renamed(
        {
          ...datasetNaming(ds),
          option: (o) => (configKeyOf(spec, o) ? `${req.path}.${configKeyOf(spec, o)}` : o),
          ...weightsFrom(from),
        },
        { configPath: req.path },
      );
    }
    throw e;
  }
}

/**
 * A fitted estimator as the run keeps it: with the dataset's feature and class names, the signal class, the run's
 * standardisation (folded into exports) and the training summary (what an export draws parity rows from).
 */
export function fittedModel(ctx: Pick<RunContext, 'standardizer'>, ds: Dataset, name: string, spec: ModelSpec, estimator: Estimator, options?: Readonly<Record<string, unknown>>): FittedModel {
  return {
    ...(options ? { options } : {}),
    name,
    model: spec.name,
    estimator,
    supervised: spec.supervised,
    featureNames: ds.featureNames,
    classNames: ds.classNames,
    positive: ds.positive,
    standardizer: ctx.standardizer,
    // per-feature ranges and moments in raw units: what an export draws its parity rows from without the data
    training: summarizeTraining(ctx.standardizer ? ctx.standardizer.inverseTransform(ds.X) : ds.X),
  };
}
