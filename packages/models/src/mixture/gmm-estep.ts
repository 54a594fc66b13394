import { type DenseMatrix, HandoverMonitor, LOG_2PI, SimdHeap, simdEnabled, softmaxInto } from '@discern/linalg';
import { SyncWorkerPool, sharedCopy } from '@discern/core';
import { normaliseBlock, normaliseExp, quadBlock, syrkBlock, weightedDiffs } from './gmm-blocks.js';
import { type GmmParams } from './gmm-params.js';

/**
 * The E-step of a Gaussian mixture. log N(x | μ_k, Σ_k) = log|L_k⁻¹| − ½(p log 2π + ‖L_k⁻¹(x − μ_k)‖²) with the
 * precision Cholesky factor L_k⁻¹ computed once per M-step, so each row costs one triangular product per component.
 *
 * This is the documented exception to linalg's one multivariate normal log-density (mvnLogPdf) and one softmax
 * (softmaxInto): the fit's hot loop works from the precision factor of any covariance type and fuses the E-step with
 * the M-step's sums (`emRangeFull`, and its block kernels in gmm-blocks.ts). gmm-estep.test.ts checks both against the
 * kernels.
 */

/** Sufficient statistics of one EM pass, taken about the current means (see `emRange`). */
export interface EmStats {
  readonly nk: Float64Array;
  /** Σ_i w_i r_ik (x_i − μ_k^old), K×p. */
  readonly m: Float64Array;
  /** Σ_i w_i r_ik (x_i − μ_k^old)(x_i − μ_k^old)ᵀ: lower triangles K×p×p (full, tied) or diagonals K×p (diag, spherical). */
  readonly S: Float64Array;
}

export function newStats(params: GmmParams): EmStats {
  const { K, p, type } = params;
  const full = type === 'full' || type === 'tied';
  return { nk: new Float64Array(K), m: new Float64Array(K * p), S: new Float64Array(full ? K * p * p : K * p) };
}

/**
 * Rows per chunk of an EM pass. Each chunk's statistics are summed from zero and the chunks are then added in
 * order, so the result depends on the chunk boundaries only, never on how many threads shared the chunks: about
 * CHUNKS chunks per pass (enough to balance up to 8 threads), each a whole number of BLOCKs.
 */
const CHUNKS = 32;

/** Rows per chunk of a pass over n rows: chunk c covers [c·rows, min(n, (c + 1)·rows)). */
export function chunkRows(n: number): number {
  return Math.max(BLOCK, Math.ceil(n / CHUNKS / BLOCK) * BLOCK);
}

type Shape = Pick<GmmParams, 'K' | 'p' | 'type'>;

/** Numbers per chunk in a statistics buffer: the log-likelihood, then nk, m and S as in EmStats. */
function statsSize({ K, p, type }: Shape): number {
  return 1 + K + K * p + (type === 'full' || type === 'tied' ? K * p * p : K * p);
}

/** EmStats viewing chunk c of a statistics buffer, and the index of its log-likelihood. */
function chunkStats(buf: Float64Array, c: number, P: Shape): { total: number; st: EmStats } {
  const { K, p } = P;
  const size = statsSize(P);
  const o = c * size;
  return {
    total: o,
    st: { nk: buf.subarray(o + 1, o + 1 + K), m: buf.subarray(o + 1 + K, o + 1 + K + K * p), S: buf.subarray(o + 1 + K + K * p, o + size) },
  };
}

/**
 * The work of one thread in one pass: chunks [c0, c1), each into its slot of `out` — all of them in order, or, with
 * `next`, those it claims from the counter shared by every thread of the pass (Atomics.add), so that a thread that
 * runs slower (a core shared with another process, a worker still waking up) leaves its chunks to the others.
 * Either way each chunk's sums are its own, added in chunk order afterwards: the same bits whoever ran which chunk.
 */
export interface EmTask {
  readonly data: Float64Array;
  readonly w: Float64Array;
  readonly n: number;
  readonly params: GmmParams;
  readonly c0: number;
  readonly c1: number;
  readonly out: Float64Array;
  readonly next?: Int32Array;
  /** Whether to use the WebAssembly SIMD kernels (the fitting thread's choice: simdEnabled()); same bits either way. */
  readonly simd: boolean;
}

