import { isDiscernError } from '@discern/core';
import { summarizeClassification } from '@discern/metrics';
import { FoldEnsemble, type FoldRule, columnsOutside } from '@discern/models';
import { z } from 'zod';
import { type RunContext } from '../../context.js';
import { type DatasetLabels } from '../../datasets.js';
import { defineStep } from '../../step.js';
import { physicsFigures } from '../evaluate/physics.js';
import { type ClassifierFigures } from '../evaluate/result.js';
import { fittedModel, modelConfigSchema, modelName } from '../fit/fitting.js';
import { findModel } from '../fit/models/index.js';
import { saveModel } from '../fitted.js';
import { datasetNaming } from '../naming.js';
import { positiveScore, scoreOrder, writeScoreFile } from '../scores.js';
import { STANDARDIZED_BEFORE_FOLD, familyOptions, foldKeys, foldRuleFor, requireClassifier } from './common.js';
import { fitFolds, foldFigures, foldStat } from './cv.js';
import { assignFolds, foldRows, foldRuleOf, stratifiedFoldsProblem } from './folds.js';
import { crossvalidateReport, keepForReport } from './report.js';
import { type CrossvalidateResult, crossvalidateResultSchema } from './result.js';

const applyModes = ['average', 'by-fold'] as const;

/** The step's own keys; the rest of its entry is a model configuration, as `fit` takes it. */
export const crossvalidateKeys = {
  name: modelName.default('cv').describe('the name later steps use for the fold ensemble (evaluate, decide, predict, export)'),
  train: z.string().default('train').describe('the dataset to cross-validate on'),
  ...foldKeys,
  apply: z
    .enum(applyModes)
    .default('average')
    .describe('how the named model applies its fold models: average (the mean of their probabilities) or by-fold (each event by the model that did not see its fold; needs fold)'),
  standardize: z
    .boolean()
    .default(false)
    .describe('standardise each fold by the mean and standard deviation of its own training rows (a fold expression reads raw columns: use this instead of a standardize step)'),
  signal_efficiency: z.array(z.number().gt(0).lt(1)).default([]).describe('binary: signal efficiencies εS at which to report 1 − εB per fold and out of fold'),
  confidence: z.number().gt(0).lt(1).default(0.95).describe('confidence level of the intervals (Student over the folds; DeLong and binomial out of fold)'),
  save_scores: z.boolean().default(true).describe('write the out-of-fold scores to scores/<name>-oof.csv'),
};

const OWN_KEYS = Object.keys(crossvalidateKeys);

export type CrossvalidateParams = {
  model: string;
  name: string;
  train: string;
  folds: number;
  fold?: string;
  stratify: boolean;
  apply: (typeof applyModes)[number];
  standardize: boolean;
  signal_efficiency: number[];
  confidence: number;
  save_scores: boolean;
} & Record<string, unknown>;

/** The out-of-fold figures of all rows: what `evaluate` reports of a dataset, on the out-of-fold scores. */
function outOfFoldFigures(ctx: RunContext, ds: DatasetLabels, set: { model: string; dataset: string; proba: Float64Array; nClasses: number }, p: CrossvalidateParams): ClassifierFigures {
  const K = set.nClasses;
  const pos = ds.positive ?? 1;
  const score = K === 2 ? positiveScore(set, pos) : undefined;
  const order = score ? scoreOrder(score) : undefined;
  const figures: ClassifierFigures = summarizeClassification({
    yTrue: ds.y,
    proba: { rows: ds.rows, cols: K, data: set.proba },
    classNames: ds.classNames,
    ...(ds.positive !== undefined ? { positive: ds.positive } : {}),
    ...(ds.weights ? { weights: ds.weights } : {}),
    ...(score && order ? { score, order } : {}),
  });
  if (score && order)
    Object.assign(
      figures,
      physicsFigures(ds, score, order, pos, {
        method: 'clopper-pearson',
        confidence: p.confidence,
        signalEfficiency: p.signal_efficiency,
        backgroundEfficiency: [],
        aucInterval: 'delong',
        bootstrap: 1000,
        seed: ctx.seedFor('bootstrap'),
        significance: undefined,
      }),
    );
  return figures;
}

