import { DiscernError, kolmogorovSf } from '@discern/core';
import { orderOf } from './roc.js';
import { asLabels, asScores, asWeights, checkNonEmpty, toScores, toWeights } from './validate.js';

/**
 * Two-sample Kolmogorov–Smirnov test, and TMVA's overtraining check built on it (classifier output of the training
 * sample against the test sample, for signal and background separately).
 */

export interface KsResult {
  /** D = sup |F_a − F_b| of the (weighted) empirical CDFs. */
  statistic: number;
  /**
   * Asymptotic p-value Q_KS(√n_e·D) with n_e = n_a·n_b/(n_a+n_b) (effective sizes when weighted): the Kolmogorov
   * limit, as ROOT's TH1::KolmogorovTest/TMath::KolmogorovProb. (scipy's ks_2samp(method='asymp') instead evaluates
   * the finite-n one-sample distribution kstwo at n = round(n_e); the two agree as n_e grows.)
   */
  pValue: number;
  nA: number;
  nB: number;
  /** n_e used in the p-value. */
  nEffective: number;
}

interface Sample {
  x: Float64Array;
  w: Float64Array | undefined;
}

/**
 * A sample in increasing score (ties in row order), read one event at a time: a sorted copy, or a class of a
 * sample read off its descending order without a copy.
 */
interface SortedSample {
  readonly n: number;
  readonly weighted: boolean;
  /** Back to the first event. */
  reset(): void;
  done(): boolean;
  value(): number;
  weight(): number;
  next(): void;
}

class ArraySample implements SortedSample {
  private i = 0;
  readonly n: number;
  readonly weighted: boolean;
  constructor(private readonly s: Sample) {
    this.n = s.x.length;
    this.weighted = s.w !== undefined;
  }
  reset(): void {
    this.i = 0;
  }
  done(): boolean {
    return this.i >= this.n;
  }
  value(): number {
    return this.s.x[this.i]!;
  }
  weight(): number {
    return this.s.w ? this.s.w[this.i]! : 1;
  }
  next(): void {
    this.i++;
  }
}

/** The events of one class (label = cls, or ≠ cls) in a descending order read backwards: increasing score, ties by increasing index. */
class OrderSample implements SortedSample {
  private r = 0;
  constructor(
    private readonly order: Uint32Array,
    private readonly y: Int32Array,
    private readonly pos: number,
    private readonly signal: boolean,
    private readonly score: Float64Array,
    private readonly w: Float64Array | undefined,
    readonly n: number,
    readonly weighted: boolean,
  ) {
    this.reset();
  }
  private skip(): void {
    while (this.r >= 0 && (this.y[this.order[this.r]!] === this.pos) !== this.signal) this.r--;
  }
  reset(): void {
    this.r = this.order.length - 1;
    this.skip();
  }
  done(): boolean {
    return this.r < 0;
  }
  value(): number {
    return this.score[this.order[this.r]!]!;
  }
  weight(): number {
    return this.w ? this.w[this.order[this.r]!]! : 1;
  }
  next(): void {
    this.r--;
    this.skip();
  }
}

function sortSample(x: Float64Array, w: Float64Array | undefined): Sample {
  // Unweighted, only the values count (equal values are consumed together, -0 with 0): the native numeric sort.
  if (!w) return { x: Float64Array.from(x).sort(), w: undefined };
  const idx = new Uint32Array(x.length);
  for (let i = 0; i < idx.length; i++) idx[i] = i;
  idx.sort((a, b) => x[a]! - x[b]!);
  const xs = new Float64Array(x.length);
  const ws = w ? new Float64Array(x.length) : undefined;
  for (let k = 0; k < idx.length; k++) {
    xs[k] = x[idx[k]!]!;
    if (ws) ws[k] = w![idx[k]!]!;
  }
  return { x: xs, w: ws };
}

/** (Σw, n_eff = (Σw)²/Σw²) of a sample, summed in increasing score; plain n when unweighted. */
function totals(s: SortedSample, name: string): { total: number; nEff: number } {
  if (!s.weighted) return { total: s.n, nEff: s.n };
  let t = 0, t2 = 0;
  for (s.reset(); !s.done(); s.next()) {
    const w = s.weight();
    t += w;
    t2 += w * w;
  }
  if (!(t > 0)) throw new DiscernError('DATA_INVALID', `KS test: the total weight of ${name} is ${t}; it must be positive`, { sample: name, total: t });
  return { total: t, nEff: (t * t) / t2 };
}

export function ksTwoSample(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  options: { weightsA?: ArrayLike<number>; weightsB?: ArrayLike<number> } = {},
): KsResult {
  checkNonEmpty(a.length, 'sample a');
  checkNonEmpty(b.length, 'sample b');
  const sa = sortSample(toScores(a, 'a'), toWeights(options.weightsA, a.length, 'weightsA'));
  const sb = sortSample(toScores(b, 'b'), toWeights(options.weightsB, b.length, 'weightsB'));
  return ksSorted(new ArraySample(sa), new ArraySample(sb));
}

