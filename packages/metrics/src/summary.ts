import { type DenseMatrix } from '@discern/linalg';
import { DiscernError } from '@discern/core';
import { balancedAccuracyFromRates, matthewsFromCounts, precisionRecallF1FromRates, ratesFromCounts } from './classification.js';
import { brierOfClass, logLoss } from './probabilistic.js';
import { CurveInterpolator, TrapezoidArea, binaryInput, checkRates, forEachRocPoint, orderOf, rocAucOvr } from './roc.js';
import { asLabels, asWeights, checkLength, checkNonEmpty, checkRowsSumToOne } from './validate.js';

export interface SummaryInput {
  /** True class indices 0..K-1. */
  yTrue: ArrayLike<number>;
  /** n×K class probabilities (rows sum to 1). */
  proba: DenseMatrix;
  /** K class names, in index order. */
  classNames: readonly string[];
  /** Positive (signal) class for binary problems; default 1. */
  positive?: number;
  weights?: ArrayLike<number>;
  /** FPRs at which to report the TPR, as written in the config (e.g. ["0.01", "0.1"]); they become the keys. */
  fprs?: readonly string[];
  /** Binary decision: positive when P(positive) ≥ threshold (default 0.5). K > 2 uses argmax. */
  threshold?: number;
  /**
   * Binary: P(positive), the column `positive` of proba, when the caller holds it already (checked to be equal), and
   * its descendingOrder: figures of a large sample then share one copy and one sort.
   */
  score?: Float64Array;
  order?: Uint32Array;
}

/**
 * The metrics of one evaluation, ready for metrics.json: snake_case keys, finite numbers, or null where a figure
 * is undefined with the reason under `undefined_reasons`.
 */
export interface ClassificationSummary {
  n: number;
  weighted: boolean;
  n_classes: number;
  /** 'binary' (rates of the positive class) or 'macro' (K > 2). */
  average: 'binary' | 'macro';
  positive: string | null;
  threshold: number | null;
  accuracy: number;
  precision: number;
  recall: number;
  f1: number;
  specificity: number | null;
  balanced_accuracy: number;
  mcc: number;
  auc: number | null;
  log_loss: number;
  brier: number | null;
  confusion_matrix: { labels: string[]; counts: number[][] };
  tpr_at_fpr: Record<string, number> | null;
  undefined_reasons?: Record<string, string>;
}

/**
 * A figure that is not finite, explained: the weights' sum overflowing double precision (every weight finite, but
 * too large to add up), a class whose weights sum to zero or less, or anything else.
 */
function finiteOrThrow(key: string, v: number, total: number): number {
  if (Number.isFinite(v)) return v;
  const why = !Number.isFinite(total)
    ? `the event weights add up to ${total}: each is finite, but their sum overflows double precision; divide them all by a common factor (the figures do not change)`
    : `check the weights: a class whose weights sum to zero or less has no rates (the weights sum to ${total})`;
  throw new DiscernError('DATA_INVALID', `metric ${key} came out as ${v}; ${why}`, { metric: key, value: v, total });
}

/**
 * Every figure is computed in passes over the rows, without n-length copies of the labels, predictions or losses;
 * the binary ROC (AUC, TPR at the FPRs) is walked point by point (forEachRocPoint), so the memory beyond the
 * inputs is one sort order and P(positive) (none of either when given), and the numbers are those of the
 * single-purpose functions (confusionMatrix, rocCurve, auc, tprAtFpr, logLoss, brierScore), bit for bit.
 */
