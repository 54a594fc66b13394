/**
 * Subgraphs shared by the exporters: standardisation, dense layers, stable log-sum-exp, Gaussian log densities for
 * the four covariance shapes, and column picking. Each takes value names and returns the name of its result.
 * Shapes use N for the batch.
 */
import { type GraphBuilder } from './graph.js';

/** (x − mean) / scale, as Standardizer.transform (Div rather than Mul by 1/scale: bit-for-bit the same rounding). */
export function standardize(b: GraphBuilder, x: string, mean: ArrayLike<number>, scale: ArrayLike<number>): string {
  const p = mean.length;
  const centred = b.op('Sub', [x, b.floats(mean, [1, p], 'mean')]);
  return b.op('Div', [centred, b.floats(scale, [1, p], 'scale')]);
}

/** x·W + bias with W given p×q row-major (W[k·q + j] joins input k to unit j). */
export function dense(b: GraphBuilder, x: string, weights: ArrayLike<number>, bias: ArrayLike<number>, p: number, q: number): string {
  const z = b.op('MatMul', [x, b.floats(weights, [p, q], 'W')]);
  return b.op('Add', [z, b.floats(bias, [q], 'b')]);
}

/** Transposes a rows×cols row-major matrix (coefficient rows → MatMul weights). */
export function transposed(a: ArrayLike<number>, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = a[i * cols + j]!;
  return out;
}

/** [N,1] → [N]. */
export function squeezeCol(b: GraphBuilder, v: string): string {
  return b.op('Squeeze', [v, b.ints([1])]);
}

/** Column j of an [N,K] matrix as [N]. */
export function column(b: GraphBuilder, m: string, j: number): string {
  return b.op('Gather', [m, b.ints([j], [])], { axis: 1 });
}

/**
 * Row-wise log Σ_k exp(J_k) as [N,1], in the stable form max + log Σ exp(J − max): ReduceLogSumExp's spec does not
 * promise the shift, and without it float32 log densities below about −88 underflow to −∞.
 */
export function logSumExpRows(b: GraphBuilder, J: string): string {
  const m = b.op('ReduceMax', [J], { axes: [1], keepdims: 1 });
  const e = b.op('Exp', [b.op('Sub', [J, m])]);
  const s = b.op('ReduceSum', [e, b.ints([1])], { keepdims: 1 });
  return b.op('Add', [b.op('Log', [s]), m]);
}

/** exp(J − logsumexp(J)) per row, with the [N,1] log normaliser: posteriors or responsibilities from log joints. */
export function normaliseLogRows(b: GraphBuilder, J: string): { proba: string; lse: string } {
  const lse = logSumExpRows(b, J);
  return { proba: b.op('Exp', [b.op('Sub', [J, lse])]), lse };
}

export type GaussianShape = 'full' | 'tied' | 'diag' | 'spherical' | 'variances';

/**
 * K Gaussians over p features, as an exporter describes them:
 * - 'full': `factor` K×p×p, each block U (row-major) with Σ_k⁻¹ = U Uᵀ, so (x−μ)ᵀΣ⁻¹(x−μ) = ‖(x−μ)ᵀU‖²;
 * - 'tied': `factor` one p×p U for all components;
 * - 'diag': `factor` K×p of 1/σ; 'spherical': K of 1/σ;
 * - 'variances': `factor` K×p of σ² (naive Bayes divides by the variance, and so does the graph).
 * `constant` K is added to −½ of the quadratic form: log weight (or prior) + log|U| − ½ p log 2π.
 */
export interface GaussianSpec {
  readonly K: number;
  readonly p: number;
  readonly shape: GaussianShape;
  readonly means: ArrayLike<number>;
  readonly factor: ArrayLike<number>;
  readonly constant: ArrayLike<number>;
}

/**
 * [N,K] log joints constant_k − ½ q_k(x). The differences x − μ_k are formed first ([N,K,p]), never expanded as
 * x·U − μ·U, which would cancel catastrophically in float32 far from the means.
 */
export function gaussianLogJoint(b: GraphBuilder, x: string, g: GaussianSpec): string {
  const { K, p } = g;
  const x3 = b.op('Unsqueeze', [x, b.ints([1])]); // [N,1,p]
  const d = b.op('Sub', [x3, b.floats(g.means, [1, K, p], 'means')]); // [N,K,p]
  let q: string;
  if (g.shape === 'full') {
    const dk = b.op('Transpose', [d], { perm: [1, 0, 2] }); // [K,N,p]
    const y = b.op('MatMul', [dk, b.floats(g.factor, [K, p, p], 'precChol')]); // [K,N,p]
    const qk = b.op('ReduceSum', [b.op('Mul', [y, y]), b.ints([2])], { keepdims: 0 }); // [K,N]
    q = b.op('Transpose', [qk], { perm: [1, 0] });
  } else if (g.shape === 'tied') {
    const y = b.op('MatMul', [d, b.floats(g.factor, [p, p], 'precChol')]);
    q = b.op('ReduceSum', [b.op('Mul', [y, y]), b.ints([2])], { keepdims: 0 });
  } else if (g.shape === 'diag') {
    const y = b.op('Mul', [d, b.floats(g.factor, [1, K, p], 'precChol')]);
    q = b.op('ReduceSum', [b.op('Mul', [y, y]), b.ints([2])], { keepdims: 0 });
  } else if (g.shape === 'spherical') {
    const ss = b.op('ReduceSum', [b.op('Mul', [d, d]), b.ints([2])], { keepdims: 0 });
    const s2 = Float64Array.from({ length: K }, (_, k) => g.factor[k]! * g.factor[k]!);
    q = b.op('Mul', [ss, b.floats(s2, [1, K], 'prec')]);
  } else {
    const r = b.op('Div', [b.op('Mul', [d, d]), b.floats(g.factor, [1, K, p], 'var')]);
    q = b.op('ReduceSum', [r, b.ints([2])], { keepdims: 0 });
  }
  const half = b.op('Mul', [q, b.scalar(0.5, 'half')]);
  return b.op('Sub', [b.floats(g.constant, [1, K], 'logConst'), half]);
}
