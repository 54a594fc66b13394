/**
 * The empirical Neyman–Pearson threshold: from a labelled calibration sample of scores (higher = more
 * signal-like; labels 0 = C1 background, 1 = C2 signal), the cut `score ≥ t` with the largest false-positive rate
 * that does not exceed α, i.e. the smallest such t, which is the most powerful cut at level α (Neyman–Pearson
 * lemma, classification chapter §5.3.4, with the score standing in for L(x)).
 *
 * - Ties: the cut is `score ≥ t`, so every event whose score equals t is selected; t is always one of the
 *   background scores (or ±∞), where the false-positive rate changes.
 * - No randomised tests: at a tied score the achieved rate jumps past α, and a randomised test would select the
 *   tied events with a probability that fills the gap exactly. A deployed rule must be deterministic, so the
 *   achieved rate is reported instead, always ≤ α.
 * - Weights (physics samples; negative weights allowed) count as event weights in every rate. With negative weights
 *   the rate need not fall monotonically with t; the smallest t whose rate is ≤ α is still the most powerful.
 * - Intervals: Clopper–Pearson on the counts (effective counts n_eff = (Σw)²/Σw², k_eff = rate·n_eff with weights).
 */
import { DiscernError, clopperPearson } from '@discern/core';
import { checkAlpha, checkConfidence, checkFiniteVector, checkSameLength } from './validate.js';

export interface NeymanPearsonOptions {
  /** Per-event weights (default 1); finite, may be negative, but each class must have a positive total. */
  weights?: ArrayLike<number>;
  /** Confidence level of the Clopper–Pearson intervals (default 0.95). */
  confidence?: number;
}

export interface NeymanPearsonThreshold {
  /** Decide signal when score ≥ threshold. +Infinity selects nothing, −Infinity everything. */
  readonly threshold: number;
  /** The requested level. */
  readonly alpha: number;
  /** The (weighted) false-positive rate P(score ≥ t | C1) on the calibration sample; ≤ alpha. */
  readonly achievedFpr: number;
  readonly fprInterval: [number, number];
  /** The (weighted) signal efficiency P(score ≥ t | C2); NaN when the sample has no signal events. */
  readonly power: number;
  readonly powerInterval: [number, number];
  readonly confidence: number;
  readonly nBackground: number;
  readonly nSignal: number;
  /** Events at or above the threshold, per class (unweighted counts). */
  readonly selectedBackground: number;
  readonly selectedSignal: number;
  /** Σw per class (equal to the counts without weights). */
  readonly weightedBackground: number;
  readonly weightedSignal: number;
  /** (Σw)²/Σw² per class, the counts the intervals use. */
  readonly effectiveBackground: number;
  readonly effectiveSignal: number;
  /** Set when the threshold is ±Infinity or the sample has no signal: what happened and why. */
  readonly note?: string;
}

/**
 * Neumaier-compensated running sum, so cumulative weighted rates do not drift over 10⁶ events. It is the running
 * form of @discern/linalg's stableSum (the same operations in the same order: the value after any prefix equals
 * stableSum of that prefix bit for bit, tested), which cannot serve here because the threshold walk reads the sum
 * after every tie group; stableSum has no running form yet.
 */
export class Accumulator {
  private s = 0;
  private c = 0;
  add(v: number): void {
    const t = this.s + v;
    this.c += Math.abs(this.s) >= Math.abs(v) ? this.s - t + v : v - t + this.s;
    this.s = t;
  }
  get value(): number {
    return this.s + this.c;
  }
}

function interval(rate: number, nEff: number, confidence: number): [number, number] {
  if (!(nEff > 0)) return [0, 1];
  const p = Math.min(1, Math.max(0, rate)); // negative weights can push a weighted rate outside [0, 1]
  const i = clopperPearson(p * nEff, nEff, confidence);
  return [i.lower, i.upper];
}

/**
 * The Neyman–Pearson threshold at level α on a calibration sample. α in (0, 1]; α = 1 gives −Infinity (accept all),
 * α below the smallest non-zero achievable rate (1/n_background unweighted) gives +Infinity with power 0.
 */
