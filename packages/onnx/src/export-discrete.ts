/**
 * The count and category families: multinomial and categorical naive Bayes (classifiers), the multinomial mixture
 * and the latent class model (densities). Their log joints are sums of log-probability tables picked by counts or
 * category codes:
 * - counts (multinomial): J_k = log π_k + Σ_j x_j log θ_kj, a MatMul;
 * - categories: every feature's code is compared with the codes of its table ([N,T] one-hot over all T = Σ_j C_j
 *   cells, by Gather + Equal, so no float→int cast is needed and a NaN — a missing value — matches no cell and adds
 *   nothing, as the TypeScript models skip it), then a MatMul with the [T,K] log table.
 *
 * All four compute in float64 even behind a float32 input (Family.compute): a sum of p terms x_j log θ_kj reaches
 * thousands (digits: 64 counts up to 16, log θ ≈ −4), where float32's 6e-8 relative rounding leaves absolute errors
 * of 1e-4 in the log joints, and the multinomial coefficient log n! − Σ log x_j! is a difference of such magnitudes.
 * Measured at float32 (max difference, tolerance 1e-5; float32 arithmetic → float64 inside): multinomial NB on digits
 * 8.1e-5 → 3.0e-8, the multinomial mixture on digits 1.1e-4 → 3.0e-8. Categorical NB and the latent class model
 * passed in float32 on the house votes (1.5e-6, 1.3e-6 on drawn rows) but sum one table entry per feature, so their
 * error grows with the number of features as the others' does: they compute in float64 as well.
 */
import { type DenseMatrix, LOG_2PI } from '@discern/linalg';
import { logGamma } from '@discern/core';
import { type CategoricalNB, type LatentClassModel, type MultinomialMixture, type MultinomialNB } from '@discern/models';
import { column, normaliseLogRows, squeezeCol, transposed } from './blocks.js';
import { type Family, type Heads, columnOf } from './family.js';
import { type GraphBuilder } from './graph.js';
import { DataType } from './proto.js';

/**
 * log 0 = −∞ (a probability of zero, fitted with alpha = 0) would meet a zero count or an unset one-hot cell as
 * 0 · −∞ = NaN inside a MatMul; −1e300 gives the same posteriors and keeps every product finite.
 */
const LOG_ZERO = -1e300;

function finiteLog(v: number): number {
  return Math.max(v, LOG_ZERO);
}

/** The [N,T] 0/1 indicator of which cell each feature's code falls in (codes c of feature j at cells start_j + c). */
function oneHot(b: GraphBuilder, x: string, nCategories: ArrayLike<number>): { cells: string; T: number } {
  const blockOf: number[] = [];
  const codes: number[] = [];
  for (let j = 0; j < nCategories.length; j++)
    for (let c = 0; c < nCategories[j]!; c++) {
      blockOf.push(j);
      codes.push(c);
    }
  const spread = b.op('Gather', [x, b.ints(blockOf, [blockOf.length], 'blockOf')], { axis: 1 }); // [N,T]
  const hit = b.op('Equal', [spread, b.floats(codes, [1, codes.length], 'codes')]);
  return { cells: b.op('Cast', [hit], { to: b.floatCode }), T: codes.length };
}

/** [N,K] x·W + bias with W given T×K row-major. */
function joint(b: GraphBuilder, x: string, W: ArrayLike<number>, bias: ArrayLike<number>, T: number, K: number): string {
  return b.op('Add', [b.op('MatMul', [x, b.floats(W, [T, K], 'logTable')]), b.floats(bias, [1, K], 'logWeight')]);
}

interface DiscreteClassifier {
  readonly nClasses: number;
  readonly nFeatures: number;
  predictProba(X: DenseMatrix): DenseMatrix;
  predict(X: DenseMatrix): Int32Array;
}

