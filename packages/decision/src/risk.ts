/**
 * The expected risk of a decision rule measured on labelled data, R = Σ_n w_n c[d_n][y_n] / Σ_n w_n, with the
 * confusion counts of decisions against truth.
 *
 * Deployment priors π' different from the sample's class fractions f_j = W_j/W: each event of class j is weighted
 * by π'_j/f_j, which makes R = Σ_j π'_j R_j with R_j the mean cost among true class-j events (a stratified estimate).
 *
 * Interval, `normal` (default): R ± z·SE with the linearised (sandwich) variance of a weighted mean,
 *   Var R ≈ n/(n−1) · Σ_n w_n² (c_n − R)² / (Σ w)²,
 * computed per class and combined as Σ_j π'_j² Var R_j when deployment priors are given (they are fixed, not
 * estimated). `bootstrap`: percentile interval of R over resamples of the events (within each class when
 * deployment priors are given), seeded, SE = standard deviation of the replicates.
 */
import { createRng } from '@discern/linalg';
import { REJECT } from './bayes-risk.js';
import { DiscernError, normIsf } from '@discern/core';
import { checkConfidence, checkCostMatrix, checkFiniteVector, checkLabels, checkPriors, checkSameLength } from './validate.js';

export interface ExpectedRiskOptions {
  /** Per-event weights (default 1). */
  weights?: ArrayLike<number>;
  /** Priors of the population the risk is wanted for, when they differ from the sample's class fractions. */
  deployPriors?: ArrayLike<number>;
  /** Cost of a rejected event (decision −1); required when decisions contain rejects. */
  rejectCost?: number;
  /** Confidence level of the interval (default 0.95). */
  confidence?: number;
  interval?: 'normal' | 'bootstrap';
  /** Bootstrap resamples (default 1000) and seed (default 0). */
  nBootstrap?: number;
  seed?: number;
}

export interface RiskEstimate {
  readonly risk: number;
  readonly standardError: number;
  readonly interval: [number, number];
  readonly confidence: number;
  readonly method: 'normal' | 'bootstrap';
  /** Mean cost among the events of each true class (NaN for a class absent from the sample). */
  readonly classRisk: number[];
  /** The factor π'_j/f_j applied to each event of class j (all 1 without deployment priors). */
  readonly priorFactors: number[];
  readonly n: number;
  /** (Σw)²/Σw² of the (prior-corrected) event weights. */
  readonly effectiveN: number;
  /** counts[truth][decision], K×K, unweighted; rejects are counted in `rejected` instead. */
  readonly confusion: number[][];
  readonly rejected: number[];
  /** The same with the event weights (before the prior correction). */
  readonly weightedConfusion: number[][];
  readonly weightedRejected: number[];
}

interface Prepared {
  K: number;
  n: number;
  costs: Float64Array; // per-event cost c[d_n][y_n]
  w: Float64Array; // per-event weight
  labels: ArrayLike<number>;
  deploy: Float64Array | null;
}

/** Risk and variance of one sample (given as index list, possibly with repeats). */
function estimate(p: Prepared, idx: ArrayLike<number>): { risk: number; variance: number; classRisk: number[] } {
  const { K } = p;
  const sw = new Float64Array(K), swc = new Float64Array(K), cnt = new Int32Array(K);
  let SW = 0, SWC = 0;
  for (let t = 0; t < idx.length; t++) {
    const i = idx[t]!;
    const y = p.labels[i]!;
    sw[y]! += p.w[i]!;
    swc[y]! += p.w[i]! * p.costs[i]!;
    cnt[y]!++;
    SW += p.w[i]!;
    SWC += p.w[i]! * p.costs[i]!;
  }
  const classRisk = Array.from({ length: K }, (_, j) => (cnt[j]! > 0 ? swc[j]! / sw[j]! : NaN));
  const dev = new Float64Array(K);
  if (p.deploy === null) {
    const R = SWC / SW;
    let s = 0;
    for (let t = 0; t < idx.length; t++) {
      const i = idx[t]!;
      s += p.w[i]! * p.w[i]! * (p.costs[i]! - R) ** 2;
    }
    const m = idx.length;
    return { risk: R, variance: m > 1 ? ((m / (m - 1)) * s) / (SW * SW) : NaN, classRisk };
  }
  for (let t = 0; t < idx.length; t++) {
    const i = idx[t]!;
    const y = p.labels[i]!;
    dev[y]! += p.w[i]! * p.w[i]! * (p.costs[i]! - classRisk[y]!) ** 2;
  }
  let R = 0, V = 0;
  for (let j = 0; j < K; j++) {
    const pj = p.deploy[j]!;
    if (pj === 0) continue;
    R += pj * classRisk[j]!;
    const m = cnt[j]!;
    V += m > 1 ? pj * pj * ((m / (m - 1)) * dev[j]!) / (sw[j]! * sw[j]!) : NaN;
  }
  return { risk: R, variance: V, classRisk };
}

