import { closeSync, openSync, readSync } from 'node:fs';
import { type SyncWorkerPool } from '@discern/core';
import { HandoverMonitor } from '@discern/linalg';

/**
 * The threads of one fit: the calling thread and helper threads that stay with the fit from its first pass to its
 * last, waiting for work on a word of shared memory. Used where a fit's steps are short: a boosted tree's (a node's
 * histogram or split search takes 10 to 100 µs on MAGIC) and the logistic loss pass's (~0.15 ms for MAGIC's 19,020
 * rows on two threads). A task handed over by message is picked up by a thread that went to sleep ~0.1 ms and more
 * later on a virtual machine; a helper that spins on shared memory picks a job up in well under a microsecond (~0.35
 * µs for a round trip on the 2-core development VM).
 *
 * A job is `count` items of one kind; its parameters are written to shared memory before it is published. Every
 * thread, the calling one included, claims items one at a time (compare-exchange on the job word) and runs them; the
 * calling thread returns once every item is done. What an item computes never depends on the thread that runs it, so
 * a fit gives the same bits on any number of threads, and the calling thread never waits for a helper that has not
 * claimed anything: a helper asleep or not scheduled simply leaves all the items to it. A HandoverMonitor (linalg)
 * stops publishing for a while when the helpers that do claim keep the calling thread waiting (another one, posting
 * tasks, when the calling thread waits to collect them: a helper descheduled in the middle of a task on a loaded
 * machine would otherwise hold every split up).
 *
 * Besides jobs, the calling thread may post one task at a time that a helper runs while the calling thread goes on
 * with other work (a speculative split: see trees/grower.ts): `post`, then `collect`, which takes the task back unrun
 * when no helper has started it, and otherwise waits for it to finish.
 *
 * A helper spins for SPIN_MS after its last item or task, then sleeps in Atomics.wait; the calling thread wakes it
 * when it publishes the next job or posts the next task. `withTeam` starts the helpers on a SyncWorkerPool for the
 * length of a fit.
 *
 * A team may be given a `prepare` step: what the helpers need that the calling thread has not written yet (the
 * logistic fit's copy of its data in shared memory). Its jobs then run on the calling thread alone until a helper has
 * come (started serving, and not left), and prepare runs once, just before the first job it shares: a fit whose
 * helpers never come, asleep or put on the calling thread's core, pays nothing for them.
 */

/** Words of the control block (an Int32Array over shared memory when there are helpers). */
export const CONTROL_WORDS = 13;
/** The job word: count << 16 | the next item to claim. */
const WORK = 0;
/** Items finished by helpers. */
const DONE = 1;
/** The job's kind. */
const KIND = 2;
/** 1 once the fit is over: helpers return. */
const STOP = 3;
/** Helpers asleep (or about to be) in Atomics.wait on WAKE. */
const SLEEPING = 4;
/** 1 when a helper threw (its error is the pool's to report: see Team.run). */
const FAILED = 5;
/** The posted task: NO_TASK, POSTED, RUNNING or FINISHED; and its kind. */
const TASK = 6;
const TASK_KIND = 7;
const NO_TASK = 0, POSTED = 1, RUNNING = 2, FINISHED = 3;
/** Counts jobs published and tasks posted: what a sleeping helper waits on. */
const WAKE = 8;
/** The item the published part of a job starts at (see Team.run). */
const FIRST = 9;
/** The core the calling thread last ran on, as it last looked (CoreProbe; −1 unknown). Exported for tests. */
export const LEAD_CORE = 10;
/** 1 when the team was made with Team.helpersMustJoin: its helpers never leave (see serveTeam). */
const MUST_JOIN = 11;
/** Helpers that have come to the fit (started serving, and not on the calling thread's core where that matters). */
const READY = 12;

/** The most items published at a time (the item counter is 16 bits). */
const MAX_ITEMS = 0xffff;

/** How long (ms) the first job of a team made with Team.helpersMustJoin waits for a helper to claim an item. */
const JOIN_WAIT_MS = 10_000;

