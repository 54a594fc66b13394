import { availableParallelism } from 'node:os';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { MessageChannel, type MessagePort, Worker, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { DiscernError, type ErrorCode } from './errors.js';

/**
 * Worker threads that run CPU-bound tasks for a synchronous caller: `run(tasks, local)` hands one task to each
 * worker, runs `local()` on the calling thread meanwhile, and blocks (Atomics.wait) until every worker is done, so
 * that estimators keep their synchronous `fit`. Tasks go by message (structured clone: share big arrays as
 * Float64Arrays over a SharedArrayBuffer, which is shared, not copied); results come back through shared memory
 * written by the task itself.
 *
 * Reproducibility is the caller's: split the work into chunks whose boundaries do not depend on the number of
 * threads, and combine the chunks' partial results in chunk order, so one thread and eight give the same bits.
 *
 * Workers are started once per worker module and size, on first use, and kept (unref'd: they never keep the
 * process alive). A worker module calls `serveTasks(handler)` at its top level.
 */

/**
 * How long a waiting thread spins before it sleeps, in ms. A thread asleep in Atomics.wait on an otherwise idle
 * core takes ~100 µs to wake on a virtual machine (the core halts; waking it goes through the hypervisor), twice per
 * hand-over, which would eat the gain on short tasks (an MLP half-batch is ~0.2 ms). Spinning this long after a
 * task catches the next one of a tight loop awake, and costs at most this much CPU per hand-over otherwise.
 */
const SPIN_MS = 1;

/** Spins while ctrl[0] === state, for at most SPIN_MS; returns the state it last saw. */
function spinWhile(ctrl: Int32Array, state: number): number {
  const t0 = performance.now();
  let st = Atomics.load(ctrl, 0);
  while (st === state && performance.now() - t0 < SPIN_MS) st = Atomics.load(ctrl, 0);
  return st;
}

/** Slot states in a worker's control word. */
const IDLE = 0, POSTED = 1, DONE = 2, FAILED = 3, CLOSE = 4, STARTING = 5;

interface Slot {
  readonly worker: Worker;
  readonly port: MessagePort;
  readonly ctrl: Int32Array;
  /** Set when the worker reported an error or exited: it gets no more tasks. */
  dead: boolean;
}

/** Data a pool hands to each worker at start. */
interface PoolWorkerData {
  readonly discernPool: { readonly ctrl: SharedArrayBuffer; readonly port: MessagePort };
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
  private static readonly pools = new Map<string, SyncWorkerPool | null>();
  private closed = false;
  private posted = 0;

  private constructor(private readonly slots: Slot[]) {}

  /** Tasks that ran in worker threads so far (the others ran on the calling thread). */
  get tasksOnWorkers(): number {
    return this.posted;
  }

  /**
   * Resolves when every worker has started (or failed to): true when all are up. Callers need not wait — tasks
   * run on the calling thread until workers are up — but tests and benchmarks that measure the threads do.
   */
  async started(): Promise<boolean> {
    for (const s of this.slots)
      while (!s.dead && Atomics.load(s.ctrl, 0) === STARTING) await new Promise((done) => setTimeout(done, 10));
    return this.slots.every((s) => !s.dead);
  }

  /** Worker threads (the calling thread, which also works, not counted). */
  get size(): number {
    return this.slots.length;
  }

  /**
   * The pool of `workers` threads running `module` (started on first use), or undefined when worker threads cannot
   * be started here — callers then do all the work on the calling thread, which by construction gives the same
   * result.
   */
  static shared(module: URL, workers: number): SyncWorkerPool | undefined {
    if (workers < 1) return undefined;
    const key = `${module.href}#${workers}`;
    let pool = SyncWorkerPool.pools.get(key);
    if (pool === undefined) {
      pool = SyncWorkerPool.start(module, workers) ?? null;
      SyncWorkerPool.pools.set(key, pool);
    }
    return pool ?? undefined;
  }

  private static start(module: URL, workers: number): SyncWorkerPool | undefined {
    const boot = bootstrap(module);
    if (!boot) return undefined;
    const slots: Slot[] = [];
    try {
      for (let i = 0; i < workers; i++) {
        const ctrl = new Int32Array(new SharedArrayBuffer(4));
        ctrl[0] = STARTING;
        const { port1, port2 } = new MessageChannel();
        const data: PoolWorkerData = { discernPool: { ctrl: ctrl.buffer as SharedArrayBuffer, port: port2 } };
        const worker = new Worker(boot.code, { eval: boot.eval, workerData: data, transferList: [port2], stdout: false, stderr: false });
        worker.unref();
        port1.unref();
        const slot: Slot = { worker, port: port1, ctrl, dead: false };
        // A worker that fails to start (its module does not load) or exits is never given a task again.
        worker.on('error', () => (slot.dead = true));
        worker.on('exit', () => (slot.dead = true));
        slots.push(slot);
      }
    } catch {
      for (const s of slots) void s.worker.terminate();
      return undefined;
    }
    return new SyncWorkerPool(slots);
  }

  /**
   * Runs every task and returns when all are done: tasks go to the workers that are up and idle, the rest (and
   * always the first) run on the calling thread through `local`, so a pool whose workers are still starting costs
   * nothing. Which thread runs a task must not change its result (see above). An error in a task is rethrown here,
   * the calling thread's first, after every task has finished.
   */
  run<T>(tasks: readonly T[], local: (task: T) => void): void {
    if (this.closed) throw new DiscernError('INVALID_ARGUMENT', 'SyncWorkerPool.run after close');
    const posted: Slot[] = [];
    const mine: T[] = [];
    let next = 0;
    tasks.forEach((t, i) => {
      while (i > 0 && next < this.slots.length && (this.slots[next]!.dead || Atomics.load(this.slots[next]!.ctrl, 0) !== IDLE)) next++;
      if (i === 0 || next >= this.slots.length) {
        mine.push(t);
        return;
      }
      const s = this.slots[next++]!;
      s.port.postMessage(t);
      Atomics.store(s.ctrl, 0, POSTED);
      Atomics.notify(s.ctrl, 0);
      posted.push(s);
      this.posted++;
    });
    let localError: unknown;
    try {
      for (const t of mine) local(t);
    } catch (e) {
      localError = e;
    }
    let workerError: Error | undefined;
    for (const s of posted) {
      let st: number;
      st = spinWhile(s.ctrl, POSTED);
      while (st === POSTED) {
        Atomics.wait(s.ctrl, 0, POSTED);
        st = Atomics.load(s.ctrl, 0);
      }
      if (st === FAILED) workerError ??= this.failure(s);
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

  /** Stops the workers (the pool cannot be used afterwards). */
  close(): void {
    this.closed = true;
    for (const s of this.slots) {
      Atomics.store(s.ctrl, 0, CLOSE);
      Atomics.notify(s.ctrl, 0);
      void s.worker.terminate();
    }
    for (const [k, v] of SyncWorkerPool.pools) if (v === this) SyncWorkerPool.pools.delete(k);
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

/**
 * The worker side: serves the pool's tasks with `handler` until the pool closes. Call it at the top level of a
 * worker module; outside a pool's worker it does nothing.
 */
export function serveTasks(handler: (task: never) => void): void {
  const data = workerData as Partial<PoolWorkerData> | undefined;
  if (!data?.discernPool) return;
  const ctrl = new Int32Array(data.discernPool.ctrl);
  const port = data.discernPool.port;
  Atomics.store(ctrl, 0, IDLE);
  Atomics.notify(ctrl, 0);
  for (;;) {
    let st: number;
    st = Atomics.load(ctrl, 0);
    if (st !== POSTED && st !== CLOSE) st = spinWhile(ctrl, st);
    while (st !== POSTED && st !== CLOSE) {
      Atomics.wait(ctrl, 0, st);
      st = Atomics.load(ctrl, 0);
    }
    if (st === CLOSE) return;
    const task = receiveMessageOnPort(port)?.message as never;
    try {
      handler(task);
      Atomics.store(ctrl, 0, DONE);
    } catch (e) {
      const err = e instanceof DiscernError ? { error: e.message, code: e.code, details: e.context } : { error: e instanceof Error ? (e.stack ?? e.message) : String(e) };
      port.postMessage(err);
      Atomics.store(ctrl, 0, FAILED);
    }
    Atomics.notify(ctrl, 0);
  }
}
