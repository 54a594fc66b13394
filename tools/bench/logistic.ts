/**
 * Benchmark: logistic regression fitted by L-BFGS on MAGIC, discern against scikit-learn.
 *
 * All 19,020 standardised MAGIC rows (10 features), gamma = class 1; no penalty (discern l2 0, scikit-learn
 * penalty=None), intercept fitted, from zeros. Both stop when the largest component of the gradient of the mean log
 * loss is ≤ tol = 1e-6 (scikit-learn passes tol to scipy's L-BFGS-B as gtol on that same objective, since 1.2
 * rescales the sample weights to sum 1), or after 1000 iterations. Their loss-change tests differ (scipy: ftol
 * 2.2e-9; discern: machine epsilon), so the iterations and final losses of both are printed. The data go to Python
 * as raw doubles. Runs interleave (ours, scikit-learn, scikit-learn on one thread, …); medians of wall and CPU
 * time; ratio ours / scikit-learn at its faster setting (goal ≤ 0.5). discern fits in a Node process of its own
 * (logistic-child.ts; DiscernProcess in common.ts says why), as scikit-learn fits in Python's.
 *
 *   npx tsx --tsconfig tools/tsconfig.json tools/bench/logistic.ts
 */
import { type BenchOptions, type BenchResult, DiscernProcess, type Timing, interleave, readMagic, runIfMain, standardise, withSklearn } from './common.js';
import { MAX_ITER, TOL } from './logistic-data.js';

const WARMUP_FITS = 20;

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
  const { X, y } = readMagic();
  standardise(X);
  const child = new DiscernProcess('logistic-child.ts');
  try {
    return await withSklearn(o, PY, async (py) => {
      if (py) await py.call({ op: 'setup', cfg: { ...py.writeArrays({ X: X.data, y }), n: X.rows, p: X.cols } });
      type Run = Timing & { iterations: number; loss: number; grad: number };
      let ours: Run | undefined;
      let skIter = 0;
      // a fit is ~8 ms: V8 reaches its steady code for it (the JavaScript and the kernels, on each thread) only after
      // ~15 fits, so 20 untimed fits come first (interleave adds one more of each side)
      await child.call({ op: 'warmup', fits: WARMUP_FITS });
      const timings = await interleave(
        py,
        o,
        async () => {
          const r = await child.call<Run>({ op: 'run' });
          ours = r;
          return { wall: r.wall, cpu: r.cpu };
        },
        (s) => (skIter = s.iterations as number),
      );
      const notes = [`discern: ${ours!.iterations} iterations, final mean log loss ${ours!.loss.toFixed(12)}, max |gradient| ${ours!.grad.toExponential(2)}`];
      if (py) {
        const ex = await py.call<{ loss: number }>({ op: 'extra' });
        notes.push(`scikit-learn: ${skIter} iterations, final mean log loss ${ex.loss.toFixed(12)}`);
      }
      notes.push('discern ran in a process of its own (node --import tsx/esm, the sources): see DiscernProcess in common.ts for why');
      return { task: 'Logistic L-BFGS fit', work: `${X.rows} rows × ${X.cols} features, no penalty, tol ${TOL} on max |∇ mean loss|`, target: 0.5, timings, notes };
    });
  } finally {
    child.close();
  }
}

await runIfMain(import.meta.url, () => benchLogistic({ log: console.log, runs: 5 }));
