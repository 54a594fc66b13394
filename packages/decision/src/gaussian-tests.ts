/**
 * The analytic tests between two Gaussian classes as one worked example (classification chapter §5.3.4): for
 * given classes and lists of levels α, cuts and ln γ, every test's decision region and its α, β and power, the
 * statistic the tests cut on (x in 1-D, the LDA statistic wᵀx for a shared covariance) and its distribution
 * under each class, the analytic ROC, and the check of each test against a simulated sample (the measured rate
 * with its binomial interval, and whether the analytic value lies inside it).
 *
 * The worked example: C1 ~ N(0, 1), C2 ~ N(1, 1); α = 0.5 gives x > 0 (ln γ = −1/2), β = Q(1) = 0.1587 and
 * power 0.8413; the cut x > 1/2 (ln γ = 0) gives α = β = Q(1/2) = 0.3085.
 *
 * Moved from the pipeline's `gaussian-test` step (pipeline/src/steps/gaussian.ts, report/gaussian-figure.ts);
 * the operations and their order are the same, so its figures are unchanged bit for bit.
 */
import { DiscernError, type IntervalMethod, normCdf, normSf } from '@discern/core';
import { type ValueInterval, weightedRate } from './efficiency.js';
import {
  checkPair,
  type Gaussian1D,
  type SharedCovarianceGaussians,
  gaussianErrorsAtLogGamma,
  gaussianErrorsAtThreshold,
  gaussianLogLikelihoodRatio,
  gaussianNeymanPearson,
  ldaErrorsAt,
  ldaNeymanPearson,
} from './gaussian.js';
import { checkConfidence, checkFiniteVector, checkSameLength } from './validate.js';

/** Two 1-D normal classes: C1 (null hypothesis, background) and C2 (signal). */
export interface GaussianPair {
  readonly c1: Gaussian1D;
  readonly c2: Gaussian1D;
}

/** The tests wanted: Neyman–Pearson levels α, cuts on the statistic (decide C2 beyond them), and ln γ values. */
export interface GaussianTestRequest {
  readonly alpha?: readonly number[];
  readonly threshold?: readonly number[];
  readonly logGamma?: readonly number[];
}

/** A union of disjoint open intervals of the statistic (ends may be ±Infinity). */
export type Region = Array<[number, number]>;

/** One analytic test. */
export interface AnalyticGaussianTest {
  readonly kind: 'neyman-pearson' | 'threshold' | 'log-gamma';
  /** A short name for plots and logs, e.g. "NP α = 0.5: x > 0", "cut x > 0.5", "ln γ = 0". */
  readonly label: string;
  /** The requested level α of a Neyman–Pearson test, else null. */
  readonly level: number | null;
  /** The cut on the statistic when R2 is a half-line, else null (a two-sided or interval region). */
  readonly threshold: number | null;
  /** 'above': decide C2 when statistic > threshold; null with the threshold. */
  readonly direction: 'above' | 'below' | null;
  /** ln γ of the likelihood-ratio test; null for a cut that is not one (1-D classes with unequal variances). */
  readonly logGamma: number | null;
  /** The decision region R2 (decide C2) on the statistic. */
  readonly region: Region;
  /** Type I error P(R2 | C1). */
  readonly alpha: number;
  /** Type II error P(not R2 | C2). */
  readonly beta: number;
  /** Power P(R2 | C2). */
  readonly power: number;
}

/** The tests and the statistic they cut on. */
export interface GaussianTestSet {
  readonly model: 'gaussian-1d' | 'gaussian-shared-covariance';
  /** Dimension of the data x. */
  readonly dims: number;
  /** 'x' in 1-D, 'wᵀx' for a shared covariance. */
  readonly statisticName: 'x' | 'wᵀx';
  /** The normal distribution of the statistic under C1 and under C2 (x itself in 1-D; wᵀx ~ N(wᵀμ_k, Δ²)). */
  readonly statistic1: Gaussian1D;
  readonly statistic2: Gaussian1D;
  /** Shared covariance: the LDA direction w = Σ⁻¹(μ2 − μ1), Δ = √((μ2 − μ1)ᵀΣ⁻¹(μ2 − μ1)), offset wᵀ(μ1 + μ2)/2; null in 1-D. */
  readonly lda: { readonly direction: number[]; readonly mahalanobis: number; readonly offset: number } | null;
  /** The Neyman–Pearson tests, then the cuts, then the ln γ tests, each in the order requested. */
  readonly tests: AnalyticGaussianTest[];
}

const isPair = (c: GaussianPair | SharedCovarianceGaussians): c is GaussianPair => 'c1' in c;

/**
 * The analytic tests for two 1-D normal classes ({ c1, c2 }) or two multivariate ones sharing a covariance
 * ({ mean1, mean2, covariance }). Invalid classes or levels throw INVALID_ARGUMENT from the functions of gaussian.ts.
 */