export function neymanPearsonThreshold(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  alpha: number,
  options: NeymanPearsonOptions = {},
): NeymanPearsonThreshold {
  const fn = 'neymanPearsonThreshold';
  checkAlpha(alpha, fn, true);
  const confidence = options.confidence ?? 0.95;
  checkConfidence(confidence, fn);
  checkSameLength(scores, labels, 'scores', 'labels', fn);
  checkFiniteVector(scores, 'score', fn);
  const w = options.weights;
  if (w) {
    checkSameLength(w, scores, 'weights', 'scores', fn);
    checkFiniteVector(w, 'weight', fn);
  }
  const n = scores.length;
  const bkg: number[] = [];
  let nS = 0;
  let sumB = 0, sumB2 = 0, sumS = 0, sumS2 = 0;
  for (let i = 0; i < n; i++) {
    const y = labels[i]!;
    const wi = w ? w[i]! : 1;
    if (y === 0) {
      bkg.push(i);
      sumB += wi;
      sumB2 += wi * wi;
    } else if (y === 1) {
      nS++;
      sumS += wi;
      sumS2 += wi * wi;
    } else {
      throw new DiscernError('LABEL_INVALID', `${fn}: label at index ${i} is ${y}; labels must be 0 (C1, background) or 1 (C2, signal)`, { function: fn, index: i, value: y });
    }
  }
  const nB = bkg.length;
  if (nB === 0) {
    throw new DiscernError('DATA_INVALID', `${fn}: the calibration sample has no background events (label 0) among its ${n} events; the false-positive rate cannot be estimated`, { function: fn, n });
  }
  if (!(sumB > 0)) throw new DiscernError('DATA_INVALID', `${fn}: the background weights sum to ${sumB}; the total must be positive`, { function: fn, sum: sumB });
  if (nS > 0 && !(sumS > 0)) throw new DiscernError('DATA_INVALID', `${fn}: the signal weights sum to ${sumS}; the total must be positive`, { function: fn, sum: sumS });

  // Walk the background scores from the top, one distinct value at a time (ties enter together).
  bkg.sort((a, b) => scores[b]! - scores[a]!);
  let threshold = Infinity;
  let achievedFpr = 0;
  const cum = new Accumulator();
  for (let start = 0; start < nB; ) {
    const v = scores[bkg[start]!]!;
    let end = start;
    while (end < nB && scores[bkg[end]!]! === v) {
      cum.add(w ? w[bkg[end]!]! : 1);
      end++;
    }
    // Unweighted: end/n is the correctly rounded rate, so "≤ α" is exact for α like 0.05 = 5/100.
    const fpr = w ? cum.value / sumB : end / nB;
    if (fpr <= alpha) {
      threshold = v;
      achievedFpr = fpr;
    }
    start = end;
  }
  let note: string | undefined;
  if (alpha >= 1) {
    threshold = -Infinity;
    achievedFpr = 1;
    note = 'alpha = 1: the threshold is -Infinity and every event is selected';
  } else if (threshold === Infinity) {
    note =
      `alpha = ${alpha} is below the smallest false-positive rate the sample can resolve (${w ? 'the smallest weighted rate of a cut' : `1/n_background = 1/${nB}`}); ` +
      'no finite threshold achieves it, so the threshold is +Infinity, nothing is selected and the power is 0; a larger background sample is needed';
  }

  let selB = 0, selS = 0;
  const accS = new Accumulator();
  for (let i = 0; i < n; i++) {
    if (scores[i]! >= threshold) {
      if (labels[i] === 0) selB++;
      else {
        selS++;
        accS.add(w ? w[i]! : 1);
      }
    }
  }
  const effB = w ? (sumB * sumB) / sumB2 : nB;
  const effS = nS === 0 ? 0 : w ? (sumS * sumS) / sumS2 : nS;
  let power: number;
  if (nS === 0) {
    power = NaN;
    note = (note ? note + '; ' : '') + 'the sample has no signal events (label 1), so the power is NaN and its interval [0, 1]';
  } else power = w ? accS.value / sumS : selS / nS;
  const result: NeymanPearsonThreshold = {
    threshold,
    alpha,
    achievedFpr,
    fprInterval: interval(achievedFpr, effB, confidence),
    power,
    powerInterval: nS === 0 ? [0, 1] : interval(power, effS, confidence),
    confidence,
    nBackground: nB,
    nSignal: nS,
    selectedBackground: selB,
    selectedSignal: selS,
    weightedBackground: sumB,
    weightedSignal: sumS,
    effectiveBackground: effB,
    effectiveSignal: effS,
  };
  return note === undefined ? result : { ...result, note };
}