function classifierFamily(m: DiscreteClassifier, kind: string, logJoint: (b: GraphBuilder, x: string) => string): Family {
  const K = m.nClasses;
  return {
    role: 'classifier',
    kind,
    nFeatures: m.nFeatures,
    K,
    compute: 'float64',
    ...(K === 2 ? { scoreKind: 'probability' as const } : {}),
    build(b, x, positive): Heads {
      const J = logJoint(b, x);
      const { proba } = normaliseLogRows(b, J);
      return { proba, ...(K === 2 ? { score: column(b, proba, positive) } : {}), label: b.op('ArgMax', [J], { axis: 1, keepdims: 0 }) };
    },
    reference(X, positive) {
      const proba = m.predictProba(X);
      return { proba, ...(K === 2 ? { score: columnOf(proba, positive) } : {}), label: m.predict(X) };
    },
  };
}

export function multinomialNBFamily(m: MultinomialNB): Family {
  const K = m.nClasses, p = m.nFeatures;
  const W = transposed(Array.from(m.featureLogProb.data, finiteLog), K, p);
  const logPrior = Array.from(m.priors, (v) => finiteLog(Math.log(v)));
  return classifierFamily(m, 'multinomial-nb', (b, x) => joint(b, x, W, logPrior, p, K));
}

export function categoricalNBFamily(m: CategoricalNB): Family {
  const K = m.nClasses;
  const tables = m.featureLogProb;
  const nCat = tables.map((t) => t.cols);
  const T = nCat.reduce((a, c) => a + c, 0);
  const W = new Float64Array(T * K);
  let cell = 0;
  for (const t of tables) for (let c = 0; c < t.cols; c++, cell++) for (let k = 0; k < K; k++) W[cell * K + k] = finiteLog(t.data[k * t.cols + c]!);
  const logPrior = Array.from(m.priors, (v) => finiteLog(Math.log(v)));
  return classifierFamily(m, 'categorical-nb', (b, x) => joint(b, oneHot(b, x, nCat).cells, W, logPrior, T, K));
}

/** Integer counts up to this take ln n! from a table (exact as the TypeScript model computes it). */
const LOG_FACTORIAL_TABLE = 4096;

/** ln n! as MultinomialMixture computes it: a sum of logs below 64, ln Γ(n + 1) above. */
function logFactorial(n: number): number {
  if (n < 64) {
    let s = 0;
    for (let i = 2; i <= n; i++) s += Math.log(i);
    return s;
  }
  return logGamma(n + 1);
}

/**
 * ln Γ(v + 1) elementwise for v ≥ 0. ONNX has no lgamma operator, and the multinomial coefficient needs it:
 * - integer v ≤ 4096 (counts, the usual case): a table of ln v!, computed as the TypeScript model does, so the
 *   coefficient of a row agrees to rounding however many features it sums (a series with error 6e-14 per term
 *   summed over 64 zero counts already missed the float64 tolerance of 1e-12 at a log density of 0);
 * - otherwise (non-integer or larger counts): Stirling's series at w = v + 9 ≥ 9 (terms to w⁻⁹; the first term left
 *   out, 691/(360360 w¹¹), is below 7e-14 there) and the recurrence Γ(z) = Γ(z + 8) / (z (z+1) ⋯ (z+7)).
 */
function logGammaPlus1(b: GraphBuilder, v: string): string {
  const z = b.op('Add', [v, b.scalar(1, 'one')]);
  let prod = z;
  for (let i = 1; i < 8; i++) prod = b.op('Mul', [prod, b.op('Add', [z, b.scalar(i, 'shift')])]);
  const w = b.op('Add', [z, b.scalar(8, 'eight')]);
  const lnw = b.op('Log', [w]);
  const inv = b.op('Reciprocal', [w]);
  const inv2 = b.op('Mul', [inv, inv]);
  // 1/(12w) − 1/(360w³) + 1/(1260w⁵) − 1/(1680w⁷) + 1/(1188w⁹), by Horner in 1/w²
  const coeffs = [1 / 1188, -1 / 1680, 1 / 1260, -1 / 360, 1 / 12];
  let series = b.scalar(coeffs[0]!, 'stirling');
  for (const c of coeffs.slice(1)) series = b.op('Add', [b.op('Mul', [series, inv2]), b.scalar(c, 'stirling')]);
  series = b.op('Mul', [series, inv]);
  const main = b.op('Sub', [b.op('Mul', [b.op('Sub', [w, b.scalar(0.5, 'half')]), lnw]), w]);
  const stirling = b.op('Sub', [b.op('Add', [b.op('Add', [main, b.scalar(0.5 * LOG_2PI, 'halfLog2pi')]), series]), b.op('Log', [prod])]);
  const L = LOG_FACTORIAL_TABLE;
  const table = b.floats(Array.from({ length: L + 1 }, (_, n) => logFactorial(n)), [L + 1], 'logFactorial');
  const index = b.op('Cast', [b.op('Min', [v, b.scalar(L, 'tableEnd')])], { to: DataType.INT64 });
  const inTable = b.op('And', [b.op('Equal', [b.op('Floor', [v]), v]), b.op('LessOrEqual', [v, b.scalar(L, 'tableEnd')])]);
  return b.op('Where', [inTable, b.op('Gather', [table, index], { axis: 0 }), stirling]);
}

