import { describe, expect, it } from 'vitest';
import { countedPool } from '../threads.test-helpers.js';
import { GaussianMixture } from './gmm.js';
import { type CovarianceType } from './gmm-params.js';
import { numericCsv } from './data.test-helpers.js';

// All 19,020 MAGIC rows, 10 features, 4 components: every covariance type is past the size at which the E/M pass
// goes to worker threads (n·K·p(p+1) or n·K·2p ≥ 1e6 multiply-adds).
const magic = numericCsv('magic04.csv', 10);
const TYPES: CovarianceType[] = ['full', 'diag', 'spherical', 'tied'];

describe('GaussianMixture on worker threads', () => {
  // The pool EmPass uses for threads: 3 (two workers besides the calling thread).
  // counted: no running alone, no task taken back, on a loaded machine (see countedPool)
  const pool = countedPool(new URL('./gmm-worker.ts', import.meta.url), 2);

  it.each(TYPES)('gives the same bits with 3 threads as with 1 (%s)', async (covarianceType) => {
    expect(await pool.started()).toBe(true);
    const fit = (threads: number) => new GaussianMixture({ nComponents: 4, covarianceType, init: 'kmeans++', tol: 0, maxIter: 12, seed: 3, threads }).fit(magic);
    const before = pool.tasksOnWorkers;
    const threaded = fit(3);
    // 12 EM passes plus the final E-step's log-likelihood: two worker tasks each
    expect(pool.tasksOnWorkers - before).toBeGreaterThanOrEqual(2 * 12);
    const serial = fit(1);
    expect(threaded.toJSON()).toEqual(serial.toJSON());
    expect(threaded.fitReport!.history).toEqual(serial.fitReport!.history);
    expect(Array.from(threaded.scoreSamples(magic).subarray(0, 50))).toEqual(Array.from(serial.scoreSamples(magic).subarray(0, 50)));
  });

  it('FitOptions.threads overrides the threads option, both ways, with the same bits', async () => {
    expect(await pool.started()).toBe(true);
    const fit = (own: number, given: number) => new GaussianMixture({ nComponents: 4, init: 'kmeans++', tol: 0, maxIter: 5, seed: 3, threads: own }).fit(magic, { threads: given });
    let before = pool.tasksOnWorkers;
    const threaded = fit(1, 3);
    expect(pool.tasksOnWorkers - before).toBeGreaterThanOrEqual(2 * 5);
    before = pool.tasksOnWorkers;
    const serial = fit(3, 1);
    expect(pool.tasksOnWorkers - before).toBe(0);
    expect(threaded.toJSON()).toEqual(serial.toJSON());
  });

  it('refuses a thread count that is not a positive integer', () => {
    expect(() => new GaussianMixture({ threads: 0 })).toThrow(/threads/);
    expect(() => new GaussianMixture({ threads: 1.5 })).toThrow(/threads/);
  });

  it('reads DISCERN_THREADS when fitting: a bad value fails the fit, not the loading of a saved model', () => {
    const json = new GaussianMixture({ nComponents: 2, threads: 1 }).fit(magic).toJSON();
    const saved = process.env.DISCERN_THREADS;
    process.env.DISCERN_THREADS = 'lots';
    try {
      expect(GaussianMixture.fromJSON(json).scoreSamples(magic).length).toBe(magic.rows);
      expect(() => new GaussianMixture({ nComponents: 2 }).fit(magic)).toThrow(/DISCERN_THREADS must be a positive integer/);
    } finally {
      if (saved === undefined) delete process.env.DISCERN_THREADS;
      else process.env.DISCERN_THREADS = saved;
    }
  });
});
