import { type Dataset } from '@discern/data';
import {
  type IntervalMethod,
  averagePrecision,
  backgroundAtSignalEfficiency,
  bootstrapAuc,
  delongAuc,
  efficiencyInterval,
  overtrainingCheck,
  signalAtBackgroundEfficiency,
  significanceScan,
} from '@discern/metrics';

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
  return Int32Array.from(y, (c) => (c === positive ? 1 : 0));
}

/** AUC interval, average precision and the `physics` block of one dataset (keys added next to the summary's). */
export function physicsFigures(ds: Dataset, score: Float64Array, positive: number, p: PhysicsParams): Record<string, unknown> {
  const y = signalLabels(ds.y, positive);
  const w = ds.weights;
  const opt = { ...(w ? { weights: w } : {}), method: p.method, cl: p.confidence };
  const out: Record<string, unknown> = {};
  let nS = 0;
  for (const c of y) nS += c;
  if (nS === 0 || nS === y.length) return { physics: { undefined_reason: 'the dataset holds only one class' } };
  if (p.aucInterval === 'delong' && nS >= 2 && y.length - nS >= 2) {
    // DeLong's variance is for unweighted samples; with weights the interval is that of the unweighted AUC's spread.
    const d = delongAuc(y, score, { cl: p.confidence });
    out.auc_interval = { method: 'delong', confidence: p.confidence, ...vi(d.auc, d.lower, d.upper), standard_error: d.se, weighted: false };
  } else if (p.aucInterval === 'bootstrap') {
    const b = bootstrapAuc(y, score, { ...(w ? { weights: w } : {}), nBoot: p.bootstrap, seed: p.seed, cl: p.confidence });
    out.auc_interval = { method: 'bootstrap', confidence: p.confidence, ...vi(b.auc, b.lower, b.upper), replicates: b.nBoot, seed: p.seed };
  }
  out.average_precision = averagePrecision(y, score, w ? { weights: w } : {});
  const physics: Record<string, unknown> = { interval: p.method, confidence: p.confidence };
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
    const scan = significanceScan(y, score, { ...(w ? { weights: w } : {}), signalScale: p.significance.signal_scale, backgroundScale: p.significance.background_scale });
    const best = (f: 'sOverSqrtB' | 'sOverSqrtSB' | 'asimov') => {
      const b = scan.best[f];
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
export function overtrainingFigures(train: Dataset, trainScore: Float64Array, test: Dataset, testScore: Float64Array, positive: number, trainName: string): Record<string, unknown> {
  const ot = overtrainingCheck(
    { yTrue: signalLabels(train.y, positive), score: trainScore, ...(train.weights ? { weights: train.weights } : {}) },
    { yTrue: signalLabels(test.y, positive), score: testScore, ...(test.weights ? { weights: test.weights } : {}) },
  );
  return {
    train: trainName,
    signal: { ks_statistic: ot.signal.statistic, p_value: ot.signal.pValue },
    background: { ks_statistic: ot.background.statistic, p_value: ot.background.pValue },
  };
}