/** The KS statistic and p-value of two samples in increasing score. */
function ksSorted(sa: SortedSample, sb: SortedSample): KsResult {
  const ta = totals(sa, 'sample a'), tb = totals(sb, 'sample b');
  // walk both sorted samples; the ECDFs are compared after every distinct value (right-continuous)
  let ca = 0, cb = 0, d = 0;
  sa.reset();
  sb.reset();
  while (!sa.done() || !sb.done()) {
    const v = sb.done() || (!sa.done() && sa.value() <= sb.value()) ? sa.value() : sb.value();
    for (; !sa.done() && sa.value() === v; sa.next()) ca += sa.weight();
    for (; !sb.done() && sb.value() === v; sb.next()) cb += sb.weight();
    const diff = Math.abs(ca / ta.total - cb / tb.total);
    if (diff > d) d = diff;
  }
  const ne = (ta.nEff * tb.nEff) / (ta.nEff + tb.nEff);
  return { statistic: d, pValue: kolmogorovSf(Math.sqrt(ne) * d), nA: sa.n, nB: sb.n, nEffective: ne };
}

export interface ScoredSample {
  yTrue: ArrayLike<number>;
  score: ArrayLike<number>;
  weights?: ArrayLike<number>;
  /**
   * descendingOrder(score), when the caller has it already: each class's scores are then read off it in increasing
   * order, neither copied nor sorted again (checked in O(n)).
   */
  order?: Uint32Array;
}

export interface OvertrainingCheck {
  signal: KsResult;
  background: KsResult;
}

/** KS test of the classifier output, training vs test sample, for signal (posLabel, default 1) and background. */
export function overtrainingCheck(train: ScoredSample, test: ScoredSample, options: { posLabel?: number } = {}): OvertrainingCheck {
  const pos = options.posLabel ?? 1;
  const weighted = train.weights !== undefined || test.weights !== undefined;
  interface Split {
    sig: () => SortedSample;
    bkg: () => SortedSample;
  }
  const split = (s: ScoredSample, name: string, a: string): Split => {
    if (s.score.length !== s.yTrue.length) {
      throw new DiscernError('INVALID_ARGUMENT', `${name}: score has ${s.score.length} entries but yTrue has ${s.yTrue.length}`, { sample: name });
    }
    if (s.weights && s.weights.length !== s.yTrue.length) {
      throw new DiscernError('INVALID_ARGUMENT', `${name}: weights has ${s.weights.length} entries but yTrue has ${s.yTrue.length}`, { sample: name });
    }
    const y = asLabels(s.yTrue, `${name}.yTrue`);
    const n = y.length;
    let nSig = 0;
    for (let i = 0; i < n; i++) if (y[i] === pos) nSig++;
    for (const [count, cls] of [[nSig, 'signal'], [n - nSig, 'background']] as const) {
      if (count === 0) throw new DiscernError('LABEL_INVALID', `overtraining check: the ${name} sample has no ${cls} events`, { sample: name, class: cls });
    }
    if (s.order) {
      // Read off the caller's sort (checked, as are the scores and weights), class by class.
      const score = asScores(s.score, `${name} scores`);
      const w = asWeights(s.weights, n, `${name} weights`);
      const order = orderOf(score, s.order);
      return {
        sig: () => new OrderSample(order, y, pos, true, score, w, nSig, weighted),
        bkg: () => new OrderSample(order, y, pos, false, score, w, n - nSig, weighted),
      };
    }
    // Each class as (scores, weights) in row order, checked and sorted as ksTwoSample does with its arguments.
    const cls = (signal: boolean, m: number): (() => SortedSample) => {
      const x = new Float64Array(m);
      const ws = weighted ? new Float64Array(m) : undefined;
      for (let i = 0, k = 0; i < n; i++) {
        if ((y[i] === pos) !== signal) continue;
        x[k] = s.score[i]!;
        if (ws) ws[k] = s.weights ? s.weights[i]! : 1;
        k++;
      }
      return () => new ArraySample(sortSample(toScores(x, a), ws && toWeights(ws, m, `weights${a.toUpperCase()}`)));
    };
    return { sig: cls(true, nSig), bkg: cls(false, n - nSig) };
  };
  const tr = split(train, 'train', 'a'), te = split(test, 'test', 'b');
  const sigA = tr.sig(), sigB = te.sig();
  const signal = ksSorted(sigA, sigB);
  const bkgA = tr.bkg(), bkgB = te.bkg();
  return { signal, background: ksSorted(bkgA, bkgB) };
}
