/**
 * A weighted rate Σw_pass / Σw with its binomial interval on effective counts, n_eff = (Σw)²/Σw² and
 * k_eff = rate·n_eff clamped to [0, n_eff] (ROOT's TEfficiency for weighted histograms; exact for unit weights).
 * The arithmetic is that of @discern/metrics' efficiencyInterval, which decision may not import (it sits beside
 * metrics, not above it): the pipeline's figures went through that function, so the same operations in the same
 * order keep them bit for bit. A class without positive total weight has no rate: NaN with the interval [0, 1].
 */
import { type IntervalMethod, binomialInterval } from '@discern/core';

/** A figure with its confidence interval, as every interval of a decision's judgement is given. */
export interface ValueInterval {
  readonly value: number;
  readonly interval: [number, number];
}

export interface RateSettings {
  readonly method: IntervalMethod;
  readonly confidence: number;
}

export function weightedRate(pass: number, total: number, total2: number, s: RateSettings): ValueInterval {
  if (!(total > 0) || !(total2 > 0)) return { value: NaN, interval: [0, 1] };
  const value = pass / total;
  const nEff = (total * total) / total2;
  const kEff = Math.min(nEff, Math.max(0, value * nEff));
  const i = binomialInterval(kEff, nEff, { method: s.method, cl: s.confidence });
  return { value, interval: [i.lower, i.upper] };
}
