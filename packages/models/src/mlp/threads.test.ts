import { describe, expect, it } from 'vitest';
import { countedPool } from '../threads.test-helpers.js';
import { MLPClassifier } from './mlp.js';
import { readCsv, standardise, stratifiedSplit, take } from './testing.test-helpers.js';

describe('MLPClassifier on a worker thread', () => {
  // The pool BatchRunner uses when threads ≥ 2: one worker besides the calling thread.
  // counted: no running alone, no task taken back, on a loaded machine (see countedPool)
  const pool = countedPool(new URL('./mlp-worker.ts', import.meta.url), 1);
  const { X, y } = readCsv('magic04.csv', (c) => (c === 'g' ? 1 : 0));
  const data = take(X, y, stratifiedSplit(y, 3000 / y.length, 5).test);
  standardise(data.X, data.X);

  it.each([
    ['relu, adam, L2, weights', { activation: 'relu', solver: 'adam', l2: 1e-3 }, true],
    ['tanh, sgd with momentum, early stopping', { activation: 'tanh', solver: 'sgd', learningRateInit: 0.05, earlyStopping: true }, false],
    ['3 classes, sigmoid, odd batch', { activation: 'sigmoid', batchSize: 97 }, false],
  ] as const)('gives the same bits with 2 threads as with 1 (%s)', async (_name, opts, weighted) => {
    expect(await pool.started()).toBe(true);
    // three classes: split class 1 by the first feature's sign
    const yk = _name.startsWith('3') ? data.y.map((c, i) => (c === 1 && data.X.data[i * 10]! > 0 ? 2 : c)) : data.y;
    const weights = weighted ? Float64Array.from(yk, (_, i) => 0.5 + (i % 3)) : undefined;
    const fit = (threads: number) =>
      new MLPClassifier({ hiddenLayers: [32, 16], maxIter: 6, tol: 0, nIterNoChange: 1000, seed: 9, threads, ...opts }).fit(data.X, yk, weights ? { weights } : {});
    const before = pool.tasksOnWorkers;
    const threaded = fit(2);
    expect(pool.tasksOnWorkers - before).toBeGreaterThan(6 * 10); // 6 epochs of ≥ 10 batches, each with a half on the worker
    const serial = fit(1);
    expect(threaded.toJSON()).toEqual(serial.toJSON());
    expect(threaded.fitReport!.history).toEqual(serial.fitReport!.history);
  });

  it('FitOptions.threads overrides the threads option, both ways, with the same bits', async () => {
    expect(await pool.started()).toBe(true);
    const fit = (own: number, given: number) => new MLPClassifier({ hiddenLayers: [32, 16], maxIter: 3, seed: 9, threads: own }).fit(data.X, data.y, { threads: given });
    let before = pool.tasksOnWorkers;
    const threaded = fit(1, 2);
    expect(pool.tasksOnWorkers - before).toBeGreaterThan(3 * 10);
    before = pool.tasksOnWorkers;
    const serial = fit(2, 1);
    expect(pool.tasksOnWorkers - before).toBe(0);
    expect(threaded.toJSON()).toEqual(serial.toJSON());
  });

  it('refuses a thread count that is not a positive integer', () => {
    expect(() => new MLPClassifier({ threads: 0 })).toThrow(/threads/);
    expect(() => new MLPClassifier({ threads: 2.5 })).toThrow(/threads/);
  });
});