export function summarizeClassification(input: SummaryInput): ClassificationSummary {
  const { proba, classNames } = input;
  const n = input.yTrue.length;
  checkNonEmpty(n, 'yTrue');
  checkLength({ length: proba.rows }, n, 'proba rows');
  const K = proba.cols;
  if (classNames.length !== K) {
    throw new DiscernError('INVALID_ARGUMENT', `classNames has ${classNames.length} names but proba has ${K} columns; give one name per class`, {
      classNames: classNames.length,
      cols: K,
    });
  }
  if (K < 2) throw new DiscernError('INVALID_ARGUMENT', `proba has ${K} column(s); classification needs at least 2 classes`, { cols: K });
  const y = asLabels(input.yTrue, 'yTrue', K);
  checkRowsSumToOne(proba, 'proba');
  const weights = asWeights(input.weights, n);
  const wopt = weights ? { weights } : {};
  const binary = K === 2;
  const reasons: Record<string, string> = {};

  const pos = input.positive ?? 1;
  const threshold = input.threshold ?? 0.5;
  if (binary && !(pos === 0 || pos === 1)) throw new DiscernError('INVALID_ARGUMENT', `positive is ${pos}; for 2 classes it must be 0 or 1`, { positive: pos });
  if (binary && !(threshold >= 0 && threshold <= 1)) throw new DiscernError('INVALID_ARGUMENT', `threshold is ${threshold}; expected a probability in [0, 1]`, { threshold });

  const pd = proba.data;
  let pPos: Float64Array | undefined;
  if (binary) {
    if (input.score) {
      checkLength(input.score, n, 'score');
      for (let i = 0; i < n; i++)
        if (!Object.is(input.score[i], pd[i * 2 + pos])) throw new DiscernError('INVALID_ARGUMENT', `score[${i}] is not column ${pos} of proba; pass P(positive) itself, or no score`, { index: i });
      pPos = input.score;
    } else {
      pPos = new Float64Array(n);
      for (let i = 0; i < n; i++) pPos[i] = pd[i * 2 + pos]!;
    }
  }
  // The decision of row i: P(positive) ≥ threshold (binary), else the first maximum, as numpy's argmax.
  const decide = (i: number): number => {
    if (binary) return pPos![i]! >= threshold ? pos : 1 - pos;
    let best = 0;
    for (let j = 1; j < K; j++) if (pd[i * K + j]! > pd[i * K + best]!) best = j;
    return best;
  };

  // Confusion counts (row = true class), accuracy and the classes present, in one pass in row order.
  const cmData = new Float64Array(K * K);
  const present = new Float64Array(K);
  const counted = new Uint8Array(K);
  let total = 0, hit = 0;
  for (let i = 0; i < n; i++) {
    const t = y[i]!, d = decide(i);
    const w = weights ? weights[i]! : 1;
    cmData[t * K + d]! += weights ? weights[i]! : 1;
    total += w;
    if (t === d) hit += w;
    present[t]! += w;
    counted[t] = 1;
  }
  const cm: DenseMatrix = { rows: K, cols: K, data: cmData };
  if (!(total > 0)) throw new DiscernError('DATA_INVALID', `the total weight is ${total}; it must be positive`, { total });

  const average = binary ? 'binary' : 'macro';
  const rates = ratesFromCounts(cm);
  const prf = precisionRecallF1FromRates(rates, average, pos);
  let specificity: number | null = null;
  if (binary) {
    const den = rates.tn[pos]! + rates.fp[pos]!;
    specificity = den === 0 ? 0 : rates.tn[pos]! / den;
  } else reasons.specificity = 'defined for binary classification only';

  // AUC and the ROC need both classes (each with positive weight); a test set may lack one
  let aucValue: number | null = null;
  let tprs: Record<string, number> | null = null;
  const missing: number[] = [];
  for (let c = 0; c < K; c++) if (!counted[c] || !(present[c]! > 0)) missing.push(c);
  if (missing.length > 0) {
    const why = `class${missing.length > 1 ? 'es' : ''} ${missing.map((c) => classNames[c]).join(', ')} ${missing.length > 1 ? 'have' : 'has'} no sample (or no positive total weight) in yTrue`;
    reasons.auc = why;
    if (binary) reasons.tpr_at_fpr = why;
  } else if (binary) {
    const roc = binaryInput(y, pPos!, { posLabel: pos, ...wopt });
    // The requested FPRs, parsed before the walk (an unparsable one is reported after it, as when the curve came first).
    const targets = (input.fprs ?? []).map((s) => Number(s));
    const area = TrapezoidArea.forRoc(roc.weights);
    const at = new CurveInterpolator(targets, 'max');
    forEachRocPoint(roc, orderOf(roc.score, input.order), 'ROC', (x, yv) => {
      area.push(x, yv);
      at.push(x, yv);
    });
    aucValue = area.value();
    if (input.fprs) {
      input.fprs.forEach((s, i) => {
        const v = targets[i]!;
        if (s.trim() === '' || !(v >= 0 && v <= 1)) throw new DiscernError('INVALID_ARGUMENT', `fprs[${i}] is "${s}"; expected a false-positive rate in [0, 1]`, { index: i, value: s });
      });
      checkRates(targets, 'fprs');
      const t = at.values();
      tprs = {};
      input.fprs.forEach((s, i) => {
        tprs![s] = t[i]!;
      });
    } else tprs = {};
  } else {
    aucValue = rocAucOvr(y, proba, wopt);
  }
  if (!binary) reasons.tpr_at_fpr = 'defined for binary classification only';

  // Brier score of P(positive) against "is positive"
  let brier: number | null = null;
  if (binary) brier = brierOfClass(y, pos, pPos!, weights);
  else reasons.brier = 'defined for binary classification only';

  const counts: number[][] = [];
  for (let i = 0; i < K; i++) counts.push(Array.from(cm.data.subarray(i * K, (i + 1) * K)));

  const out: ClassificationSummary = {
    n,
    weighted: weights !== undefined,
    n_classes: K,
    average,
    positive: binary ? classNames[pos]! : null,
    threshold: binary ? threshold : null,
    accuracy: finiteOrThrow('accuracy', hit / total, total),
    precision: finiteOrThrow('precision', prf.precision, total),
    recall: finiteOrThrow('recall', prf.recall, total),
    f1: finiteOrThrow('f1', prf.f1, total),
    specificity,
    balanced_accuracy: finiteOrThrow('balanced_accuracy', balancedAccuracyFromRates(rates), total),
    mcc: finiteOrThrow('mcc', matthewsFromCounts(cm), total),
    auc: aucValue,
    log_loss: finiteOrThrow('log_loss', logLoss(y, proba, wopt), total),
    brier,
    confusion_matrix: { labels: [...classNames], counts },
    tpr_at_fpr: tprs,
  };
  if (Object.keys(reasons).length > 0) out.undefined_reasons = reasons;
  return out;
}
