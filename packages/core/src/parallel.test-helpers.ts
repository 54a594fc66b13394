/**
 * A worker module for parallel.test.ts: each task sums rows [r0, r1) of a shared vector into its slot of `out`,
 * or fails on request (a coded error, or a plain one that stands for a bug).
 */
import { threadId } from 'node:worker_threads';
import { DiscernError } from './errors.js';
import { serveTasks } from './parallel.js';

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
}

export function runSum(t: SumTask): void {
  if (t.fail === 'coded') throw new DiscernError('DATA_INVALID', t.message ?? `slot ${t.slot} refused`, { slot: t.slot });
  if (t.fail === 'uncloneable') throw new DiscernError('FIT_DIVERGED', `slot ${t.slot} diverged`, { slot: t.slot, callback: () => t.slot });
  if (t.fail === 'bug') throw new TypeError(`slot ${t.slot} broke`);
  let s = 0;
  for (let i = t.r0; i < t.r1; i++) s += t.x[i]!;
  t.out[t.slot] = s;
  t.who[t.slot] = threadId;
}

serveTasks((t: SumTask) => runSum(t));
