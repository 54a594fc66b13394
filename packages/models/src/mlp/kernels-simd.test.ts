/**
 * Back-propagation on the WebAssembly SIMD kernels (Workspace with simd: linalg's mm, colsum, sumsq, relu_mask)
 * against the JavaScript kernels (denseForward, denseBackward, denseGradient: the reference), on random networks:
 * 1 to 9 inputs, hidden layers of 1 to 9 units, 1 output (sigmoid) or 2 to 4 (softmax), batches of 1 to 11 rows
 * (odd, below and past the 4-row tiles), every activation and loss, with and without L2 and row weights. The kernels
 * keep the reference's operations in its order, so the logits, loss, gradient, penalty and the errors passed down
 * to each hidden layer are compared bit for bit
 * (Object.is), stronger than the 1e-12 relative.
 */
import { createRng, setSimdEnabled } from '@discern/linalg';
import { afterEach, describe, expect, it } from 'vitest';
import { ACTIVATIONS } from './activations.js';
import { LOSSES } from './losses.js';
import { MLPClassifier } from './mlp.js';
import { Workspace, architecture } from './network.js';
import { readCsv, standardise, stratifiedSplit, take } from './testing.test-helpers.js';

const rng = createRng(1516);
const randInt = (lo: number, hi: number): number => lo + Math.floor(rng.uniform() * (hi - lo + 1));

function expectSameBits(got: ArrayLike<number>, want: ArrayLike<number>, what: string): void {
  expect(got.length, what).toBe(want.length);
  for (let i = 0; i < want.length; i++) if (!Object.is(got[i], want[i])) expect.fail(`${what}[${i}]: ${got[i]} ≠ ${want[i]} (SIMD vs JavaScript)`);
}

