/**
 * The main thread's side of `discern run`: starts the pipeline in a worker thread (run-worker.ts) and stays free for
 * signals while it works. On the first SIGINT or SIGTERM it sets the CancelFlag the worker shares (every long loop of
 * a fit checks it and throws INTERRUPTED; the engine removes its temporary folder), waits GRACE_MS for the worker to
 * end, and then terminates it, which stops even a loop that checks nothing (a plugin step). A second signal
 * terminates at once. Then it removes what a terminated worker could not (the temporary run folder, whose path the
 * worker sent as soon as it existed) and throws `Interrupted` with one line saying what was stopped.
 */
import { existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { CancelFlag } from '@discern/core';
import { display } from './cli-common.js';
import { Interrupted, type StopReason, interruptible } from './interrupt.js';
import { fromPlainError } from './output.js';
import { type PlainError, type ProgressMessage, type RunRequest, type RunSummary, type WorkerData, type WorkerMessage } from './run-protocol.js';

/** How long a cancelled fit gets to notice the flag and clean up itself before the worker is terminated. */
export const GRACE_MS = 400;
/** How long a finished worker gets to end by itself (its last output flushed) before it is terminated. */
const FINISH_MS = 1000;

const WORKER = new URL('./run-worker.js', import.meta.url);

export interface RunHostCallbacks {
  /** A log line of the engine; `notice` marks the ones shown without --verbose. */
  log(line: string, notice: boolean): void;
  /** A new progress bar (only when the request asked for progress). */
  bar(label: string): void;
  progress(events: readonly ProgressMessage[]): void;
}

interface Plan {
  readonly out: string;
  readonly steps: readonly string[];
}

/**
 * Puts the run folder back as it was when the worker was terminated while the engine was moving the new run into place
 * (the old run renamed to `.NAME.old-PID-STAMP`, the new one not yet renamed onto NAME): the old run goes back; when
 * the new run got into place, the old one is removed as the engine would have.
 */
function restoreRunFolder(out: string): void {
  const prefix = `.${basename(out)}.old-${process.pid}-`;
  let siblings: string[];
  try {
    siblings = readdirSync(dirname(out)).filter((n) => n.startsWith(prefix));
  } catch {
    return;
  }
  for (const name of siblings) {
    const old = join(dirname(out), name);
    if (!existsSync(out)) renameSync(old, out);
    else rmSync(old, { recursive: true, force: true });
  }
}

/** The folder's identity (device and inode), or undefined when absent: a new run moved into place is a new folder. */
function identity(path: string): string | undefined {
  try {
    const s = statSync(path);
    return `${s.dev}:${s.ino}`;
  } catch {
    return undefined;
  }
}

/** What an interrupt stopped and left: `during step 3 (fit mlp): nothing was written; runs/x is unchanged`. */
function describeStop(plan: Plan | undefined, existed: boolean, temporary: string | undefined, step: number, replaced: boolean): string {
  if (!plan) return 'before the run started: nothing was written';
  const where = display(plan.out);
  // The signal came as the engine moved the finished run into place: it is there, whole.
  if (replaced) return `as the run finished: ${where} holds the complete new run`;
  const during = step >= 0 ? `during step ${step + 1} (${plan.steps[step] ?? '?'})` : temporary ? 'while reading the data' : 'before the run started';
  return `${during}: nothing was written; ${existed ? `${where} is unchanged` : `${where} was not created`}`;
}

/** Runs `request` in a worker thread; resolves with what the run printed, or throws its error or `Interrupted`. */
export async function runInWorker(request: RunRequest, callbacks: RunHostCallbacks): Promise<RunSummary> {
  const flag = new CancelFlag();
  const data: WorkerData = { request, cancel: flag.buffer };
  const worker = new Worker(WORKER, { workerData: data });
  let plan: Plan | undefined;
  let before: string | undefined;
  let temporary: string | undefined;
  let step = -1;
  let result: RunSummary | undefined;
  let error: PlainError | undefined;
  let stopped: StopReason | undefined;
  let timer: NodeJS.Timeout | undefined;
  let terminating = false;

  const terminate = (why?: string) => {
    if (terminating) return;
    terminating = true;
    if (why) callbacks.log(why, false);
    void worker.terminate();
  };
  let settle: () => void = () => {};
  const ended = new Promise<void>((resolve) => (settle = resolve));
  const exited = new Promise<number>((resolve) => worker.once('exit', resolve));

  worker.on('message', (m: WorkerMessage) => {
    switch (m.t) {
      case 'plan':
        plan = m;
        before = identity(m.out);
        break;
      case 'temporary':
        temporary = m.path;
        break;
      case 'step':
        step = m.index;
        break;
      case 'log':
        callbacks.log(m.line, m.notice);
        break;
      case 'bar':
        callbacks.bar(m.label);
        break;
      case 'progress':
        callbacks.progress(m.events);
        break;
      case 'done':
        result = m.result;
        settle();
        break;
      case 'error':
        error = m.error;
        settle();
        break;
    }
  });
  // An exception the worker did not catch (a plugin's timer that throws): an internal error, like any bug.
  worker.on('error', (e) => {
    error ??= { message: e.message, ...(e.stack ? { stack: e.stack } : {}) };
    settle();
  });
  void exited.then(() => settle());

  const code = await interruptible(
    {
      stop(reason, count) {
        if (stopped === undefined) {
          stopped = reason;
          flag.cancel(reason === 'EPIPE' ? 'cancelled' : reason);
          timer = setTimeout(() => terminate(`the run did not stop within ${GRACE_MS} ms of ${reason}: its thread was terminated`), GRACE_MS);
        }
        if (count > 1) terminate(`${reason} again: the run's thread was terminated`);
      },
    },
    async () => {
      await ended;
      // A finished worker ends by itself once its last messages and output are out; one that hangs is ended.
      if (!terminating) timer ??= setTimeout(() => terminate(), stopped ? GRACE_MS : FINISH_MS);
      return exited;
    },
  );
  clearTimeout(timer);

  if (stopped) {
    // What a terminated worker could not remove; harmless when it removed them itself.
    if (temporary) rmSync(temporary, { recursive: true, force: true });
    if (plan) restoreRunFolder(plan.out);
    const replaced = result !== undefined || (plan !== undefined && identity(plan.out) !== before);
    throw new Interrupted(stopped, describeStop(plan, before !== undefined, temporary, step, replaced));
  }
  if (result) return result;
  if (error) throw fromPlainError(error);
  throw new Error(`the run's worker thread ended without a result (exit code ${code})`);
}
