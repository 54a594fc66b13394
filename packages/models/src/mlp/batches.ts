import { SyncWorkerPool, sharedCopy } from '@discern/core';
import { HandoverMonitor, simdEnabled } from '@discern/linalg';
import { type Loss } from './losses.js';
import { type Architecture, Workspace } from './network.js';

/**
 * The loss and gradient of one mini-batch, computed as two fixed halves — rows [0, h) and [h, m) with h = ⌈m/2⌉ —
 * whose gradients are then added. The halves are always the same, so the result does not depend on whether the
 * second half ran on a worker thread (threads ≥ 2 and a batch big enough to pay for the hand-over) or after the
 * first on the calling thread: every number of threads gives the same bits.
 */

/** The second half of a batch, as a worker thread computes it. Arrays over shared memory. */
export interface HalfBatchTask {
  readonly arch: Architecture;
  readonly capacity: number;
  /** Which fit the task is of: a worker copies the fit's rows into its workspace once, at the fit's first task. */
  readonly fit: number;
  /** The fit's training rows, labels and weights, compact (see BatchRunner). */
  readonly X: Float64Array;
  readonly y: Int32Array;
  readonly w: Float64Array;
  readonly order: Int32Array;
  readonly params: Float64Array;
  /** The half's gradient (nParams) and, after it, its Σ w ℓ. */
  readonly out: Float64Array;
  readonly start: number;
  readonly m: number;
  readonly loss: Loss;
  readonly scale: number;
  /** Whether the workspace uses the SIMD kernels (the fitting thread's choice); the same bits either way. */
  readonly simd: boolean;
}

/** A workspace, labels and weights for half-batches of up to `capacity` rows, from a fit's `rows` training rows. */
class Half {
  readonly ws: Workspace;
  readonly yb: Int32Array;
  readonly wb: Float64Array;
  /** The fit whose rows the workspace holds (see HalfBatchTask.fit). */
  fit = -1;
  constructor(
    readonly arch: Architecture,
    readonly capacity: number,
    readonly simd: boolean,
    readonly rows: number,
  ) {
    this.ws = new Workspace(arch, capacity, true, simd, rows);
    this.yb = new Int32Array(capacity);
    this.wb = new Float64Array(capacity);
  }

  /**
   * Loads the fit's rows order[start..start+m) (from the workspace's source: the fit's compact rows) and
   * back-propagates them into grad; returns Σ w ℓ (penalty in ws.penalty).
   */
  run(order: Int32Array, start: number, m: number, params: Float64Array, grad: Float64Array, loss: Loss, scale: number, decay: number): number {
    this.ws.gatherRows(order, start, m, this.yb, this.wb);
    return this.ws.backprop(params, grad, this.yb, this.wb, m, loss, scale, decay);
  }
}

/** A worker thread keeps its last workspace: the same fit sends the same architecture batch after batch. */
let workerHalf: Half | undefined;

/** Runs a HalfBatchTask (in a worker thread). */
export function runHalfBatch(t: HalfBatchTask): void {
  const rows = t.y.length;
  if (!workerHalf || workerHalf.capacity !== t.capacity || workerHalf.simd !== t.simd || workerHalf.rows !== rows || workerHalf.arch.sizes.join() !== t.arch.sizes.join() || workerHalf.arch.activation !== t.arch.activation)
    workerHalf = new Half(t.arch, t.capacity, t.simd, rows);
  if (workerHalf.fit !== t.fit) {
    workerHalf.ws.setSource(t.X, t.y, t.w);
    workerHalf.fit = t.fit;
  }
  const nParams = t.arch.nParams;
  t.out[nParams] = workerHalf.run(t.order, t.start, t.m, t.params, t.out.subarray(0, nParams), t.loss, t.scale, 0);
}

const WORKER = new URL(import.meta.url.endsWith('.ts') ? './mlp-worker.ts' : './mlp-worker.js', import.meta.url);

/**
 * Runs both halves here for a while when the worker does not keep up (cores shared with other processes). One for
 * all the fits of this thread, so that a fit starts from what the ones before it learnt.
 */
const monitor = new HandoverMonitor();

/** Below this many row × parameter products per batch, both halves stay on the calling thread. */
const PARALLEL_WORK = 50_000;

/** The rows of a second half that no worker takes (no pool): it runs here, from the workspace's own copy. */
const NO_ROWS = { X: new Float64Array(0), y: new Int32Array(0), w: new Float64Array(0) } as const;

/** Numbers fits for HalfBatchTask.fit. */
let fits = 0;

