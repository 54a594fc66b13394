/**
 * The text of float32 outputs in CSV files (discern score): the shortest decimal that reads back as the same
 * float32, fast, with the definition it reproduces (formatFloat32Reference) kept for its test.
 */

/** 10^0 … 10^22: each exact in a double. */
const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);

/**
 * How a float32 output is written in a CSV file: with the fewest significant digits from 6 to 9 whose decimal,
 * rounded as toPrecision rounds, reads back as the same float32 (9 always suffice), without trailing zeros — the
 * definition is `formatFloat32Reference` below. Computed here with one toPrecision(9) instead of up to four calls:
 * the nine digits are read as an integer M, and the 6-, 7- and 8-digit roundings made from it (exact unless the
 * digits dropped are a 5 and zeros, where rounding twice could differ from rounding the value once: then toPrecision
 * decides); each candidate m · 10^e is made as one division or multiplication of exact doubles (Clinger's fast path:
 * the double nearest the decimal, as Number(text) gives it). Scores are millions of cells, and the definition was
 * most of the time of writing them (2.9 of 7.2 s for 2,000,000 rows).
 */
export function formatFloat32(v: number): string | number {
  if (!Number.isFinite(v)) return v;
  if (v === 0) return '0'; // -0 too: toPrecision writes it without its sign
  const a = v < 0 ? -v : v;
  // the nine significant digits as an integer M and the exponent e0 of the first: from one exact-operand multiply or
  // divide (one rounding), unless that lands near a tie of the ninth digit — then from toPrecision(9)
  let e0 = Math.floor(Math.log10(a));
  let M = -1;
  for (let tries = 0; tries < 2 && M < 0; tries++) {
    const k = 8 - e0;
    if (k < -22 || k > 22) break;
    const t = k >= 0 ? a * POW10[k]! : a / POW10[-k]!;
    if (t < 99_999_999.5) e0--;
    else if (t >= 999_999_999.5) e0++;
    else {
      const f = t - Math.floor(t);
      if (Math.abs(f - 0.5) > 1e-6) M = Math.round(t);
      break;
    }
  }
  if (M < 0) return formatFromText(v);
  const neg = v < 0;
  for (let p = 6; p < 9; p++) {
    const q = POW10[9 - p]!;
    let m = Math.floor(M / q);
    const r = M - m * q;
    const k = e0 - p + 1;
    if (2 * r === q || k > 22 || k < -22) {
      // a tie of the dropped digits, or a power of ten that is not exact: toPrecision rounds the value itself
      const cand = Number(v.toPrecision(p));
      if (Math.fround(cand) === v) return String(cand);
      continue;
    }
    if (2 * r > q) m++;
    // m · 10^k, one rounding when the power of ten is exact (Clinger's fast path: the double nearest the decimal)
    const mag = k >= 0 ? m * POW10[k]! : m / POW10[-k]!;
    if (Math.fround(neg ? -mag : mag) === v) return decimalText(neg, m, k, mag);
  }
  return String(Number(v.toPrecision(9)));
}

/** formatFloat32 through toPrecision alone (values at the edge of the fast path's range or near a tie). */
function formatFromText(v: number): string {
  for (let p = 6; p < 9; p++) {
    const cand = Number(v.toPrecision(p));
    if (Math.fround(cand) === v) return String(cand);
  }
  return String(Number(v.toPrecision(9)));
}

/**
 * String(x) for x = ±m · 10^k, a decimal of at most nine digits (the double nearest it reads back as those digits,
 * without trailing zeros): built from the digits for 1e-6 ≤ |x| < 1e21, where Number::toString writes plain decimals;
 * String(x) elsewhere.
 */
function decimalText(neg: boolean, m: number, k: number, mag: number): string {
  const abs = mag < 0 ? -mag : mag;
  if (!(abs >= 1e-6 && abs < 1e21)) return String(neg ? -abs : abs);
  while (m % 10 === 0) {
    m /= 10;
    k++;
  }
  const digits = String(m);
  let out: string;
  if (k >= 0) out = digits + '0'.repeat(k);
  else {
    const point = digits.length + k; // digits before the decimal point
    out = point > 0 ? `${digits.slice(0, point)}.${digits.slice(point)}` : `0.${'0'.repeat(-point)}${digits}`;
  }
  return neg ? `-${out}` : out;
}

let lastFloat = NaN;
let lastText: string | number = 'NaN';

/** formatFloat32, remembering the last value: a classifier's `score` is its `probabilities` column of the signal, cell for cell. */
export function formatFloat32Cached(v: number): string | number {
  if (v === lastFloat && !Object.is(v, -0)) return lastText;
  lastFloat = v;
  lastText = formatFloat32(v);
  return lastText;
}

/** The definition formatFloat32 computes faster (kept for its test). */
export function formatFloat32Reference(v: number): string | number {
  if (!Number.isFinite(v)) return v;
  for (let p = 6; p < 9; p++) {
    const s = v.toPrecision(p);
    if (Math.fround(Number(s)) === v) return String(Number(s));
  }
  return String(Number(v.toPrecision(9)));
}