/** Runs an EmTask (on the calling thread or in a worker thread). */
export function runEmTask(t: EmTask): void {
  const rows = chunkRows(t.n);
  for (let c = t.c0; ; c++) {
    if (t.next) c = t.c0 + Atomics.add(t.next, 0, 1); // the next chunk no thread has taken
    if (c >= t.c1) return;
    const { total, st } = chunkStats(t.out, c, t.params);
    t.out[total] = emRange(t.data, t.w, t.params, st, c * rows, Math.min(t.n, (c + 1) * rows), t.simd);
  }
}

const WORKER = new URL(import.meta.url.endsWith('.ts') ? './gmm-worker.ts' : './gmm-worker.js', import.meta.url);

/**
 * Runs passes alone for a while when the workers do not keep up (cores shared with other processes). One for all
 * the fits of this thread, so that a fit starts from what the ones before it learnt.
 */
const monitor = new HandoverMonitor();

/** Below this many multiply-adds per pass (about n·K·p(p+1) for full covariances) a pass stays on the calling thread. */
const PARALLEL_WORK = 1_000_000;

/**
 * The fused E/M pass of one fit: the data, a statistics buffer per chunk and, when the work is large enough and
 * threads > 1, a pool of worker threads sharing the chunks, each thread claiming the next chunk when it is free (no
 * thread waits on a slower one's fixed share). The result is bit-identical for any number of threads.
 */
export class EmPass {
  private readonly data: Float64Array;
  private readonly w: Float64Array;
  private readonly n: number;
  private readonly chunks: number;
  private readonly pool: SyncWorkerPool | undefined;
  /** Threads a pass uses (calling thread included): the work is split into this many tasks. */
  readonly threads: number;
  private out: Float64Array | undefined;
  /** The chunk counter the threads of a pass claim from (shared memory). */
  private readonly next = new Int32Array(new SharedArrayBuffer(4));

  /** Whether passes use the WebAssembly SIMD kernels (decided once per fit, on the fitting thread). */
  readonly simd = simdEnabled();

  constructor(X: DenseMatrix, w: Float64Array, shape: Shape, threads: number) {
    this.n = X.rows;
    this.chunks = Math.ceil(X.rows / chunkRows(X.rows));
    const { K, p, type } = shape;
    const work = X.rows * K * (type === 'full' || type === 'tied' ? p * (p + 1) : 2 * p);
    const want = threads > 1 && this.chunks > 1 && work >= PARALLEL_WORK ? Math.min(threads, this.chunks) : 1;
    this.pool = want > 1 ? SyncWorkerPool.shared(WORKER, want - 1) : undefined;
    this.threads = this.pool ? want : 1;
    this.data = this.pool ? sharedCopy(X.data) : X.data;
    this.w = this.pool ? sharedCopy(w) : w;
  }

  /** One pass under P: the statistics into `st`; returns Σ_i w_i log p(x_i). */
  run(P: GmmParams, st: EmStats): number {
    const size = statsSize(P) * this.chunks;
    if (this.out?.length !== size) this.out = this.pool ? new Float64Array(new SharedArrayBuffer(size * 8)) : new Float64Array(size);
    const out = this.out;
    const task = (c0: number, c1: number): EmTask => ({ data: this.data, w: this.w, n: this.n, params: P, c0, c1, out, simd: this.simd });
    if (this.pool && monitor.useWorkers()) {
      // every thread claims chunks from one counter until none is left
      Atomics.store(this.next, 0, 0);
      const tasks = Array.from({ length: this.threads }, () => ({ ...task(0, this.chunks), next: this.next }));
      monitor.runPass(this.pool, tasks, runEmTask);
    } else runEmTask(task(0, this.chunks));
    return finishStats(out, this.chunks, P, st);
  }
}