export function gaussianTests(classes: GaussianPair | SharedCovarianceGaussians, request: GaussianTestRequest): GaussianTestSet {
  const alphas = request.alpha ?? [], thresholds = request.threshold ?? [], logGammas = request.logGamma ?? [];
  const tests: AnalyticGaussianTest[] = [];
  if (isPair(classes)) {
    const { c1, c2 } = classes;
    const equal = c1.sd === c2.sd;
    for (const a of alphas) {
      const r = gaussianNeymanPearson(c1, c2, a);
      const sign = r.cut?.direction === 'above' ? '>' : '<';
      tests.push({
        kind: 'neyman-pearson',
        label: r.cut ? `NP α = ${a}: x ${sign} ${+r.cut.threshold.toPrecision(4)}` : `NP α = ${a}`,
        level: a,
        threshold: r.cut ? r.cut.threshold : null,
        direction: r.cut ? r.cut.direction : null,
        logGamma: r.logGamma,
        region: r.region,
        alpha: r.alpha,
        beta: r.beta,
        power: r.power,
      });
    }
    for (const t of thresholds) {
      const r = gaussianErrorsAtThreshold(c1, c2, t);
      tests.push({
        kind: 'threshold',
        label: `cut x ${r.direction === 'above' ? '>' : '<'} ${t}`,
        level: null,
        threshold: t,
        direction: r.direction,
        // With equal variances a cut on x is a likelihood-ratio test, ln γ = ln L(t); otherwise it is not one.
        logGamma: equal ? gaussianLogLikelihoodRatio(t, c1, c2) : null,
        region: r.direction === 'above' ? [[t, Infinity]] : [[-Infinity, t]],
        alpha: r.alpha,
        beta: r.beta,
        power: r.power,
      });
    }
    for (const lg of logGammas) {
      const r = gaussianErrorsAtLogGamma(c1, c2, lg);
      tests.push({
        kind: 'log-gamma',
        label: `ln γ = ${lg}`,
        level: null,
        threshold: r.cut?.threshold ?? null,
        direction: r.cut?.direction ?? null,
        logGamma: lg,
        region: r.region,
        alpha: r.alpha,
        beta: r.beta,
        power: r.power,
      });
    }
    return { model: 'gaussian-1d', dims: 1, statisticName: 'x', statistic1: { ...c1 }, statistic2: { ...c2 }, lda: null, tests };
  }
  const base = ldaErrorsAt(classes, { threshold: 0 });
  const w = base.direction;
  // wᵀμ as a running sum in component order (the pipeline's figures were computed so).
  let m1 = 0, m2 = 0;
  for (let k = 0; k < classes.mean1.length; k++) m1 += classes.mean1[k]! * w[k]!;
  for (let k = 0; k < classes.mean2.length; k++) m2 += classes.mean2[k]! * w[k]!;
  const add = (kind: AnalyticGaussianTest['kind'], label: string, level: number | null, r: ReturnType<typeof ldaErrorsAt>): void => {
    tests.push({ kind, label, level, threshold: r.threshold, direction: 'above', logGamma: r.logGamma, region: [[r.threshold, Infinity]], alpha: r.alpha, beta: r.beta, power: r.power });
  };
  for (const a of alphas) add('neyman-pearson', `NP α = ${a}`, a, ldaNeymanPearson(classes, a));
  for (const t of thresholds) add('threshold', `cut wᵀx > ${t}`, null, ldaErrorsAt(classes, { threshold: t }));
  for (const lg of logGammas) add('log-gamma', `ln γ = ${lg}`, null, ldaErrorsAt(classes, { logGamma: lg }));
  return {
    model: 'gaussian-shared-covariance',
    dims: classes.mean1.length,
    statisticName: 'wᵀx',
    statistic1: { mean: m1, sd: base.mahalanobis },
    statistic2: { mean: m2, sd: base.mahalanobis },
    lda: { direction: Array.from(w), mahalanobis: base.mahalanobis, offset: base.offset },
    tests,
  };
}

/** The statistic the tests cut on, for one event x: x itself in 1-D, Σ_k w_k x_k for a shared covariance. */
export function gaussianTestStatistic(set: GaussianTestSet, x: ArrayLike<number>): number {
  if (x.length !== set.dims) {
    throw new DiscernError('INVALID_ARGUMENT', `gaussianTestStatistic: an event has ${x.length} components but the classes have ${set.dims}`, { function: 'gaussianTestStatistic', length: x.length, dims: set.dims });
  }
  if (set.lda === null) return x[0]!;
  const w = set.lda.direction;
  let s = 0;
  for (let k = 0; k < w.length; k++) s += w[k]! * x[k]!;
  return s;
}

/** Whether a value lies in a region of open intervals. */
export function inRegion(v: number, region: Region): boolean {
  return region.some(([a, b]) => v > a && v < b);
}

/**
 * The analytic ROC of the likelihood-ratio test between two normal distributions of a statistic: a sweep of the
 * cut over μ ± 7σ when the variances are equal (the test is a cut), of ln γ over [−20, 20] otherwise, in
 * `steps` steps, with (0, 0) and (1, 1) added; points sorted by false-positive rate, then true-positive rate.
 */
