/**
 * Decisions judged against the truth of a labelled sample: the confusion matrix (rejects counted apart), the
 * accuracy and per-class rates with binomial intervals, for two classes the operating point in a physicist's
 * terms (signal efficiency εS = true-positive rate, background efficiency εB = false-positive rate, rejection
 * 1 − εB), and, given a cost matrix, the expected risk of the decisions.
 *
 * Weights (physics samples; negative weights allowed) count as event weights in every rate; the intervals are
 * binomial on effective counts (efficiency.ts). Every sum runs over the events in their order, so the figures
 * are bit-identical to the pipeline's `decide` step from which this moved (pipeline/src/steps/decide-eval.ts).
 */
import { DiscernError, type IntervalMethod } from '@discern/core';
import { REJECT } from './bayes-risk.js';
import { type ValueInterval, weightedRate } from './efficiency.js';
import { expectedRisk } from './risk.js';
import { checkAlpha, checkConfidence, checkCostMatrix, checkFiniteVector, checkLabels, checkSameLength } from './validate.js';

export interface JudgeDecisionsOptions {
  /** Class names in index order (K ≥ 2 of them); labels and decisions are indices into this list. */
  readonly classNames: readonly string[];
  /** Two classes: the index of the signal (positive) class, default 1. Ignored for K > 2. */
  readonly positive?: number;
  /** Per-event weights (default 1); finite, may be negative. */
  readonly weights?: ArrayLike<number>;
  /** Binomial interval of every rate (default 'clopper-pearson'). */
  readonly interval?: IntervalMethod;
  /** Confidence level of every interval, the risk's included (default 0.95). */
  readonly confidence?: number;
  /** K×K costs c[decided][true]: adds the expected risk of the decisions. */
  readonly cost?: readonly (readonly number[])[];
  /** Priors of the population the risk is wanted for (needs `cost`); default the sample's class fractions. */
  readonly deployPriors?: ArrayLike<number>;
  /** Cost of a reject (needs `cost`); required when the decisions contain rejects and a cost is given. */
  readonly rejectCost?: number;
  /** Two classes, a Neyman–Pearson rule at level α: adds whether α lies inside the εB interval. */
  readonly alpha?: number;
}

/** One true class: how its events were decided. */
export interface ClassRates {
  /** Events of the class (unweighted). */
  readonly n: number;
  /** Σw of its events (= n without weights). */
  readonly weight: number;
  /** (Σw)²/Σw², the count the intervals use (= n without weights). */
  readonly effectiveN: number;
  /** Weighted fraction decided as this class: its efficiency (recall, true-positive rate of a one-vs-rest cut). */
  readonly correct: ValueInterval;
  /** Weighted fraction rejected (0 without a reject option). */
  readonly rejected: ValueInterval;
}

/** The expected risk of the decisions (risk.ts), its interval kept inside the range of the costs. */
export interface JudgedRisk {
  /** R = Σ w c[d][y] / Σ w (re-weighted to the deployment priors when given). */
  readonly value: number;
  /** The normal-approximation interval clamped to `costRange`: a mean of per-event costs cannot leave it. */
  readonly interval: [number, number];
  readonly standardError: number;
  readonly confidence: number;
  /** 'deployment' when `deployPriors` were given, 'sample' otherwise. */
  readonly priors: 'deployment' | 'sample';
  /** Mean cost among the events of each true class (NaN for a class absent from the sample). */
  readonly classRisk: number[];
  /** [smallest, largest] of the cost matrix and the reject cost. */
  readonly costRange: [number, number];
}

