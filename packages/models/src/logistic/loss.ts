import { HandoverMonitor, SimdHeap, gemvInto, loglossScratch, gemvTInto, logLossPassInto, simdEnabled, softmaxInto } from '@discern/linalg';
import { SLEEP_AFTER, SyncWorkerPool } from '@discern/core';
import { type ObjectiveFn } from '../optim/index.js';
import { CONTROL_WORDS, Team, serveTeam, withTeam } from '../team.js';

export type LogisticLoss = 'log' | 'mse';

/**
 * The data of one fit. Parameters θ are `rows` blocks of `stride` = p (+1 with intercept) numbers: for each
 * score row k, the p coefficients then the intercept. rows = 1 for two classes (score = logit of class 1),
 * K for the multinomial model (sklearn's full K×(p+1) parametrisation).
 */
export interface LogisticProblem {
  /** n×p row-major features. */
  readonly X: Float64Array;
  readonly n: number;
  readonly p: number;
  readonly y: Int32Array;
  readonly nClasses: number;
  /** Per-row weights (event × class weight) normalised to sum to one, so the data term is a weighted mean. */
  readonly w: Float64Array;
  /** L2 strength: (l2/2)·‖coef‖², intercepts not penalised. */
  readonly l2: number;
  readonly fitIntercept: boolean;
  readonly loss: LogisticLoss;
}

export function paramRows(nClasses: number): number {
  return nClasses === 2 ? 1 : nClasses;
}

/**
 * Adds the L2 term's gradient l2·coef into `grad` and returns (l2/2)·‖coef‖² (intercepts not penalised).
 * A module-level function, not a closure per objective: V8 inlines a called closure by identity, so a fresh one per
 * fit made the optimised loss pass deoptimise ("wrong call target") and recompile on every fit.
 */
function l2Penalty(theta: Float64Array, grad: Float64Array, l2: number, rows: number, stride: number, p: number): number {
  if (l2 === 0) return 0;
  let s = 0;
  for (let k = 0; k < rows; k++) {
    const off = k * stride;
    for (let j = 0; j < p; j++) {
      const t = theta[off + j]!;
      s += t * t;
      grad[off + j]! += l2 * t;
    }
  }
  return 0.5 * l2 * s;
}

/** Rows per chunk of the loss pass: chunks depend on n alone (see logisticObjective). */
const CHUNK_ROWS = 1024;
/** At most this many chunks (enough to balance up to 8 threads). */
const MAX_CHUNKS = 8;
/** Below this many rows × parameters per pass, the pass stays on the calling thread. */
const PARALLEL_WORK = 100_000;

function chunkRows(n: number): number {
  return Math.max(CHUNK_ROWS, Math.ceil(n / MAX_CHUNKS));
}

/**
 * One pass over chunks [c0, c1) under θ: for each chunk, its loss Σ w ℓ (Neumaier-compensated) then its gradient
 * (stride numbers per score row) into its slot of `out`. Arrays may be over shared memory: a worker thread runs
 * this too.
 */
export interface LossTask {
  readonly X: Float64Array;
  /** The labels (0 or 1 for the binary losses, which use them as numbers). */
  readonly y: Int32Array;
  readonly w: Float64Array;
  readonly n: number;
  readonly p: number;
  readonly rows: number;
  readonly fitIntercept: boolean;
  readonly mse: boolean;
  readonly theta: Float64Array;
  /** rows × n scratch: z, then ∂ℓ/∂z (score row k's values at k·n); empty for the binary log loss, which needs none. */
  readonly Z: Float64Array;
  readonly out: Float64Array;
  readonly c0: number;
  readonly c1: number;
  /** Whether to use the WebAssembly SIMD kernels (the fitting thread's choice); the same bits either way. */
  readonly simd: boolean;
  /** Names this fit's data, so that a thread keeps its copy in the kernels' memory from pass to pass. */
  readonly key: number;
}

