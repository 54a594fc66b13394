import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countedPool } from '../threads.test-helpers.js';
import { createRng } from '@discern/linalg';
import { LogisticRegression } from './logistic.js';
import { type LogisticProblem, logisticObjective } from './loss.js';
import { Team } from '../team.js';
import { numericCsv } from '../mixture/data.test-helpers.js';
import { readCsv } from '../mlp/testing.test-helpers.js';

/**
 * Runs `round` (which fits or runs passes with threads) and returns the chunks helper threads computed in it. The
 * tests run with Team.helpersMustJoin, so that helpers take part whatever the scheduler does (on a loaded machine a
 * helper of a fit of a few ms may wake after the fit, or on the calling thread's core, where it leaves the fit).
 */
function helpedIn(round: () => void): number {
  const before = Team.itemsOnHelpers;
  round();
  return Team.itemsOnHelpers - before;
}

describe('LogisticRegression on worker threads', () => {
  beforeAll(() => {
    Team.helpersMustJoin = true;
  });
  afterAll(() => {
    Team.helpersMustJoin = false;
  });
  // The pool the loss pass uses for threads: 3 (two helpers besides the calling thread, for the length of a fit).
  // counted: no running alone, no task taken back, on a loaded machine (see countedPool)
  const pool = countedPool(new URL('./logistic-worker.ts', import.meta.url), 2);
  // All 19,020 MAGIC rows (8 chunks of 2,378 rows), standardised
  const X = numericCsv('magic04.csv', 10);
  const p = X.cols;
  for (let j = 0; j < p; j++) {
    let m = 0, v = 0;
    for (let i = 0; i < X.rows; i++) m += X.data[i * p + j]!;
    m /= X.rows;
    for (let i = 0; i < X.rows; i++) v += (X.data[i * p + j]! - m) ** 2;
    const sd = Math.sqrt(v / X.rows);
    for (let i = 0; i < X.rows; i++) X.data[i * p + j] = (X.data[i * p + j]! - m) / sd;
  }
  const y = readCsv('magic04.csv', (c) => (c === 'g' ? 1 : 0)).y;
  // a third class: gammas with a positive first feature
  const y3 = y.map((c, i) => (c === 1 && X.data[i * p]! > 0 ? 2 : c));

  it.each([
    ['binary, L2, class weights', y, { l2: 1e-3, classWeight: 'balanced' as const }],
    ['three classes', y3, {}],
    ['binary, gradient descent on mse', y, { solver: 'gd' as const, loss: 'mse' as const, epochs: 30 }],
  ])('gives the same bits with 3 threads as with 1 (%s)', async (_name, labels, opts) => {
    expect(await pool.started()).toBe(true);
    const weights = Float64Array.from(labels, (_, i) => 1 + (i % 4));
    const fit = (threads: number) => new LogisticRegression({ tol: 1e-8, ...opts, threads }).fit(X, labels, { weights });
    const serial = fit(1);
    const helped = helpedIn(() => {
      const threaded = fit(3);
      expect(threaded.toJSON()).toEqual(serial.toJSON());
      expect(threaded.fitReport!.history).toEqual(serial.fitReport!.history);
    });
    expect(helped).toBeGreaterThan(0);
  });

  it('FitOptions.threads overrides the threads option, both ways, with the same bits', async () => {
    expect(await pool.started()).toBe(true);
    const fit = (own: number, given: number) => new LogisticRegression({ tol: 1e-8, threads: own }).fit(X, y, { threads: given });
    let before = pool.tasksOnWorkers;
    const serial = fit(3, 1);
    expect(pool.tasksOnWorkers - before).toBe(0);
    before = pool.tasksOnWorkers;
    expect(helpedIn(() => expect(fit(1, 3).toJSON()).toEqual(serial.toJSON()))).toBeGreaterThan(0);
    // the two helpers were started for the fit (one pool task each)
    expect(pool.tasksOnWorkers - before).toBeGreaterThanOrEqual(2);
  });

  it('objectives whose shared memory is reused keep their own data when their passes alternate', () => {
    // the second (smaller) problem reuses the first's shared memory, so each must bring its data back before a pass;
    // the kinds differ (binary log loss, three classes) so that the memory's parts lie at different offsets too
    const rng = createRng(77);
    const problem = (n: number, p: number, nClasses: number): LogisticProblem => {
      const X = Float64Array.from({ length: n * p }, () => rng.normal());
      const y = Int32Array.from({ length: n }, (_, i) => (X[i * p]! + rng.normal() > 0 ? 1 : 0) + (nClasses > 2 && i % 5 === 0 ? 1 : 0));
      return { X, n, p, y, nClasses, w: new Float64Array(n).fill(1 / n), l2: 1e-3, fitIntercept: true, loss: 'log' };
    };
    const A = problem(12_000, 11, 2), B = problem(10_000, 9, 3);
    const thetaA = Float64Array.from({ length: 12 }, () => 0.3 * rng.normal()), thetaB = Float64Array.from({ length: 30 }, () => 0.3 * rng.normal());
    const pass = (fg: (t: Float64Array, g: Float64Array) => number, theta: Float64Array) => {
      const g = new Float64Array(theta.length);
      return [fg(theta, g), ...g];
    };
    const refA = pass(logisticObjective(A, 1), thetaA), refB = pass(logisticObjective(B, 1), thetaB);
    const fa = logisticObjective(A, 3), fb = logisticObjective(B, 3);
    // each objective's passes with its helpers (withThreads), taking turns
    const helped = helpedIn(() => {
      fa.withThreads(() => {
        for (let r = 0; r < 3; r++) expect(pass(fa, thetaA)).toEqual(refA);
      });
      fb.withThreads(() => {
        for (let r = 0; r < 3; r++) expect(pass(fb, thetaB)).toEqual(refB);
      });
    });
    expect(helped).toBeGreaterThan(0);
    // outside withThreads, every pass runs on the calling thread: the same bits
    const before = Team.itemsOnHelpers;
    expect(pass(fa, thetaA)).toEqual(refA);
    expect(Team.itemsOnHelpers).toBe(before);
  });

  it('refuses a thread count that is not a positive integer', () => {
    expect(() => new LogisticRegression({ threads: 0 })).toThrow(/threads/);
    expect(() => new LogisticRegression({ threads: 1.5 })).toThrow(/threads/);
  });
});
