import { SimdHeap, simdEnabled } from '@discern/linalg';
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
 *
 * With the WebAssembly SIMD kernels (linalg's kernels.wat: `mm`, `colsum`, `sumsq`, `relu_mask`, `outer_mask`; the default where
 * the runtime has them), the buffers live in the kernels' own memory (one instance per workspace), with a copy of
 * the parameters, their gradient and a transposed copy of one layer's weights beside them; the JavaScript kernels
 * (kernels.ts) are the reference they reproduce bit for bit, and the path without SIMD.
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
  /** The SIMD kernels' memory, and the indices (in doubles) of every buffer in it; undefined on the JavaScript path. */
  private readonly simd: SimdLayout | undefined;
  /** The rows, labels and weights gatherRows picks from (setSource), on the JavaScript path or past MAX_HEAP_SOURCE. */
  private source: { X: Float64Array; y: Int32Array; w: Float64Array } | undefined;
  /** The batch's row numbers in the kernels' memory (gatherRows), with a source there (the memory does not grow after). */
  private readonly indexView: Int32Array | undefined;
  /** The sum of the numbers gatherRows touched ahead of its JavaScript copy: kept, so the loads are not optimised away. */
  private touched = 0;

  /**
   * `sourceRows`: room for a source of that many rows (setSource, gatherRows): in the kernels' memory where they are
   * on and the rows take at most MAX_HEAP_SOURCE bytes.
   */
  constructor(arch: Architecture, capacity: number, withDeltas = true, simd = simdEnabled(), readonly sourceRows = 0) {
    this.arch = arch;
    this.capacity = capacity;
    const L = arch.sizes.length;
    // The kernels read up to 3 rows past a batch (tiles of 4 rows whose extra rows are never stored): 4 rows of slack.
    const rows = capacity + 4;
    let maxW = 0;
    for (let l = 0; l + 1 < L; l++) maxW = Math.max(maxW, arch.sizes[l]! * arch.sizes[l + 1]!);
    const sizes = [...arch.sizes.map((s) => rows * s), ...(withDeltas ? arch.sizes.map((s, l) => (l === 0 ? 0 : rows * s)) : []), capacity * arch.sizes[L - 1]!, arch.nParams, arch.nParams, maxW];
    const sourceInHeap = sourceRows > 0 && sourceRows * (arch.sizes[0]! + 2) * 8 <= MAX_HEAP_SOURCE;
    // the source's rows [x, y, w] (7 doubles more, to start them on a cache line: see below), the batch's row numbers
    // (capacity int32, in doubles), its labels and weights
    if (sourceInHeap) sizes.push(sourceRows * (arch.sizes[0]! + 2) + 7, Math.ceil(capacity / 2), 2 * capacity);
    const heap = simd ? SimdHeap.create(sizes) : undefined;
    if (heap) {
      const at = sizes.map((n) => heap.alloc(n));
      const acts = at.slice(0, L);
      const deltas = withDeltas ? at.slice(L, 2 * L) : [];
      const rest = at.slice(withDeltas ? 2 * L : L);
      this.simd = { heap, acts, deltas, params: rest[1]!, grad: rest[2]!, wt: rest[3]!, source: sourceInHeap ? alignToLine(rest[4]!) : -1, index: sourceInHeap ? rest[5]! : -1, yw: sourceInHeap ? rest[6]! : -1 };
      this.indexView = sourceInHeap ? new Int32Array(heap.f64.buffer, rest[5]! * 8, capacity) : undefined;
      this.acts = arch.sizes.map((s, l) => heap.view(acts[l]!, capacity * s));
      this.deltas = withDeltas ? arch.sizes.map((s, l) => heap.view(deltas[l]!, l === 0 ? 0 : capacity * s)) : [];
      this.probs = heap.view(rest[0]!, capacity * arch.sizes[L - 1]!);
    } else {
      this.simd = undefined;
      this.indexView = undefined;
      this.acts = arch.sizes.map((s) => new Float64Array(capacity * s));
      this.deltas = withDeltas ? arch.sizes.map((s, l) => new Float64Array(l === 0 ? 0 : capacity * s)) : [];
      this.probs = new Float64Array(capacity * arch.sizes[L - 1]!);
    }
  }

  /**
   * Makes X (sourceRows × p, row-major), y and w the rows, labels and weights gatherRows picks from: copied into the
   * kernels' memory, each row with its label and weight after its features, [x₀ … x_{p−1}, y, w] (with 10 features
   * a row is then 96 bytes, two cache lines, where apart they touch four), or kept as they are.
   */
  setSource(X: Float64Array, y: Int32Array, w: Float64Array): void {
    const p = this.arch.sizes[0]!;
    const n = this.sourceRows;
    if (X.length !== n * p || y.length !== n || w.length !== n) throw new Error(`Workspace.setSource: ${y.length} rows of ${X.length / y.length} numbers for room of ${n} rows × ${p}`);
    const g = this.simd;
    if (!g || g.source < 0) {
      this.source = { X, y, w };
      return;
    }
    const f = g.heap.f64;
    const stride = p + 2;
    for (let i = 0; i < n; i++) {
      const o = g.source + i * stride;
      for (let k = 0; k < p; k++) f[o + k] = X[i * p + k]!;
      f[o + p] = y[i]!;
      f[o + p + 1] = w[i]!;
    }
  }

  /**
   * Copies the source's rows `index[start..start+m)` into the input buffer, as loadRows does (the same numbers), and
   * their labels and weights into yb and wb: by the `gather_rows` kernel from the source in the kernels' memory,
   * else in JavaScript. A batch's rows, picked by a shuffled order, come from anywhere in the source; past the
   * caches (and the TLB's reach: 133,140 rows of MAGIC span ~3,000 pages of 4 KB) each row is a miss, and the
   * JavaScript copy (~2 ns a number) keeps only a few rows' misses in flight. The kernel, a few instructions a row,
   * keeps many; the JavaScript path first touches each row's first and last feature, its label and its weight, a
   * short loop that overlaps their misses likewise, so that its copy finds the rows in cache.
   */
  gatherRows(index: Int32Array, start: number, m: number, yb: Int32Array, wb: Float64Array): void {
    const p = this.arch.sizes[0]!;
    const g = this.simd;
    const iv = this.indexView;
    if (g && iv) {
      for (let r = 0; r < m; r++) iv[r] = index[start + r]!;
      const k = g.heap.k;
      k.gather_rows(g.acts[0]! * 8, g.source * 8, p + 2, g.index * 8, m, p);
      // the labels and weights: from the rows just brought into cache
      k.gather_rows(g.yw * 8, (g.source + p) * 8, p + 2, g.index * 8, m, 2);
      const f = g.heap.f64;
      for (let r = 0; r < m; r++) {
        yb[r] = f[g.yw + 2 * r]!;
        wb[r] = f[g.yw + 2 * r + 1]!;
      }
      return;
    }
    const src = this.source;
    if (!src) throw new Error('Workspace.gatherRows: no source (setSource)');
    const { X, y, w } = src;
    let touched = 0;
    for (let r = 0; r < m; r++) {
      const i = index[start + r]!;
      touched += X[i * p]! + X[i * p + p - 1]!;
      yb[r] = y[i]!;
      wb[r] = w[i]!;
    }
    this.touched += touched;
    this.loadRows(X, p, index, start, m);
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
    if (this.simd) {
      this.simd.heap.f64.set(params, this.simd.params);
      this.forwardSimd(this.simd, m);
      return;
    }
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

  /** forward() on the SIMD kernels, the parameters already copied in: Z = f(A·W + b) per layer (`mm`, bias and relu fused). */
  private forwardSimd(g: SimdLayout, m: number): void {
    const { sizes, wOffsets, activation } = this.arch;
    const L = sizes.length - 1;
    const k = g.heap.k;
    for (let l = 0; l < L; l++) {
      const r = sizes[l]!, n = sizes[l + 1]!;
      const hidden = l < L - 1;
      const relu = hidden && activation === 'relu';
      const w = (g.params + wOffsets[l]!) * 8;
      k.mm(g.acts[l + 1]! * 8, n, g.acts[l]! * 8, r, 1, w, n, m, n, r, w + r * n * 8, relu ? 1 : 0, -1, 0);
      if (hidden && !relu) activateInPlace(activation, this.acts[l + 1]!, m * n);
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
    if (this.simd) return this.backpropSimd(this.simd, params, grad, y, w, m, loss, scale, decay);
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
   * backprop() on the SIMD kernels, with the reference's operations in its order (denseGradient: `mm` with the L2
   * term fused, `colsum`, `sumsq`; denseBackward: `mm` against a transposed copy of W, then `relu_mask`, or its
   * outer-product form for a one-unit layer above, `outer_mask`).
   */
  private backpropSimd(g: SimdLayout, params: Float64Array, grad: Float64Array, y: Int32Array, w: Float64Array, m: number, loss: Loss, scale: number, decay: number): number {
    const { sizes, wOffsets, activation } = this.arch;
    const L = sizes.length - 1;
    const k = g.heap.k;
    g.heap.f64.set(params, g.params);
    this.forwardSimd(g, m);
    const data = lossAndOutputDelta(loss, this.acts[L]!, this.probs, this.deltas[L]!, y, w, m, sizes[L]!, scale);
    let penalty = 0;
    for (let l = L - 1; l >= 0; l--) {
      const p = sizes[l]!;
      const q = sizes[l + 1]!;
      const wOff = wOffsets[l]!;
      const W8 = (g.params + wOff) * 8;
      const D8 = g.deltas[l + 1]! * 8;
      k.mm((g.grad + wOff) * 8, q, g.acts[l]! * 8, 1, p, D8, q, p, q, m, -1, 0, W8, decay);
      k.colsum(D8, m, q, (g.grad + wOff + p * q) * 8);
      penalty += k.sumsq(W8, p * q);
      if (l > 0) {
        const relu = activation === 'relu';
        if (q === 1) k.outer_mask(g.deltas[l]! * 8, m, p, D8, W8, relu ? g.acts[l]! * 8 : -1);
        else {
          k.transpose(W8, p, q, g.wt * 8, p);
          k.mm(g.deltas[l]! * 8, p, D8, q, 1, g.wt * 8, p, m, p, q, -1, 0, -1, 0);
          if (relu) k.relu_mask(g.deltas[l]! * 8, m, p, g.acts[l]! * 8);
        }
        if (!relu) multiplyDerivativeInPlace(activation, this.acts[l]!, this.deltas[l]!, m * p);
      }
    }
    grad.set(g.heap.view(g.grad, this.arch.nParams));
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

/** Where a Workspace's buffers lie in the SIMD kernels' memory (indices in doubles). */
interface SimdLayout {
  readonly heap: SimdHeap;
  readonly acts: readonly number[];
  readonly deltas: readonly number[];
  readonly params: number;
  readonly grad: number;
  /** A transposed copy of one layer's weights (denseBackward's Wᵀ). */
  readonly wt: number;
  /** The source's rows [x, y, w], the batch's row numbers and its labels and weights (gatherRows); −1 without a source in the heap. */
  readonly source: number;
  readonly index: number;
  readonly yw: number;
}

/**
 * The first index (in doubles) from `at` on that starts a 64-byte cache line (the memory itself starts on a page):
 * rows of 12 doubles (10 features, a label and a weight) from a line's start each take two lines, where 16 bytes off
 * every other row takes three.
 */
function alignToLine(at: number): number {
  return Math.ceil(at / 8) * 8;
}

/**
 * The most bytes of source rows a workspace copies into the kernels' memory (a 32-bit WebAssembly memory holds at
 * most 4 GiB, and a fit on two threads holds a copy in each thread's); past it, gatherRows copies in JavaScript.
 */
export const MAX_HEAP_SOURCE = 2 ** 29;

/** True when every value is finite. */
export function allFinite(a: Float64Array): boolean {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i]!)) return false;
  return true;
}