/**
 * A thread's copy of the rows it may be given for the SIMD kernels: rows [R0, R1) of X — all rows when the threads
 * claim chunks as they go — transposed (the kernels take a lane per row) and, for the multinomial and squared losses,
 * as they are (gemvt takes a lane per column); for the binary log loss (logloss_pass) the labels and weights, and
 * for either, room for θ and the kernels' outputs. Made as the fit's objective is made (the calling thread: loadAll)
 * or on a helper's first pass, kept while the fit's passes go on (one fit at a time per thread).
 */
interface LossHeap {
  readonly key: number;
  readonly R0: number;
  readonly R1: number;
  readonly heap: SimdHeap;
  readonly xt: number;
  readonly ld: number;
  readonly theta: number;
  /** Binary log loss: y (0 or 1, as numbers) and w of the rows, logloss_pass's scratch and its p + 2 outputs. */
  readonly y: number;
  readonly w: number;
  readonly acc: number;
  readonly res: number;
  /** Other losses: X as it is, one score row's z, one gradient. */
  readonly x: number;
  readonly z: number;
  readonly g: number;
  /**
   * Binary log loss past the copy limit: the heap holds `ld` rows, which each pass brings in turn (x as they are,
   * then transposed into xt, with their y and w); logloss_pass's sums go on from piece to piece.
   */
  readonly stream: boolean;
  /**
   * Binary log loss within the copy limit: which chunks (from c0 on) are in the heap yet. The calling thread brings
   * them all in as the objective is made (loadAll, which checks X's values on the way); a helper brings each in on
   * the first pass that computes it on its thread, so that it copies only the chunks it takes, and starts computing
   * after one chunk's copy rather than all of X's.
   */
  readonly loaded: Uint8Array;
  /** Rows the x scratch holds (brought in a piece at a time). */
  readonly piece: number;
  /**
   * Whether every value of X was finite, where the copy brought all of X in at once (the transpose kernel looks at
   * each value on the way): set when the heap is made (other losses) or by loadAll (the binary log loss).
   */
  finite?: boolean;
}

let lossHeap: LossHeap | undefined;

/**
 * At most this many numbers of X per thread are kept in the kernels' memory for a fit (transposed, and for the
 * multinomial and squared losses also as they are), so that a fit on a large sample does not double or triple its
 * memory: past it the binary log loss brings its rows into that memory piece by piece in every pass (`pieceRows` at a
 * time), the other losses stay on the JavaScript kernels; the same bits either way. 2²² numbers: 32 MB a copy,
 * 400,000 rows of 10 features. `pieceRows` must be even (a piece's rows keep their lanes in the kernel). Properties of
 * an object so that the tests can lower them.
 */
export const lossCopyLimit = { numbers: 1 << 22, pieceRows: 4096 };

/** Whether the pass is the binary log loss's, which logloss_pass / logLossPassInto compute whole. */
function binaryLog(t: LossTask): boolean {
  return t.rows === 1 && !t.mse;
}

