/**
 * Minimum-Bayes-risk decisions (classification chapter §5.3.5–5.3.6) from posteriors P(C_j|x), an n×K matrix.
 *
 * Cost convention: cost[i][j] = c_ij = the cost of deciding class i when class j is true (0-based: class 0 = C1).
 * Costs may be negative (rewards for correct decisions, as in the chapter). The conditional risk of deciding i is
 *   r_i(x) = Σ_j c[i][j] P(C_j|x),
 * and the minimum-risk rule decides argmin_i r_i(x), ties to the lowest index. MAP is the special case of 0-1
 * costs; maximum likelihood is MAP after re-weighting the posteriors from the training priors to equal priors.
 *
 * Reject option (C. K. Chow, IEEE Trans. Inf. Theory 16 (1970) 41): when min_i r_i(x) > rejectCost the event is
 * not classified and gets the decision REJECT = −1 (−1 rather than K so that adding a class never changes the
 * meaning of a stored decision, and so that it cannot be mistaken for a class index).
 */
import { type DenseMatrix, zeros } from '@discern/linalg';
import { DiscernError } from '@discern/core';
import { checkCostMatrix, checkPosteriors, checkPriors } from './validate.js';

/** The decision given to rejected events (Chow's reject option). */
export const REJECT = -1;

/** The 0-1 cost matrix of size K: every error costs 1, every correct decision 0 (minimum risk = MAP). */
export function zeroOneCost(K: number): number[][] {
  if (!(Number.isInteger(K) && K >= 2)) throw new DiscernError('INVALID_ARGUMENT', `zeroOneCost: K must be an integer ≥ 2, got ${K}`, { K });
  return Array.from({ length: K }, (_, i) => Array.from({ length: K }, (_, j) => (i === j ? 0 : 1)));
}

function checkRejectCost(rejectCost: number | undefined, fn: string): void {
  if (rejectCost !== undefined && !Number.isFinite(rejectCost)) {
    throw new DiscernError('INVALID_ARGUMENT', `${fn}: rejectCost must be a finite number (the cost of not classifying an event), got ${rejectCost}`, { function: fn, rejectCost });
  }
}

/** The n×K matrix of conditional risks r_i(x) = Σ_j cost[i][j] P(C_j|x). */
export function conditionalRisks(posteriors: DenseMatrix, cost: number[][]): DenseMatrix {
  const fn = 'conditionalRisks';
  const K = checkCostMatrix(cost, fn);
  checkPosteriors(posteriors, fn, K);
  return risksUnchecked(posteriors, cost, K);
}

function risksUnchecked(P: DenseMatrix, cost: number[][], K: number): DenseMatrix {
  const out = zeros(P.rows, K);
  for (let r = 0; r < P.rows; r++) {
    for (let i = 0; i < K; i++) {
      const ci = cost[i]!;
      let s = 0;
      for (let j = 0; j < K; j++) s += ci[j]! * P.data[r * K + j]!;
      out.data[r * K + i] = s;
    }
  }
  return out;
}

export interface MinRiskOptions {
  /** Chow's reject option: reject (decision −1) when the smallest conditional risk exceeds this cost. */
  rejectCost?: number;
}

/** The minimum-risk decision per row: argmin_i Σ_j cost[i][j] P(C_j|x) (ties → lowest index), or REJECT. */
export function minRiskDecide(posteriors: DenseMatrix, cost: number[][], options: MinRiskOptions = {}): Int32Array {
  const fn = 'minRiskDecide';
  const K = checkCostMatrix(cost, fn);
  checkPosteriors(posteriors, fn, K);
  checkRejectCost(options.rejectCost, fn);
  const R = risksUnchecked(posteriors, cost, K);
  const out = new Int32Array(posteriors.rows);
  for (let r = 0; r < posteriors.rows; r++) {
    let best = 0;
    let bestRisk = R.data[r * K]!;
    for (let i = 1; i < K; i++) {
      const v = R.data[r * K + i]!;
      if (v < bestRisk) {
        bestRisk = v;
        best = i;
      }
    }
    out[r] = options.rejectCost !== undefined && bestRisk > options.rejectCost ? REJECT : best;
  }
  return out;
}

function argmaxRows(P: DenseMatrix): Int32Array {
  const K = P.cols;
  const out = new Int32Array(P.rows);
  for (let r = 0; r < P.rows; r++) {
    let best = 0;
    for (let j = 1; j < K; j++) if (P.data[r * K + j]! > P.data[r * K + best]!) best = j;
    out[r] = best;
  }
  return out;
}

/** Maximum a posteriori: argmax_j P(C_j|x), ties → lowest index (= minimum risk with 0-1 costs). */
export function mapDecide(posteriors: DenseMatrix): Int32Array {
  checkPosteriors(posteriors, 'mapDecide');
  return argmaxRows(posteriors);
}

/**
 * Re-weights posteriors to other class priors (Saerens, Latinne & Decaestecker, Neural Computation 14 (2002) 21):
 *   P'(C_j|x) = P(C_j|x)·π'_j/π_j / Σ_k P(C_k|x)·π'_k/π_k.
 * trainPriors are the priors the posteriors were computed with (usually the training class fractions; each > 0),
 * deployPriors those of the population the rule is applied to (each ≥ 0).
 */
export function reweightPosteriors(posteriors: DenseMatrix, trainPriors: ArrayLike<number>, deployPriors: ArrayLike<number>): DenseMatrix {
  const fn = 'reweightPosteriors';
  checkPosteriors(posteriors, fn);
  const K = posteriors.cols;
  const pt = checkPriors(Array.from(trainPriors), K, 'trainPriors', fn, true);
  const pd = checkPriors(Array.from(deployPriors), K, 'deployPriors', fn);
  return reweightUnchecked(posteriors, pt, pd, fn);
}

