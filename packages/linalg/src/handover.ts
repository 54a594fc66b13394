/**
 * Whether a fit's worker threads are keeping up, decided pass by pass from what the calling thread measures.
 *
 * A threaded pass (the GMM's E/M pass, the logistic loss pass, an MLP mini-batch) hands part of its work to worker
 * threads and waits for them at the end. On a machine whose cores are shared with other processes a worker may not
 * be scheduled for milliseconds, and the calling thread then waits far longer than the work would have taken it
 * alone: measured on the 2-core development VM under a load average of 5, a 50-epoch MLP fit took 5.7 s on two
 * threads against 0.4 s on one. Since every result is the same bits whichever thread computes which piece, the
 * calling thread may simply do the whole pass itself for a while: after `strikes` passes in a row in which it
 * waited more than `tolerance` × its own share (+ `slackMs`), it runs the next passes alone (16 at first, twice as
 * many after each further episode, at most 1,024), then tries the workers again.
 */
export class HandoverMonitor {
  /**
   * False: every monitor keeps the workers whatever it measures (tests that must see tasks run on worker threads,
   * on a machine that may be loaded). Read by useWorkers.
   */
  static adaptive = true;
  private solo = 0;
  private strikes = 0;
  private backoff = 16;

  constructor(
    private readonly tolerance = 0.5,
    private readonly slackMs = 0.05,
    private readonly maxStrikes = 3,
  ) {}

  /** Whether the next pass should hand work to the workers (false: run it all on the calling thread). */
  useWorkers(): boolean {
    if (this.solo > 0 && HandoverMonitor.adaptive) {
      this.solo--;
      return false;
    }
    return true;
  }

  /** After a pass that used the workers: the calling thread's own working time and the time it then waited (ms). */
  record(ownMs: number, waitedMs: number): void {
    if (waitedMs > this.tolerance * ownMs + this.slackMs) {
      if (++this.strikes >= this.maxStrikes) {
        this.solo = this.backoff;
        this.backoff = Math.min(2 * this.backoff, 1024);
        this.strikes = 0;
      }
    } else {
      this.strikes = 0;
      this.backoff = Math.max(16, this.backoff >> 1);
    }
  }

  /**
   * Runs a pass on the workers, pool.run(tasks, local), and records it: the calling thread's time until its own
   * share (`local`) is done, and the time it then waits for the workers. A pool that takes back the tasks its workers
   * have not started (core's SyncWorkerPool: `tasksTakenBack`) runs them through `local` too: a pass with one taken
   * back counts as one whose workers did not keep up (the calling thread did their share), so that a machine whose
   * workers are seldom scheduled makes the fit run alone for a while rather than post tasks it then takes back.
   */
  runPass<T>(pool: { run(tasks: readonly T[], local: (task: T) => void): void; readonly tasksTakenBack?: number }, tasks: readonly T[], local: (task: T) => void): void {
    const back = pool.tasksTakenBack ?? 0;
    const t0 = performance.now();
    let done = t0;
    pool.run(tasks, (t) => {
      local(t);
      done = performance.now();
    });
    const own = done - t0;
    this.record(own, (pool.tasksTakenBack ?? 0) > back ? Infinity : performance.now() - done);
  }

  /** Passes left to run alone (for tests). */
  get passesAlone(): number {
    return this.solo;
  }
}
