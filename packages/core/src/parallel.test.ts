import { threadId } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { isDiscernError } from './errors.js';
import { SyncWorkerPool, defaultThreads, sharedCopy } from './parallel.js';
import { type SumTask, runSum } from './parallel.test-helpers.js';

const MODULE = new URL('./parallel.test-helpers.ts', import.meta.url);

/**
 * `parts` tasks summing x in pieces. The first (always the calling thread's) waits until `onWorkers` others have
 * started (default: as many as the pool's two workers can take), so that none is taken back: the tests that check
 * where tasks ran need them to run there; `onWorkers: 0` leaves the pool free to take tasks back.
 */
function tasks(x: Float64Array, parts: number, out: Float64Array, who: Int32Array, fail: Record<number, SumTask['fail']> = {}, message?: string, onWorkers = Math.min(parts - 1, 2)): SumTask[] {
  const n = x.length;
  const started = new Int32Array(new SharedArrayBuffer(4));
  return Array.from({ length: parts }, (_, g) => ({
    x,
    r0: Math.floor((g * n) / parts),
    r1: Math.floor(((g + 1) * n) / parts),
    slot: g,
    out,
    who,
    started,
    ...(g === 0 && onWorkers > 0 ? { awaitStarted: onWorkers + 1 } : {}),
    ...(fail[g] ? { fail: fail[g] } : {}),
    ...(message ? { message } : {}),
  }));
}

function errorOf(f: () => unknown): { code: string; message: string } {
  try {
    f();
  } catch (e) {
    return { code: isDiscernError(e) ? e.code : 'other', message: (e as Error).message };
  }
  return { code: 'none', message: '' };
}

