import { DiscernError, type Interval, type IntervalOptions, binomialInterval } from '@discern/core';

/** Efficiencies of weighted samples with binomial intervals (the intervals themselves are @discern/core's). */


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