describe('back-propagation: SIMD kernels against the JavaScript reference', () => {
  afterEach(() => setSimdEnabled(true));

  it('gives the same bits on 400 random networks and batches', () => {
    for (let t = 0; t < 400; t++) {
      const p = randInt(1, 9);
      const hidden = Array.from({ length: randInt(1, 3) }, () => randInt(1, 9));
      const outputs = rng.uniform() < 0.5 ? 1 : randInt(2, 4);
      const activation = ACTIVATIONS[t % ACTIVATIONS.length]!;
      const loss = LOSSES[Math.floor(t / ACTIVATIONS.length) % LOSSES.length]!;
      const arch = architecture([p, ...hidden, outputs], activation);
      const capacity = randInt(1, 11);
      const m = randInt(1, capacity);
      const X = Float64Array.from({ length: m * p }, () => (rng.uniform() < 0.05 ? 0 : rng.normal()));
      const K = outputs === 1 ? 2 : outputs;
      const y = Int32Array.from({ length: m }, () => randInt(0, K - 1));
      const w = Float64Array.from({ length: m }, () => (t % 3 === 0 ? 1 : rng.uniform() * 2));
      const params = Float64Array.from({ length: arch.nParams }, () => (rng.uniform() < 0.05 ? 0 : rng.normal()));
      const l2 = t % 2 ? 0 : 0.3;
      const index = Int32Array.from({ length: m }, (_, i) => i);
      const run = (simd: boolean) => {
        const ws = new Workspace(arch, capacity, true, simd);
        ws.loadRows(X, p, index, 0, m);
        const grad = new Float64Array(arch.nParams).fill(Number.NaN);
        const J = ws.lossAndGradient(params, grad, y, w, m, loss, l2);
        const logits = ws.acts[arch.sizes.length - 1]!.slice(0, m * outputs);
        const fwd = new Workspace(arch, capacity, false, simd);
        fwd.loadRows(X, p, index, 0, m);
        fwd.forward(params, m);
        // the errors passed down to every hidden layer (relu_mask, outer_mask): signed zeros included
        const deltas = arch.sizes.slice(1, -1).map((s, l) => ws.deltas[l + 1]!.slice(0, m * s));
        return { J, grad, penalty: ws.penalty, logits, deltas, forward: fwd.acts[arch.sizes.length - 1]!.slice(0, m * outputs) };
      };
      const js = run(false), simd = run(true);
      const what = `[${arch.sizes.join(', ')}] ${activation} ${loss} m=${m}`;
      expect(Object.is(simd.J, js.J), `${what}: J ${simd.J} ≠ ${js.J}`).toBe(true);
      expect(Object.is(simd.penalty, js.penalty), `${what}: penalty`).toBe(true);
      expectSameBits(simd.grad, js.grad, `${what} gradient`);
      expectSameBits(simd.logits, js.logits, `${what} logits`);
      expectSameBits(simd.forward, js.forward, `${what} forward`);
      simd.deltas.forEach((d, l) => expectSameBits(d, js.deltas[l]!, `${what} errors of hidden layer ${l + 1}`));
    }
  });

  it('gatherRows (gather_rows from the rows packed in the kernels\' memory, or the JavaScript copy) loads what loadRows does, with the labels and weights', () => {
    for (let t = 0; t < 200; t++) {
      const p = t < 9 ? t + 1 : randInt(1, 12);
      const arch = architecture([p, randInt(1, 5), 1], 'relu');
      const n = randInt(1, 40), capacity = randInt(1, 11), m = randInt(1, capacity);
      const X = Float64Array.from({ length: n * p }, () => (rng.uniform() < 0.1 ? -0 : rng.normal()));
      const y = Int32Array.from({ length: n }, () => randInt(0, 3));
      const w = Float64Array.from({ length: n }, () => rng.uniform() * 2);
      // an order with repeats, read from an offset as the batches of an epoch are
      const order = Int32Array.from({ length: m + 5 }, () => randInt(0, n - 1));
      const start = randInt(0, 5);
      const ref = new Workspace(arch, capacity, true, false);
      ref.loadRows(X, p, order, start, m);
      const want = ref.acts[0]!.slice(0, m * p);
      for (const simd of [false, true]) {
        const ws = new Workspace(arch, capacity, true, simd, n);
        ws.setSource(X, y, w);
        const yb = new Int32Array(capacity).fill(-1), wb = new Float64Array(capacity).fill(Number.NaN);
        ws.gatherRows(order, start, m, yb, wb);
        const what = `simd ${simd}, p=${p}, n=${n}, m=${m}`;
        expectSameBits(ws.acts[0]!.slice(0, m * p), want, `${what} rows`);
        expect(Array.from(yb.subarray(0, m)), what).toEqual(Array.from(order.subarray(start, start + m), (i) => y[i]!));
        expectSameBits(wb.subarray(0, m), Float64Array.from(order.subarray(start, start + m), (i) => w[i]!), `${what} weights`);
      }
    }
    expect(() => new Workspace(architecture([3, 2, 1], 'relu'), 4, true, true, 5).setSource(new Float64Array(12), new Int32Array(4), new Float64Array(4))).toThrow(/room of 5 rows × 3/);
  });

  it('a fit on MAGIC gives the same model and history with and without the kernels (1 and 2 threads)', () => {
    const { X, y } = readCsv('magic04.csv', (c) => (c === 'g' ? 1 : 0));
    const data = take(X, y, stratifiedSplit(y, 3000 / y.length, 5).test);
    standardise(data.X, data.X);
    const fit = (simd: boolean, threads: number) => {
      setSimdEnabled(simd);
      return new MLPClassifier({ hiddenLayers: [32, 16], maxIter: 4, tol: 0, nIterNoChange: 1000, seed: 9, l2: 1e-3, threads }).fit(data.X, data.y);
    };
    const ref = fit(false, 1);
    for (const threads of [1, 2]) {
      const m = fit(true, threads);
      expect(m.toJSON()).toEqual(ref.toJSON());
      expect(m.fitReport!.history).toEqual(ref.fitReport!.history);
    }
  });
});
