/**
 * The discern side of tools/bench/logistic.ts, in a Node process of its own (DiscernProcess: see common.ts for why),
 * driven line by line: {"op":"run"} fits once on the standardised MAGIC rows and answers its wall and CPU seconds
 * with the fit's iterations, final mean loss and largest gradient component; {"op":"warmup","fits":N} fits N times
 * untimed.
 */
import { LogisticRegression } from '@discern/models';
import { MAX_ITER, TOL } from './logistic-data.js';
import { readMagic, serveCommands, standardise } from './common.js';

const { X, y } = readMagic();
standardise(X);

function fit(): LogisticRegression {
  return new LogisticRegression({ solver: 'lbfgs', tol: TOL, maxIter: MAX_ITER }).fit(X, y);
}

await serveCommands({
  warmup: (cmd) => {
    for (let k = 0; k < (cmd.fits as number); k++) fit();
    return {};
  },
  run: () => {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const m = fit();
    const wall = (performance.now() - t0) / 1000;
    const c = process.cpuUsage(c0);
    const r = m.fitReport!;
    return { wall, cpu: (c.user + c.system) / 1e6, iterations: r.iterations, loss: r.history[r.history.length - 1]!, grad: r.details!.gradNorm as number };
  },
});
