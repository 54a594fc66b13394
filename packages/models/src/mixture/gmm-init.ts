import { type DenseMatrix, type Rng } from '@discern/linalg';
import { type Cancellation } from '../cancel.js';
import { absoluteTolerance, kmeansPlusPlus, lloyd } from './kmeans.js';

/**
 * Initial responsibilities of a mixture fit (n×K, rows sum to one), as scikit-learn's `init_params`:
 * 'kmeans' — hard labels of one k-means run (k-means++ seeding + Lloyd); 'kmeans++' — only the K seeds get
 * responsibility 1, so each component starts as a point with covariance regCovar·I; 'random' — uniform random rows,
 * normalised; given means — each row to its nearest mean.
 *
 * Seeding uses the positive part of the event weights: a negatively weighted row should not attract a center.
 */
export type InitResp = 'kmeans' | 'kmeans++' | 'random' | { readonly means: Float64Array };

export function initialResponsibilities(X: DenseMatrix, w: Float64Array, K: number, init: InitResp, rng: Rng, cancel?: Cancellation): Float64Array {
  // the k-means of the initialisation says so when it is stopped: 'gmm at the k-means initialisation (Lloyd iteration 3) of restart 1'
  const inInit: Cancellation | undefined = cancel && { signal: cancel.signal, at: (place) => cancel.at(`the k-means initialisation (${place})`) };
  const { rows: n, cols: p, data } = X;
  const resp = new Float64Array(n * K);
  if (init === 'random') {
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += resp[i * K + k] = rng.uniform();
      for (let k = 0; k < K; k++) resp[i * K + k]! /= s;
    }
    return resp;
  }
  const wpos = new Float64Array(n);
  for (let i = 0; i < n; i++) wpos[i] = w[i]! > 0 ? w[i]! : 0;
  if (init === 'kmeans++') {
    const idx = kmeansPlusPlus(X, wpos, K, rng, inInit);
    for (let k = 0; k < K; k++) resp[idx[k]! * K + k] = 1;
    return resp;
  }
  let centers: Float64Array;
  if (init === 'kmeans') {
    const idx = kmeansPlusPlus(X, wpos, K, rng, inInit);
    centers = new Float64Array(K * p);
    for (let k = 0; k < K; k++) centers.set(data.subarray(idx[k]! * p, idx[k]! * p + p), k * p);
    lloyd(X, wpos, centers, K, 300, absoluteTolerance(X, 1e-4), inInit);
  } else centers = init.means;
  for (let i = 0; i < n; i++) {
    let bd = Infinity, bk = 0;
    for (let k = 0; k < K; k++) {
      let s = 0;
      for (let j = 0; j < p; j++) {
        const d = data[i * p + j]! - centers[k * p + j]!;
        s += d * d;
      }
      if (s < bd) {
        bd = s;
        bk = k;
      }
    }
    resp[i * K + bk] = 1;
  }
  return resp;
}
