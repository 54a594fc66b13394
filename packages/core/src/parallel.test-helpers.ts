/**
 * A worker module for parallel.test.ts: each task sums rows [r0, r1) of a shared vector into its slot of `out`,
 * or fails on request (a coded error, or a plain one that stands for a bug).
 */
import { threadId } from 'node:worker_threads';
import { DiscernError } from './errors.js';
import { SLEEP_AFTER, serveTasks } from './parallel.js';

export interface SumTask {
  readonly x: Float64Array;
  readonly r0: number;
  readonly r1: number;
  readonly slot: number;
  readonly out: Float64Array;
  /** thread ids that ran each slot */
  readonly who: Int32Array;
  readonly fail?: 'coded' | 'bug' | 'uncloneable';
  /** the message of a coded failure (default `slot N refused`) */
  readonly message?: string;
  /** Each task adds 1 here when it starts. */
  readonly started?: Int32Array;
  /**
   * (The calling thread's task.) Wait, up to 10 s, until this many tasks have started, so that the pool does not take
   * back the ones it handed to workers (it does when a worker has not started its task by the time the calling
   * thread is done with its own): the tests that check where tasks ran need them to run there.
   */
  readonly awaitStarted?: number;
  /** The task asks its worker to sleep at once afterwards (SLEEP_AFTER) rather than spin for the next task. */
  readonly sleepAfter?: boolean;
}

const nap = new Int32Array(new SharedArrayBuffer(4));

export function runSum(t: SumTask): void {
  if (t.started) Atomics.add(t.started, 0, 1);
  if (t.started && t.awaitStarted !== undefined) {
    const until = Date.now() + 10_000;
    while (Atomics.load(t.started, 0) < t.awaitStarted && Date.now() < until) Atomics.wait(nap, 0, 0, 1);
  }
  if (t.fail === 'coded') throw new DiscernError('DATA_INVALID', t.message ?? `slot ${t.slot} refused`, { slot: t.slot });
  if (t.fail === 'uncloneable') throw new DiscernError('FIT_DIVERGED', `slot ${t.slot} diverged`, { slot: t.slot, callback: () => t.slot });
  if (t.fail === 'bug') throw new TypeError(`slot ${t.slot} broke`);
  let s = 0;
  for (let i = t.r0; i < t.r1; i++) s += t.x[i]!;
  t.out[t.slot] = s;
  t.who[t.slot] = threadId;
}

serveTasks((t: SumTask) => {
  runSum(t);
  return t.sleepAfter ? SLEEP_AFTER : undefined;
});
