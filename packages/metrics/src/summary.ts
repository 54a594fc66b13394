import { DiscernError, type DenseMatrix } from '@discern/linalg';
import { balancedAccuracy, matthewsCorrcoef, perClassCounts, precisionRecallF1 } from './classification.js';
import { confusionCounts, labelPair } from './confusion.js';
import { brierScore, logLoss } from './probabilistic.js';
import { auc, binaryInput, rocAucOvr, rocFromInput, tprAtFpr } from './roc.js';
import { checkLength, checkNonEmpty, checkRowsSumToOne, toLabels, toWeights } from './validate.js';

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

function finiteOrThrow(key: string, v: number): number {
  if (!Number.isFinite(v)) throw new DiscernError('DATA_INVALID', `metric ${key} came out as ${v}; check the weights (their class totals must be positive)`, { metric: key, value: v });
  return v;
}

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
  const y = toLabels(input.yTrue, 'yTrue', K);
  checkRowsSumToOne(proba, 'proba');
  const weights = toWeights(input.weights, n);
  const wopt = input.weights ? { weights: input.weights } : {};
  const binary = K === 2;
  const reasons: Record<string, string> = {};

  const pos = input.positive ?? 1;
  const threshold = input.threshold ?? 0.5;
  if (binary && !(pos === 0 || pos === 1)) throw new DiscernError('INVALID_ARGUMENT', `positive is ${pos}; for 2 classes it must be 0 or 1`, { positive: pos });
  if (binary && !(threshold >= 0 && threshold <= 1)) throw new DiscernError('INVALID_ARGUMENT', `threshold is ${threshold}; expected a probability in [0, 1]`, { threshold });

  const yPred = new Int32Array(n);
  const pPos = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (binary) {
      pPos[i] = proba.data[i * 2 + pos]!;
      yPred[i] = pPos[i]! >= threshold ? pos : 1 - pos;
    } else {
      let best = 0;
      for (let j = 1; j < K; j++) if (proba.data[i * K + j]! > proba.data[i * K + best]!) best = j; // first maximum, as numpy argmax
      yPred[i] = best;
    }
  }

  const pair = labelPair(y, yPred, input.weights, K);
  const cm = confusionCounts(pair);
  let total = 0, hit = 0;
  for (let i = 0; i < n; i++) {
    const w = weights ? weights[i]! : 1;
    total += w;
    if (y[i] === yPred[i]) hit += w;
  }
  if (!(total > 0)) throw new DiscernError('DATA_INVALID', `the total weight is ${total}; it must be positive`, { total });

  const average = binary ? 'binary' : 'macro';
  const prf = precisionRecallF1(y, yPred, { average, posLabel: pos, nClasses: K, ...wopt });
  let specificity: number | null = null;
  if (binary) {
    const r = perClassCounts(pair);
    const den = r.tn[pos]! + r.fp[pos]!;
    specificity = den === 0 ? 0 : r.tn[pos]! / den;
  } else reasons.specificity = 'defined for binary classification only';

  // AUC and the ROC need both classes (each with positive weight); a test set may lack one
  const present = new Float64Array(K);
  const counted = new Uint8Array(K);
  for (let i = 0; i < n; i++) {
    present[y[i]!]! += weights ? weights[i]! : 1;
    counted[y[i]!] = 1;
  }
  let aucValue: number | null = null;
  let tprs: Record<string, number> | null = null;
  const missing: number[] = [];
  for (let c = 0; c < K; c++) if (!counted[c] || !(present[c]! > 0)) missing.push(c);
  if (missing.length > 0) {
    const why = `class${missing.length > 1 ? 'es' : ''} ${missing.map((c) => classNames[c]).join(', ')} ${missing.length > 1 ? 'have' : 'has'} no sample (or no positive total weight) in yTrue`;
    reasons.auc = why;
    if (binary) reasons.tpr_at_fpr = why;
  } else if (binary) {
    const curve = rocFromInput(binaryInput(y, pPos, { posLabel: pos, ...wopt }));
    aucValue = auc(curve.fpr, curve.tpr);
    if (input.fprs) {
      const targets = input.fprs.map((s, i) => {
        const v = Number(s);
        if (s.trim() === '' || !(v >= 0 && v <= 1)) throw new DiscernError('INVALID_ARGUMENT', `fprs[${i}] is "${s}"; expected a false-positive rate in [0, 1]`, { index: i, value: s });
        return v;
      });
      const t = tprAtFpr(curve, targets);
      tprs = {};
      input.fprs.forEach((s, i) => {
        tprs![s] = t[i]!;
      });
    } else tprs = {};
  } else {
    aucValue = rocAucOvr(y, proba, wopt);
  }
  if (!binary) reasons.tpr_at_fpr = 'defined for binary classification only';

  let brier: number | null = null;
  if (binary) {
    // Brier score of P(positive) against "is positive"
    const isPos = new Int32Array(n);
    for (let i = 0; i < n; i++) isPos[i] = y[i] === pos ? 1 : 0;
    brier = brierScore(isPos, pPos, wopt);
  } else reasons.brier = 'defined for binary classification only';

  const counts: number[][] = [];
  for (let i = 0; i < K; i++) counts.push(Array.from(cm.data.subarray(i * K, (i + 1) * K)));

  const out: ClassificationSummary = {
    n,
    weighted: weights !== undefined,
    n_classes: K,
    average,
    positive: binary ? classNames[pos]! : null,
    threshold: binary ? threshold : null,
    accuracy: finiteOrThrow('accuracy', hit / total),
    precision: finiteOrThrow('precision', prf.precision),
    recall: finiteOrThrow('recall', prf.recall),
    f1: finiteOrThrow('f1', prf.f1),
    specificity,
    balanced_accuracy: finiteOrThrow('balanced_accuracy', balancedAccuracy(y, yPred, { nClasses: K, ...wopt })),
    mcc: finiteOrThrow('mcc', matthewsCorrcoef(y, yPred, { nClasses: K, ...wopt })),
    auc: aucValue,
    log_loss: finiteOrThrow('log_loss', logLoss(y, proba, wopt)),
    brier,
    confusion_matrix: { labels: [...classNames], counts },
    tpr_at_fpr: tprs,
  };
  if (Object.keys(reasons).length > 0) out.undefined_reasons = reasons;
  return out;
}