/** A density family from [N,K] log joints (and an [N,1] per-row constant of the log density). */
function densityHeads(b: GraphBuilder, J: string, constant?: string): Heads {
  const { proba, lse } = normaliseLogRows(b, J);
  const logDensity = constant ? b.op('Add', [lse, constant]) : lse;
  return { logDensity: squeezeCol(b, logDensity), responsibilities: proba, label: b.op('ArgMax', [J], { axis: 1, keepdims: 0 }) };
}

interface DiscreteDensity {
  readonly nFeatures: number;
  readonly weights: Float64Array;
  scoreSamples(X: DenseMatrix): Float64Array;
  predictProba(X: DenseMatrix): DenseMatrix;
  predict(X: DenseMatrix): Int32Array;
}

function densityFamily(m: DiscreteDensity, kind: string, K: number, build: (b: GraphBuilder, x: string) => Heads): Family {
  return {
    role: 'density',
    kind,
    nFeatures: m.nFeatures,
    K,
    compute: 'float64',
    build: (b, x) => build(b, x),
    reference: (X) => ({ logDensity: m.scoreSamples(X), responsibilities: m.predictProba(X), label: m.predict(X) }),
  };
}

/**
 * Mixture of multinomials: log p(x) = log(n! / Π_j x_j!) + log Σ_k π_k Π_j θ_kj^x_j. A missing count (NaN) is left
 * out of both the sum and the coefficient, as MultinomialMixture does (it becomes 0 before the MatMul).
 */
export function multinomialMixtureFamily(m: MultinomialMixture): Family {
  const theta = m.probabilities;
  const K = theta.rows, J = theta.cols;
  const W = transposed(Array.from(theta.data, (v) => finiteLog(Math.log(v))), K, J);
  const logW = Array.from(m.weights, (v) => finiteLog(Math.log(v)));
  return densityFamily(m, 'multinomial-mixture', K, (b, x) => {
    const x0 = b.op('Where', [b.op('IsNaN', [x]), b.scalar(0, 'zero'), x]);
    const n = b.op('ReduceSum', [x0, b.ints([1])], { keepdims: 1 });
    const coef = b.op('Sub', [logGammaPlus1(b, n), b.op('ReduceSum', [logGammaPlus1(b, x0), b.ints([1])], { keepdims: 1 })]);
    return densityHeads(b, joint(b, x0, W, logW, J, K), coef);
  });
}

/** Latent class model: log p(x) = log Σ_k π_k Π_j θ_k,j,x_j; a missing code (NaN) marginalised (factor 1). */
export function latentClassFamily(m: LatentClassModel): Family {
  const nCat = m.nCategories;
  const probs = m.probabilities; // [k][j][c]
  const K = probs.length;
  const T = nCat.reduce((a, c) => a + c, 0);
  const W = new Float64Array(T * K);
  for (let k = 0; k < K; k++) {
    let cell = 0;
    probs[k]!.forEach((pj) => pj.forEach((v) => (W[cell++ * K + k] = finiteLog(Math.log(v)))));
  }
  const logW = Array.from(m.weights, (v) => finiteLog(Math.log(v)));
  return densityFamily(m, 'latent-class', K, (b, x) => densityHeads(b, joint(b, oneHot(b, x, nCat).cells, W, logW, T, K)));
}