/**
 * Mini-batch losses and gradients for one fit, over the training rows `rows` of X (y, w). The runner keeps the
 * training rows compact, X[rows[0]], X[rows[1]], … (labels and weights likewise), and `order` holds positions in
 * them, 0 … n−1: the caller shuffles `order` in place every epoch, and since a shuffle moves positions whatever they
 * hold, the batches are the very rows a shuffle of `rows` itself would pick. The compact rows are what each thread's
 * workspace gathers its batches from (Workspace.gatherRows). With a worker thread they and the parameters live in
 * shared memory: `params` is then the runner's shared copy, which the caller must update in place (the optimiser
 * step) and copy back at the end.
 */
export class BatchRunner {
  readonly params: Float64Array;
  readonly order: Int32Array;
  /** The compact rows, kept for the worker's tasks (the workspace has its own copy, or keeps these on its JS path). */
  private readonly shared: { readonly X: Float64Array; readonly y: Int32Array; readonly w: Float64Array } | undefined;
  /** The calling thread's workspace (both halves, one after the other, when no worker takes the second). */
  private readonly half: Half;
  private readonly pool: SyncWorkerPool | undefined;
  private readonly out: Float64Array;
  private readonly fit = ++fits;

  constructor(
    private readonly arch: Architecture,
    batch: number,
    X: Float64Array,
    y: Int32Array,
    w: Float64Array,
    rows: Int32Array,
    params: Float64Array,
    private readonly loss: Loss,
    private readonly l2: number,
    threads: number,
  ) {
    const capacity = Math.ceil(batch / 2);
    this.pool = threads > 1 && batch >= 2 && batch * arch.nParams >= PARALLEL_WORK ? SyncWorkerPool.shared(WORKER, 1) : undefined;
    const shared = this.pool !== undefined;
    const n = rows.length;
    const p = arch.sizes[0]!;
    const f64 = (len: number): Float64Array => (shared ? new Float64Array(new SharedArrayBuffer(len * 8)) : new Float64Array(len));
    const i32 = (len: number): Int32Array => (shared ? new Int32Array(new SharedArrayBuffer(len * 4)) : new Int32Array(len));
    const Xc = f64(n * p), yc = i32(n), wc = f64(n);
    this.order = i32(n);
    for (let t = 0; t < n; t++) {
      const i = rows[t]!;
      for (let k = 0; k < p; k++) Xc[t * p + k] = X[i * p + k]!;
      yc[t] = y[i]!;
      wc[t] = w[i]!;
      this.order[t] = t;
    }
    this.shared = shared ? { X: Xc, y: yc, w: wc } : undefined;
    this.params = shared ? sharedCopy(params) : params;
    this.half = new Half(arch, capacity, simdEnabled(), n);
    this.half.ws.setSource(Xc, yc, wc);
    this.out = shared ? new Float64Array(new SharedArrayBuffer((arch.nParams + 1) * 8)) : new Float64Array(arch.nParams + 1);
  }

  /**
   * The batch objective of rows order[start..start+m): J = (1/m)[Σ_i w_i ℓ_i + (l2/2) Σ ‖W‖²]; writes ∂J/∂θ into
   * `grad` and returns J.
   */
  lossAndGradient(start: number, m: number, grad: Float64Array): number {
    const h = Math.ceil(m / 2);
    const scale = 1 / m;
    const nParams = this.arch.nParams;
    const out = this.out;
    if (m - h === 0) out.fill(0);
    // the first half carries the L2 term; the second goes to the worker when it is up, else runs here after the first
    let data0 = 0;
    let penalty = 0;
    const here = (second: HalfBatchTask | undefined): void => {
      if (second) out[nParams] = this.half.run(this.order, second.start, second.m, this.params, out.subarray(0, nParams), this.loss, scale, 0);
      else {
        data0 = this.half.run(this.order, start, h, this.params, grad, this.loss, scale, this.l2 * scale);
        penalty = this.half.ws.penalty;
      }
    };
    const task: HalfBatchTask | undefined =
      m - h > 0 ? { arch: this.arch, capacity: this.half.capacity, fit: this.fit, ...(this.shared ?? NO_ROWS), order: this.order, params: this.params, out, start: start + h, m: m - h, loss: this.loss, scale, simd: this.half.simd } : undefined;
    const tasks = task ? [undefined, task] : [undefined];
    if (this.pool && monitor.useWorkers()) {
      monitor.runPass(this.pool, tasks, here);
    } else tasks.forEach(here);
    for (let j = 0; j < nParams; j++) grad[j]! += out[j]!;
    return (data0 + out[nParams]! + 0.5 * this.l2 * penalty) * scale;
  }
}
