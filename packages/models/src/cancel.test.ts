/**
 * Cancellation from another thread, as the command does it on Ctrl-C: the fit blocks its thread, a second thread sets
 * a CancelFlag in shared memory, and the fit must stop within well under a second (the figure is printed). Also the
 * granularity of the shared loops (an MLP stops inside an epoch, L-BFGS inside a line search), and FitOptions.threads.
 */
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { CancelFlag, type CancelSignal, DiscernError } from '@discern/core';
import { type DenseMatrix, createRng, zeros } from '@discern/linalg';
import { describe, expect, it } from 'vitest';
import { GenerativeClassifier } from './bayes/index.js';
import { type FitOptions } from './estimator.js';
import { LogisticRegression } from './logistic/index.js';
import { GaussianMixture } from './mixture/index.js';
import { numericCsv } from './mixture/data.test-helpers.js';
import { MLPClassifier } from './mlp/index.js';
import { minimize } from './optim/index.js';

/** Sets `flag` from a worker thread `delayMs` after it comes online; resolves (when online) to the time it was set. */
async function cancelLater(flag: CancelFlag, delayMs: number): Promise<{ setAt: () => number; worker: Worker }> {
  const times = new Float64Array(new SharedArrayBuffer(8));
  // 2 is what CancelFlag.cancel('SIGINT') stores (checked below through flag.reason)
  const code = `
    const { workerData } = require('node:worker_threads');
    const cell = new Int32Array(workerData.flag, 0, 1);
    const times = new Float64Array(workerData.times);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, workerData.delayMs);
    times[0] = performance.timeOrigin + performance.now();
    Atomics.compareExchange(cell, 0, 0, 2);
  `;
  const worker = new Worker(code, { eval: true, workerData: { flag: flag.buffer, times: times.buffer, delayMs } });
  await once(worker, 'online');
  return { setAt: () => times[0]!, worker };
}

function interrupted(f: () => unknown): DiscernError {
  try {
    f();
  } catch (e) {
    if (e instanceof DiscernError && e.code === 'INTERRUPTED') return e;
    throw e;
  }
  throw new Error('the fit ended without being interrupted');
}

const magic = numericCsv('magic04.csv', 10);
const magicY = Int32Array.from({ length: magic.rows }, (_, i) => (magic.data[i * 10 + 2]! > 2.74 ? 1 : 0));

describe('a CancelFlag set by another thread stops a long fit within a second', () => {
  it.each([
    ['mlp', (o: FitOptions) => new MLPClassifier({ hiddenLayers: [16], maxIter: 100_000, tol: 0, nIterNoChange: 100_000, threads: 1 }).fit(magic, magicY, o), /^SIGINT: stopped mlp at epoch \d+ of 100000, mini-batch \d+ of 96$/],
    ['gmm', (o: FitOptions) => new GaussianMixture({ nComponents: 4, maxIter: 100_000, tol: 0, threads: 1 }).fit(magic, o), /^SIGINT: stopped gmm at (EM iteration \d+|the k-means initialisation \(.*\)) of restart 1$/],
    ['logistic (gd)', (o: FitOptions) => new LogisticRegression({ solver: 'gd', epochs: 10_000_000, tol: 0, learningRate: 1e-6, threads: 1 }).fit(magic, magicY, o), /^SIGINT: stopped logistic at gradient-descent epoch \d+ of 10000000$/],
  ] as const)('%s', async (_name, fit, message) => {
    const flag = new CancelFlag();
    const { setAt, worker } = await cancelLater(flag, 300);
    const e = interrupted(() => fit({ signal: flag }));
    const lag = performance.timeOrigin + performance.now() - setAt();
    await worker.terminate();
    expect(flag.reason).toBe('SIGINT');
    expect(e.message).toMatch(message);
    console.log(`${_name}: stopped ${lag.toFixed(1)} ms after the flag was set`);
    expect(lag).toBeGreaterThanOrEqual(0);
    expect(lag).toBeLessThan(1000);
  });
});