/** Everything `judgeDecisions` measures; plain data (arrays indexed by class, then by decision). */
export interface DecisionJudgement {
  /** Events judged. */
  readonly n: number;
  readonly classNames: string[];
  /** Whether event weights were given. */
  readonly weighted: boolean;
  readonly interval: IntervalMethod;
  readonly confidence: number;
  /** counts[true][decided], K×K, unweighted; rejects are in `rejected` instead. */
  readonly confusion: number[][];
  /** The same summed with the event weights; equal to `confusion` without weights (what metrics.json records). */
  readonly weightedConfusion: number[][];
  /** Rejected events per true class, unweighted and weighted. */
  readonly rejected: number[];
  readonly weightedRejected: number[];
  /** Weighted fraction decided as the true class; rejected events count as wrong. */
  readonly accuracy: ValueInterval;
  /** Per true class, in class order. */
  readonly classRates: ClassRates[];
  /** The positive class (two classes), else null. */
  readonly positive: number | null;
  /** Two classes: εS = P(decided positive | positive), else null. */
  readonly signalEfficiency: ValueInterval | null;
  /** Two classes: εB = P(decided positive | negative), the false-positive rate, else null. */
  readonly backgroundEfficiency: ValueInterval | null;
  /** Two classes: 1 − εB with the interval [1 − εB_upper, 1 − εB_lower], else null. */
  readonly backgroundRejection: ValueInterval | null;
  /** With `cost`: the expected risk, else null. */
  readonly expectedRisk: JudgedRisk | null;
  /** With `alpha`: whether α lies inside the εB interval (a check of the Neyman–Pearson calibration), else null. */
  readonly alphaInsideInterval: boolean | null;
}

/**
 * Judges decisions (class indices, or REJECT = −1) against true labels. Without weights every rate is a plain
 * proportion with an exact (Clopper–Pearson) or Wilson interval.
 */
