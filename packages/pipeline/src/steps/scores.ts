import { descendingOrder } from '@discern/metrics';
import { type ScoreSet } from '../context.js';

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
