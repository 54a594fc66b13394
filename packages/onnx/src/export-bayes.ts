/**
 * The Bayes classifiers: Gaussian naive Bayes, LDA, QDA and the generative classifier (one density per class).
 * Each builds the joint log-likelihoods J_k = log π_k + log p(x|k) and normalises them with a stable log-sum-exp,
 * as BayesClassifierBase does.
 *
 * All of them compute in float64, also behind a float32 input and outputs (Family.compute; the graph casts after the
 * input and before each float output). Why: their outputs are differences of large log densities — posteriors
 * exp(J_k − logsumexp J), the log-likelihood ratio log p(x|pos) − log p(x|neg) — and float32 arithmetic leaves each
 * J_k with an absolute error of ~6e-8 × the size of its terms (quadratic forms of hundreds to thousands away from
 * the bulk, raw-unit linear terms of thousands for LDA), which the difference keeps while the values cancel.
 * Measured at float32 (max difference against the TypeScript model; tolerance 1e-5; float32 arithmetic → float64
 * inside): the 4-component full GMM per class of configs/magic-gmm-likelihood.yaml on rows drawn from its training
 * summary, score 5.8e-5 → 5.9e-8; LDA on raw MAGIC, posteriors 2.6e-5 → 3.0e-8; QDA on iris, drawn rows 1.1e-5 →
 * 3.0e-8. Subtracting a per-row shift before the difference changes nothing (the rounding is in each J_k, not in
 * the subtraction), and centring the inputs on the training mean does not help a model that is already fitted on
 * standardised data (the GMM case). The cost: scoring MAGIC-sized rows on the CPU is 1.2–1.6× slower.
 */
import { type DenseMatrix, LOG_2PI, cholesky, lowerInverse } from '@discern/linalg';
import { DiscernError } from '@discern/core';
import { type DensityModel, type GaussianDensity, type GaussianMixture, type GaussianNB, type GenerativeClassifier, type LDA, type QDA } from '@discern/models';
import { type GaussianSpec, column, dense, gaussianLogJoint, logSumExpRows, normaliseLogRows, transposed } from './blocks.js';
import { type Family, type Heads, columnOf } from './family.js';
import { type GraphBuilder } from './graph.js';
import { mixtureSpec } from './export-mixture.js';

interface BayesLike {
  readonly nClasses: number;
  readonly nFeatures: number;
  predictProba(X: DenseMatrix): DenseMatrix;
  predict(X: DenseMatrix): Int32Array;
}

/** Posteriors, P(positive) as score for two classes, and argmax J as the label. */
function classifierHeads(b: GraphBuilder, J: string, K: number, positive: number): Heads {
  const { proba } = normaliseLogRows(b, J);
  return { proba, ...(K === 2 ? { score: column(b, proba, positive) } : {}), label: b.op('ArgMax', [J], { axis: 1, keepdims: 0 }) };
}

function bayesFamily(m: BayesLike, kind: string, joint: (b: GraphBuilder, x: string) => string): Family {
  const K = m.nClasses;
  return {
    role: 'classifier',
    kind,
    nFeatures: m.nFeatures,
    K,
    compute: 'float64', // see the module comment
    ...(K === 2 ? { scoreKind: 'probability' as const } : {}),
    build: (b, x, positive) => classifierHeads(b, joint(b, x), K, positive),
    reference(X, positive) {
      const proba = m.predictProba(X);
      return { proba, ...(K === 2 ? { score: columnOf(proba, positive) } : {}), label: m.predict(X) };
    },
  };
}

export function gaussianNBFamily(m: GaussianNB): Family {
  const K = m.nClasses, p = m.nFeatures;
  const v = m.variances.data;
  const constant = new Float64Array(K);
  for (let k = 0; k < K; k++) {
    let s = 0;
    for (let j = 0; j < p; j++) s += LOG_2PI + Math.log(v[k * p + j]!);
    constant[k] = Math.log(m.priors[k]!) - 0.5 * s;
  }
  const spec: GaussianSpec = { K, p, shape: 'variances', means: m.means.data, factor: v, constant };
  return bayesFamily(m, 'gaussian-nb', (b, x) => gaussianLogJoint(b, x, spec));
}

export function ldaFamily(m: LDA): Family {
  const K = m.nClasses, p = m.nFeatures;
  const B = m.classCoef;
  return bayesFamily(m, 'lda', (b, x) => dense(b, x, transposed(B.data, K, p), m.classIntercept, p, K));
}