/** Adds the chunks' statistics in chunk order into `st`; returns the summed log-likelihood. */
function finishStats(out: Float64Array, chunks: number, P: GmmParams, st: EmStats): number {
  const { K, p, means } = P;
  const { nk, m, S } = st;
  nk.fill(0);
  m.fill(0);
  S.fill(0);
  let total = 0;
  for (let c = 0; c < chunks; c++) {
    const part = chunkStats(out, c, P);
    total += out[part.total]!;
    for (let k = 0; k < K; k++) nk[k]! += part.st.nk[k]!;
    for (let j = 0; j < m.length; j++) m[j]! += part.st.m[j]!;
    for (let j = 0; j < S.length; j++) S[j]! += part.st.S[j]!;
  }
  if (P.type === 'full' || P.type === 'tied') {
    // S_k so far is Σ_i w_i r_ik (x_i − μ_k) x_iᵀ; the moments about μ_k are that minus m_k μ_kᵀ
    const pp = p * p;
    for (let k = 0; k < K; k++)
      for (let a = 0; a < p; a++) {
        const ma = m[k * p + a]!;
        for (let b = 0; b <= a; b++) S[k * pp + a * p + b]! -= ma * means[k * p + b]!;
      }
  }
  return total;
}

/** log π_k + log N(x_i | k) for component k of row i, writing x_i − μ_k into d[dOff..] on the way. */
function logJointRow(data: Float64Array, xo: number, P: GmmParams, k: number, d: Float64Array, dOff: number): number {
  const { p, means, precChol } = P;
  const mo = k * p;
  for (let j = 0; j < p; j++) d[dOff + j] = data[xo + j]! - means[mo + j]!;
  let q = 0;
  if (P.type === 'full' || P.type === 'tied') {
    const lo = P.type === 'full' ? k * p * p : 0;
    for (let a = 0; a < p; a++) {
      const row = lo + a * p;
      let s = 0;
      for (let b = 0; b <= a; b++) s += precChol[row + b]! * d[dOff + b]!;
      q += s * s;
    }
  } else if (P.type === 'diag') {
    for (let j = 0; j < p; j++) {
      const s = precChol[mo + j]! * d[dOff + j]!;
      q += s * s;
    }
  } else {
    const s = precChol[k]!;
    for (let j = 0; j < p; j++) q += d[dOff + j]! * d[dOff + j]!;
    q *= s * s;
  }
  return P.logWeights[k]! + P.logDetPrec[k]! - 0.5 * (p * LOG_2PI + q);
}

/** n×K log joint densities log π_k p(x_i | k). */
export function logJoint(X: DenseMatrix, P: GmmParams): Float64Array {
  const { rows: n, data } = X;
  const { K, p } = P;
  const out = new Float64Array(n * K);
  const d = new Float64Array(p);
  for (let i = 0; i < n; i++) for (let k = 0; k < K; k++) out[i * K + k] = logJointRow(data, i * p, P, k, d, 0);
  return out;
}

/**
 * The E-step under P and, in the same sweep over rows [r0, r1), the weighted sufficient statistics of the M-step,
 * written into `st` (which this overwrites). The moments are taken about the current means μ_k^old, re-using the
 * differences the E-step already formed; the M-step then recovers μ_k = μ_k^old + m_k/N_k and
 * Σ_k = S_k/N_k − δδᵀ. Because the new means differ little from the old ones, this keeps the accuracy of the
 * two-pass form without a second pass. Returns Σ_i w_i log p(x_i) over the range.
 * Full and tied covariances leave S_k as Σ w r (x − μ_k) xᵀ: `finishStats` subtracts m_k μ_kᵀ once all ranges are in.
 */
export function emRange(data: Float64Array, w: Float64Array, P: GmmParams, st: EmStats, r0: number, r1: number, simd = false): number {
  if (P.type === 'full' || P.type === 'tied') return simd ? emRangeFullSimd(data, w, P, st, r0, r1) : emRangeFull(data, w, P, st, r0, r1);
  const { K, p } = P;
  const { nk, m, S } = st;
  nk.fill(0);
  m.fill(0);
  S.fill(0);
  const lp = new Float64Array(K);
  const d = new Float64Array(K * p);
  let total = 0;
  for (let i = r0; i < r1; i++) {
    const xo = i * p;
    for (let k = 0; k < K; k++) lp[k] = logJointRow(data, xo, P, k, d, k * p);
    const wi = w[i]!;
    total += wi * softmaxInto(lp, 0, K, lp, 0);
    if (wi === 0) continue;
    for (let k = 0; k < K; k++) {
      const wr = wi * lp[k]!;
      if (wr === 0) continue; // an underflowed responsibility adds exactly nothing
      nk[k]! += wr;
      const dk = k * p;
      for (let j = 0; j < p; j++) {
        const da = wr * d[dk + j]!;
        m[dk + j]! += da;
        S[dk + j]! += da * d[dk + j]!;
      }
    }
  }
  return total;
}