function lossHeapFor(t: LossTask): LossHeap | undefined {
  const size = chunkRows(t.n);
  const R0 = t.c0 * size, R1 = Math.min(t.n, t.c1 * size);
  if (lossHeap?.key === t.key && lossHeap.R0 === R0 && lossHeap.R1 === R1) return lossHeap;
  const prev = lossHeap?.heap;
  lossHeap = undefined;
  const { p } = t;
  const stride = p + (t.fitIntercept ? 1 : 0);
  const fused = binaryLog(t);
  if ((R1 - R0) * p > lossCopyLimit.numbers) {
    if (!fused) return undefined;
    // [xt, θ, y, w, acc, res, x] for a piece of S rows
    const S = lossCopyLimit.pieceRows;
    const sizes = [S * p, stride, S, S, loglossScratch(p), p + 2, S * p];
    const heap = SimdHeap.recycle(prev, sizes);
    if (!heap) return undefined;
    const [xt, theta, y, w, acc, res, x] = sizes.map((s) => heap.alloc(s)) as [number, number, number, number, number, number, number];
    lossHeap = { key: t.key, R0, R1, heap, xt, ld: S, theta, y, w, acc, res, x, z: 0, g: 0, stream: true, loaded: new Uint8Array(0), piece: S };
    return lossHeap;
  }
  const rows = R1 - R0;
  const ld = Math.ceil(rows / 4) * 4;
  // the binary log loss keeps no row-major copy: X comes in through x, S rows at a time
  const S = Math.min(rows, lossCopyLimit.pieceRows);
  // [xt, θ, y, w, acc, res, x, z, g]: the parts a loss does not use are empty
  const sizes = [ld * p, t.rows * stride, ...(fused ? [rows, rows, loglossScratch(p), p + 2, S * p, 0, 0] : [0, 0, 0, 0, rows * p, size, p])];
  const heap = SimdHeap.recycle(prev, sizes); // the previous fit's memory, where this fit's rows fit in it
  if (!heap) return undefined;
  const [xt, theta, y, w, acc, res, x, z, g] = sizes.map((s) => heap.alloc(s)) as [number, number, number, number, number, number, number, number, number];
  lossHeap = { key: t.key, R0, R1, heap, xt, ld, theta, y, w, acc, res, x, z, g, stream: false, loaded: new Uint8Array(fused ? t.c1 - t.c0 : 0), piece: S };
  if (!fused) {
    heap.f64.set(t.X.subarray(R0 * p, R1 * p), x);
    lossHeap.finite = heap.k.transpose(x * 8, rows, p, xt * 8, ld) === 1;
  }
  return lossHeap;
}

/**
 * Brings rows [r0, r1) of the binary log loss into the heap: X copied as it is and transposed by the kernel, a piece
 * at a time (MAGIC's 19,020 × 10 in ~0.13 ms, against ~0.33 ms for a JavaScript loop writing the transposed values,
 * and ~0.7 ms in a fit: run once per fit, V8's code for that loop was dropped on the next line for want of type
 * feedback), then y (as numbers) and w. Returns whether every value of X in those rows is finite.
 */
function loadRows(t: LossTask, g: LossHeap, r0: number, r1: number): boolean {
  const { heap, x, xt, R0, piece: S } = g;
  const { p } = t;
  let finite = true;
  for (let a = r0; a < r1; a += S) {
    const b = Math.min(r1, a + S);
    heap.f64.set(t.X.subarray(a * p, b * p), x);
    if (heap.k.transpose(x * 8, b - a, p, (xt + a - R0) * 8, g.ld) !== 1) finite = false;
  }
  heap.f64.set(t.y.subarray(r0, r1), g.y + r0 - R0);
  heap.f64.set(t.w.subarray(r0, r1), g.w + r0 - R0);
  return finite;
}

/**
 * Brings all of this thread's rows into its kernels' memory now (the calling thread, as a fit starts, rather than
 * chunk by chunk in the first pass), and returns whether every value of X is finite: true or false where the copy
 * looked at every value (the SIMD kernels, X within lossCopyLimit), undefined where it did not (the JavaScript kernels,
 * or X brought in piece by piece in every pass), and the caller must check X itself.
 */
export function loadAll(t: LossTask): boolean | undefined {
  const g = t.simd ? lossHeapFor(t) : undefined;
  if (!g || g.stream) return undefined;
  if (binaryLog(t) && g.finite === undefined) {
    g.finite = loadRows(t, g, g.R0, g.R1);
    g.loaded.fill(1);
  }
  return g.finite;
}

/** Scratch of the JavaScript loss pass (a chunk's scores), kept from pass to pass on this thread. */
let jsScratch = new Float64Array(0);

/**
 * Runs chunk c (c0 ≤ c < c1) of a LossTask: its sums into its slot of `out`. The same bits on any thread. The chunks
 * of one pass may run on different threads, each keeping its own copy of the rows in its kernels' memory (LossHeap).
 */
