import { interruptedError } from './errors.js';

/**
 * Cancellation of long synchronous work (EM iterations and restarts, epochs and mini-batches, L-BFGS iterations,
 * k-means, boosting rounds). A fit runs on one thread without yielding, so a flag set by that thread's own event
 * loop (an AbortController, a timer) would never be seen while it runs: the flag lives in shared memory, and another
 * thread (the command's main thread, which receives Ctrl-C) sets it. Every long loop calls `throwIfCancelled` once
 * per iteration, batch or restart: a load from shared memory, nanoseconds.
 *
 * Any object with `aborted` (and optionally `reason`) works as a signal, an AbortSignal included, for code that
 * cancels from within (a progress callback, say).
 */
export interface CancelSignal {
  readonly aborted: boolean;
  readonly reason?: unknown;
}

const REASONS = ['', 'cancelled', 'SIGINT', 'SIGTERM'] as const;

/**
 * A cancellation flag in a SharedArrayBuffer: `cancel()` on any thread that holds the buffer is seen at once by
 * `aborted` on every other. Pass `buffer` to a worker (workerData) and wrap it there with `CancelFlag.from`.
 */
export class CancelFlag implements CancelSignal {
  private readonly cell: Int32Array;

  constructor(readonly buffer: SharedArrayBuffer = new SharedArrayBuffer(4)) {
    this.cell = new Int32Array(buffer, 0, 1);
  }

  static from(buffer: SharedArrayBuffer): CancelFlag {
    return new CancelFlag(buffer);
  }

  /** Sets the flag; `reason` says why ('SIGINT', 'SIGTERM' or 'cancelled'). The first reason given stays. */
  cancel(reason: 'SIGINT' | 'SIGTERM' | 'cancelled' = 'cancelled'): void {
    Atomics.compareExchange(this.cell, 0, 0, REASONS.indexOf(reason));
  }

  get aborted(): boolean {
    return Atomics.load(this.cell, 0) !== 0;
  }

  get reason(): string | undefined {
    const r = Atomics.load(this.cell, 0);
    return r === 0 ? undefined : REASONS[r];
  }
}

/** Throws INTERRUPTED (naming `what` was stopped) when `signal` is set; nothing otherwise. */
export function throwIfCancelled(signal: CancelSignal | undefined, what: string): void {
  if (signal?.aborted) throw interruptedError(what, signal.reason);
}