describe('SyncWorkerPool', () => {
  const pool = SyncWorkerPool.shared(MODULE, 2)!;
  afterAll(() => pool.close());

  it('starts its workers and runs tasks on them and on the calling thread, blocking until all are done', async () => {
    expect(pool).toBeDefined();
    expect(pool.size).toBe(2);
    expect(await pool.started()).toBe(true);
    const x = sharedCopy(Float64Array.from({ length: 30_000 }, (_, i) => i % 7));
    const out = new Float64Array(new SharedArrayBuffer(3 * 8));
    const who = new Int32Array(new SharedArrayBuffer(3 * 4)).fill(-1);
    const before = pool.tasksOnWorkers;
    pool.run(tasks(x, 3, out, who), runSum);
    // Σ_{i<n} (i mod 7) with n = 30,000 = 7·4285 + 5: 4285·21 + (0+1+2+3+4) = 89,985 + 10 = 89,995
    expect(out[0]! + out[1]! + out[2]!).toBe(89_995);
    expect(pool.tasksOnWorkers - before).toBe(2);
    expect(who[0]).toBe(threadId); // the first task always runs on the caller
    expect(new Set(who).size).toBe(3); // the others on two other threads
  });

  it('runs the tasks beyond its workers on the calling thread', async () => {
    await pool.started();
    const x = sharedCopy(Float64Array.from({ length: 1000 }, () => 1));
    const out = new Float64Array(new SharedArrayBuffer(5 * 8));
    const who = new Int32Array(new SharedArrayBuffer(5 * 4));
    pool.run(tasks(x, 5, out, who), runSum);
    expect(Array.from(out)).toEqual([200, 200, 200, 200, 200]);
    expect(who.filter((t) => t === threadId).length).toBe(3);
  });

  it('rethrows a coded error from a worker as the same DiscernError, and stays usable', async () => {
    await pool.started();
    const x = sharedCopy(new Float64Array(100).fill(2));
    const out = new Float64Array(new SharedArrayBuffer(3 * 8));
    const who = new Int32Array(new SharedArrayBuffer(3 * 4));
    let err: unknown;
    try {
      pool.run(tasks(x, 3, out, who, { 2: 'coded' }), runSum);
    } catch (e) {
      err = e;
    }
    expect(isDiscernError(err) && err.code).toBe('DATA_INVALID');
    expect((err as Error).message).toBe('slot 2 refused');
    expect(out[0]! + out[1]!).toBe(2 * Math.floor((2 * 100) / 3)); // the other tasks still ran
    pool.run(tasks(x, 3, out, who), runSum);
    expect(out[0]! + out[1]! + out[2]!).toBe(200);
  });

  it('reports a bug in a worker with its stack, and a bug on the calling thread as thrown', async () => {
    await pool.started();
    const x = sharedCopy(new Float64Array(10));
    const out = new Float64Array(new SharedArrayBuffer(3 * 8));
    const who = new Int32Array(new SharedArrayBuffer(3 * 4));
    expect(() => pool.run(tasks(x, 3, out, who, { 1: 'bug' }), runSum)).toThrow(/a worker thread failed: TypeError: slot 1 broke/);
    expect(() => pool.run(tasks(x, 3, out, who, { 0: 'bug' }), runSum)).toThrow(TypeError);
  });

  it('reports each failed worker once: a later run does not see an earlier run\'s error', async () => {
    await pool.started();
    const x = sharedCopy(new Float64Array(90).fill(1));
    const out = new Float64Array(new SharedArrayBuffer(3 * 8));
    const who = new Int32Array(new SharedArrayBuffer(3 * 4));
    expect(errorOf(() => pool.run(tasks(x, 3, out, who, { 1: 'coded', 2: 'coded' }, 'first run'), runSum)).message).toBe('first run');
    expect(errorOf(() => pool.run(tasks(x, 3, out, who, { 2: 'coded' }, 'second run'), runSum)).message).toBe('second run');
    pool.run(tasks(x, 3, out, who), runSum);
    expect(out[0]! + out[1]! + out[2]!).toBe(90);
  });

  it('reports a coded error whose context cannot be sent between threads, instead of hanging', async () => {
    await pool.started();
    const x = sharedCopy(new Float64Array(30).fill(1));
    const out = new Float64Array(new SharedArrayBuffer(3 * 8));
    const who = new Int32Array(new SharedArrayBuffer(3 * 4));
    expect(errorOf(() => pool.run(tasks(x, 3, out, who, { 1: 'uncloneable' }), runSum))).toEqual({ code: 'FIT_DIVERGED', message: 'slot 1 diverged' });
  });

  it('takes back a task its worker has not started (asleep, or not scheduled) and runs it: every task runs once, the worker serves again', async () => {
    await pool.started();
    const x = sharedCopy(Float64Array.from({ length: 3000 }, (_, i) => i % 5));
    let takenBack = 0;
    for (let attempt = 0; attempt < 20 && takenBack === 0; attempt++) {
      // asleep: past their spin (1 ms) the workers wait on their control word, and take ~0.1 ms or more to wake
      await new Promise((done) => setTimeout(done, 20));
      const out = new Float64Array(new SharedArrayBuffer(3 * 8));
      const who = new Int32Array(new SharedArrayBuffer(3 * 4)).fill(-1);
      const before = pool.tasksTakenBack;
      pool.run(tasks(x, 3, out, who, {}, undefined, 0), runSum);
      takenBack = pool.tasksTakenBack - before;
      // Σ (i mod 5) over 3000 = 600 · 10, whoever ran each piece
      expect(out[0]! + out[1]! + out[2]!).toBe(6000);
      expect(who.every((t) => t >= 0)).toBe(true);
      expect(who.filter((t) => t === threadId).length).toBe(1 + takenBack);
    }
    expect(takenBack).toBeGreaterThan(0);
    // the workers, woken by the post, dropped the taken-back tasks' messages and went back to idle: the next run's
    // tasks are theirs again, each its own (none runs a stale message)
    await new Promise((done) => setTimeout(done, 20));
    const out = new Float64Array(new SharedArrayBuffer(3 * 8));
    const who = new Int32Array(new SharedArrayBuffer(3 * 4)).fill(-1);
    const before = pool.tasksTakenBack;
    pool.run(tasks(x, 3, out, who), runSum);
    expect(pool.tasksTakenBack).toBe(before);
    expect(out[0]! + out[1]! + out[2]!).toBe(6000);
    expect(new Set(who).size).toBe(3);
  });

  it('a task that returns SLEEP_AFTER leaves its worker asleep, to be woken by the next run: every run on the workers', async () => {
    await pool.started();
    const x = sharedCopy(Float64Array.from({ length: 3000 }, (_, i) => i % 5));
    const gap = new Int32Array(new SharedArrayBuffer(4));
    for (let r = 0; r < 10; r++) {
      const out = new Float64Array(new SharedArrayBuffer(3 * 8));
      const who = new Int32Array(new SharedArrayBuffer(3 * 4)).fill(-1);
      // every other run's tasks ask for the sleep; the calling thread's first task waits for the workers to start
      // theirs, so each run has run on three threads
      pool.run(tasks(x, 3, out, who).map((t) => ({ ...t, sleepAfter: r % 2 === 0 })), runSum);
      expect(out[0]! + out[1]! + out[2]!).toBe(6000);
      expect(new Set(who).size).toBe(3);
      Atomics.wait(gap, 0, 0, 2);
    }
  });

  it('is one pool per worker module, grown on demand; a closed pool is replaced and refuses runs', () => {
    expect(SyncWorkerPool.shared(MODULE, 0)).toBeUndefined();
    expect(SyncWorkerPool.shared(MODULE, 1)).toBe(pool);
    expect(pool.size).toBe(2);
    const other = SyncWorkerPool.shared(new URL('?second', MODULE), 1)!;
    expect(other).not.toBe(pool);
    expect(SyncWorkerPool.shared(new URL('?second', MODULE), 3)).toBe(other);
    expect(other.size).toBe(3);
    other.close();
    expect(() => other.run([], () => {})).toThrow(/after close/);
    const third = SyncWorkerPool.shared(new URL('?second', MODULE), 1)!;
    expect(third).not.toBe(other);
    third.close();
  });

  it('lets idle workers exit (freeing what their last task shared) and starts new ones when asked again', async () => {
    const saved = SyncWorkerPool.idleExitMs;
    SyncWorkerPool.idleExitMs = 150;
    const url = new URL('?idle', MODULE);
    try {
      const idle = SyncWorkerPool.shared(url, 1)!;
      expect(await idle.started()).toBe(true);
      const x = sharedCopy(new Float64Array(10).fill(1));
      const out = new Float64Array(new SharedArrayBuffer(2 * 8));
      const who = new Int32Array(new SharedArrayBuffer(2 * 4));
      idle.run(tasks(x, 2, out, who), runSum);
      expect(idle.tasksOnWorkers).toBe(1);
      // exits after 150 ms idle (waited for up to 10 s: a loaded machine may be slow to schedule it)
      for (let t = 0; t < 200 && idle.size > 0; t++) await new Promise((done) => setTimeout(done, 50));
      expect(idle.size).toBe(0);
      expect(SyncWorkerPool.shared(url, 1)).toBe(idle);
      expect(idle.size).toBe(1); // a new worker, starting
      expect(await idle.started()).toBe(true);
      idle.run(tasks(x, 2, out, who), runSum);
      expect(idle.tasksOnWorkers).toBe(2);
      expect(out[0]! + out[1]!).toBe(10);
      // started() also replaces workers that exited while idle
      for (let t = 0; t < 200 && idle.size > 0; t++) await new Promise((done) => setTimeout(done, 50));
      expect(idle.size).toBe(0);
      expect(await idle.started()).toBe(true);
      idle.run(tasks(x, 2, out, who), runSum);
      expect(idle.tasksOnWorkers).toBe(3);
      idle.close();
    } finally {
      SyncWorkerPool.idleExitMs = saved;
    }
  });
});

describe('defaultThreads', () => {
  const saved = process.env.DISCERN_THREADS;
  afterAll(() => {
    if (saved === undefined) delete process.env.DISCERN_THREADS;
    else process.env.DISCERN_THREADS = saved;
  });

  it('reads DISCERN_THREADS, and refuses what is not a positive integer', () => {
    process.env.DISCERN_THREADS = '3';
    expect(defaultThreads()).toBe(3);
    for (const bad of ['0', '-1', '2.5', 'many']) {
      process.env.DISCERN_THREADS = bad;
      let code = '';
      try {
        defaultThreads();
      } catch (e) {
        code = isDiscernError(e) ? e.code : 'other';
      }
      expect(code).toBe('INVALID_ARGUMENT');
    }
    delete process.env.DISCERN_THREADS;
    expect(defaultThreads()).toBeGreaterThanOrEqual(1);
    expect(defaultThreads()).toBeLessThanOrEqual(8);
  });
});
