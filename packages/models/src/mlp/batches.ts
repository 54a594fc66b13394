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

/** A workspace, labels and weights for half-batches of up to `capacity` rows. */
class Half {
  readonly ws: Workspace;
  readonly yb: Int32Array;
  readonly wb: Float64Array;
  constructor(
    readonly arch: Architecture,
    readonly capacity: number,
    readonly simd: boolean,
  ) {
    this.ws = new Workspace(arch, capacity, true, simd);
    this.yb = new Int32Array(capacity);
    this.wb = new Float64Array(capacity);
  }

  /** Loads rows order[start..start+m) and back-propagates them into grad; returns Σ w ℓ (penalty in ws.penalty). */
  run(X: Float64Array, y: Int32Array, w: Float64Array, order: Int32Array, start: number, m: number, params: Float64Array, grad: Float64Array, loss: Loss, scale: number, decay: number): number {
    this.ws.loadRows(X, this.arch.sizes[0]!, order, start, m);
    for (let r = 0; r < m; r++) {
      const i = order[start + r]!;
      this.yb[r] = y[i]!;
      this.wb[r] = w[i]!;
    }
    return this.ws.backprop(params, grad, this.yb, this.wb, m, loss, scale, decay);
  }
}

/** A worker thread keeps its last workspace: the same fit sends the same architecture batch after batch. */
let workerHalf: Half | undefined;

/** Runs a HalfBatchTask (in a worker thread). */
export function runHalfBatch(t: HalfBatchTask): void {
  if (!workerHalf || workerHalf.capacity !== t.capacity || workerHalf.simd !== t.simd || workerHalf.arch.sizes.join() !== t.arch.sizes.join() || workerHalf.arch.activation !== t.arch.activation)
    workerHalf = new Half(t.arch, t.capacity, t.simd);
  const nParams = t.arch.nParams;
  t.out[nParams] = workerHalf.run(t.X, t.y, t.w, t.order, t.start, t.m, t.params, t.out.subarray(0, nParams), t.loss, t.scale, 0);
}

const WORKER = new URL(import.meta.url.endsWith('.ts') ? './mlp-worker.ts' : './mlp-worker.js', import.meta.url);

/**
 * Runs both halves here for a while when the worker does not keep up (cores shared with other processes). One for
 * all the fits of this thread, so that a fit starts from what the ones before it learnt.
 */
const monitor = new HandoverMonitor();

/** Below this many row × parameter products per batch, both halves stay on the calling thread. */
const PARALLEL_WORK = 50_000;

/**
 * Mini-batch losses and gradients for one fit. With a worker thread, X, y, w and the parameters live in shared
 * memory: `params` and `order` are then the runner's shared copies, which the caller must update in place (the
 * optimiser step, the shuffle) and copy back at the end.
 */
export class BatchRunner {
  readonly params: Float64Array;
  readonly order: Int32Array;
  private readonly X: Float64Array;
  private readonly y: Int32Array;
  private readonly w: Float64Array;
  /** The calling thread's workspace (both halves, one after the other, when no worker takes the second). */
  private readonly half: Half;
  private readonly pool: SyncWorkerPool | undefined;
  private readonly out: Float64Array;

  constructor(
    private readonly arch: Architecture,
    batch: number,
    X: Float64Array,
    y: Int32Array,
    w: Float64Array,
    order: Int32Array,
    params: Float64Array,
    private readonly loss: Loss,
    private readonly l2: number,
    threads: number,
  ) {
    const capacity = Math.ceil(batch / 2);
    this.pool = threads > 1 && batch >= 2 && batch * arch.nParams >= PARALLEL_WORK ? SyncWorkerPool.shared(WORKER, 1) : undefined;
    const shared = this.pool !== undefined;
    this.X = shared ? sharedCopy(X) : X;
    this.y = shared ? sharedCopy(y) : y;
    this.w = shared ? sharedCopy(w) : w;
    this.order = shared ? sharedCopy(order) : order;
    this.params = shared ? sharedCopy(params) : params;
    this.half = new Half(arch, capacity, simdEnabled());
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
      if (second) out[nParams] = this.half.run(this.X, this.y, this.w, this.order, second.start, second.m, this.params, out.subarray(0, nParams), this.loss, scale, 0);
      else {
        data0 = this.half.run(this.X, this.y, this.w, this.order, start, h, this.params, grad, this.loss, scale, this.l2 * scale);
        penalty = this.half.ws.penalty;
      }
    };
    const task: HalfBatchTask | undefined =
      m - h > 0 ? { arch: this.arch, capacity: this.half.capacity, X: this.X, y: this.y, w: this.w, order: this.order, params: this.params, out, start: start + h, m: m - h, loss: this.loss, scale, simd: this.half.simd } : undefined;
    const tasks = task ? [undefined, task] : [undefined];
    if (this.pool && monitor.useWorkers()) {
      monitor.runPass(this.pool, tasks, here);
    } else tasks.forEach(here);
    for (let j = 0; j < nParams; j++) grad[j]! += out[j]!;
    return (data0 + out[nParams]! + 0.5 * this.l2 * penalty) * scale;
  }
}