/** c_k = L_k⁻¹ μ_k (K×p) and the constant part of log π_k N(x | k) (K), for the E-step's L⁻¹x − c form. */
function centres(P: GmmParams, c: Float64Array, c0: Float64Array): void {
  const { K, p, means, precChol: L, logWeights: logW, logDetPrec: logDet } = P;
  const tied = P.type === 'tied';
  for (let k = 0; k < K; k++) {
    const lo = tied ? 0 : k * p * p;
    for (let a = 0; a < p; a++) {
      let s = 0;
      for (let b = 0; b <= a; b++) s += L[lo + a * p + b]! * means[k * p + b]!;
      c[k * p + a] = s;
    }
    c0[k] = logW[k]! + logDet[k]! - 0.5 * p * LOG_2PI;
  }
}

/** The SIMD kernels' memory for one thread's passes, kept from pass to pass while K and p stay the same. */
interface GmmHeap {
  readonly K: number;
  readonly p: number;
  readonly heap: SimdHeap;
  /** Indices (in doubles) of: the factors, c, c0, means, the block's rows, the block transposed, R, lp, m, S, nk. */
  readonly L: number;
  readonly c: number;
  readonly c0: number;
  readonly means: number;
  readonly x: number;
  readonly xt: number;
  readonly R: number;
  readonly lp: number;
  readonly m: number;
  readonly S: number;
  readonly nk: number;
  /** The block's row maxima and scales w_i/s_i (normaliseExp). */
  readonly mx: number;
  readonly sc: number;
  readonly lpView: Float64Array;
  readonly mxView: Float64Array;
  readonly scView: Float64Array;
}

let gmmHeap: GmmHeap | undefined;

function heapFor(K: number, p: number): GmmHeap | undefined {
  if (gmmHeap?.K === K && gmmHeap.p === p) return gmmHeap;
  const pp = p * p;
  const sizes = [K * pp, K * p, K, K * p, BLOCK * p, BLOCK * p, BLOCK * p, BLOCK * K, K * p, K * pp, K, BLOCK, BLOCK];
  const heap = SimdHeap.create(sizes);
  if (!heap) return undefined;
  const [L, c, c0, means, x, xt, R, lp, m, S, nk, mx, sc] = sizes.map((n) => heap.alloc(n)) as [number, number, number, number, number, number, number, number, number, number, number, number, number];
  gmmHeap = { K, p, heap, L, c, c0, means, x, xt, R, lp, m, S, nk, mx, sc, lpView: heap.view(lp, BLOCK * K), mxView: heap.view(mx, BLOCK), scView: heap.view(sc, BLOCK) };
  return gmmHeap;
}

/**
 * emRangeFull on the WebAssembly SIMD kernels (gmm_estep, gmm_rowmax, gmm_mstep in linalg's kernels.wat): the same
 * blocks, the same operations in the same order, so the same bits. Per block: its rows are copied into the kernels'
 * memory and transposed (so that one f64x2 holds one feature of two rows), the E-step and the rows' maxima run there,
 * the exponentials here (normaliseExp: Math.exp and Math.log, as the reference), the M-step's sums there, with the
 * normalisation's last multiply (w_i/s_i) folded into it; the sums are copied out at the end of the range. Falls
 * back to emRangeFull where the kernels are unavailable.
 */
