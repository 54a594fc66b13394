import { DiscernError } from '@discern/linalg';
import { kolmogorovSf } from './special.js';
import { checkNonEmpty, toLabels, toScores, toWeights } from './validate.js';

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

function sortSample(x: Float64Array, w: Float64Array | undefined): Sample {
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

/** (Σw, n_eff = (Σw)²/Σw²) of a sample; plain n when unweighted. */
function totals(s: Sample, name: string): { total: number; nEff: number } {
  if (!s.w) return { total: s.x.length, nEff: s.x.length };
  let t = 0, t2 = 0;
  for (let i = 0; i < s.w.length; i++) {
    t += s.w[i]!;
    t2 += s.w[i]! * s.w[i]!;
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
  const ta = totals(sa, 'sample a'), tb = totals(sb, 'sample b');
  // walk both sorted samples; the ECDFs are compared after every distinct value (right-continuous)
  let i = 0, j = 0, ca = 0, cb = 0, d = 0;
  const na = sa.x.length, nb = sb.x.length;
  while (i < na || j < nb) {
    const v = j >= nb || (i < na && sa.x[i]! <= sb.x[j]!) ? sa.x[i]! : sb.x[j]!;
    while (i < na && sa.x[i] === v) ca += sa.w ? sa.w[i++]! : (i++, 1);
    while (j < nb && sb.x[j] === v) cb += sb.w ? sb.w[j++]! : (j++, 1);
    const diff = Math.abs(ca / ta.total - cb / tb.total);
    if (diff > d) d = diff;
  }
  const ne = (ta.nEff * tb.nEff) / (ta.nEff + tb.nEff);
  return { statistic: d, pValue: kolmogorovSf(Math.sqrt(ne) * d), nA: na, nB: nb, nEffective: ne };
}

export interface ScoredSample {
  yTrue: ArrayLike<number>;
  score: ArrayLike<number>;
  weights?: ArrayLike<number>;
}

export interface OvertrainingCheck {
  signal: KsResult;
  background: KsResult;
}

/** KS test of the classifier output, training vs test sample, for signal (posLabel, default 1) and background. */
export function overtrainingCheck(train: ScoredSample, test: ScoredSample, options: { posLabel?: number } = {}): OvertrainingCheck {
  const pos = options.posLabel ?? 1;
  const split = (s: ScoredSample, name: string): { sig: number[]; bkg: number[]; ws: number[]; wb: number[] } => {
    if (s.score.length !== s.yTrue.length) {
      throw new DiscernError('INVALID_ARGUMENT', `${name}: score has ${s.score.length} entries but yTrue has ${s.yTrue.length}`, { sample: name });
    }
    if (s.weights && s.weights.length !== s.yTrue.length) {
      throw new DiscernError('INVALID_ARGUMENT', `${name}: weights has ${s.weights.length} entries but yTrue has ${s.yTrue.length}`, { sample: name });
    }
    const y = toLabels(s.yTrue, `${name}.yTrue`);
    const out = { sig: [] as number[], bkg: [] as number[], ws: [] as number[], wb: [] as number[] };
    for (let i = 0; i < y.length; i++) {
      const w = s.weights ? s.weights[i]! : 1;
      if (y[i] === pos) {
        out.sig.push(s.score[i]!);
        out.ws.push(w);
      } else {
        out.bkg.push(s.score[i]!);
        out.wb.push(w);
      }
    }
    for (const [arr, cls] of [[out.sig, 'signal'], [out.bkg, 'background']] as const) {
      if (arr.length === 0) throw new DiscernError('LABEL_INVALID', `overtraining check: the ${name} sample has no ${cls} events`, { sample: name, class: cls });
    }
    return out;
  };
  const tr = split(train, 'train'), te = split(test, 'test');
  const weighted = train.weights !== undefined || test.weights !== undefined;
  return {
    signal: ksTwoSample(tr.sig, te.sig, weighted ? { weightsA: tr.ws, weightsB: te.ws } : {}),
    background: ksTwoSample(tr.bkg, te.bkg, weighted ? { weightsA: tr.wb, weightsB: te.wb } : {}),
  };
}
