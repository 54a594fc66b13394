import { type Dataset } from '@discern/data';
import { type FoldRule } from '@discern/models';
import { z } from 'zod';
import { type RunContext } from '../../context.js';
import { type PlanAt } from '../../step.js';
import { findModel } from '../fit/models/index.js';
import { FOLD_EXPRESSION_LANGUAGE, checkFoldExpression, foldRuleOf } from './folds.js';

/** The keys of the folds, shared by crossvalidate and tune. */
export const foldKeys = {
  folds: z.number().int().min(2).max(100).default(5).describe('number of folds k'),
  fold: z
    .string()
    .min(1)
    .max(1000)
    .superRefine((text, c) => {
      const problem = checkFoldExpression(text);
      if (problem) c.addIssue({ code: 'custom', message: problem });
    })
    .optional()
    .describe(`fold expression (TMVA's SplitExpr): an event's fold is ⌊value⌋ mod folds, e.g. "EventNumber % 5"; ${FOLD_EXPRESSION_LANGUAGE}; its columns pick the fold and are not inputs of the fold models`),
  stratify: z.boolean().default(true).describe('without fold: random folds that keep the class proportions (seeded from the run)'),
};

/**
 * The problems of a step that fits classifiers on folds: a config that has no labels, a clustering model, or a
 * dataset to stop early on (bdt's `validation`), which belongs to one fit: each fold's model stops early on
 * validation_fraction of its own training rows instead.
 */
export function requireClassifier(p: { model: string; validation?: unknown }, at: PlanAt): { path: string; message: string }[] {
  const spec = findModel(p.model);
  const step = at.path.replace(/^.*\./, '');
  if (spec && !spec.supervised) return [{ path: `${at.path}.model`, message: `${step} scores classifiers by their class probabilities; ${p.model} is not a classifier` }];
  if (at.config.data.label === undefined) return [{ path: `${at.path}.model`, message: `${step} fits classifiers, which need labels: set data.label to the class column` }];
  if (p.validation !== undefined)
    return [{ path: `${at.path}.validation`, message: `${step} fits a model per fold, each stopping early on validation_fraction of its own training rows; a validation dataset is for a single fit step` }];
  return [];
}

/** The family options of a step's entry: every key but `model` and the step's own. */
export function familyOptions(p: Record<string, unknown>, own: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(p)) if (k !== 'model' && !own.includes(k)) out[k] = v;
  return out;
}

/** A fold expression after a standardize step (crossvalidate's plan says it at validate, foldRuleFor at run). */
export const STANDARDIZED_BEFORE_FOLD =
  'a fold expression reads raw column values (an event number), but a standardize step before this one standardised every feature; remove that step and set standardize: true here (each fold is then standardised by its own training rows, the fold columns left raw)';

/**
 * The fold rule of a `fold:` expression on a dataset, or a config error naming the key: a column the dataset does
 * not have, or a run whose features were standardised before this step (the expression must read the raw event
 * number; each fold can be standardised on its own rows instead).
 */
export function foldRuleFor(ctx: RunContext, text: string, ds: Dataset, path: string): FoldRule {
  if (ctx.standardizer)
    throw ctx.config.error(`${path}.fold`, STANDARDIZED_BEFORE_FOLD);
  const rule = foldRuleOf(text, ds.featureNames, ctx.config.data.features !== undefined);
  if ('problem' in rule) throw ctx.config.error(`${path}.fold`, rule.problem);
  return rule;
}
