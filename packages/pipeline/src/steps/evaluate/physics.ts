import { averagePrecision, backgroundAtSignalEfficiency, bootstrapAuc, delongAuc, efficiencyInterval, overtrainingCheck, signalAtBackgroundEfficiency, significanceBest } from '@discern/metrics';
import { type IntervalMethod } from '@discern/core';
import { type DatasetLabels } from '../../datasets.js';
import { type ClassifierFigures, type Overtraining, type PhysicsFigures } from './result.js';

/**
 * The figures physicists quote for a binary classifier (TMVA's vocabulary), with intervals, for `evaluate`:
 * εB, 1 − εB and 1/εB at requested signal efficiencies, εS at requested background efficiencies, the AUC with a
 * DeLong or bootstrap interval, average precision, the best cuts of a significance scan, and the overtraining check.
 * With event weights the binomial intervals use effective counts n_eff = (Σw)²/Σw², k_eff = ε·n_eff (as ROOT's
 * TEfficiency does for weighted histograms); see docs/decision.md.
 */

/** A value with its confidence interval, as every interval in metrics.json is written. */
export interface ValueInterval {
  readonly value: number;
  readonly interval: [number, number];
}

export interface IntervalSettings {
  readonly method: IntervalMethod;
  readonly confidence: number;
}

/** An efficiency Σw_pass/Σw with its binomial interval (effective counts with weights). */
export function efficiency(pass: number, total: number, total2: number, s: IntervalSettings): ValueInterval {
  if (!(total > 0) || !(total2 > 0)) return { value: NaN, interval: [0, 1] };
  const e = efficiencyInterval({ pass, total, total2 }, { method: s.method, cl: s.confidence });
  return { value: e.value, interval: [e.lower, e.upper] };
}

export interface PhysicsParams extends IntervalSettings {
  readonly signalEfficiency: readonly number[];
  readonly backgroundEfficiency: readonly number[];
  readonly aucInterval: 'delong' | 'bootstrap' | 'none';
  readonly bootstrap: number;
  readonly seed: number;
  readonly significance: { readonly signal_scale: number; readonly background_scale: number } | undefined;
}

function vi(value: number, lower: number, upper: number): ValueInterval {
  return { value, interval: [lower, upper] };
}

/** Labels as 0/1 with 1 = the positive (signal) class. */
export function signalLabels(y: Int32Array, positive: number): Int32Array {
  // A loop, not Int32Array.from(y, f): with a mapping function V8 boxes every value first (~50 bytes per row).
  const out = new Int32Array(y.length);
  for (let i = 0; i < y.length; i++) out[i] = y[i] === positive ? 1 : 0;
  return out;
}

/**
 * AUC interval, average precision and the `physics` block of one dataset (keys added next to the summary's).
 * `order` is descendingOrder(score): every figure walks that one sort.
 */
export function physicsFigures(ds: DatasetLabels, score: Float64Array, order: Uint32Array, positive: number, p: PhysicsParams): Pick<ClassifierFigures, 'auc_interval' | 'average_precision' | 'physics'> {
  // The class labels themselves with posLabel (no 0/1 copy): every figure counts `y = positive` as signal.
  const y = ds.y;
  const w = ds.weights;
  const opt = { ...(w ? { weights: w } : {}), method: p.method, cl: p.confidence, order, posLabel: positive };
  const out: Pick<ClassifierFigures, 'auc_interval' | 'average_precision' | 'physics'> = {};
  let nS = 0;
  for (let i = 0; i < y.length; i++) if (y[i] === positive) nS++;
  if (nS === 0 || nS === y.length) return { physics: { undefined_reason: 'the dataset holds only one class' } };
  if (p.aucInterval === 'delong' && nS >= 2 && y.length - nS >= 2) {
    // DeLong's variance is for unweighted samples; with weights the interval is that of the unweighted AUC's spread.
    const d = delongAuc(y, score, { cl: p.confidence, order, posLabel: positive });
    out.auc_interval = { method: 'delong', confidence: p.confidence, ...vi(d.auc, d.lower, d.upper), standard_error: d.se, weighted: false };
  } else if (p.aucInterval === 'bootstrap') {
    const b = bootstrapAuc(y, score, { ...(w ? { weights: w } : {}), nBoot: p.bootstrap, seed: p.seed, cl: p.confidence, posLabel: positive });
    out.auc_interval = { method: 'bootstrap', confidence: p.confidence, ...vi(b.auc, b.lower, b.upper), replicates: b.nBoot, seed: p.seed, ...(b.dropped > 0 ? { dropped_replicates: b.dropped } : {}) };
  }
  out.average_precision = averagePrecision(y, score, { ...(w ? { weights: w } : {}), order, posLabel: positive });
  const physics: PhysicsFigures = { interval: p.method, confidence: p.confidence };
  if (p.signalEfficiency.length > 0) {
    const rows = backgroundAtSignalEfficiency(y, score, p.signalEfficiency, opt);
    physics.background_at_signal_efficiency = Object.fromEntries(
      rows.map((r) => [
        String(r.effS),
        {
          background_efficiency: vi(r.effB, r.effBInterval.lower, r.effBInterval.upper),
          background_rejection: vi(r.rejection, 1 - r.effBInterval.upper, 1 - r.effBInterval.lower),
          rejection_factor: vi(r.rejectionFactor, r.rejectionFactorInterval.lower, r.rejectionFactorInterval.upper),
        },
      ]),
    );
  }
  if (p.backgroundEfficiency.length > 0) {
    const rows = signalAtBackgroundEfficiency(y, score, p.backgroundEfficiency, opt);
    physics.signal_at_background_efficiency = Object.fromEntries(rows.map((r) => [String(r.effB), { signal_efficiency: vi(r.effS, r.effSInterval.lower, r.effSInterval.upper) }]));
  }
  if (p.significance) {
    const scan = significanceBest(y, score, { ...(w ? { weights: w } : {}), signalScale: p.significance.signal_scale, backgroundScale: p.significance.background_scale, order, posLabel: positive });
    const best = (f: 'sOverSqrtB' | 'sOverSqrtSB' | 'asimov') => {
      const b = scan[f];
      return b ? { threshold: b.threshold, value: b.value, s: b.s, b: b.b, signal_efficiency: b.effS, background_efficiency: b.effB } : null;
    };
    physics.significance = {
      signal_scale: p.significance.signal_scale,
      background_scale: p.significance.background_scale,
      s_over_sqrt_b: best('sOverSqrtB'),
      s_over_sqrt_s_plus_b: best('sOverSqrtSB'),
      asimov: best('asimov'),
    };
  }
  out.physics = physics;
  return out;
}

/** Kolmogorov–Smirnov test of the classifier output, training against test sample, per class (TMVA's overtraining check). */
export function overtrainingFigures(
  train: DatasetLabels,
  trainScore: Float64Array,
  trainOrder: Uint32Array,
  test: DatasetLabels,
  testScore: Float64Array,
  testOrder: Uint32Array,
  positive: number,
  trainName: string,
): Overtraining {
  const ot = overtrainingCheck(
    { yTrue: train.y, score: trainScore, order: trainOrder, ...(train.weights ? { weights: train.weights } : {}) },
    { yTrue: test.y, score: testScore, order: testOrder, ...(test.weights ? { weights: test.weights } : {}) },
    { posLabel: positive },
  );
  return {
    train: trainName,
    signal: { ks_statistic: ot.signal.statistic, p_value: ot.signal.pValue },
    background: { ks_statistic: ot.background.statistic, p_value: ot.background.pValue },
  };
}