export function runLossChunk(t: LossTask, c: number): void {
  const { X, n, p, rows, fitIntercept, theta, Z, out } = t;
  const stride = p + (fitIntercept ? 1 : 0);
  const slot = 1 + rows * stride;
  const size = chunkRows(n);
  const g = t.simd ? lossHeapFor(t) : undefined;
  if (g) g.heap.f64.set(theta, g.theta);
  const r0 = c * size, r1 = Math.min(n, r0 + size), m = r1 - r0;
  if (binaryLog(t)) {
    // the binary log loss: the whole chunk (scores, loss, gradient) in one pass, the same bits either way
    const bias = fitIntercept ? theta[p]! : 0;
    if (g?.stream) {
      const { heap: h, x, xt } = g;
      for (let a = r0; a < r1; a += g.ld) {
        const b = Math.min(r1, a + g.ld);
        h.f64.set(X.subarray(a * p, b * p), x);
        h.k.transpose(x * 8, b - a, p, xt * 8, g.ld);
        h.f64.set(t.y.subarray(a, b), g.y);
        h.f64.set(t.w.subarray(a, b), g.w);
        h.k.logloss_pass(xt * 8, g.ld, 0, b - a, p, g.theta * 8, bias, g.y * 8, g.w * 8, g.acc * 8, g.res * 8, a === r0 ? 1 : 0);
      }
      out.set(h.view(g.res, slot), c * slot);
    } else if (g) {
      if (!g.loaded[c - t.c0]) {
        loadRows(t, g, r0, r1);
        g.loaded[c - t.c0] = 1;
      }
      g.heap.k.logloss_pass(g.xt * 8, g.ld, r0 - g.R0, m, p, g.theta * 8, bias, g.y * 8, g.w * 8, g.acc * 8, g.res * 8, 1);
      out.set(g.heap.view(g.res, slot), c * slot);
    } else {
      if (jsScratch.length < m) jsScratch = new Float64Array(m);
      logLossPassInto(X, p, r0, m, theta, 0, bias, t.y, t.w, jsScratch.subarray(0, m), out, c * slot, fitIntercept);
    }
    return;
  }
  const Xc = X.subarray(r0 * p, r1 * p);
  for (let k = 0; k < rows; k++) {
    const bias = fitIntercept ? theta[k * stride + p]! : 0;
    const z = Z.subarray(k * n + r0, k * n + r1);
    if (g) {
      g.heap.k.gemv((g.xt + r0 - g.R0) * 8, g.ld, m, p, (g.theta + k * stride) * 8, bias, g.z * 8);
      z.set(g.heap.view(g.z, m));
    } else gemvInto(Xc, m, p, theta, k * stride, bias, z);
  }
  out[c * slot] = rows > 1 ? multinomialPointwise(t, r0, r1, new Float64Array(rows)) : binaryPointwise(t, r0, r1);
  for (let k = 0; k < rows; k++) {
    const d = Z.subarray(k * n + r0, k * n + r1);
    const o = c * slot + 1 + k * stride;
    if (g) {
      g.heap.f64.set(d, g.z);
      g.heap.k.gemvt((g.x + (r0 - g.R0) * p) * 8, m, p, g.z * 8, g.g * 8);
      out.set(g.heap.view(g.g, p), o);
    } else gemvTInto(Xc, m, p, d, out, o);
    if (fitIntercept) {
      let gb = 0;
      for (let i = 0; i < m; i++) gb += d[i]!;
      out[o + p] = gb;
    }
  }
}

/** Rows [r0, r1) of a binary model with the squared loss: Z[i] = z_i becomes w_i ∂ℓ/∂z; returns Σ w ℓ (compensated). */
function binaryPointwise(t: LossTask, r0: number, r1: number): number {
  const { Z, w, y } = t;
  let f = 0;
  let fc = 0;
  for (let i = r0; i < r1; i++) {
    const wi = w[i]!;
    if (wi === 0) {
      Z[i] = 0;
      continue;
    }
    const zi = Z[i]!;
    const tz = Math.exp(-Math.abs(zi));
    const r1z = 1 / (1 + tz);
    const sig = zi >= 0 ? r1z : tz * r1z;
    const r = sig - (y[i]! === 1 ? 1 : 0);
    const li = wi * r * r;
    Z[i] = wi * 2 * r * sig * (1 - sig);
    const ft = f + li;
    fc += Math.abs(f) >= Math.abs(li) ? f - ft + li : li - ft + f;
    f = ft;
  }
  return f + fc;
}