export function judgeDecisions(decisions: ArrayLike<number>, labels: ArrayLike<number>, options: JudgeDecisionsOptions): DecisionJudgement {
  const fn = 'judgeDecisions';
  const classNames = [...options.classNames];
  const K = classNames.length;
  if (K < 2) throw new DiscernError('INVALID_ARGUMENT', `${fn}: classNames must name at least 2 classes, got ${K}`, { function: fn, classes: K });
  checkSameLength(decisions, labels, 'decisions', 'labels', fn);
  checkLabels(labels, K, fn);
  for (let i = 0; i < decisions.length; i++) {
    const d = decisions[i]!;
    if (!(d === REJECT || (Number.isInteger(d) && d >= 0 && d < K))) {
      throw new DiscernError('DATA_INVALID', `${fn}: the decision at index ${i} is ${d}; decisions must be class indices 0..${K - 1} or −1 (reject)`, { function: fn, index: i, value: d });
    }
  }
  const w = options.weights;
  if (w) {
    checkSameLength(w, labels, 'weights', 'labels', fn);
    checkFiniteVector(w, 'weight', fn);
  }
  const confidence = options.confidence ?? 0.95;
  checkConfidence(confidence, fn);
  const method = options.interval ?? 'clopper-pearson';
  if (method !== 'clopper-pearson' && method !== 'wilson') {
    throw new DiscernError('INVALID_ARGUMENT', `${fn}: interval must be 'clopper-pearson' or 'wilson', got ${String(method)}`, { function: fn, interval: method });
  }
  const positive = options.positive ?? 1;
  if (K === 2 && positive !== 0 && positive !== 1) throw new DiscernError('INVALID_ARGUMENT', `${fn}: positive must be 0 or 1 for two classes, got ${positive}`, { function: fn, positive });
  if (options.alpha !== undefined) {
    if (K !== 2) throw new DiscernError('INVALID_ARGUMENT', `${fn}: alpha (a Neyman–Pearson level) needs two classes; there are ${K}`, { function: fn, classes: K });
    checkAlpha(options.alpha, fn);
  }
  if (options.cost === undefined && (options.deployPriors !== undefined || options.rejectCost !== undefined)) {
    throw new DiscernError('INVALID_ARGUMENT', `${fn}: ${options.deployPriors !== undefined ? 'deployPriors' : 'rejectCost'} enters the expected risk, which needs a cost matrix (cost)`, { function: fn });
  }
  const settings = { method, confidence };

  const n = labels.length;
  const confusion = Array.from({ length: K }, () => new Array<number>(K).fill(0));
  const weightedConfusion = Array.from({ length: K }, () => new Array<number>(K).fill(0));
  const rejected = new Array<number>(K).fill(0);
  const weightedRejected = new Array<number>(K).fill(0);
  const classN = new Array<number>(K).fill(0);
  // Per true class Σw and Σw², and over all events Σw, Σw² and Σw of the correct ones, each summed in event order.
  const tot = new Float64Array(K), tot2 = new Float64Array(K);
  let right = 0, all = 0, all2 = 0;
  for (let i = 0; i < n; i++) {
    const y = labels[i]!, d = decisions[i]!;
    const wi = w ? w[i]! : 1;
    classN[y]!++;
    tot[y]! += wi;
    tot2[y]! += wi * wi;
    all += wi;
    all2 += wi * wi;
    if (d === REJECT) {
      rejected[y]!++;
      weightedRejected[y]! += wi;
      continue;
    }
    confusion[y]![d]!++;
    weightedConfusion[y]![d]! += wi;
    if (d === y) right += wi;
  }
  const classRates: ClassRates[] = classNames.map((_, j) => ({
    n: classN[j]!,
    weight: tot[j]!,
    effectiveN: (tot[j]! * tot[j]!) / tot2[j]!,
    correct: weightedRate(weightedConfusion[j]![j]!, tot[j]!, tot2[j]!, settings),
    rejected: weightedRate(weightedRejected[j]!, tot[j]!, tot2[j]!, settings),
  }));

  let signalEfficiency: ValueInterval | null = null;
  let backgroundEfficiency: ValueInterval | null = null;
  let backgroundRejection: ValueInterval | null = null;
  let alphaInsideInterval: boolean | null = null;
  if (K === 2) {
    const neg = positive === 0 ? 1 : 0;
    // Σw of the events decided positive, per true class: the column `positive` of the weighted confusion matrix.
    signalEfficiency = weightedRate(weightedConfusion[positive]![positive]!, tot[positive]!, tot2[positive]!, settings);
    const eb = weightedRate(weightedConfusion[neg]![positive]!, tot[neg]!, tot2[neg]!, settings);
    backgroundEfficiency = eb;
    backgroundRejection = { value: 1 - eb.value, interval: [1 - eb.interval[1], 1 - eb.interval[0]] };
    if (options.alpha !== undefined) alphaInsideInterval = eb.interval[0] <= options.alpha && options.alpha <= eb.interval[1];
  }

  let risk: JudgedRisk | null = null;
  if (options.cost !== undefined) {
    const cost = options.cost.map((row) => [...row]);
    checkCostMatrix(cost, fn, K);
    const r = expectedRisk(decisions, labels, cost, {
      confidence,
      ...(w ? { weights: w } : {}),
      ...(options.deployPriors !== undefined ? { deployPriors: options.deployPriors } : {}),
      ...(options.rejectCost !== undefined ? { rejectCost: options.rejectCost } : {}),
    });
    const costs = [...cost.flat(), ...(options.rejectCost !== undefined ? [options.rejectCost] : [])];
    const cmin = Math.min(...costs), cmax = Math.max(...costs);
    risk = {
      value: r.risk,
      interval: [Math.max(cmin, r.interval[0]), Math.min(cmax, r.interval[1])],
      standardError: r.standardError,
      confidence: r.confidence,
      priors: options.deployPriors !== undefined ? 'deployment' : 'sample',
      classRisk: r.classRisk,
      costRange: [cmin, cmax],
    };
  }

  return {
    n,
    classNames,
    weighted: w !== undefined,
    interval: method,
    confidence,
    confusion,
    weightedConfusion,
    rejected,
    weightedRejected,
    accuracy: weightedRate(right, all, all2, settings),
    classRates,
    positive: K === 2 ? positive : null,
    signalEfficiency,
    backgroundEfficiency,
    backgroundRejection,
    expectedRisk: risk,
    alphaInsideInterval,
  };
}