/** How long (ms) a helper spins after its last item before it sleeps. */
const SPIN_MS = 1;
/** A sleeping helper wakes this often (ms) to look for the end of the fit even if no one notifies it. */
const SLEEP_MS = 50;
/** The calling thread writes the core it runs on at most this often (ms); a helper compares it with its own as often. */
const CORE_MS = 0.25;
/** The calling thread notifies sleeping helpers at most this often (ms). */
const NOTIFY_MS = 0.2;

/**
 * The core this thread runs on: field 39 ("processor") of /proc/thread-self/stat (Linux), read through a descriptor
 * kept open (~1.6 µs a read on the development VM); −1 where the file cannot be read. One per thread (module state:
 * every worker thread has its own), since /proc/thread-self names the thread that opened it.
 *
 * Why a team needs it: a helper woken at the start of a fit is often put by the scheduler on the calling thread's
 * core rather than on an idle one (on the 2-core development VM, about half the wake-ups of a helper idle for a while,
 * for 5 to 10 ms: the idle vCPU is slow to come back), and a helper spinning there takes turns with the calling thread
 * and halves its speed for the 5 to 10 ms the scheduler takes to move one of them. A helper of a short fit that finds
 * itself there leaves the fit (see serveTeam).
 */
class CoreProbe {
  private fd = -2;
  private readonly buf = Buffer.alloc(1024);

  current(): number {
    if (this.fd === -1) return -1;
    try {
      if (this.fd === -2) this.fd = openSync('/proc/thread-self/stat', 'r');
      const n = readSync(this.fd, this.buf, 0, this.buf.length, 0);
      // the fields after the command name (which may hold spaces) start at field 3; "processor" is field 39
      let i = this.buf.lastIndexOf(0x29, n) + 2;
      for (let f = 3; f < 39 && i < n; i++) if (this.buf[i] === 0x20) f++;
      let v = 0;
      for (; i < n && this.buf[i]! >= 0x30 && this.buf[i]! <= 0x39; i++) v = 10 * v + this.buf[i]! - 0x30;
      return v;
    } catch {
      if (this.fd >= 0) closeSync(this.fd);
      this.fd = -1;
      return -1;
    }
  }
}

const probe = new CoreProbe();

/** The core this thread runs on (Linux), −1 where it cannot be known (see CoreProbe). */
export function currentCore(): number {
  return probe.current();
}

/** Runs item `item` of a job of kind `kind` (the same function on every thread). */
export type ItemRunner = (kind: number, item: number) => void;

/** Thrown on the calling thread when a helper failed: the helper's own error is the one to report. */
export class HelperFailed extends Error {
  constructor() {
    super('a helper thread of the fit failed');
  }
}

/** The next item of the published job, or −1 when every item is claimed. */
function claim(ctrl: Int32Array): number {
  for (;;) {
    const w = Atomics.load(ctrl, WORK);
    const next = w & 0xffff;
    if (next >= w >>> 16) return -1;
    if (Atomics.compareExchange(ctrl, WORK, w, w + 1) === w) return next;
  }
}

/** The calling thread's side. */
export class Team {
  /** Items run by helper threads so far, over every team (for tests: that helpers took part). */
  static itemsOnHelpers = 0;
  /**
   * For tests that must see helpers take part whatever the scheduler does (a loaded CI machine may leave a short
   * fit's helpers asleep or on the calling thread's core, where a 'leave' helper leaves): a team made while this is
   * true has helpers that never leave, and its first shared job waits (sleeping, so that a helper on the same core
   * can run; up to JOIN_WAIT_MS) until a helper has claimed an item before the calling thread claims any. What the
   * items compute is unchanged: only who runs them.
   */
  static helpersMustJoin = false;
  /** Made with helpersMustJoin, and no shared job has seen a helper claim an item yet. */
  private awaitingJoin: boolean;
  /** The constructor's prepare, until it has run. */
  private prepare: (() => void) | undefined;
  private readonly taskMonitor = new HandoverMonitor();
  /** When the posted task was posted, and when sleeping helpers were last notified (ms). */
  private postedAt = 0;
  private notifiedAt = -Infinity;
  /** When the calling thread last wrote its core (ms). */
  private coreAt = -Infinity;

