/**
 * Cell-level rules shared by the whole-file parser, the streaming reader and inline rows: what counts as a
 * number, what counts as a non-finite literal, what counts as missing.
 */
import { quote } from '@discern/core';

/** The missing-value tokens used when none are given: an empty cell, `NA` (R, pandas) and `?` (UCI files). */
export const DEFAULT_MISSING_VALUES: readonly string[] = ['', 'NA', '?'];

// Strict decimal syntax: digits with an optional fraction and exponent. `Number()` alone would accept
// '0x10', '' and ' ', and parseFloat would accept '12abc' and '0.o5' (as 0).
const NUMBER_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const NON_FINITE_RE = /^[+-]?(?:nan|inf|infinity)$/i;

/** 10^0 … 10^15, each exact in a double. */
const POW10 = Array.from({ length: 16 }, (_, k) => 10 ** k);

/** The value of a cell that is strictly a finite decimal number (`1e3`, `-0.5`, `.5`), else NaN. */
export function strictNumber(s: string): number {
  // Fast path for the common spelling, a sign, digits and a point, at most 15 digits: the digits as an integer
  // M < 10^15 over 10^k, both exact, rounded once by the division: the double nearest to s, as Number(s) gives it.
  const n = s.length;
  let i = 0;
  const c0 = s.charCodeAt(0);
  const neg = c0 === 45; // -
  if (neg || c0 === 43) i = 1; // + too
  let m = 0;
  let digits = 0;
  let frac = -1;
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      m = m * 10 + (c - 48);
      digits++;
      if (frac >= 0) frac++;
    } else if (c === 46 && frac < 0) frac = 0;
    else break;
  }
  if (i === n && digits > 0 && digits <= 15) {
    const v = frac > 0 ? m / POW10[frac]! : m;
    return neg ? -v : v;
  }
  if (!NUMBER_RE.test(s)) return NaN;
  const v = Number(s);
  return Number.isFinite(v) ? v : NaN;
}

/**
 * True for a cell that spells a non-finite number: `NaN`, `nan`, `inf`, `-Infinity`..., or a decimal that
 * overflows a double (`1e999`). Such a cell is numeric-looking, but an error when the column is used as a feature:
 * it is not treated as missing, since a NaN written by a program usually means a bug upstream.
 */
export function isNonFiniteLiteral(s: string): boolean {
  return NON_FINITE_RE.test(s) || (NUMBER_RE.test(s) && !Number.isFinite(Number(s)));
}

/** The missing-value tokens of a reader: `has(cell)` is true for a cell (already trimmed) that means "missing". */
export class MissingTokens {
  private readonly set: ReadonlySet<string>;
  /** The longest token: a longer cell is none of them, found without hashing it (most cells are numbers). */
  private readonly longest: number;

  constructor(tokens: readonly string[] | undefined) {
    const set = new Set((tokens ?? DEFAULT_MISSING_VALUES).map((t) => String(t).trim()));
    this.set = set;
    this.longest = Math.max(0, ...[...set].map((t) => t.length));
  }

  has(s: string): boolean {
    return s.length <= this.longest && this.set.has(s);
  }
}

/** The missing tokens, trimmed (the default ones when none are given). */
export function missingSet(tokens: readonly string[] | undefined): MissingTokens {
  return new MissingTokens(tokens);
}

/**
 * A column name for a message: `'petal_length'`, or, when it is long or holds control characters (a header line
 * without separators can be one 300,000-character name), core's quote(), cut to about 80 characters.
 */
export function columnLabel(name: string): string {
  // eslint-disable-next-line no-control-regex
  return name.length <= 80 && !/[\u0000-\u001f'\u007f]/.test(name) ? `'${name}'` : quote(name);
}

export { closestName } from '@discern/core';

/** `'a', 'b', 'c'` — at most `max` names (each cut to about 80 characters), then how many more. */
export function listNames(names: readonly string[], max = 20): string {
  const shown = names.slice(0, max).map(columnLabel).join(', ');
  return names.length > max ? `${shown}, ... (${names.length - max} more)` : shown;
}
