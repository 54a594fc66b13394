/**
 * A worker module for team.test.ts: serves a team whose items add 1 to their slot of a shared counter (and note the
 * thread that ran them), and whose task counts its runs; with `helperFails`, every item a helper runs throws.
 */
import { serveTasks } from '@discern/core';
import { isMainThread, threadId } from 'node:worker_threads';
import { type ItemRunner, serveTeam } from './team.js';

export interface TeamTask {
  readonly ctrl: Int32Array;
  /** ran[i]: how many times item i ran; who[i]: the thread id that last ran it; tasks[0]: task runs. */
  readonly ran: Int32Array;
  readonly who: Int32Array;
  readonly tasks: Int32Array;
  readonly helperFails: boolean;
  /**
   * waitForHelper[0] = 1: the first item the calling thread runs waits (up to 10 s, for a loaded machine) until a
   * helper has run one, so that a test of the helper's part does not depend on the scheduler; then it is cleared.
   * helped[0]: items helpers ran.
   */
  readonly waitForHelper: Int32Array;
  readonly helped: Int32Array;
}

export const COUNT = 0;

export function runner(t: TeamTask): ItemRunner {
  return (kind, item) => {
    if (kind !== COUNT) {
      Atomics.add(t.tasks, 0, 1);
      return;
    }
    if (t.helperFails && !isMainThread) throw new Error(`item ${item} broke on a helper`);
    Atomics.add(t.ran, item, 1);
    Atomics.store(t.who, item, threadId);
    if (!isMainThread) Atomics.add(t.helped, 0, 1);
    else if (Atomics.compareExchange(t.waitForHelper, 0, 1, 0) === 1)
      for (const t0 = performance.now(); Atomics.load(t.helped, 0) === 0 && performance.now() - t0 < 10_000; );
  };
}

serveTasks((t: TeamTask) => {
  serveTeam(t.ctrl, runner(t));
});