export function gaussianRocCurve(c1: Gaussian1D, c2: Gaussian1D, steps = 400): { fpr: number[]; tpr: number[] } {
  if (!(Number.isInteger(steps) && steps >= 1)) throw new DiscernError('INVALID_ARGUMENT', `gaussianRocCurve: steps must be a positive integer, got ${steps}`, { function: 'gaussianRocCurve', steps });
  checkPair(c1, c2, 'gaussianRocCurve');
  const a = c1, b = c2;
  const pts: [number, number][] = [
    [0, 0],
    [1, 1],
  ];
  if (a.sd === b.sd) {
    const lo = Math.min(a.mean, b.mean) - 7 * a.sd, hi = Math.max(a.mean, b.mean) + 7 * a.sd;
    const up = b.mean >= a.mean;
    for (let i = 0; i <= steps; i++) {
      const t = lo + ((hi - lo) * i) / steps;
      pts.push(up ? [normSf((t - a.mean) / a.sd), normSf((t - b.mean) / b.sd)] : [normCdf((t - a.mean) / a.sd), normCdf((t - b.mean) / b.sd)]);
    }
  } else {
    for (let i = 0; i <= steps; i++) {
      const r = gaussianErrorsAtLogGamma(a, b, -20 + (40 * i) / steps);
      pts.push([r.alpha, r.power]);
    }
  }
  pts.sort((p, q) => p[0] - q[0] || p[1] - q[1]);
  return { fpr: pts.map((p) => p[0]), tpr: pts.map((p) => p[1]) };
}

/** A labelled sample of the statistic: its value per event, whether the event is of class C2, its weight. */
export interface StatisticSample {
  readonly statistic: ArrayLike<number>;
  /** 1 for a C2 (signal) event, 0 for C1. */
  readonly isC2: ArrayLike<number>;
  readonly weights?: ArrayLike<number>;
}

/** A measured rate, its interval, and whether the analytic value lies inside. */
export interface CheckedRate extends ValueInterval {
  readonly insideInterval: boolean;
}

export interface SimulatedTestCheck {
  /** Σw of the C1 and C2 events (their counts without weights). */
  readonly c1Weight: number;
  readonly c2Weight: number;
  readonly alpha: CheckedRate;
  readonly beta: CheckedRate;
  readonly power: CheckedRate;
  /** All three analytic values inside their intervals. */
  readonly insideInterval: boolean;
}

/**
 * A test checked against a simulated sample: α, β and power measured (weighted) with binomial intervals on
 * effective counts, and whether each analytic value lies inside its interval. A sample drawn from other classes
 * than the test assumes shows up as a value outside.
 */
export function checkGaussianTest(
  test: Pick<AnalyticGaussianTest, 'region' | 'alpha' | 'beta' | 'power'>,
  sample: StatisticSample,
  options: { readonly interval?: IntervalMethod; readonly confidence?: number } = {},
): SimulatedTestCheck {
  const fn = 'checkGaussianTest';
  const confidence = options.confidence ?? 0.95;
  checkConfidence(confidence, fn);
  const s = { method: options.interval ?? 'clopper-pearson', confidence };
  checkSameLength(sample.statistic, sample.isC2, 'statistic', 'isC2', fn);
  checkFiniteVector(sample.statistic, 'statistic', fn);
  const w = sample.weights;
  if (w) {
    checkSameLength(w, sample.statistic, 'weights', 'statistic', fn);
    checkFiniteVector(w, 'weight', fn);
  }
  const sum = [0, 0], sum2 = [0, 0], pass = [0, 0];
  for (let i = 0; i < sample.statistic.length; i++) {
    const c = sample.isC2[i]!;
    if (c !== 0 && c !== 1) throw new DiscernError('LABEL_INVALID', `${fn}: isC2 at index ${i} is ${c}; it must be 0 (C1) or 1 (C2)`, { function: fn, index: i, value: c });
    const wi = w ? w[i]! : 1;
    sum[c]! += wi;
    sum2[c]! += wi * wi;
    if (inRegion(sample.statistic[i]!, test.region)) pass[c]! += wi;
  }
  const judged = (e: ValueInterval, truth: number): CheckedRate => ({ ...e, insideInterval: e.interval[0] <= truth && truth <= e.interval[1] });
  const alpha = judged(weightedRate(pass[0]!, sum[0]!, sum2[0]!, s), test.alpha);
  const beta = judged(weightedRate(sum[1]! - pass[1]!, sum[1]!, sum2[1]!, s), test.beta);
  const power = judged(weightedRate(pass[1]!, sum[1]!, sum2[1]!, s), test.power);
  return { c1Weight: sum[0]!, c2Weight: sum[1]!, alpha, beta, power, insideInterval: alpha.insideInterval && beta.insideInterval && power.insideInterval };
}
