import { descendingOrder } from '@discern/metrics';
import { type Classifier } from '@discern/models';
import { type RunContext, type ScoreSet } from '../context.js';
import { StepError } from '../context.js';

function classifierOf(ctx: RunContext, model: string): Classifier {
  const fitted = ctx.fittedModel(model);
  if (!fitted.supervised) throw new StepError(ctx.step, `model "${model}" (${fitted.model}) is not a classifier; it has no class probabilities`);
  return fitted.estimator as Classifier;
}

/**
 * P(class | x) of a fitted classifier on a named dataset, computed once per run and cached in the context. A
 * streamed dataset is scored batch by batch (its features are never held whole); every built-in classifier scores
 * each row on its own, so the probabilities are the same, bit for bit, as those of the whole matrix.
 */
export async function classifierScores(ctx: RunContext, model: string, dataset: string): Promise<ScoreSet> {
  const key = `${model}:${dataset}`;
  const cached = ctx.scores.get(key);
  if (cached) return cached;
  const est = classifierOf(ctx, model);
  const streamed = ctx.datasets.has(dataset) ? undefined : ctx.streamed.get(dataset);
  if (!streamed) return cachedScores(ctx, model, dataset);
  let proba: Float64Array | undefined;
  let K = 0;
  for await (const b of streamed.batches()) {
    const P = est.predictProba(b.X);
    if (!proba) {
      K = P.cols;
      proba = new Float64Array(streamed.rows * K);
    }
    proba.set(P.data, b.start * K);
  }
  const set: ScoreSet = { model, dataset, proba: proba ?? new Float64Array(0), nClasses: K };
  ctx.scores.set(key, set);
  return set;
}

/**
 * The scores of classifierScores, synchronously: cached ones, or computed now for a dataset in memory. A streamed
 * dataset must have been scored (awaited) before, e.g. by the evaluate step whose results a report plots.
 */
export function cachedScores(ctx: RunContext, model: string, dataset: string): ScoreSet {
  const key = `${model}:${dataset}`;
  const cached = ctx.scores.get(key);
  if (cached) return cached;
  const est = classifierOf(ctx, model);
  if (!ctx.datasets.has(dataset) && ctx.streamed.has(dataset))
    throw new StepError(ctx.step, `the scores of model "${model}" on the streamed dataset "${dataset}" are read before they were computed (await classifierScores first)`);
  const P = est.predictProba(ctx.dataset(dataset).X);
  const set: ScoreSet = { model, dataset, proba: P.data, nClasses: P.cols };
  ctx.scores.set(key, set);
  return set;
}

const positives = new WeakMap<ScoreSet, Map<number, Float64Array>>();

/**
 * The score of the positive class (binary) — the quantity ROC curves and thresholds act on. Made once per score
 * set and class, and shared: callers must not write into it.
 */
export function positiveScore(set: ScoreSet, positive: number): Float64Array {
  let byClass = positives.get(set);
  if (!byClass) positives.set(set, (byClass = new Map()));
  const known = byClass.get(positive);
  if (known) return known;
  const n = set.proba.length / set.nClasses;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = set.proba[i * set.nClasses + positive]!;
  byClass.set(positive, out);
  return out;
}

const orders = new WeakMap<Float64Array, Uint32Array>();

/**
 * descendingOrder of a positive score (from positiveScore), made once and shared by every figure of it (summary,
 * AUC interval, average precision, efficiencies, overtraining check, ROC plot): one sort of a large sample.
 */
export function scoreOrder(score: Float64Array): Uint32Array {
  let o = orders.get(score);
  if (!o) orders.set(score, (o = descendingOrder(score)));
  return o;
}
