import { type Classifier } from '@discern/models';
import { type RunContext, type ScoreSet } from '../context.js';
import { StepError } from '../context.js';

/** P(class | x) of a fitted classifier on a named dataset, computed once per run and cached in the context. */
export function classifierScores(ctx: RunContext, model: string, dataset: string): ScoreSet {
  const key = `${model}:${dataset}`;
  const cached = ctx.scores.get(key);
  if (cached) return cached;
  const fitted = ctx.fittedModel(model);
  if (!fitted.supervised) throw new StepError(ctx.step, `model "${model}" (${fitted.model}) is not a classifier; it has no class probabilities`);
  const ds = ctx.dataset(dataset);
  const P = (fitted.estimator as Classifier).predictProba(ds.X);
  const set: ScoreSet = { model, dataset, proba: P.data, nClasses: P.cols };
  ctx.scores.set(key, set);
  return set;
}

/** The score of the positive class (binary) — the quantity ROC curves and thresholds act on. */
export function positiveScore(set: ScoreSet, positive: number): Float64Array {
  const n = set.proba.length / set.nClasses;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = set.proba[i * set.nClasses + positive]!;
  return out;
}
