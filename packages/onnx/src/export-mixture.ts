/**
 * Gaussian mixtures (all four covariance types) and k-means. k-means computes in the input type: its distances are
 * compared relatively and its label is an argmin of them, which float32 meets with room (3.4e-7 on raw MAGIC rows
 * drawn to the edges of the training range).
 */
import { LOG_2PI } from '@discern/linalg';
import { type GaussianMixture, type KMeans } from '@discern/models';
import { type GaussianSpec, gaussianLogJoint, normaliseLogRows, squeezeCol } from './blocks.js';
import { type Family } from './family.js';

/**
 * A fitted mixture as a GaussianSpec with constants log π_k + log|U_k| − ½ p log 2π (plus `offset`, e.g. a class's
 * log prior). log|U_k| comes from the diagonal of scikit-learn's precisions_cholesky_ layout, as in the E-step.
 */
export function mixtureSpec(m: GaussianMixture): GaussianSpec {
  const w = m.weights;
  const means = m.means;
  const K = means.rows, p = means.cols;
  const U = m.precisionsCholesky;
  const type = m.covarianceType;
  const constant = new Float64Array(K);
  for (let k = 0; k < K; k++) {
    let logDet = 0;
    if (type === 'full' || type === 'tied') {
      const o = type === 'full' ? k * p * p : 0;
      for (let j = 0; j < p; j++) logDet += Math.log(U[o + j * p + j]!);
    } else if (type === 'diag') for (let j = 0; j < p; j++) logDet += Math.log(U[k * p + j]!);
    else logDet = p * Math.log(U[k]!);
    constant[k] = Math.log(w[k]!) + logDet - 0.5 * p * LOG_2PI;
  }
  return { K, p, shape: type, means: means.data, factor: U, constant };
}

export function gmmFamily(m: GaussianMixture): Family {
  const spec = mixtureSpec(m);
  return {
    role: 'density',
    kind: 'gmm',
    nFeatures: spec.p,
    K: spec.K,
    // float64 inside, as the Bayes classifiers (export-bayes.ts says why): responsibilities are differences of large
    // log joints; a 3-component full GMM on raw MAGIC missed the tolerance in float32 on drawn rows (1.4e-5 → 3.0e-8)
    compute: 'float64',
    build(b, x) {
      const J = gaussianLogJoint(b, x, spec);
      const { proba, lse } = normaliseLogRows(b, J);
      return { logDensity: squeezeCol(b, lse), responsibilities: proba, label: b.op('ArgMax', [J], { axis: 1, keepdims: 0 }) };
    },
    reference(X) {
      return { logDensity: m.scoreSamples(X), responsibilities: m.predictProba(X), label: m.predict(X) };
    },
  };
}

export function kmeansFamily(m: KMeans): Family {
  const C = m.clusterCenters;
  const k = C.rows, p = C.cols;
  return {
    role: 'clusters',
    kind: 'kmeans',
    nFeatures: p,
    K: k,
    build(b, x) {
      const d = b.op('Sub', [b.op('Unsqueeze', [x, b.ints([1])]), b.floats(C.data, [1, k, p], 'centers')]); // [N,k,p]
      const sq = b.op('ReduceSum', [b.op('Mul', [d, d]), b.ints([2])], { keepdims: 0 });
      return { distances: b.op('Sqrt', [sq]), label: b.op('ArgMin', [sq], { axis: 1, keepdims: 0 }) };
    },
    reference(X) {
      return { distances: m.transform(X), label: m.predict(X) };
    },
  };
}