  /**
   * @param ctrl CONTROL_WORDS words, shared with the helpers (zeros at first)
   * @param helpers helper threads serving ctrl (0: every job runs on the calling thread)
   * @param monitor decides when jobs run on the calling thread alone (a new one by default: pass one kept from fit to
   *   fit where fits are short, so that a fit starts from what the ones before it learnt)
   * @param watchCore note the calling thread's core for helpers that leave a fit when they share it (serveTeam's
   *   'leave'), at the start and then at most every CORE_MS as shared jobs run (on the team or, before helpers come, alone)
   * @param prepare writes what the helpers need (see the class comment): run once, before the first shared job, which
   *   waits for a helper to have come
   */
  constructor(
    private readonly ctrl: Int32Array,
    private readonly runItem: ItemRunner,
    readonly helpers: number,
    private readonly monitor = new HandoverMonitor(),
    private readonly watchCore = false,
    prepare?: () => void,
  ) {
    this.prepare = prepare;
    this.awaitingJoin = helpers > 0 && Team.helpersMustJoin;
    if (helpers > 0) Atomics.store(ctrl, MUST_JOIN, this.awaitingJoin ? 1 : 0);
    if (helpers > 0 && watchCore) {
      this.coreAt = performance.now();
      Atomics.store(ctrl, LEAD_CORE, probe.current());
    }
  }

  /**
   * Runs items 0..count−1 of a job of kind `kind` and returns when all are done; with `share` false (a job too small
   * to be worth a hand-over) or no helpers, all of them here, in order. The job's parameters must be written first.
   * A job of more than MAX_ITEMS items is published MAX_ITEMS at a time.
   */
  run(kind: number, count: number, share: boolean): void {
    // the calling thread's core, for helpers that leave when they share it: kept up to date while jobs run alone too
    // (before helpers have come, or while the monitor keeps them out), so that a helper coming late compares with it
    if (share && this.watchCore && this.helpers > 0) this.noteCore();
    if (!share || this.helpers === 0 || count < 2 || !this.helpersReady() || (!this.awaitingJoin && !this.monitor.useWorkers())) {
      for (let i = 0; i < count; i++) this.runItem(kind, i);
      return;
    }
    for (let first = 0; first < count; first += MAX_ITEMS) this.publish(kind, first, Math.min(MAX_ITEMS, count - first));
  }

  /** Runs items first..first+count−1 of a job on the team. */
  private publish(kind: number, first: number, count: number): void {
    const ctrl = this.ctrl;
    Atomics.store(ctrl, DONE, 0);
    Atomics.store(ctrl, KIND, kind);
    Atomics.store(ctrl, FIRST, first);
    Atomics.store(ctrl, WORK, count << 16);
    this.wake();
    if (this.awaitingJoin) this.awaitJoin();
    const t0 = performance.now();
    let mine = 0;
    for (let i = claim(ctrl); i >= 0; i = claim(ctrl)) {
      this.runItem(kind, first + i);
      mine++;
    }
    const t1 = performance.now();
    while (Atomics.load(ctrl, DONE) < count - mine);
    this.monitor.record(t1 - t0, performance.now() - t1);
    Team.itemsOnHelpers += count - mine;
    if (Atomics.load(ctrl, FAILED) !== 0) throw new HelperFailed();
  }

  /** Writes the core the calling thread runs on, at most every CORE_MS. */
  private noteCore(): void {
    const now = performance.now();
    if (now - this.coreAt <= CORE_MS) return;
    this.coreAt = now;
    Atomics.store(this.ctrl, LEAD_CORE, probe.current());
  }

  /** Team.helpersMustJoin: sleeps in short steps until a helper has claimed an item of the published job (or a helper failed). */
  private awaitJoin(): void {
    this.napWhile(WORK, (w) => (w & 0xffff) === 0);
    this.awaitingJoin = false;
  }