/** Rows [r0, r1) of a multinomial model: Z[k·n + i] = z_ik becomes w_i ∂ℓ/∂z_k; returns Σ w ℓ (compensated). */
function multinomialPointwise(t: LossTask, r0: number, r1: number, e: Float64Array): number {
  const { Z, w, y, mse, n, rows } = t;
  let f = 0;
  let fc = 0;
  for (let i = r0; i < r1; i++) {
    const wi = w[i]!;
    if (wi === 0) {
      for (let k = 0; k < rows; k++) Z[k * n + i] = 0;
      continue;
    }
    // e gets row i's scores (score row k's are strided by n in Z), then their softmax p_k; Z[k, i] then becomes
    // ∂ℓ_i/∂z_k (times w_i)
    for (let k = 0; k < rows; k++) e[k] = Z[k * n + i]!;
    const lse = softmaxInto(e, 0, rows, e, 0);
    const yi = y[i]!;
    let li = 0;
    if (mse) {
      let c = 0;
      for (let k = 0; k < rows; k++) {
        const r = e[k]! - (k === yi ? 1 : 0);
        li += r * r;
        c += r * e[k]!;
      }
      li *= wi;
      for (let k = 0; k < rows; k++) Z[k * n + i] = wi * 2 * e[k]! * (e[k]! - (k === yi ? 1 : 0) - c);
    } else {
      li = wi * (lse - Z[yi * n + i]!);
      for (let k = 0; k < rows; k++) Z[k * n + i] = wi * (e[k]! - (k === yi ? 1 : 0));
    }
    const ft = f + li;
    fc += Math.abs(f) >= Math.abs(li) ? f - ft + li : li - ft + f;
    f = ft;
  }
  return f + fc;
}

/**
 * A threaded objective's arrays in one SharedArrayBuffer: the helpers' copy of X, w and the labels (y), θ, Z (empty for
 * the binary log loss), the chunks' sums (out) and the team's control words (ctrl). `memory.owner` is the key of the
 * objective whose data the buffer holds (every objective over the same buffer sees the same `memory`).
 */
interface Workspace {
  readonly X: Float64Array;
  readonly w: Float64Array;
  readonly theta: Float64Array;
  readonly Z: Float64Array;
  readonly out: Float64Array;
  readonly y: Int32Array;
  readonly ctrl: Int32Array;
  readonly memory: { readonly buf: SharedArrayBuffer; owner: number };
}

/**
 * The shared memory of this thread's last threaded objective, kept for the next one: a new SharedArrayBuffer's pages
 * are zeroed and mapped on first touch, so that copying MAGIC's 19,020 × 10 values into a new one took ~0.8 ms against
 * ~0.09 ms into one used before (a tenth of a whole fit). Kept only while X is within lossCopyLimit (each thread keeps
 * a copy of that size in its kernels' memory anyway).
 */
let kept: Workspace['memory'] | undefined;

/** A Workspace of the given lengths (doubles, then the labels' integers), in the kept memory where it fits. */
function workspace(...lengths: [X: number, w: number, theta: number, Z: number, out: number, y: number]): Workspace {
  const doubles = lengths.slice(0, 5).reduce((a, b) => a + b, 0);
  const bytes = 8 * doubles + 4 * (lengths[5] + CONTROL_WORDS);
  const memory = kept && kept.buf.byteLength >= bytes ? kept : { buf: new SharedArrayBuffer(bytes), owner: NaN };
  const buf = memory.buf;
  let at = 0;
  const [X, w, theta, Z, out] = lengths.slice(0, 5).map((len) => new Float64Array(buf, 8 * (at += len) - 8 * len, len)) as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
  const y = new Int32Array(buf, 8 * doubles, lengths[5]);
  const ctrl = new Int32Array(buf, 8 * doubles + 4 * lengths[5], CONTROL_WORDS);
  kept = lengths[0] <= lossCopyLimit.numbers ? memory : undefined;
  return { X, w, theta, Z, out, y, ctrl, memory };
}

