import { DiscernError, type Interval, type IntervalOptions } from '@discern/core';
import { efficiencyInterval, reciprocalInterval, type EfficiencyEstimate } from './intervals.js';
import { CurveInterpolator, binaryInput, forEachRocPoint, orderOf, rocFromInput, type BinaryInput, type BinaryOptions, type RocCurve } from './roc.js';

/**
 * The figures physicists read off a classifier (TMVA's vocabulary): signal efficiency εS (= TPR), background
 * efficiency εB (= FPR), background rejection 1 − εB and rejection factor 1/εB. Signal is the positive class; an
 * event passes when score ≥ threshold. All figures are weighted when weights are given.
 */

export interface EfficiencyCurve {
  /** Decreasing thresholds, +Infinity first (nothing passes). */
  threshold: Float64Array;
  effS: Float64Array;
  effB: Float64Array;
  /** 1 − εB. */
  rejection: Float64Array;
  /** 1/εB (Infinity where εB = 0). */
  rejectionFactor: Float64Array;
}

export function efficiencyCurve(yTrue: ArrayLike<number>, score: ArrayLike<number>, options: BinaryOptions = {}): EfficiencyCurve {
  const input = binaryInput(yTrue, score, options);
  const c = curveOf(input, orderOf(input.score, options.order));
  const m = c.fpr.length;
  const rejection = new Float64Array(m), rejectionFactor = new Float64Array(m);
  for (let k = 0; k < m; k++) {
    rejection[k] = 1 - c.fpr[k]!;
    rejectionFactor[k] = 1 / c.fpr[k]!;
  }
  return { threshold: c.thresholds, effS: c.tpr, effB: c.fpr, rejection, rejectionFactor };
}

function curveOf(input: BinaryInput, order: Uint32Array): RocCurve {
  return rocFromInput(input, 'efficiency curve', order);
}

/** y at the targets on the efficiency curve walked point by point (no curve arrays): (εB, εS) → pick(x, y). */
function interpolateEfficiencies(input: BinaryInput, order: Uint32Array | undefined, targets: ArrayLike<number>, pick: 'max' | 'min', axis: 'effS' | 'effB'): Float64Array {
  const at = new CurveInterpolator(targets, pick);
  forEachRocPoint(input, orderOf(input.score, order), 'efficiency curve', axis === 'effS' ? (fpr, tpr) => at.push(tpr, fpr) : (fpr, tpr) => at.push(fpr, tpr));
  return at.values();
}

/** Σw and Σw² of signal and background (for effective counts). */
function classSums(input: BinaryInput): { sig: [number, number]; bkg: [number, number] } {
  let s = 0, s2 = 0, b = 0, b2 = 0;
  const { truth, weights } = input;
  for (let i = 0; i < truth.length; i++) {
    const w = weights ? weights[i]! : 1;
    if (truth[i] === 1) {
      s += w;
      s2 += w * w;
    } else {
      b += w;
      b2 += w * w;
    }
  }
  return { sig: [s, s2], bkg: [b, b2] };
}

export interface WorkingPointOptions extends BinaryOptions, IntervalOptions {}

export interface BackgroundAtSignal {
  effS: number;
  effB: number;
  rejection: number;
  rejectionFactor: number;
  /** Binomial interval on εB (effective background count), and the 1/εB interval derived from it. */
  effBInterval: Interval;
  rejectionFactorInterval: Interval;
}

/**
 * εB, 1 − εB and 1/εB at each requested signal efficiency, interpolated on the ROC curve (lowest εB at exactly that
 * εS, else linear between neighbours). The interval treats εB as a binomial efficiency of the background sample
 * (n_eff = (Σw)²/Σw²) at the working point; it ignores the statistical uncertainty of the threshold itself,
 * which comes from the signal sample.
 */
export function backgroundAtSignalEfficiency(
  yTrue: ArrayLike<number>,
  score: ArrayLike<number>,
  effS: ArrayLike<number>,
  options: WorkingPointOptions = {},
): BackgroundAtSignal[] {
  checkEfficiencies(effS, 'effS');
  const input = binaryInput(yTrue, score, options);
  const eb = interpolateEfficiencies(input, options.order, effS, 'min', 'effS');
  const { bkg } = classSums(input);
  return Array.from(eb, (effB, t) => {
    const est = efficiencyInterval({ pass: effB * bkg[0], total: bkg[0], total2: bkg[1] }, options);
    return {
      effS: effS[t]!,
      effB,
      rejection: 1 - effB,
      rejectionFactor: 1 / effB,
      effBInterval: { lower: est.lower, upper: est.upper },
      rejectionFactorInterval: reciprocalInterval(est),
    };
  });
}

export interface SignalAtBackground {
  effB: number;
  effS: number;
  effSInterval: Interval;
}

/** εS at each requested background efficiency (highest εS at exactly that εB, else linear), with a binomial interval. */
export function signalAtBackgroundEfficiency(
  yTrue: ArrayLike<number>,
  score: ArrayLike<number>,
  effB: ArrayLike<number>,
  options: WorkingPointOptions = {},
): SignalAtBackground[] {
  checkEfficiencies(effB, 'effB');
  const input = binaryInput(yTrue, score, options);
  const es = interpolateEfficiencies(input, options.order, effB, 'max', 'effB');
  const { sig } = classSums(input);
  return Array.from(es, (effS, t) => {
    const est = efficiencyInterval({ pass: effS * sig[0], total: sig[0], total2: sig[1] }, options);
    return { effB: effB[t]!, effS, effSInterval: { lower: est.lower, upper: est.upper } };
  });
}

export interface ThresholdEfficiencies {
  threshold: number;
  signal: EfficiencyEstimate;
  background: EfficiencyEstimate;
  /** 1/εB with the interval mapped from εB's. */
  rejectionFactor: { value: number } & Interval;
}

/** εS and εB (with intervals) of the cut score ≥ threshold. */
export function efficienciesAtThreshold(
  yTrue: ArrayLike<number>,
  score: ArrayLike<number>,
  threshold: number,
  options: WorkingPointOptions = {},
): ThresholdEfficiencies {
  if (Number.isNaN(threshold)) throw new DiscernError('INVALID_ARGUMENT', 'threshold is NaN; expected a number', { threshold });
  const input = binaryInput(yTrue, score, options);
  const { sig, bkg } = classSums(input);
  let sp = 0, bp = 0;
  const { truth, score: s, weights } = input;
  for (let i = 0; i < truth.length; i++) {
    if (!(s[i]! >= threshold)) continue;
    const w = weights ? weights[i]! : 1;
    if (truth[i] === 1) sp += w;
    else bp += w;
  }
  const signal = efficiencyInterval({ pass: sp, total: sig[0], total2: sig[1] }, options);
  const background = efficiencyInterval({ pass: bp, total: bkg[0], total2: bkg[1] }, options);
  return { threshold, signal, background, rejectionFactor: { value: 1 / background.value, ...reciprocalInterval(background) } };
}

function checkEfficiencies(e: ArrayLike<number>, name: string): void {
  for (let i = 0; i < e.length; i++) {
    const v = e[i]!;
    if (!(v >= 0 && v <= 1)) throw new DiscernError('INVALID_ARGUMENT', `${name}[${i}] is ${v}; an efficiency must lie in [0, 1]`, { argument: name, index: i, value: v });
  }
}