  /**
   * Team.helpersMustJoin's wait: naps 50 µs at a time while control word `index` holds a value `waiting` accepts, until
   * a helper fails or JOIN_WAIT_MS have passed. A nap, not a spin, so that a helper on the same core can run; the
   * word's changes (a claim's compare-exchange, a helper's arrival) notify no one, hence the short naps.
   */
  private napWhile(index: number, waiting: (value: number) => boolean): void {
    const ctrl = this.ctrl, until = performance.now() + JOIN_WAIT_MS;
    for (let v = Atomics.load(ctrl, index); waiting(v) && Atomics.load(ctrl, FAILED) === 0 && performance.now() < until; v = Atomics.load(ctrl, index)) {
      Atomics.wait(ctrl, index, v, 0.05);
    }
  }

  /**
   * Whether jobs may be shared: always, without a prepare step; with one, once a helper has come (waiting for one, in
   * naps, when the team was made with helpersMustJoin), after running it.
   */
  private helpersReady(): boolean {
    if (!this.prepare) return true;
    if (this.awaitingJoin) this.napWhile(READY, (ready) => ready === 0);
    if (Atomics.load(this.ctrl, READY) === 0) return false;
    const prepare = this.prepare;
    this.prepare = undefined;
    prepare();
    return true;
  }

  /** Whether to post a task now: there are helpers, and they have not kept the calling thread waiting of late. */
  mayPost(): boolean {
    return this.helpers > 0 && this.taskMonitor.useWorkers();
  }

  /** Posts a task of kind `kind` (its parameters written first; at most one at a time) for a helper to run. */
  post(kind: number): void {
    const ctrl = this.ctrl;
    this.postedAt = performance.now();
    Atomics.store(ctrl, TASK_KIND, kind);
    Atomics.store(ctrl, TASK, POSTED);
    this.wake();
  }

  /**
   * Tells sleeping helpers that there is work: at most every NOTIFY_MS, since a notify is a system call (tens of
   * microseconds each on the loaded 2-core VM, where helpers fall asleep most: ~0.1 s of a 0.8 s fit when every job
   * notified), and a helper left asleep a little longer only leaves its share of the work to the calling thread.
   */
  private wake(): void {
    Atomics.add(this.ctrl, WAKE, 1);
    if (Atomics.load(this.ctrl, SLEEPING) === 0) return;
    const now = performance.now();
    if (now - this.notifiedAt < NOTIFY_MS) return;
    this.notifiedAt = now;
    Atomics.notify(this.ctrl, WAKE);
  }

  /** After post: whether a helper has taken the posted task (it is running or has finished), so collect will not take it back. */
  taken(): boolean {
    const state = Atomics.load(this.ctrl, TASK);
    return state === RUNNING || state === FINISHED;
  }

  /** After post: false when no helper had started the task (it is taken back, unrun), true once a helper has run it. */
  collect(): boolean {
    const ctrl = this.ctrl;
    if (Atomics.compareExchange(ctrl, TASK, POSTED, NO_TASK) === POSTED) return false;
    const t0 = performance.now();
    while (Atomics.load(ctrl, TASK) === RUNNING);
    // the calling thread's own work since the post, and its wait for the task
    this.taskMonitor.record(t0 - this.postedAt, performance.now() - t0);
    Atomics.store(ctrl, TASK, NO_TASK);
    if (Atomics.load(ctrl, FAILED) !== 0) throw new HelperFailed();
    return true;
  }

  /** Ends the helpers' service (call once, when the fit is over or has failed). */
  stop(): void {
    Atomics.store(this.ctrl, STOP, 1);
    Atomics.add(this.ctrl, WAKE, 1);
    Atomics.notify(this.ctrl, WAKE);
  }
}

/** Whether the published job has an item left to claim. */
function claimable(w: number): boolean {
  return (w & 0xffff) < w >>> 16;
}

/**
 * The helper's side: runs the items it claims and the tasks it takes until the calling thread stops the team (items
 * first: the calling thread waits for them). An item or task that throws ends the service: the calling thread then
 * throws HelperFailed, and the error is rethrown here. With `onSharedCore` 'leave' (a fit of a few ms: MAGIC's
 * logistic fit), a helper that finds itself on the calling thread's core (see CoreProbe) leaves the fit at once,
 * without claiming anything, and returns 'left'; with 'stay' (a longer fit: the boosted trees') it takes part wherever
 * it runs, since two busy threads on one core are soon moved apart by the scheduler's balancing, while a helper that
 * stepped aside, asleep, would never be (it was woken on the calling thread's core again and again in a test). Returns
 * 'stopped' when the team was stopped.
 */
