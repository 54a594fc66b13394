import { DiscernError } from '@discern/linalg';
import { binaryInput, descendingOrder, type BinaryOptions } from './roc.js';

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

export function significanceScan(yTrue: ArrayLike<number>, score: ArrayLike<number>, options: SignificanceOptions = {}): SignificanceScan {
  const ss = options.signalScale ?? 1, bs = options.backgroundScale ?? 1;
  checkScale(ss, 'signalScale');
  checkScale(bs, 'backgroundScale');
  const input = binaryInput(yTrue, score, options);
  const { truth, score: sc, weights } = input;
  let S = 0, B = 0;
  for (let i = 0; i < truth.length; i++) {
    const w = weights ? weights[i]! : 1;
    if (truth[i] === 1) S += w;
    else B += w;
  }
  if (!(S > 0) || !(B > 0)) {
    throw new DiscernError('DATA_INVALID', `significance scan needs signal and background with positive total weight, got ${S} and ${B}`, { signal: S, background: B });
  }
  const order = descendingOrder(sc);
  const thr: number[] = [], sArr: number[] = [], bArr: number[] = [];
  let sp = 0, bp = 0;
  for (let r = 0; r < order.length; r++) {
    const i = order[r]!;
    const w = weights ? weights[i]! : 1;
    if (truth[i] === 1) sp += w;
    else bp += w;
    if (r === order.length - 1 || sc[order[r + 1]!] !== sc[i]) {
      thr.push(sc[i]!);
      sArr.push(sp);
      bArr.push(bp);
    }
  }
  const m = thr.length;
  const out: SignificanceScan = {
    threshold: Float64Array.from(thr),
    s: new Float64Array(m),
    b: new Float64Array(m),
    effS: new Float64Array(m),
    effB: new Float64Array(m),
    sOverSqrtB: new Float64Array(m),
    sOverSqrtSB: new Float64Array(m),
    asimov: new Float64Array(m),
    best: { sOverSqrtB: null, sOverSqrtSB: null, asimov: null },
  };
  for (let k = 0; k < m; k++) {
    const s = ss * sArr[k]!, b = bs * bArr[k]!;
    out.s[k] = s;
    out.b[k] = b;
    out.effS[k] = sArr[k]! / S;
    out.effB[k] = bArr[k]! / B;
    out.sOverSqrtB[k] = b > 0 ? s / Math.sqrt(b) : NaN;
    out.sOverSqrtSB[k] = s + b > 0 ? s / Math.sqrt(s + b) : NaN;
    out.asimov[k] = asimovSignificance(s, b);
  }
  for (const f of ['sOverSqrtB', 'sOverSqrtSB', 'asimov'] as const) {
    let bi = -1;
    for (let k = 0; k < m; k++) if (!Number.isNaN(out[f][k]!) && (bi < 0 || out[f][k]! > out[f][bi]!)) bi = k;
    out.best[f] =
      bi < 0 ? null : { index: bi, threshold: out.threshold[bi]!, value: out[f][bi]!, s: out.s[bi]!, b: out.b[bi]!, effS: out.effS[bi]!, effB: out.effB[bi]! };
  }
  return out;
}
