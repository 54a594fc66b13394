import { SyncWorkerPool } from '@discern/core';
import { HandoverMonitor } from '@discern/linalg';
import { afterAll, beforeAll } from 'vitest';

/**
 * The shared pool of `worker` with `workers` threads, for tests that count what runs on the workers: while the
 * enclosing describe runs, no monitor leaves the workers out (HandoverMonitor.adaptive) and the pool takes back no
 * task unstarted (SyncWorkerPool.takeBack), which a loaded machine would otherwise cause; both are restored and the
 * pool closed after it. Call it in the describe's body.
 */
export function countedPool(worker: URL, workers: number): SyncWorkerPool {
  const pool = SyncWorkerPool.shared(worker, workers)!;
  beforeAll(() => {
    HandoverMonitor.adaptive = false;
    SyncWorkerPool.takeBack = false;
  });
  afterAll(() => {
    HandoverMonitor.adaptive = true;
    SyncWorkerPool.takeBack = true;
    pool.close();
  });
  return pool;
}