function reweightUnchecked(P: DenseMatrix, trainPriors: Float64Array, deployPriors: Float64Array, fn: string): DenseMatrix {
  const K = P.cols;
  const ratio = new Float64Array(K);
  for (let j = 0; j < K; j++) ratio[j] = deployPriors[j]! / trainPriors[j]!;
  const out = zeros(P.rows, K);
  for (let r = 0; r < P.rows; r++) {
    let s = 0;
    for (let j = 0; j < K; j++) s += (out.data[r * K + j] = P.data[r * K + j]! * ratio[j]!);
    if (!(s > 0)) {
      throw new DiscernError('DATA_INVALID', `${fn}: the posterior at row ${r} puts all its mass on classes whose deployment prior is 0; it cannot be re-weighted`, { function: fn, row: r });
    }
    for (let j = 0; j < K; j++) out.data[r * K + j]! /= s;
  }
  return out;
}

/** Posteriors after re-weighting, validated; used by the rules module. */
export function reweightChecked(P: DenseMatrix, trainPriors: unknown, deployPriors: unknown, fn: string): DenseMatrix {
  const K = P.cols;
  const pt = checkPriors(trainPriors, K, 'trainPriors', fn, true);
  const pd = checkPriors(deployPriors, K, 'priors', fn);
  return reweightUnchecked(P, pt, pd, fn);
}

/**
 * Maximum likelihood: argmax_j p(x|C_j), i.e. MAP after re-weighting the posteriors from the training priors to
 * equal priors (argmax_j P(C_j|x)/π_j).
 */
export function mlDecide(posteriors: DenseMatrix, trainPriors: ArrayLike<number>): Int32Array {
  const fn = 'mlDecide';
  checkPosteriors(posteriors, fn);
  const K = posteriors.cols;
  const pt = checkPriors(Array.from(trainPriors), K, 'trainPriors', fn, true);
  return argmaxRows(reweightUnchecked(posteriors, pt, new Float64Array(K).fill(1 / K), fn));
}

/** A = c[1][0] − c[0][0] (excess cost of a false positive), B = c[0][1] − c[1][1] (of a false negative). */
function binaryExcessCosts(cost: number[][], fn: string): { A: number; B: number } {
  checkCostMatrix(cost, fn, 2);
  const A = cost[1]![0]! - cost[0]![0]!;
  const B = cost[0]![1]! - cost[1]![1]!;
  if (!(A > 0 && B > 0)) {
    throw new DiscernError(
      'INVALID_ARGUMENT',
      `${fn}: a wrong decision must cost more than a right one: need cost[1][0] > cost[0][0] (got ${cost[1]![0]} vs ${cost[0]![0]}) and cost[0][1] > cost[1][1] (got ${cost[0]![1]} vs ${cost[1]![1]}); otherwise one class is always chosen — use minRiskDecide for such costs`,
      { function: fn, A, B },
    );
  }
  return { A, B };
}

/**
 * The two-class minimum-risk rule as a likelihood-ratio threshold. Deciding C2 (index 1) has lower risk iff
 *   r_0 − r_1 = (c[0][1] − c[1][1])·P(C2|x) − (c[1][0] − c[0][0])·P(C1|x) > 0
 *   ⇔ (c[0][1] − c[1][1])·π2·p(x|C2) > (c[1][0] − c[0][0])·π1·p(x|C1)   (Bayes: P(C_j|x) ∝ π_j p(x|C_j))
 *   ⇔ ln L(x) > ln ξ = ln((c[1][0] − c[0][0])·π1) − ln((c[0][1] − c[1][1])·π2).
 * priors = [π1, π2] of the population the rule is applied to. Use with lrtDecide (ties → C1).
 */
export function bayesLlrThreshold(cost: number[][], priors: ArrayLike<number>): number {
  const fn = 'bayesLlrThreshold';
  const { A, B } = binaryExcessCosts(cost, fn);
  const p = checkPriors(Array.from(priors), 2, 'priors', fn);
  return Math.log(A * p[0]!) - Math.log(B * p[1]!);
}

/**
 * The same rule as a threshold on the posterior P(C2|x): decide C2 iff P(C2|x) > t. When the posterior already
 * carries the deployment priors, t = A/(A + B) with A = c[1][0] − c[0][0], B = c[0][1] − c[1][1] (priors drop out).
 * When it was computed under other priors (trainPriors, e.g. balanced training classes), the odds are re-weighted:
 * decide C2 iff P/(1−P) > κ = (A·π'1·π2)/(B·π'2·π1), i.e. t = κ/(1 + κ) (π' = priors, π = trainPriors).
 */
export function bayesPosteriorThreshold(cost: number[][], priors?: ArrayLike<number>, trainPriors?: ArrayLike<number>): number {
  const fn = 'bayesPosteriorThreshold';
  const { A, B } = binaryExcessCosts(cost, fn);
  if (trainPriors !== undefined && priors === undefined) {
    throw new DiscernError('INVALID_ARGUMENT', `${fn}: trainPriors was given without the deployment priors; give both, or neither when the posterior already carries the deployment priors`, { function: fn });
  }
  if (priors === undefined || trainPriors === undefined) {
    if (priors !== undefined) checkPriors(Array.from(priors), 2, 'priors', fn);
    return A / (A + B);
  }
  const pd = checkPriors(Array.from(priors), 2, 'priors', fn);
  const pt = checkPriors(Array.from(trainPriors), 2, 'trainPriors', fn, true);
  const num = A * pd[0]! * pt[1]!, den = B * pd[1]! * pt[0]!;
  return num / (num + den); // = κ/(1+κ), finite for π' on the boundary
}