export function emRangeFullSimd(data: Float64Array, w: Float64Array, P: GmmParams, st: EmStats, r0: number, r1: number): number {
  const { K, p } = P;
  const g = heapFor(K, p);
  if (!g) return emRangeFull(data, w, P, st, r0, r1);
  const { heap, lpView } = g;
  const f = heap.f64, k = heap.k;
  const pp = p * p;
  const tied = P.type === 'tied';
  f.set(P.precChol.subarray(0, tied ? pp : K * pp), g.L);
  centres(P, heap.view(g.c, K * p), heap.view(g.c0, K));
  f.set(P.means, g.means);
  f.fill(0, g.m, g.m + K * p);
  f.fill(0, g.S, g.S + K * pp);
  f.fill(0, g.nk, g.nk + K);
  const L8 = g.L * 8, c8 = g.c * 8, c08 = g.c0 * 8, x8 = g.x * 8, xt8 = g.xt * 8, lp8 = g.lp * 8;
  const means8 = g.means * 8, R8 = g.R * 8, m8 = g.m * 8, S8 = g.S * 8, nk8 = g.nk * 8;
  const Lstride = tied ? 0 : pp * 8;
  let total = 0;
  for (let s0 = r0; s0 < r1; s0 += BLOCK) {
    const bn = r1 - s0 < BLOCK ? r1 - s0 : BLOCK;
    f.set(data.subarray(s0 * p, (s0 + bn) * p), g.x);
    k.transpose(x8, bn, p, xt8, BLOCK);
    k.gmm_estep(L8, Lstride, c8, c08, xt8, BLOCK, bn, p, K, lp8);
    k.gmm_rowmax(lp8, bn, K, g.mx * 8);
    total += normaliseExp(lpView, g.mxView, g.scView, w, s0, bn, K);
    k.gmm_mstep(x8, bn, p, means8, lp8, g.sc * 8, K, R8, m8, S8, nk8);
  }
  st.nk.set(heap.view(g.nk, K));
  st.m.set(heap.view(g.m, K * p));
  st.S.set(heap.view(g.S, K * pp));
  return total;
}

/** Rows per block of the full/tied pass: the block's differences and weighted differences (2·BLOCK·p values) stay in L1. */
const BLOCK = 128;

/**
 * emRange for full and tied covariances, the hot loop of the package: about n·K·p(p+1) multiply-adds per pass, half
 * in the triangular products of the E-step, half in the second moments of the M-step. V8 does not vectorise, so
 * speed comes from few loads per multiply-add, independent accumulators and no redundant passes over memory. Rows
 * go in blocks of BLOCK:
 *
 * - E-step: L⁻¹(x − μ_k) = L⁻¹x − L⁻¹μ_k (scikit-learn's form), so the block's raw rows feed every component with
 *   no difference formed; 4 rows × 2 rows of L⁻¹ at a time (6 loads per 8 multiply-adds) — `quadBlock`;
 * - M-step: per component, d = x − μ_k and w_i r_ik d are formed once for the block, and the block's part of
 *   S_k = Σ_i w_i r_ik d dᵀ is a set of dot products over its rows, 2×4 entries of S_k at a time, added to S_k once
 *   per block — `syrkBlock`. This regroups the sums over rows, which changes S only at rounding level.
 */
function emRangeFull(data: Float64Array, w: Float64Array, P: GmmParams, st: EmStats, r0: number, r1: number): number {
  const K = P.K, p = P.p, pp = p * p;
  const means = P.means, L = P.precChol;
  const tied = P.type === 'tied';
  const nk = st.nk, m = st.m, S = st.S;
  nk.fill(0);
  m.fill(0);
  S.fill(0);
  const B = BLOCK;
  // R[i·p + j] = w_i r_ik (x_ij − μ_kj) for the block's row i and the component at hand
  const R = new Float64Array(B * p);
  const lp = new Float64Array(B * K);
  const c = new Float64Array(K * p);
  const c0 = new Float64Array(K);
  centres(P, c, c0);
  let total = 0;
  for (let s0 = r0; s0 < r1; s0 += B) {
    const bn = r1 - s0 < B ? r1 - s0 : B;
    const xs = s0 * p;
    for (let k = 0; k < K; k++) quadBlock(L, tied ? 0 : k * pp, c, k * p, data, xs, bn, p, lp, K, k, c0[k]!);
    total += normaliseBlock(lp, w, s0, bn, K);
    for (let k = 0; k < K; k++) {
      nk[k] = nk[k]! + weightedDiffs(data, xs, means, k * p, lp, K, k, R, bn, p, m);
      syrkBlock(R, data, xs, bn, p, S, k * pp);
    }
  }
  return total;
}