const WORKER = new URL(import.meta.url.endsWith('.ts') ? './logistic-worker.ts' : './logistic-worker.js', import.meta.url);

/** What a helper thread of a threaded fit serves (logistic-worker.ts): the team's control words and the pass's data. */
export interface LossTeamTask {
  readonly ctrl: Int32Array;
  readonly loss: LossTask;
}

/**
 * A helper's side of a fit: runs the chunks it claims, pass after pass, until the fit ends; it leaves at once when the
 * scheduler put it on the calling thread's core (a fit of a few ms: see serveTeam).
 */
export function serveLossTeam(t: LossTeamTask): void | typeof SLEEP_AFTER {
  // having left, its worker sleeps at once rather than spin on the calling thread's core
  if (serveTeam(t.ctrl, (_kind, c) => runLossChunk(t.loss, c), 'leave') === 'left') return SLEEP_AFTER;
}

/** The team's one kind of job: a loss pass, one item per chunk. */
const PASS = 0;

/**
 * Decides when passes run on the calling thread alone (helpers that keep it waiting on a loaded machine). One for all
 * the fits of this thread, so that a fit starts from what the ones before it learnt.
 */
const monitor = new HandoverMonitor();

/** The loss and gradient of a LogisticProblem (see logisticObjective). */
export interface LogisticObjective extends ObjectiveFn {
  /**
   * Runs `body` (which calls this objective) with the fit's helper threads serving its passes, for body's whole
   * length: started once, spinning on shared memory between passes (team.ts), rather than handed each pass by
   * message. Outside it, or with one thread, every pass runs on the calling thread; the same bits either way.
   */
  withThreads<R>(body: () => R): R;
  /**
   * Whether every value of X is finite, where making the objective looked at every one (copying X into the SIMD
   * kernels' memory); undefined where it did not, and the caller must check X itself.
   */
  readonly inputFinite: boolean | undefined;
}

/**
 * Loss and gradient:
 *   f(θ) = Σ_i w_i ℓ_i(z_i) + (l2/2) Σ coef²,   z_i = coef·x_i + intercept.
 * 'log': binary ℓ = softplus(z) − y·z (stable for any z), multinomial ℓ = logsumexp(z) − z_y.
 * 'mse': binary ℓ = (σ(z) − y)², multinomial ℓ = Σ_k (softmax(z)_k − [k = y])² (the perceptron exercise).
 * Per chunk of rows: the binary log loss in one fused pass (linalg's logLossPassInto, or the SIMD kernel logloss_pass
 * with the same bits: scores, e^−|z| and log1p by the same IEEE operations, sums over even and odd rows added at the
 * end); the other losses per score row: z = X·coef + intercept (gemvInto), then ℓ_i and ∂ℓ_i/∂z_i element by element
 * (written over z), then the coefficients' gradient Xᵀ·∂ℓ/∂z (gemvTInto). The chunks (at most 8, of at least 1,024
 * rows) depend on n alone and their sums are added in order, so the result is the same bits whether they ran on one
 * thread or on several (`threads`, when the data are large enough to pay for the hand-over: inside withThreads, the
 * chunks are a team's job, which every thread claims from). The loss is summed with Neumaier compensation, so it is
 * accurate to ~eps and L-BFGS's loss-change test is not fooled by rounding.
 * Returns a closure with its own scratch buffers (n × score rows numbers, none for the binary log loss): not
 * re-entrant. Making it brings the rows into the calling thread's kernels' memory (loadAll): see inputFinite.
 */
