import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { CancelFlag, throwIfCancelled } from './cancel.js';
import { isDiscernError } from './errors.js';

describe('CancelFlag', () => {
  it('is unset until cancel(); the first reason stays; throwIfCancelled throws INTERRUPTED naming the work', () => {
    const f = new CancelFlag();
    expect(f.aborted).toBe(false);
    expect(() => throwIfCancelled(f, 'x')).not.toThrow();
    expect(() => throwIfCancelled(undefined, 'x')).not.toThrow();
    f.cancel('SIGTERM');
    f.cancel('SIGINT');
    expect(f.aborted).toBe(true);
    expect(f.reason).toBe('SIGTERM');
    try {
      throwIfCancelled(f, 'EM iteration 7 of gmm');
      expect.unreachable();
    } catch (e) {
      expect(isDiscernError(e) && e.format()).toBe('INTERRUPTED: SIGTERM: stopped EM iteration 7 of gmm');
    }
  });
  it('an AbortSignal works as a signal too', () => {
    const c = new AbortController();
    c.abort();
    expect(() => throwIfCancelled(c.signal, 'y')).toThrow(/stopped y/);
  });
  it('a busy loop on another thread sees cancel() from this one at once (shared memory, not the event loop)', async () => {
    const flag = new CancelFlag();
    // The worker spins without ever yielding to its event loop, checking the flag, and reports how long it ran.
    const code = `
      const { workerData, parentPort } = require('node:worker_threads');
      const cell = new Int32Array(workerData, 0, 1);
      const t0 = Date.now(); let n = 0;
      parentPort.postMessage('started');
      while (Atomics.load(cell, 0) === 0) { n++; if (Date.now() - t0 > 20000) break; }
      parentPort.postMessage(Date.now() - t0);`;
    const w = new Worker(code, { eval: true, workerData: flag.buffer });
    const ran = await new Promise<number>((resolve, reject) => {
      w.on('message', (m: unknown) => {
        if (m === 'started') setTimeout(() => flag.cancel('SIGINT'), 100);
        else resolve(m as number);
      });
      w.on('error', reject);
    });
    await w.terminate();
    expect(ran).toBeGreaterThanOrEqual(90);
    expect(ran).toBeLessThan(5000);
    expect(CancelFlag.from(flag.buffer).reason).toBe('SIGINT');
  });
});