/** The expected risk of decisions (class indices, or −1 for reject) against true labels under a cost matrix. */
export function expectedRisk(decisions: ArrayLike<number>, labels: ArrayLike<number>, cost: number[][], options: ExpectedRiskOptions = {}): RiskEstimate {
  const fn = 'expectedRisk';
  const K = checkCostMatrix(cost, fn);
  checkSameLength(decisions, labels, 'decisions', 'labels', fn);
  checkLabels(labels, K, fn);
  const n = labels.length;
  if (n === 0) throw new DiscernError('DATA_INVALID', `${fn}: the sample is empty; the risk needs at least one labelled event`, { function: fn });
  const confidence = options.confidence ?? 0.95;
  checkConfidence(confidence, fn);
  const { rejectCost } = options;
  if (rejectCost !== undefined && !Number.isFinite(rejectCost)) {
    throw new DiscernError('INVALID_ARGUMENT', `${fn}: rejectCost must be a finite number, got ${rejectCost}`, { function: fn, rejectCost });
  }
  const weights = options.weights;
  if (weights) {
    checkSameLength(weights, labels, 'weights', 'labels', fn);
    checkFiniteVector(weights, 'weight', fn);
  }
  const w = new Float64Array(n);
  const costs = new Float64Array(n);
  const classW = new Float64Array(K);
  const classN = new Int32Array(K);
  const confusion = Array.from({ length: K }, () => new Array<number>(K).fill(0));
  const weightedConfusion = Array.from({ length: K }, () => new Array<number>(K).fill(0));
  const rejected = new Array<number>(K).fill(0);
  const weightedRejected = new Array<number>(K).fill(0);
  for (let i = 0; i < n; i++) {
    const d = decisions[i]!, y = labels[i]!;
    const wi = weights ? weights[i]! : 1;
    w[i] = wi;
    classW[y]! += wi;
    classN[y]!++;
    if (d === REJECT) {
      if (rejectCost === undefined) {
        throw new DiscernError('INVALID_ARGUMENT', `${fn}: the decision at index ${i} is a reject (−1) but no rejectCost was given`, { function: fn, index: i });
      }
      costs[i] = rejectCost;
      rejected[y]!++;
      weightedRejected[y]! += wi;
    } else if (Number.isInteger(d) && d >= 0 && d < K) {
      costs[i] = cost[d]![y]!;
      confusion[y]![d]!++;
      weightedConfusion[y]![d]! += wi;
    } else {
      throw new DiscernError('DATA_INVALID', `${fn}: the decision at index ${i} is ${d}; decisions must be class indices 0..${K - 1} or −1 (reject)`, { function: fn, index: i, value: d });
    }
  }
  let W = 0;
  for (let j = 0; j < K; j++) W += classW[j]!;
  if (!(W > 0)) throw new DiscernError('DATA_INVALID', `${fn}: the event weights sum to ${W}; the total must be positive`, { function: fn, sum: W });

  let deploy: Float64Array | null = null;
  const priorFactors = new Array<number>(K).fill(1);
  if (options.deployPriors !== undefined) {
    deploy = checkPriors(Array.from(options.deployPriors), K, 'deployPriors', fn);
    for (let j = 0; j < K; j++) {
      if (deploy[j]! === 0) {
        priorFactors[j] = 0;
        continue;
      }
      if (!(classW[j]! > 0)) {
        throw new DiscernError(
          'DATA_INVALID',
          `${fn}: class ${j} has deployment prior ${deploy[j]} but ${classN[j] === 0 ? 'no events' : `total weight ${classW[j]}`} in the sample; its risk cannot be estimated`,
          { function: fn, class: j },
        );
      }
      priorFactors[j] = (deploy[j]! * W) / classW[j]!;
    }
  }
  const p: Prepared = { K, n, costs, w, labels, deploy };
  const all = new Int32Array(n);
  for (let i = 0; i < n; i++) all[i] = i;
  const point = estimate(p, all);

  let sumW = 0, sumW2 = 0;
  for (let i = 0; i < n; i++) {
    const wi = w[i]! * priorFactors[labels[i]!]!;
    sumW += wi;
    sumW2 += wi * wi;
  }
  const z = normIsf((1 - confidence) / 2);
  const method = options.interval ?? 'normal';
  let se: number;
  let interval: [number, number];
  if (method === 'normal') {
    se = Math.sqrt(point.variance);
    interval = [point.risk - z * se, point.risk + z * se];
  } else if (method === 'bootstrap') {
    const B = options.nBootstrap ?? 1000;
    if (!(Number.isInteger(B) && B >= 10)) throw new DiscernError('INVALID_ARGUMENT', `${fn}: nBootstrap must be an integer ≥ 10, got ${B}`, { function: fn, nBootstrap: B });
    const rng = createRng(options.seed ?? 0);
    const reps = new Float64Array(B);
    // Resample within classes when the class mix is fixed by deployment priors, else the whole sample.
    const strata: number[][] = deploy ? Array.from({ length: K }, () => []) : [[]];
    for (let i = 0; i < n; i++) strata[deploy ? labels[i]! : 0]!.push(i);
    const idx = new Int32Array(n);
    for (let b = 0; b < B; b++) {
      let t = 0;
      for (const s of strata) for (let m = 0; m < s.length; m++) idx[t++] = s[rng.int(s.length)]!;
      reps[b] = estimate(p, idx).risk;
    }
    let mean = 0;
    for (const r of reps) mean += r / B;
    let v = 0;
    for (const r of reps) v += (r - mean) ** 2;
    se = Math.sqrt(v / (B - 1));
    reps.sort();
    const q = (u: number): number => reps[Math.min(B - 1, Math.max(0, Math.round(u * (B - 1))))]!;
    interval = [q((1 - confidence) / 2), q(1 - (1 - confidence) / 2)];
  } else {
    throw new DiscernError('INVALID_ARGUMENT', `${fn}: interval must be 'normal' or 'bootstrap', got ${String(method)}`, { function: fn });
  }
  return {
    risk: point.risk,
    standardError: se,
    interval,
    confidence,
    method,
    classRisk: point.classRisk,
    priorFactors,
    n,
    effectiveN: (sumW * sumW) / sumW2,
    confusion,
    rejected,
    weightedConfusion,
    weightedRejected,
  };
}
