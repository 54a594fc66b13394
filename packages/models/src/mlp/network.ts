import { type Activation } from './activations.js';
import { activateInPlace, multiplyDerivativeInPlace } from './activations.js';
import { denseBackward, denseForward, denseGradient } from './kernels.js';
import { type Loss, lossAndOutputDelta, outputProbabilities } from './losses.js';

/**
 * The parameters of a dense network live in one flat Float64Array (so the optimisers, snapshots for early
 * stopping and finiteness checks are single loops). Layer l occupies [wOffset, wOffset + in·out) for its
 * weights W (in × out, row-major: W[k·out + j] connects input k to unit j) followed by out biases.
 * A layer computes A_next = f(A·W + b).
 */
export interface Architecture {
  /** Units per layer, input first: [nFeatures, ...hidden, outputs]. */
  readonly sizes: readonly number[];
  readonly activation: Activation;
  /** Offset of each layer's W in the flat parameter vector; its b follows at wOffset + in·out. */
  readonly wOffsets: readonly number[];
  readonly nParams: number;
}

export function architecture(sizes: readonly number[], activation: Activation): Architecture {
  const wOffsets: number[] = [];
  let off = 0;
  for (let l = 0; l + 1 < sizes.length; l++) {
    wOffsets.push(off);
    off += sizes[l]! * sizes[l + 1]! + sizes[l + 1]!;
  }
  return { sizes, activation, wOffsets, nParams: off };
}

/**
 * Forward/backward buffers for batches of up to `capacity` rows, allocated once per fit: the training loop
 * allocates nothing per batch or sample.
 */
export class Workspace {
  readonly arch: Architecture;
  readonly capacity: number;
  /** acts[0] is the input batch; acts[l] the output of layer l (hidden activations; logits for the last). */
  readonly acts: Float64Array[];
  /** deltas[l] = ∂(batch loss)/∂(pre-activation of layer l), same shape as acts[l] (deltas[0] unused). */
  readonly deltas: Float64Array[];
  /** Output probabilities (capacity × outputs). */
  readonly probs: Float64Array;
  constructor(arch: Architecture, capacity: number, withDeltas = true) {
    this.arch = arch;
    this.capacity = capacity;
    this.acts = arch.sizes.map((s) => new Float64Array(capacity * s));
    this.deltas = withDeltas ? arch.sizes.map((s, l) => new Float64Array(l === 0 ? 0 : capacity * s)) : [];
    this.probs = new Float64Array(capacity * arch.sizes[arch.sizes.length - 1]!);
  }

  /** Copies the rows `index[start..start+m)` of X (row-major, p columns) into the input buffer. */
  loadRows(X: Float64Array, p: number, index: Int32Array, start: number, m: number): void {
    const a0 = this.acts[0]!;
    for (let r = 0; r < m; r++) {
      const src = index[start + r]! * p;
      const dst = r * p;
      for (let k = 0; k < p; k++) a0[dst + k] = X[src + k]!;
    }
  }

  /** Forward pass of m rows already in acts[0]; leaves the logits in the last acts buffer. */
  forward(params: Float64Array, m: number): void {
    const { sizes, wOffsets, activation } = this.arch;
    const L = sizes.length - 1;
    for (let l = 0; l < L; l++) {
      const Z = this.acts[l + 1]!;
      const hidden = l < L - 1;
      const relu = hidden && activation === 'relu';
      denseForward(this.acts[l]!, m, sizes[l]!, params, wOffsets[l]!, sizes[l + 1]!, Z, relu);
      if (hidden && !relu) activateInPlace(activation, Z, m * sizes[l + 1]!);
    }
  }

  /** Output probabilities of the last forward pass. */
  probabilities(m: number): Float64Array {
    const sizes = this.arch.sizes;
    outputProbabilities(this.acts[sizes.length - 1]!, this.probs, m, sizes[sizes.length - 1]!);
    return this.probs;
  }

  /** ‖W‖² over the layers' weights, as found by the last `backprop`. */
  penalty = 0;

  /**
   * Forward and backward pass over m rows in acts[0] with labels y and weights w: writes into `grad` (same layout
   * as params) the gradient of scale·Σ_i w_i ℓ_i + (decay/2)·Σ_layers ‖W‖², returns Σ_i w_i ℓ_i and leaves Σ ‖W‖²
   * in `penalty`.
   */
  backprop(params: Float64Array, grad: Float64Array, y: Int32Array, w: Float64Array, m: number, loss: Loss, scale: number, decay: number): number {
    const { sizes, wOffsets, activation } = this.arch;
    const L = sizes.length - 1;
    this.forward(params, m);
    const data = lossAndOutputDelta(loss, this.acts[L]!, this.probs, this.deltas[L]!, y, w, m, sizes[L]!, scale);
    let penalty = 0;
    for (let l = L - 1; l >= 0; l--) {
      const p = sizes[l]!;
      const q = sizes[l + 1]!;
      const wOff = wOffsets[l]!;
      penalty += denseGradient(this.acts[l]!, m, p, this.deltas[l + 1]!, q, params, wOff, grad, decay);
      if (l > 0) {
        // D_prev = (D·Wᵀ) ⊙ f'(A_l); relu's mask is applied inside the product
        const relu = activation === 'relu';
        denseBackward(this.deltas[l + 1]!, m, q, params, wOff, p, this.deltas[l]!, relu ? this.acts[l] : undefined);
        if (!relu) multiplyDerivativeInPlace(activation, this.acts[l]!, this.deltas[l]!, m * p);
      }
    }
    this.penalty = penalty;
    return data;
  }

  /**
   * The batch objective of m rows in acts[0]
   *   J = (1/m) [ Σ_i w_i ℓ_i + (l2/2) Σ_layers ‖W‖² ]      (biases are not penalised),
   * scikit-learn's _backprop scaling with w ≡ 1 (alpha = l2). Writes ∂J/∂θ into `grad` and returns J.
   */
  lossAndGradient(params: Float64Array, grad: Float64Array, y: Int32Array, w: Float64Array, m: number, loss: Loss, l2: number): number {
    const scale = 1 / m;
    const data = this.backprop(params, grad, y, w, m, loss, scale, l2 * scale);
    return (data + 0.5 * l2 * this.penalty) * scale;
  }
}

/** True when every value is finite. */
export function allFinite(a: Float64Array): boolean {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i]!)) return false;
  return true;
}