describe('granularity of the shared loops', () => {
  /** A signal that turns on at its `after`-th read: counts the checks a fit makes. */
  const after = (n: number): CancelSignal & { reads: number } => ({
    reads: 0,
    get aborted() {
      return ++this.reads >= n;
    },
    reason: 'SIGTERM',
  });

  const rng = createRng(8);
  const X: DenseMatrix = zeros(90, 3);
  for (let i = 0; i < X.data.length; i++) X.data[i] = rng.normal();
  const y = Int32Array.from({ length: 90 }, (_, i) => i % 2);

  it('an MLP checks before every mini-batch: the 4th check stops epoch 1 at batch 3 of 9', () => {
    // read 1 is the check at the start of the fit, reads 2, 3, 4 come before batches 1, 2, 3
    let epochs = 0;
    const e = interrupted(() => new MLPClassifier({ hiddenLayers: [4], batchSize: 10, maxIter: 5 }).fit(X, y, { signal: after(4), onProgress: () => epochs++ }));
    expect(e.message).toBe('SIGTERM: stopped mlp at epoch 1 of 5, mini-batch 3 of 9');
    expect(epochs).toBe(0);
  });

  it('L-BFGS checks before every evaluation of the objective, line searches included', () => {
    // f(x) = Σ (x_i − i)², minimised from 0; count evaluations, then stop at the 3rd
    const fg = (x: Float64Array, g: Float64Array): number => {
      let f = 0;
      for (let i = 0; i < x.length; i++) {
        f += (x[i]! - i) ** 2;
        g[i] = 2 * (x[i]! - i);
      }
      return f;
    };
    const free = minimize(fg, new Float64Array(4), {});
    expect(free.evaluations).toBeGreaterThanOrEqual(3);
    const signal = after(3);
    const e = interrupted(() => minimize(fg, new Float64Array(4), { signal, what: 'test' }));
    expect(signal.reads).toBe(3);
    expect(e.message).toMatch(/^SIGTERM: stopped test at L-BFGS iteration \d+ of 1000$/);
  });
});

describe('FitOptions.threads', () => {
  it('is checked: a positive integer', () => {
    for (const bad of [0, 1.5, -2, Number.NaN])
      expect(() => new LogisticRegression().fit(X2(), Int32Array.of(0, 1, 0, 1), { threads: bad })).toThrow(/threads must be a positive integer/);
  });

  it('wins over DISCERN_THREADS, which is then never read (a bad value there does not matter)', () => {
    const before = process.env.DISCERN_THREADS;
    process.env.DISCERN_THREADS = 'many';
    try {
      expect(() => new GaussianMixture({ nComponents: 2 }).fit(X2())).toThrow(/DISCERN_THREADS/);
      expect(() => new GaussianMixture({ nComponents: 2 }).fit(X2(), { threads: 2 })).not.toThrow();
      expect(() => new LogisticRegression().fit(X2(), Int32Array.of(0, 1, 0, 1), { threads: 1 })).not.toThrow();
      expect(() => new MLPClassifier({ maxIter: 2 }).fit(X2(), Int32Array.of(0, 1, 0, 1), { threads: 1 })).not.toThrow();
      // a generative classifier hands it to its class densities
      const gen = () => new GenerativeClassifier({ density: { kind: 'gmm', nComponents: 1 } });
      const six = { rows: 6, cols: 2, data: Float64Array.of(0, 0, 1, 0.2, 0.1, 1, 1.2, 0.9, 2, 2.1, 2.2, 1.9) };
      expect(() => gen().fit(six, Int32Array.of(0, 1, 0, 1, 0, 1))).toThrow(/DISCERN_THREADS/);
      expect(() => gen().fit(six, Int32Array.of(0, 1, 0, 1, 0, 1), { threads: 1 })).not.toThrow();
    } finally {
      if (before === undefined) delete process.env.DISCERN_THREADS;
      else process.env.DISCERN_THREADS = before;
    }
  });
});

function X2(): DenseMatrix {
  return { rows: 4, cols: 2, data: Float64Array.of(0, 0, 1, 0.2, 0.1, 1, 1.2, 0.9) };
}
