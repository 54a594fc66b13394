/**
 * Benchmark: logistic regression fitted by L-BFGS on MAGIC, discern against scikit-learn.
 *
 * All 19,020 standardised MAGIC rows (10 features), gamma = class 1; no penalty (discern l2 0, scikit-learn
 * penalty=None), intercept fitted, from zeros. Both stop when the largest component of the gradient of the mean log
 * loss is ≤ tol = 1e-6 (scikit-learn passes tol to scipy's L-BFGS-B as gtol on that same objective, since 1.2
 * rescales the sample weights to sum 1), or after 1000 iterations. Their loss-change tests differ (scipy: ftol
 * 2.2e-9; discern: machine epsilon), so the iterations and final losses of both are printed. The data go to Python
 * as raw doubles. Runs interleave (ours, scikit-learn, scikit-learn on one thread, …); medians of wall and CPU
 * time; ratio ours / scikit-learn at its faster setting (goal ≤ 0.5).
 *
 *   npx tsx --tsconfig tools/tsconfig.json tools/bench/logistic.ts
 */
import { type BenchOptions, type BenchResult, interleave, loadModels, readMagic, runIfMain, standardise, timed, withSklearn } from './common.js';

const TOL = 1e-6, MAX_ITER = 1000;

const PY = String.raw`
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss
S = {}
def setup(cfg):
    S['X'] = load(cfg['X'], np.float64, (cfg['n'], cfg['p'])); S['y'] = load(cfg['y'], np.int32, (cfg['n'],))
def fit(run):
    m = LogisticRegression(penalty=None, solver='lbfgs', tol=${TOL}, max_iter=${MAX_ITER})
    m.fit(S['X'], S['y'])
    S['last'] = m
    return {'iterations': int(m.n_iter_[0])}
def extra():
    m = S['last']
    return {'loss': float(log_loss(S['y'], m.predict_proba(S['X'])[:, 1]))}
`;

export async function benchLogistic(o: BenchOptions = {}): Promise<BenchResult> {
  const { LogisticRegression } = await loadModels();
  const { X, y } = readMagic();
  standardise(X);
  return withSklearn(o, PY, async (py) => {
    if (py) await py.call({ op: 'setup', cfg: { ...py.writeArrays({ X: X.data, y }), n: X.rows, p: X.cols } });
    let ours: { iterations: number; loss: number; grad: number } | undefined;
    let skIter = 0;
    const timings = await interleave(
      py,
      o,
      () => {
        const m = new LogisticRegression({ solver: 'lbfgs', tol: TOL, maxIter: MAX_ITER });
        const { timing } = timed(() => m.fit(X, y));
        const r = m.fitReport!;
        ours = { iterations: r.iterations, loss: r.history[r.history.length - 1]!, grad: r.details!.gradNorm as number };
        return timing;
      },
      (s) => (skIter = s.iterations as number),
    );
    const notes = [`discern: ${ours!.iterations} iterations, final mean log loss ${ours!.loss.toFixed(12)}, max |gradient| ${ours!.grad.toExponential(2)}`];
    if (py) {
      const ex = await py.call<{ loss: number }>({ op: 'extra' });
      notes.push(`scikit-learn: ${skIter} iterations, final mean log loss ${ex.loss.toFixed(12)}`);
    }
    return { task: 'Logistic L-BFGS fit', work: `${X.rows} rows × ${X.cols} features, no penalty, tol ${TOL} on max |∇ mean loss|`, target: 0.5, timings, notes };
  });
}

await runIfMain(import.meta.url, () => benchLogistic({ log: console.log, runs: 5 }));
