import { DiscernError } from '@discern/linalg';
import { normPpf } from './normal.js';
import { betaIncInv } from './special.js';
import { checkLevel } from './validate.js';

/** Binomial confidence intervals for an efficiency k/n, exact (Clopper–Pearson) or score (Wilson). */

export type IntervalMethod = 'clopper-pearson' | 'wilson';

export interface Interval {
  lower: number;
  upper: number;
}

export interface IntervalOptions {
  /** Confidence level, default 0.95 (central interval, α/2 in each tail). */
  cl?: number;
  /** Default 'clopper-pearson'. */
  method?: IntervalMethod;
}

function checkCounts(k: number, n: number): void {
  if (!(Number.isFinite(n) && n > 0)) throw new DiscernError('INVALID_ARGUMENT', `binomial interval: n is ${n}; it must be a positive number`, { k, n });
  if (!(k >= 0 && k <= n)) throw new DiscernError('INVALID_ARGUMENT', `binomial interval: k is ${k}; it must lie in [0, n] = [0, ${n}]`, { k, n });
}

/**
 * Clopper–Pearson exact interval: lower = Beta⁻¹(α/2; k, n−k+1), upper = Beta⁻¹(1−α/2; k+1, n−k), with 0 and 1 at
 * the ends. Non-integer k and n (effective counts of weighted events) use the same Beta quantiles.
 */
export function clopperPearson(k: number, n: number, cl = 0.95): Interval {
  checkCounts(k, n);
  checkLevel(cl);
  const alpha = 1 - cl;
  return {
    lower: k === 0 ? 0 : betaIncInv(alpha / 2, k, n - k + 1),
    upper: k === n ? 1 : betaIncInv(1 - alpha / 2, k + 1, n - k),
  };
}

/** Wilson score interval (Wilson 1927), without continuity correction. */
export function wilson(k: number, n: number, cl = 0.95): Interval {
  checkCounts(k, n);
  checkLevel(cl);
  const z = normPpf(1 - (1 - cl) / 2);
  const p = k / n, z2 = z * z;
  const den = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / den;
  const half = (z / den) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return { lower: Math.max(0, centre - half), upper: Math.min(1, centre + half) };
}

export function binomialInterval(k: number, n: number, options: IntervalOptions = {}): Interval {
  const method = options.method ?? 'clopper-pearson';
  if (method === 'clopper-pearson') return clopperPearson(k, n, options.cl);
  if (method === 'wilson') return wilson(k, n, options.cl);
  throw new DiscernError('INVALID_ARGUMENT', `interval method is ${String(method)}; expected 'clopper-pearson' or 'wilson'`, { method });
}

/** An efficiency with its interval and the (effective) counts behind it. */
export interface EfficiencyEstimate extends Interval {
  value: number;
  /** Effective number of events (the plain count when unweighted). */
  nEff: number;
  /** Effective number passing, value · nEff. */
  kEff: number;
}

/** Weighted sums of one class: Σw of those passing, Σw and Σw² of all. */
export interface WeightSums {
  pass: number;
  total: number;
  total2: number;
}

/**
 * Efficiency ε = Σw_pass / Σw with a binomial interval. For weighted events the binomial is applied to effective
 * counts: n_eff = (Σw)²/Σw² (the number of unweighted events with the same relative variance of the sum) and
 * k_eff = ε·n_eff. This is the standard approximation (as in ROOT's TEfficiency for weighted histograms); it is exact
 * for unit weights. Negative weights can push ε outside [0, 1]; k_eff is then clamped to [0, n_eff] for the interval.
 */
export function efficiencyInterval(sums: WeightSums, options: IntervalOptions = {}): EfficiencyEstimate {
  if (!(sums.total > 0)) throw new DiscernError('DATA_INVALID', `efficiency: the total weight is ${sums.total}; it must be positive`, { ...sums });
  if (!(sums.total2 > 0)) throw new DiscernError('DATA_INVALID', `efficiency: the sum of squared weights is ${sums.total2}; it must be positive`, { ...sums });
  const value = sums.pass / sums.total;
  const nEff = (sums.total * sums.total) / sums.total2;
  const kEff = Math.min(nEff, Math.max(0, value * nEff));
  return { value, nEff, kEff, ...binomialInterval(kEff, nEff, options) };
}

/** Interval of 1/ε from the interval of ε (the map is monotone decreasing); 1/0 is Infinity. */
export function reciprocalInterval(e: Interval): Interval {
  return { lower: 1 / e.upper, upper: e.lower === 0 ? Infinity : 1 / e.lower };
}