/** U = (L⁻¹)ᵀ (upper, row-major) of a covariance, so that ‖(x−μ)ᵀU‖² = (x−μ)ᵀΣ⁻¹(x−μ), and log|U| = −½ log|Σ|. */
function precisionFactor(cov: ArrayLike<number>, p: number, what: string): { U: Float64Array; logDet: number } {
  let L: Float64Array;
  try {
    L = cholesky(cov, p).L;
  } catch (e) {
    throw new DiscernError('SINGULAR_COVARIANCE', `ONNX export: the covariance of ${what} does not factorise: ${(e as Error).message}`, { what }, { cause: e });
  }
  const inv = lowerInverse(L, p);
  const U = transposed(inv, p, p);
  let logDet = 0;
  for (let j = 0; j < p; j++) logDet += Math.log(inv[j * p + j]!);
  return { U, logDet };
}

export function qdaFamily(m: QDA): Family {
  const K = m.nClasses, p = m.nFeatures;
  const factor = new Float64Array(K * p * p);
  const constant = new Float64Array(K);
  m.covariances.forEach((c, k) => {
    const { U, logDet } = precisionFactor(c, p, `class ${k}`);
    factor.set(U, k * p * p);
    constant[k] = Math.log(m.priors[k]!) + logDet - 0.5 * p * LOG_2PI;
  });
  const spec: GaussianSpec = { K, p, shape: 'full', means: m.means.data, factor, constant };
  return bayesFamily(m, 'qda', (b, x) => gaussianLogJoint(b, x, spec));
}

/** A class density as a Gaussian spec (one component for GaussianDensity), or undefined for other kinds. */
function densitySpec(d: DensityModel, k: number): GaussianSpec {
  // by kind, as export.ts dispatches (another copy of @discern/models has other classes)
  if (d.kind === 'gmm') return mixtureSpec(d as GaussianMixture);
  if (d.kind === 'gaussian') {
    const g = d as GaussianDensity;
    const p = g.nFeatures;
    const { U, logDet } = precisionFactor(g.covariance, p, `the Gaussian density of class ${k}`);
    return { K: 1, p, shape: 'full', means: g.mean, factor: U, constant: [logDet - 0.5 * p * LOG_2PI] };
  }
  throw new DiscernError('INVALID_ARGUMENT', `ONNX export: class ${k} of the generative classifier has a density of kind '${d.kind}'; the exporter handles 'gmm' and 'gaussian' densities`, { class: k, kind: d.kind });
}

/**
 * The generative classifier: per class log p(x|k) (a mixture's log-sum-exp), `log_densities` [N,K], posteriors
 * from log π_k + log p(x|k), and for two classes `score` = log p(x|pos) − log p(x|neg), the log-likelihood ratio.
 */
export function generativeFamily(m: GenerativeClassifier): Family {
  const K = m.nClasses;
  const specs = m.densities.map((d, k) => densitySpec(d, k));
  const logPriors = Array.from(m.priors, (v) => Math.log(v));
  return {
    role: 'classifier',
    kind: 'generative',
    nFeatures: m.nFeatures,
    K,
    compute: 'float64', // see the module comment: the log-likelihood ratio of magic-gmm-likelihood missed 1e-5 in float32
    ...(K === 2 ? { scoreKind: 'llr' as const } : {}),
    build(b, x, positive, negative) {
      const cols = specs.map((s) => {
        const J = gaussianLogJoint(b, x, s);
        return s.K === 1 ? J : logSumExpRows(b, J);
      });
      const logDensities = b.op('Concat', cols, { axis: 1 });
      const J = b.op('Add', [logDensities, b.floats(logPriors, [1, K], 'logPrior')]);
      const heads = classifierHeads(b, J, K, positive);
      const score = K === 2 ? b.op('Sub', [column(b, logDensities, positive), column(b, logDensities, negative)]) : undefined;
      return { ...heads, logDensities, ...(score ? { score } : {}) };
    },
    reference(X, positive, negative) {
      const logDensities = m.classLogDensities(X);
      return {
        proba: m.predictProba(X),
        logDensities,
        ...(K === 2 ? { score: m.scoreLLR(X, positive, negative) } : {}),
        label: m.predict(X),
      };
    },
  };
}

