import { invalid } from './validate.js';

export interface FormatOptions {
  /** Significant digits (default 3). */
  digits?: number;
}

/**
 * A number as a person reads it in a table: integers as they are (event counts), other values to `digits`
 * significant digits with trailing zeros dropped, exponent notation only for very large or very small values.
 */
export function formatNumber(x: number, options: FormatOptions = {}): string {
  const digits = options.digits ?? 3;
  if (!Number.isInteger(digits) || digits < 1 || digits > 15) throw invalid(`digits must be an integer in [1, 15]; got ${digits}`);
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '-∞';
  if (Number.isInteger(x) && Math.abs(x) < 1e15) return String(x);
  const ax = Math.abs(x);
  if (ax >= 1e6 || ax < 1e-3) return trimExponential(x.toExponential(digits - 1));
  const decimals = Math.max(0, digits - 1 - Math.floor(Math.log10(ax)));
  return trimZeros(x.toFixed(decimals));
}

/**
 * `value [lo, hi]`, all three with the same number of decimals, enough to resolve the interval's width to
 * two significant digits, so that a tight interval is not printed as `0.91 [0.91, 0.91]`.
 */
export function formatInterval(value: number, interval: readonly [number, number], options: FormatOptions = {}): string {
  const [lo, hi] = interval;
  const width = hi - lo;
  if (![value, lo, hi].every(Number.isFinite) || !(width > 0)) {
    return `${formatNumber(value, options)} [${formatNumber(lo, options)}, ${formatNumber(hi, options)}]`;
  }
  const decimals = Math.min(12, Math.max(0, Math.ceil(-Math.log10(width)) + 1));
  return `${value.toFixed(decimals)} [${lo.toFixed(decimals)}, ${hi.toFixed(decimals)}]`;
}

function trimZeros(s: string): string {
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}

function trimExponential(s: string): string {
  const [mant, exp] = s.split('e');
  return `${trimZeros(mant ?? s)}e${exp ?? ''}`;
}