export function serveTeam(ctrl: Int32Array, runItem: ItemRunner, onSharedCore: 'leave' | 'stay' = 'stay'): 'left' | 'stopped' {
  const idle = (): boolean => !claimable(Atomics.load(ctrl, WORK)) && Atomics.load(ctrl, TASK) !== POSTED;
  const fail = (e: unknown, finish: () => void): never => {
    Atomics.store(ctrl, FAILED, 1);
    finish();
    throw e;
  };
  // 'leave', unless the team was made with Team.helpersMustJoin (its word is written before any helper starts)
  const leave = onSharedCore === 'leave' && Atomics.load(ctrl, MUST_JOIN) === 0;
  // whether this thread runs on the calling thread's core (see CoreProbe), looked at most every CORE_MS, when it matters
  let lookedAt = -Infinity;
  const onLeadCore = (): boolean => {
    const now = performance.now();
    if (now - lookedAt < CORE_MS) return false;
    lookedAt = now;
    const core = probe.current();
    return core >= 0 && core === Atomics.load(ctrl, LEAD_CORE);
  };
  // come to the fit: where this helper may leave, once it has seen that it is not on the calling thread's core
  if (leave && onLeadCore()) return 'left';
  Atomics.add(ctrl, READY, 1);
  for (;;) {
    let t0 = performance.now();
    let spins = 0;
    for (;;) {
      if (Atomics.load(ctrl, STOP) !== 0) return 'stopped';
      const work = !idle();
      if (!work && (++spins & 63) !== 0) continue;
      if (leave && onLeadCore()) return 'left';
      if (work) break;
      if (performance.now() - t0 > SPIN_MS) {
        // announce the sleep, then look again: work published before the announcement is seen now, and work
        // published after it changes WAKE (so the wait returns at once) and notifies
        Atomics.add(ctrl, SLEEPING, 1);
        const wake = Atomics.load(ctrl, WAKE);
        if (idle() && Atomics.load(ctrl, STOP) === 0) Atomics.wait(ctrl, WAKE, wake, SLEEP_MS);
        Atomics.sub(ctrl, SLEEPING, 1);
        t0 = performance.now();
      }
    }
    for (let i = claim(ctrl); i >= 0; i = claim(ctrl)) {
      try {
        runItem(Atomics.load(ctrl, KIND), Atomics.load(ctrl, FIRST) + i);
      } catch (e) {
        fail(e, () => Atomics.add(ctrl, DONE, 1));
      }
      Atomics.add(ctrl, DONE, 1);
    }
    if (Atomics.compareExchange(ctrl, TASK, POSTED, RUNNING) === POSTED) {
      try {
        runItem(Atomics.load(ctrl, TASK_KIND), 0);
      } catch (e) {
        fail(e, () => Atomics.store(ctrl, TASK, FINISHED));
      }
      Atomics.store(ctrl, TASK, FINISHED);
    }
  }
}

/**
 * Runs `body` on the calling thread with `helpers` threads of `pool` serving `team`'s control words for its whole
 * length (`serve(task)` on each: serveTeam with the same item runner), then stops the team and returns body's result.
 * A helper's task that no worker had started by then is taken back by the pool and finds the team stopped: it returns
 * at once. When a helper failed, body's HelperFailed gives way to the helper's own error, which the pool throws.
 */
export function withTeam<T, R>(pool: SyncWorkerPool, team: Team, task: T, serve: (task: T) => void, body: () => R): R {
  const tasks: (T | undefined)[] = [undefined, ...Array.from({ length: team.helpers }, () => task)];
  let result: { value: R } | undefined;
  pool.run(tasks, (t) => {
    if (t !== undefined) return serve(t);
    try {
      result = { value: body() };
    } catch (e) {
      if (!(e instanceof HelperFailed)) throw e;
    } finally {
      team.stop();
    }
  });
  // without a result, body threw HelperFailed, and the pool has thrown the helper's own error
  if (!result) throw new HelperFailed();
  return result.value;
}