export function logisticObjective(P: LogisticProblem, threads = 1): LogisticObjective {
  const { n, p, l2, fitIntercept } = P;
  const rows = paramRows(P.nClasses);
  const stride = p + (fitIntercept ? 1 : 0);
  const chunks = Math.ceil(n / chunkRows(n));
  const want = threads > 1 && chunks > 1 && n * rows * stride >= PARALLEL_WORK ? Math.min(threads, chunks) : 1;
  const pool = want > 1 ? SyncWorkerPool.shared(WORKER, want - 1) : undefined;
  const slot = 1 + rows * stride;
  const fused = rows === 1 && P.loss === 'log';
  const key = Math.random();
  // the helpers' copy of the data, in shared memory kept from fit to fit (see Workspace): written only once a helper
  // has come to the fit (the team's prepare step), and again whenever another objective has used the memory since
  const ws = pool ? workspace(n * p, n, rows * stride, fused ? 0 : rows * n, chunks * slot, n) : undefined;
  let filled = false;
  const fill = (): void => {
    if (!ws) return;
    ws.X.set(P.X);
    ws.y.set(P.y);
    ws.w.set(P.w);
    ws.memory.owner = key;
    filled = true;
  };
  // θ of the pass, the scores' scratch and the chunks' sums: in shared memory where there are helpers
  const thetaBuf = ws?.theta ?? new Float64Array(rows * stride);
  const Z = ws?.Z ?? new Float64Array(fused ? 0 : rows * n);
  const out = ws?.out ?? new Float64Array(chunks * slot);
  const common = { n, p, rows, fitIntercept, mse: P.loss === 'mse', theta: thetaBuf, Z, out, c0: 0, c1: chunks, simd: simdEnabled(), key };
  // the calling thread reads the caller's arrays; the helpers, their copy
  const task: LossTask = { ...common, X: P.X, y: P.y, w: P.w };
  const helperTask: LossTask | undefined = ws && { ...common, X: ws.X, y: ws.y, w: ws.w };
  const inputFinite = loadAll(task);
  const runChunk = (_kind: number, c: number): void => runLossChunk(task, c);
  // every chunk on the calling thread, in order: outside withThreads and without a pool
  const alone = new Team(new Int32Array(CONTROL_WORDS), runChunk, 0);
  let team = alone;

  const fg = (theta: Float64Array, grad: Float64Array): number => {
    if (filled && ws!.memory.owner !== key) fill();
    thetaBuf.set(theta);
    team.run(PASS, chunks, true);
    grad.fill(0);
    let f = 0;
    let fc = 0;
    for (let c = 0; c < chunks; c++) {
      const o = c * slot;
      const li = out[o]!;
      const ft = f + li;
      fc += Math.abs(f) >= Math.abs(li) ? f - ft + li : li - ft + f;
      f = ft;
      for (let j = 0; j < rows * stride; j++) grad[j]! += out[o + 1 + j]!;
    }
    return f + fc + l2Penalty(theta, grad, l2, rows, stride, p);
  };
  const withThreads = <R>(body: () => R): R => {
    if (!pool || !ws || !helperTask) return body();
    // the control words start at zero (the memory may be a previous objective's, whose team has stopped)
    ws.ctrl.fill(0);
    team = new Team(ws.ctrl, runChunk, want - 1, monitor, true, fill);
    try {
      return withTeam(pool, team, { ctrl: ws.ctrl, loss: helperTask }, serveLossTeam, body);
    } finally {
      team = alone;
    }
  };
  return Object.assign(fg, { withThreads, inputFinite });
}

/**
 * Scores z = X·coefᵀ + intercept: n×rows row-major; coef is rows×p row-major. The same kernel, and so the same
 * summation order, as the fit's loss pass.
 */
export function linearScores(X: Float64Array, n: number, p: number, coef: Float64Array, intercept: Float64Array): Float64Array {
  const rows = intercept.length;
  if (rows === 1) return gemvInto(X, n, p, coef, 0, intercept[0]!, new Float64Array(n));
  const out = new Float64Array(n * rows);
  const z = new Float64Array(n);
  for (let k = 0; k < rows; k++) {
    gemvInto(X, n, p, coef, k * p, intercept[k]!, z);
    for (let i = 0; i < n; i++) out[i * rows + k] = z[i]!;
  }
  return out;
}
