import { DiscernError } from '@discern/core';
import { binaryInput, distinctScores, orderOf, sweepThresholds, type BinaryInput, type BinaryOptions } from './roc.js';

/**
 * Cut scan: for each distinct threshold t (cut score ≥ t) the expected signal s and background b, the
 * efficiencies and three figures of merit. Where a figure is undefined (b ≤ 0, s < 0) it is NaN and is skipped when
 * choosing the best threshold.
 */

export interface SignificanceOptions extends BinaryOptions {
  /** Multiplies Σw of signal, e.g. σ·L/N_generated, to turn counts into expected yields (default 1). */
  signalScale?: number;
  /** The same for background (default 1). */
  backgroundScale?: number;
}

export type Figure = 'sOverSqrtB' | 'sOverSqrtSB' | 'asimov';

export interface BestCut {
  index: number;
  threshold: number;
  value: number;
  s: number;
  b: number;
  effS: number;
  effB: number;
}

export interface SignificanceScan {
  /** Decreasing distinct scores. */
  threshold: Float64Array;
  s: Float64Array;
  b: Float64Array;
  effS: Float64Array;
  effB: Float64Array;
  sOverSqrtB: Float64Array;
  sOverSqrtSB: Float64Array;
  /** Asimov discovery significance Z_A. */
  asimov: Float64Array;
  /** The threshold maximising each figure; null when the figure is nowhere defined. */
  best: Record<Figure, BestCut | null>;
}

/**
 * Median discovery significance for the Asimov data set, Z_A = √(2((s+b) ln(1+s/b) − s)) (Cowan, Cranmer, Gross &
 * Vitells 2011, eq. 97). For small s/b the bracket loses all digits to cancellation, so its series
 * b·Σ_{k≥2} (−x)^k/(k(k−1)), x = s/b, is used there; it tends to s/√b.
 */
export function asimovSignificance(s: number, b: number): number {
  if (!(b > 0) || !(s >= 0)) return NaN;
  const x = s / b;
  let bracket: number;
  if (x < 0.01) {
    // (1+x)ln(1+x) − x = x²/2 − x³/6 + x⁴/12 − …; ten terms reach double precision for x < 0.01
    let pow = x, sum = 0;
    for (let k = 2; k < 12; k++) {
      pow *= x;
      sum += ((k % 2 === 0 ? 1 : -1) * pow) / (k * (k - 1));
    }
    bracket = b * sum;
  } else bracket = (s + b) * Math.log1p(x) - s;
  return Math.sqrt(2 * Math.max(0, bracket));
}

function checkScale(v: number, name: string): void {
  if (!(Number.isFinite(v) && v > 0)) throw new DiscernError('INVALID_ARGUMENT', `${name} is ${v}; expected a positive finite number`, { [name]: v });
}

interface ScanSetup {
  input: BinaryInput;
  order: Uint32Array;
  S: number;
  B: number;
  ss: number;
  bs: number;
}

function setup(yTrue: ArrayLike<number>, score: ArrayLike<number>, options: SignificanceOptions): ScanSetup {
  const ss = options.signalScale ?? 1, bs = options.backgroundScale ?? 1;
  checkScale(ss, 'signalScale');
  checkScale(bs, 'backgroundScale');
  const input = binaryInput(yTrue, score, options);
  const { truth, weights } = input;
  let S = 0, B = 0;
  for (let i = 0; i < truth.length; i++) {
    const w = weights ? weights[i]! : 1;
    if (truth[i] === 1) S += w;
    else B += w;
  }
  if (!(S > 0) || !(B > 0)) {
    throw new DiscernError('DATA_INVALID', `significance scan needs signal and background with positive total weight, got ${S} and ${B}`, { signal: S, background: B });
  }
  return { input, order: orderOf(input.score, options.order), S, B, ss, bs };
}

const FIGURES = ['sOverSqrtB', 'sOverSqrtSB', 'asimov'] as const;

/** The three figures of merit at one cut: expected s and b (scaled). */
function figures(s: number, b: number): Record<Figure, number> {
  return { sOverSqrtB: b > 0 ? s / Math.sqrt(b) : NaN, sOverSqrtSB: s + b > 0 ? s / Math.sqrt(s + b) : NaN, asimov: asimovSignificance(s, b) };
}

export function significanceScan(yTrue: ArrayLike<number>, score: ArrayLike<number>, options: SignificanceOptions = {}): SignificanceScan {
  const { input, order, S, B, ss, bs } = setup(yTrue, score, options);
  const m = distinctScores(input.score, order);
  const out: SignificanceScan = {
    threshold: new Float64Array(m),
    s: new Float64Array(m),
    b: new Float64Array(m),
    effS: new Float64Array(m),
    effB: new Float64Array(m),
    sOverSqrtB: new Float64Array(m),
    sOverSqrtSB: new Float64Array(m),
    asimov: new Float64Array(m),
    best: { sOverSqrtB: null, sOverSqrtSB: null, asimov: null },
  };
  let k = 0;
  sweepThresholds(input, order, (bp, sp, t) => {
    const s = ss * sp, b = bs * bp;
    out.threshold[k] = t;
    out.s[k] = s;
    out.b[k] = b;
    out.effS[k] = sp / S;
    out.effB[k] = bp / B;
    const f = figures(s, b);
    for (const name of FIGURES) out[name][k] = f[name];
    k++;
  });
  out.best = bestOf(m, (name, i) => out[name][i]!, (i) => ({ threshold: out.threshold[i]!, s: out.s[i]!, b: out.b[i]!, effS: out.effS[i]!, effB: out.effB[i]! }));
  return out;
}

function bestOf(m: number, value: (f: Figure, k: number) => number, cut: (k: number) => Omit<BestCut, 'index' | 'value'>): Record<Figure, BestCut | null> {
  const best: Record<Figure, BestCut | null> = { sOverSqrtB: null, sOverSqrtSB: null, asimov: null };
  for (const f of FIGURES) {
    let bi = -1;
    for (let k = 0; k < m; k++) if (!Number.isNaN(value(f, k)) && (bi < 0 || value(f, k) > value(f, bi))) bi = k;
    const c = bi < 0 ? undefined : cut(bi);
    best[f] = c === undefined ? null : { index: bi, threshold: c.threshold, value: value(f, bi), s: c.s, b: c.b, effS: c.effS, effB: c.effB };
  }
  return best;
}

/**
 * The best cut of each figure of significanceScan (the same numbers), from one walk down the sorted scores, without
 * the scan's eight arrays of one entry per distinct score.
 */
export function significanceBest(yTrue: ArrayLike<number>, score: ArrayLike<number>, options: SignificanceOptions = {}): Record<Figure, BestCut | null> {
  const { input, order, S, B, ss, bs } = setup(yTrue, score, options);
  const best: Record<Figure, BestCut | null> = { sOverSqrtB: null, sOverSqrtSB: null, asimov: null };
  let k = 0;
  sweepThresholds(input, order, (bp, sp, t) => {
    const s = ss * sp, b = bs * bp;
    const f = figures(s, b);
    for (const name of FIGURES) {
      const v = f[name];
      const cur = best[name];
      if (!Number.isNaN(v) && (cur === null || v > cur.value)) best[name] = { index: k, threshold: t, value: v, s, b, effS: sp / S, effB: bp / B };
    }
    k++;
  });
  return best;
}
