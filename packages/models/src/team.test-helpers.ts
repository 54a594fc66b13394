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
  /** helped[0]: items helpers ran. */
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
  };
}

serveTasks((t: TeamTask) => {
  serveTeam(t.ctrl, runner(t));
});
