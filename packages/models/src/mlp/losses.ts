import { logSumExp, sigmoid, softmaxInto, softplus } from '@discern/linalg';

/**
 * Output layer and loss. `z` holds the output pre-activations (logits) of m rows: one column for two classes
 * (a sigmoid unit giving P(class 1)), K columns for K > 2 (softmax).
 *
 * Per-sample losses (t = one-hot target, p = output probabilities):
 *   'log': binary −[y log p + (1−y) log(1−p)], K classes −log p_y; computed from the logits (softplus,
 *          log-sum-exp) so no probability is ever clipped: scikit-learn clips p to [ε, 1−ε], which only
 *          differs once p is within 2.2e-16 of 0 or 1.
 *   'mse': ½ Σ_k (p_k − t_k)² on the sigmoid/softmax outputs (the ½‖t − o‖² of the classic back-propagation
 *          exercises; one term for the binary sigmoid unit).
 */
export type Loss = 'log' | 'mse';

export const LOSSES: readonly Loss[] = ['log', 'mse'];

/** Turns the logits of m rows into probabilities in `p` (m × outputs). */
export function outputProbabilities(z: Float64Array, p: Float64Array, m: number, outputs: number): void {
  if (outputs === 1) {
    for (let i = 0; i < m; i++) p[i] = sigmoid(z[i]!);
    return;
  }
  for (let i = 0; i < m; i++) softmaxInto(z, i * outputs, outputs, p, i * outputs);
}

/**
 * Computes p from z, returns Σ_i w_i ℓ_i, and writes into `delta` the gradient of (scale · Σ_i w_i ℓ_i)
 * with respect to z. `y` holds the class index of each row, `w` the row weights.
 */
export function lossAndOutputDelta(
  loss: Loss,
  z: Float64Array,
  p: Float64Array,
  delta: Float64Array,
  y: Int32Array,
  w: Float64Array,
  m: number,
  outputs: number,
  scale: number,
): number {
  let total = 0;
  if (outputs === 1) {
    for (let i = 0; i < m; i++) {
      const zi = z[i]!;
      const pi = sigmoid(zi);
      p[i] = pi;
      const t = y[i] === 1 ? 1 : 0;
      const wi = w[i]!;
      const r = pi - t;
      if (loss === 'log') {
        total += wi * (t === 1 ? softplus(-zi) : softplus(zi));
        delta[i] = wi * scale * r;
      } else {
        total += wi * 0.5 * r * r;
        delta[i] = wi * scale * r * pi * (1 - pi);
      }
    }
    return total;
  }
  for (let i = 0; i < m; i++) {
    const o = i * outputs;
    const yi = y[i]!;
    // the row's softmax into p, and its log-sum-exp: the normaliser of the log loss
    const lse = softmaxInto(z, o, outputs, p, o);
    const ws = w[i]! * scale;
    if (loss === 'log') {
      total += w[i]! * (lse - z[o + yi]!);
      for (let k = 0; k < outputs; k++) delta[o + k] = ws * (p[o + k]! - (k === yi ? 1 : 0));
    } else {
      // ∂/∂z_j ½Σ_k (p_k − t_k)² = p_j [(p_j − t_j) − Σ_k (p_k − t_k) p_k]  (softmax Jacobian)
      let sq = 0;
      let dot = 0;
      for (let k = 0; k < outputs; k++) {
        const r = p[o + k]! - (k === yi ? 1 : 0);
        sq += r * r;
        dot += r * p[o + k]!;
      }
      total += w[i]! * 0.5 * sq;
      for (let k = 0; k < outputs; k++) {
        const pk = p[o + k]!;
        delta[o + k] = ws * pk * (pk - (k === yi ? 1 : 0) - dot);
      }
    }
  }
  return total;
}

/** Σ_i w_i ℓ_i and the weighted number of correct argmax predictions, from probabilities p (validation). */
export function lossFromProbabilities(loss: Loss, z: Float64Array, p: Float64Array, y: Int32Array, w: Float64Array, m: number, outputs: number): { loss: number; correct: number } {
  let total = 0;
  let correct = 0;
  for (let i = 0; i < m; i++) {
    const yi = y[i]!;
    const wi = w[i]!;
    if (outputs === 1) {
      const zi = z[i]!;
      const pi = p[i]!;
      const t = yi === 1 ? 1 : 0;
      if (loss === 'log') total += wi * (t === 1 ? softplus(-zi) : softplus(zi));
      else total += wi * 0.5 * (pi - t) * (pi - t);
      // predict() takes argmax of [1−p, p], the first index winning ties: class 1 only when p > 0.5
      if ((pi > 1 - pi ? 1 : 0) === t) correct += wi;
      continue;
    }
    const o = i * outputs;
    let best = 0;
    let max = z[o]!;
    for (let k = 1; k < outputs; k++)
      if (z[o + k]! > max) {
        max = z[o + k]!;
        best = k;
      }
    if (loss === 'log') total += wi * (logSumExp(z, o, outputs) - z[o + yi]!);
    else {
      let sq = 0;
      for (let k = 0; k < outputs; k++) {
        const r = p[o + k]! - (k === yi ? 1 : 0);
        sq += r * r;
      }
      total += wi * 0.5 * sq;
    }
    if (best === yi) correct += wi;
  }
  return { loss: total, correct };
}