/**
 * k-fold cross-validation of any classifier configuration (the keys of `fit`): k fold models, each fitted on the
 * other folds; the out-of-fold scores of every training event (scores/<name>-oof.csv) and their figures; each
 * figure per fold with its mean, standard deviation and Student interval; and the fold ensemble as a named model,
 * applied by average or by fold, which later steps evaluate, decide on, score and export (models/<name>.json).
 */
export const crossvalidateStep = defineStep({
  name: 'crossvalidate',
  description: 'k-fold cross-validation of a classifier (the keys of fit): per-fold and out-of-fold figures, out-of-fold scores, the fold ensemble as a named model (average or by fold)',
  params: modelConfigSchema(crossvalidateKeys),
  result: crossvalidateResultSchema,
  key: (p) => ['crossvalidate', (p as CrossvalidateParams).name],
  plan: (params, at) => {
    const p = params as CrossvalidateParams;
    const byFold =
      p.apply === 'by-fold' && p.fold === undefined
        ? [{ path: `${at.path}.apply`, message: 'by-fold needs a fold expression (fold: "EventNumber % 5"): the fold of a new event must be computable from the event; with random folds use apply: average' }]
        : [];
    // the check foldRuleFor makes when it runs, from the config alone
    const standardized =
      p.fold !== undefined && at.before?.includes('standardize')
        ? [{ path: `${at.path}.fold`, message: STANDARDIZED_BEFORE_FOLD }]
        : [];
    // the check foldRuleFor makes of the dataset's columns, when data.features lists them (defines count if listed)
    const features = at.config.data.features;
    const rule = p.fold !== undefined && features !== undefined ? foldRuleOf(p.fold, features) : undefined;
    const unread = rule && 'problem' in rule ? [{ path: `${at.path}.fold`, message: rule.problem }] : [];
    return {
      needs: { datasets: [{ name: p.train, path: `${at.path}.train` }] },
      makes: {
        models: [{ name: p.name, path: `${at.path}.name`, supervised: true }],
        files: p.save_scores ? [{ name: `scores/${p.name}-oof.csv`, path: `${at.path}.name` }] : [],
      },
      problems: [...requireClassifier(p, at), ...byFold, ...standardized, ...unread],
    };
  },
  async run(ctx, params): Promise<CrossvalidateResult> {
    const p = params as CrossvalidateParams;
    const path = `steps[${ctx.step.index}].crossvalidate`;
    const ds = ctx.dataset(p.train).whole();
    const rule: FoldRule | undefined = p.fold !== undefined ? foldRuleFor(ctx, p.fold, ds, path) : undefined;
    const tooMany = !rule && p.stratify ? stratifiedFoldsProblem(ds, p.folds, p.train) : undefined;
    if (tooMany) throw ctx.config.error(`${path}.folds`, tooMany);
    let folds: ReturnType<typeof assignFolds>;
    try {
      folds = assignFolds(ds, p.folds, { ...(rule ? { rule } : {}), stratify: p.stratify, seed: ctx.seedFor('folds') });
    } catch (e) {
      // a fold expression that is not a number on some event: that event's file line, under the fold key and its line
      if (!rule || !isDiscernError(e)) throw e;
      const loc = ctx.config.where(`${path}.fold`);
      throw e.renamed(datasetNaming(ds)).prefixed(`${path}.fold${loc ? ` (${loc})` : ''}: `, { configPath: `${path}.fold` });
    }
    const rows = foldRows(folds);
    rows.forEach((r, f) => {
      if (r.length === 0)
        throw ctx.config.error(
          `${path}.fold`,
          `fold ${f} of ${p.folds} has no event: ⌊${p.fold}⌋ mod ${p.folds} is never ${f} on ${p.train}; make the expression spread the events over all ${p.folds} folds (EventNumber % ${p.folds}), or set folds to the number it makes`,
        );
    });
    const fit = fitFolds(ctx, ds, folds, {
      model: p.model,
      options: familyOptions(p, OWN_KEYS),
      seeds: rows.map((_, f) => ctx.seedFor(`fold ${f}`)),
      path,
      standardize: p.standardize,
      columns: rule ? columnsOutside(rule.tree, ds.featureNames.length) : undefined,
      fit: (f) => {
        const onProgress = ctx.progress(`crossvalidate ${p.name}: fold ${f + 1} of ${p.folds}`);
        return onProgress ? { onProgress } : undefined;
      },
    });
    const ensemble = FoldEnsemble.fromMembers(fit.members, { nFeatures: ds.featureNames.length, mode: p.apply, ...(rule ? { rule } : {}) });
    // the run's model: as a fit step keeps one (features, classes, standardisation, training summary), of kind fold-ensemble
    const model = { ...fittedModel(ctx, ds, p.name, findModel(p.model)!, ensemble), model: 'fold-ensemble' as const };
    ctx.models.set(p.name, model);
    saveModel(ctx, model);
    // as predict writes a dataset's scores (label, p_<class>…, predicted), with each row's fold
    if (p.save_scores)
      await writeScoreFile(ctx, `scores/${p.name}-oof.csv`, 'csv', {
        ...(ds.label !== undefined ? { label: { name: ds.label, y: ds.y, classNames: ds.classNames } } : {}),
        classNames: ds.classNames,
        proba: fit.oof,
        extra: { fold: folds.fold },
      });

    const K = ds.classNames.length;
    const perFold = rows.map((r, f) => {
      const figures = foldFigures(ds, fit.oof, r, p.signal_efficiency);
      return { fold: f, rows: figures.rows, train_rows: ds.X.rows - r.length, auc: figures.auc, log_loss: figures.log_loss, accuracy: figures.accuracy, ...(figures.background_rejection ? { background_rejection: figures.background_rejection } : {}) };
    });
    const over = (key: 'auc' | 'log_loss' | 'accuracy') => foldStat(perFold.map((x) => x[key]), p.confidence, key === 'log_loss' ? [0, Infinity] : [0, 1]);
    // a fold that holds one class only (a fold expression, random folds) has no AUC: left out of the mean, and said
    const noAuc = perFold.filter((f) => f.auc === null).length;
    const effs = K === 2 ? p.signal_efficiency.map(String) : [];
    const oof = { model: p.name, dataset: p.train, proba: fit.oof, nClasses: K };
    const result: CrossvalidateResult = {
      model: p.model,
      folds: p.folds,
      assignment: rule ? 'expression' : p.stratify ? 'stratified' : 'random',
      expression: p.fold ?? null,
      apply: p.apply,
      standardize: p.standardize,
      confidence: p.confidence,
      per_fold: perFold,
      ...(noAuc > 0 ? { folds_without_auc: noAuc } : {}),
      over_folds: {
        auc: over('auc'),
        log_loss: over('log_loss'),
        accuracy: over('accuracy'),
        ...(effs.length > 0 ? { background_rejection: Object.fromEntries(effs.map((e) => [e, foldStat(perFold.map((x) => x.background_rejection?.[e] ?? null), p.confidence, [0, 1])])) } : {}),
      },
      out_of_fold: outOfFoldFigures(ctx, ctx.dataset(p.train), oof, p),
    };
    keepForReport(ctx, p.name, { oof, seconds: fit.seconds });
    const a = result.over_folds.auc;
    const fmt = (v: number | null | undefined) => (typeof v === 'number' ? v.toFixed(4) : 'n/a');
    ctx.say(
      `crossvalidate ${p.name}: ${p.folds} folds of ${p.model} (${result.assignment}${rule ? ` by ${JSON.stringify(rule.expression)}` : ''}): AUC ${fmt(a.mean)} ± ${fmt(a.sd)} over the ${p.folds - noAuc} folds${noAuc > 0 ? ` that have an AUC (${noAuc} of ${p.folds} hold one class only, left out)` : ''}, ${fmt(result.out_of_fold.auc)} out of fold; ${p.name} applies them ${p.apply === 'average' ? 'averaged' : 'by fold'}`,
    );
    return result;
  },
  report: crossvalidateReport,
});
