import { availableParallelism } from 'node:os';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { MessageChannel, type MessagePort, Worker, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { DiscernError, type ErrorCode, isDiscernError } from './errors.js';

/**
 * Worker threads that run CPU-bound tasks for a synchronous caller: `run(tasks, local)` hands one task to each
 * worker, runs `local()` on the calling thread meanwhile, takes back (and runs itself) the tasks no worker has
 * started by then, and blocks (Atomics.wait) until every started one is done, so that estimators keep their
 * synchronous `fit`. Tasks go by message (structured clone: share big arrays as
 * Float64Arrays over a SharedArrayBuffer, which is shared, not copied); results come back through shared memory
 * written by the task itself.
 *
 * Reproducibility is the caller's: split the work into chunks whose boundaries do not depend on the number of
 * threads, and combine the chunks' partial results in chunk order, so one thread and eight give the same bits.
 *
 * Workers are started once per worker module, on first use (more are added when a caller asks for more), and kept
 * while in use: they are unref'd (they never keep the process alive), and a worker idle for IDLE_EXIT_MS exits, so
 * that the shared arrays of its last task do not stay alive in a long-lived process. A worker module calls
 * `serveTasks(handler)` at its top level.
 *
 * Limits: a worker thread that dies in the middle of a task without unwinding (out of memory) cannot be noticed by
 * a caller blocked in Atomics.wait; every error a task throws, and any exception in the serving loop, is reported.
 */

/**
 * How long a waiting thread spins before it sleeps, in ms. A thread asleep in Atomics.wait on an otherwise idle
 * core takes ~100 µs to wake on a virtual machine (the core halts; waking it goes through the hypervisor), twice per
 * hand-over, which would eat the gain on short tasks (an MLP half-batch is ~0.2 ms). Spinning this long after a
 * task catches the next one of a tight loop awake, and costs at most this much CPU per hand-over otherwise.
 */
const SPIN_MS = 1;

/** A worker idle this long (ms) exits; the next run that wants it starts a new one (SyncWorkerPool.idleExitMs). */
const IDLE_EXIT_MS = 10_000;

/** Spins while `keep(ctrl[0])`, for at most SPIN_MS; returns the state it last saw. */
function spinWhile(ctrl: Int32Array, keep: (state: number) => boolean): number {
  const t0 = performance.now();
  let st = Atomics.load(ctrl, 0);
  while (keep(st) && performance.now() - t0 < SPIN_MS) st = Atomics.load(ctrl, 0);
  return st;
}

/**
 * Slot states in a worker's control word. The caller moves IDLE → CLAIMED (compare-exchange, so an idle worker
 * that is exiting cannot be claimed) → POSTED; the worker moves POSTED → RUNNING (compare-exchange) → DONE or
 * FAILED, IDLE → EXITED when idle too long, STARTING → IDLE once it serves; the caller moves POSTED → RECLAIMED
 * (compare-exchange: the worker had not started the task, the caller runs it), DONE/FAILED → IDLE and anything →
 * CLOSE; the worker moves RECLAIMED → IDLE once it has dropped the task's message.
 */
const IDLE = 0, POSTED = 1, DONE = 2, FAILED = 3, CLOSE = 4, STARTING = 5, CLAIMED = 6, EXITED = 7, RUNNING = 8, RECLAIMED = 9;

interface Slot {
  readonly worker: Worker;
  readonly port: MessagePort;
  readonly ctrl: Int32Array;
  /** Set when the worker failed to start or exited (seen between runs): it gets no more tasks. */
  dead: boolean;
}

/** Data a pool hands to each worker at start. */
interface PoolWorkerData {
  readonly discernPool: { readonly ctrl: SharedArrayBuffer; readonly port: MessagePort; readonly idleExitMs: number };
}

/**
 * Threads to use by default: the environment variable DISCERN_THREADS when set (a positive integer; 1 turns worker
 * threads off), otherwise the cores Node reports (os.availableParallelism()), at most 8.
 */
export function defaultThreads(): number {
  const env = process.env.DISCERN_THREADS;
  if (env !== undefined && env !== '') {
    const v = Number(env);
    if (!Number.isInteger(v) || v < 1)
      throw new DiscernError('INVALID_ARGUMENT', `DISCERN_THREADS must be a positive integer (1 turns worker threads off), got ${JSON.stringify(env)}`, { variable: 'DISCERN_THREADS', value: env });
    return v;
  }
  return Math.min(8, availableParallelism());
}

/** A typed array over shared memory holding a copy of `a` (or `a` itself when it already is one). */
export function sharedCopy<T extends Float64Array | Int32Array>(a: T): T {
  if (a.buffer instanceof SharedArrayBuffer) return a;
  const buf = new SharedArrayBuffer(a.length * a.BYTES_PER_ELEMENT);
  const out = (a instanceof Float64Array ? new Float64Array(buf) : new Int32Array(buf)) as T;
  out.set(a);
  return out;
}

export class SyncWorkerPool {
  private static readonly pools = new Map<string, SyncWorkerPool>();
  /** How long (ms) an idle worker waits for a task before it exits; read when a worker starts. */
  static idleExitMs = IDLE_EXIT_MS;
  /**
   * Whether `run` takes back the tasks whose workers have not started them (see run). Tests that count the tasks
   * run on workers turn it off, so that every task handed to a worker runs there, however loaded the machine.
   */
  static takeBack = true;
  private closed = false;
  private posted = 0;
  private takenBack = 0;
  private slots: Slot[] = [];

  private constructor(
    private readonly module: URL,
    private readonly boot: { code: string | URL; eval: boolean },
  ) {}

  /** Tasks handed to worker threads so far (the others ran on the calling thread), those taken back included. */
  get tasksOnWorkers(): number {
    return this.posted;
  }

  /**
   * Tasks handed to a worker that had not started them when the calling thread was done with its own, so that the
   * calling thread ran them itself (see run).
   */
  get tasksTakenBack(): number {
    return this.takenBack;
  }

  /**
   * Resolves when every worker has started (or failed to), after replacing any that exited while idle: true when
   * all are up. Callers need not wait — tasks run on the calling thread until workers are up — but tests and
   * benchmarks that measure the threads do.
   */
  async started(): Promise<boolean> {
    this.grow(this.slots.length); // replace workers that exited while idle
    for (const s of this.slots)
      while (!s.dead && Atomics.load(s.ctrl, 0) === STARTING) await new Promise((done) => setTimeout(done, 10));
    return this.slots.every((s) => !s.dead);
  }

  /** Worker threads alive or starting (the calling thread, which also works, not counted). */
  get size(): number {
    return this.live().length;
  }

  /**
   * The pool of worker threads running `module`, with at least `workers` of them (started on first use, added to
   * when fewer are alive), or undefined when worker threads cannot be started here — callers then do all the work
   * on the calling thread, which by construction gives the same result.
   */
  static shared(module: URL, workers: number): SyncWorkerPool | undefined {
    if (workers < 1) return undefined;
    let pool = SyncWorkerPool.pools.get(module.href);
    if (!pool) {
      const boot = bootstrap(module);
      if (!boot) return undefined;
      pool = new SyncWorkerPool(module, boot);
      SyncWorkerPool.pools.set(module.href, pool);
    }
    return pool.grow(workers) ? pool : undefined;
  }

  private live(): Slot[] {
    return this.slots.filter((s) => !s.dead && Atomics.load(s.ctrl, 0) !== EXITED);
  }

  /** Drops dead and exited workers and starts new ones up to `workers`; false when none can be started. */
  private grow(workers: number): boolean {
    this.slots = this.live();
    try {
      while (this.slots.length < workers) this.slots.push(this.startWorker());
    } catch {
      return this.slots.length > 0;
    }
    return true;
  }

  private startWorker(): Slot {
    const ctrl = new Int32Array(new SharedArrayBuffer(4));
    ctrl[0] = STARTING;
    const { port1, port2 } = new MessageChannel();
    const data: PoolWorkerData = { discernPool: { ctrl: ctrl.buffer as SharedArrayBuffer, port: port2, idleExitMs: SyncWorkerPool.idleExitMs } };
    const worker = new Worker(this.boot.code, { eval: this.boot.eval, workerData: data, transferList: [port2], stdout: false, stderr: false });
    worker.unref();
    port1.unref();
    const slot: Slot = { worker, port: port1, ctrl, dead: false };
    // A worker that fails to start (its module does not load) or exits is never given a task again.
    worker.on('error', () => (slot.dead = true));
    worker.on('exit', () => (slot.dead = true));
    return slot;
  }

  /**
   * Runs every task and returns when all are done: tasks go to the workers that are up and idle, the rest (and
   * always the first) run on the calling thread through `local`, so a pool whose workers are still starting costs
   * nothing. A task whose worker has not started it by the time the calling thread is done with its own is taken
   * back and run here: a worker asleep (its core halted: ~0.1 to several ms to wake on a virtual machine) or not
   * scheduled (another process on its core) never holds the caller up, and tasks that share their work out (chunks
   * claimed from a counter) find nothing left. Which thread runs a task must not change its result (see above).
   * Errors are rethrown here after every task has finished: the calling thread's first, else the first worker's.
   */
  run<T>(tasks: readonly T[], local: (task: T) => void): void {
    if (this.closed) throw new DiscernError('INVALID_ARGUMENT', `SyncWorkerPool.run after close (${this.module.href})`);
    const posted: { slot: Slot; task: T }[] = [];
    const mine: T[] = [];
    let next = 0;
    let postError: unknown;
    for (let i = 0; i < tasks.length; i++) {
      const t = tasks[i]!;
      let slot: Slot | undefined;
      while (i > 0 && postError === undefined && !slot && next < this.slots.length) {
        const s = this.slots[next++]!;
        if (!s.dead && Atomics.compareExchange(s.ctrl, 0, IDLE, CLAIMED) === IDLE) slot = s;
      }
      if (!slot) {
        mine.push(t);
        continue;
      }
      try {
        slot.port.postMessage(t);
      } catch (e) {
        // a task that cannot be sent (not cloneable): a bug; release the worker, finish what was posted, then throw
        Atomics.store(slot.ctrl, 0, IDLE);
        postError = e;
        continue;
      }
      Atomics.store(slot.ctrl, 0, POSTED);
      Atomics.notify(slot.ctrl, 0);
      posted.push({ slot, task: t });
      this.posted++;
    }
    let localError: unknown = postError;
    if (localError === undefined)
      try {
        for (const t of mine) local(t);
      } catch (e) {
        localError = e;
      }
    let workerError: Error | undefined;
    for (const { slot: s, task } of posted) {
      if (SyncWorkerPool.takeBack && Atomics.compareExchange(s.ctrl, 0, POSTED, RECLAIMED) === POSTED) {
        // not started: run it here (unless this thread already failed: the run throws anyway); the worker drops the
        // message and goes back to IDLE by itself, and is not claimed until then
        this.takenBack++;
        if (localError === undefined)
          try {
            local(task);
          } catch (e) {
            localError = e;
          }
        continue;
      }
      let st = spinWhile(s.ctrl, (v) => v === POSTED || v === RUNNING);
      while (st === POSTED || st === RUNNING) {
        Atomics.wait(s.ctrl, 0, st);
        st = Atomics.load(s.ctrl, 0);
      }
      if (st === FAILED) {
        const e = this.failure(s); // read every failed worker's message, so none is left for a later run
        workerError ??= e;
      }
      Atomics.store(s.ctrl, 0, IDLE);
    }
    if (localError !== undefined) throw localError;
    if (workerError) throw workerError;
  }

  private failure(s: Slot): Error {
    const msg = receiveMessageOnPort(s.port)?.message as { error?: string; code?: string; details?: Record<string, unknown> } | undefined;
    if (msg?.code) return new DiscernError(msg.code as ErrorCode, msg.error ?? 'worker task failed', msg.details ?? {});
    // not a user's mistake: a bug, reported with the worker's stack
    return new Error(`a worker thread failed: ${msg?.error ?? 'no message'}`);
  }

  /** Stops the workers (the pool cannot be used afterwards; `shared` then starts a new one). */
  close(): void {
    this.closed = true;
    for (const s of this.slots) {
      Atomics.store(s.ctrl, 0, CLOSE);
      Atomics.notify(s.ctrl, 0);
      void s.worker.terminate();
    }
    if (SyncWorkerPool.pools.get(this.module.href) === this) SyncWorkerPool.pools.delete(this.module.href);
  }
}

/**
 * How to start a worker on `module`: the module itself when it is JavaScript (the built packages); when it is
 * TypeScript (tests and benchmarks run the sources), a small bootstrap that registers tsx's loader in the worker
 * first — tsx is a development dependency, so this happens only in development; without it, no pool.
 */
function bootstrap(module: URL): { code: string | URL; eval: boolean } | undefined {
  if (!module.pathname.endsWith('.ts')) return { code: module, eval: false };
  let api: string;
  try {
    api = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  } catch {
    return undefined;
  }
  const tsconfig = fileURLToPath(new URL('../../../tsconfig.dev.json', import.meta.url));
  return {
    eval: true,
    code: `import(${JSON.stringify(api)}).then((m) => { m.register({ tsconfig: ${JSON.stringify(tsconfig)} }); return import(${JSON.stringify(module.href)}); });`,
  };
}

/** Ends the worker thread (not the process), so its heap and the shared arrays it last saw are freed. */
function stop(port: MessagePort): void {
  port.close();
  process.exit(0);
}

/**
 * What a task's handler returns to have its worker sleep at once rather than spin for the next task (SPIN_MS): for a
 * task that found its thread on the calling thread's core, where a spinning worker takes turns with the caller.
 */
export const SLEEP_AFTER = 'sleep-after';

/**
 * The worker side: serves the pool's tasks with `handler` until the pool closes. Call it at the top level of a
 * worker module; outside a pool's worker it does nothing. A handler that returns SLEEP_AFTER has its worker wait for
 * the next task asleep, without spinning first.
 */
export function serveTasks(handler: (task: never) => void | typeof SLEEP_AFTER): void {
  const data = workerData as Partial<PoolWorkerData> | undefined;
  if (!data?.discernPool) return;
  const ctrl = new Int32Array(data.discernPool.ctrl);
  const { port, idleExitMs } = data.discernPool;
  const report = (e: unknown): void => {
    const err = isDiscernError(e) ? { error: e.message, code: e.code, details: e.context } : { error: e instanceof Error ? (e.stack ?? e.message) : String(e) };
    try {
      port.postMessage(err);
    } catch {
      // a context that cannot be cloned: the message alone
      port.postMessage({ error: err.error, ...('code' in err ? { code: err.code } : {}) });
    }
    Atomics.store(ctrl, 0, FAILED);
    Atomics.notify(ctrl, 0);
  };
  Atomics.store(ctrl, 0, IDLE);
  Atomics.notify(ctrl, 0);
  let sleepNow = false;
  for (;;) {
    // wait for a task: spin a little (the next task of a tight loop comes within microseconds), then sleep; an idle
    // worker exits after idleExitMs (up to twice that when it first slept on DONE) unless the caller claimed it
    const wanted = (v: number): boolean => v === POSTED || v === CLOSE || v === RECLAIMED;
    let st = sleepNow ? Atomics.load(ctrl, 0) : spinWhile(ctrl, (v) => !wanted(v));
    sleepNow = false;
    while (!wanted(st)) {
      // the caller resets DONE/FAILED to IDLE without a notify, so every wait has a timeout and is followed by a reload
      const woke = Atomics.wait(ctrl, 0, st, idleExitMs);
      if (woke === 'timed-out' && Atomics.compareExchange(ctrl, 0, IDLE, EXITED) === IDLE) return stop(port);
      st = Atomics.load(ctrl, 0);
    }
    if (st === CLOSE) return stop(port);
    if (st === RECLAIMED || Atomics.compareExchange(ctrl, 0, POSTED, RUNNING) !== POSTED) {
      // the caller took the task back before this thread started it: drop its message (one per post, so the next
      // task's is the next one), then take tasks again (unless the pool closed meanwhile)
      receiveMessageOnPort(port);
      Atomics.compareExchange(ctrl, 0, RECLAIMED, IDLE);
      continue;
    }
    try {
      sleepNow = handler(receiveMessageOnPort(port)?.message as never) === SLEEP_AFTER;
      Atomics.store(ctrl, 0, DONE);
      Atomics.notify(ctrl, 0);
    } catch (e) {
      report(e);
    }
  }
}
