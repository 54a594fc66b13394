import { DiscernError } from './errors.js';
import { normPpf } from './normal.js';
import { betaIncInv } from './special.js';

/**
 * Binomial confidence intervals for a proportion k/n: exact (Clopper–Pearson) or score (Wilson). k and n may be
 * real numbers: weighted samples enter through effective counts (n_eff = (Σw)²/Σw², k_eff = p̂·n_eff), which the
 * beta quantiles accept as they are — the usual approximation (ROOT's TEfficiency with weights).
 */

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

/** Confidence level in (0, 1). */
export function checkLevel(cl: number, name = 'cl'): void {
  if (!(cl > 0 && cl < 1)) throw new DiscernError('INVALID_ARGUMENT', `${name} is ${cl}; a confidence level must lie strictly between 0 and 1 (e.g. 0.95)`, { argument: name, value: cl });
}

function checkCounts(k: number, n: number): void {
  if (!(Number.isFinite(n) && n > 0)) throw new DiscernError('INVALID_ARGUMENT', `binomial interval: n is ${n}; it must be a positive number`, { k, n });
  if (!(k >= 0 && k <= n)) throw new DiscernError('INVALID_ARGUMENT', `binomial interval: k is ${k}; it must lie in [0, n] = [0, ${n}]`, { k, n });
}

/**
 * Clopper–Pearson exact interval: lower = Beta⁻¹(α/2; k, n−k+1), upper = Beta⁻¹(1−α/2; k+1, n−k), with 0 and 1 at
 * the ends. Its coverage is at least the nominal level for every p.
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

/** Wilson score interval (E. B. Wilson, JASA 22 (1927) 209), without continuity correction. */
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
