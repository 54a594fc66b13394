/**
 * Benchmark: EM for a Gaussian mixture, discern against scikit-learn, on the same work.
 *
 * 8 full-covariance components, exactly 100 EM iterations (tol 0: |Δ log-likelihood| < 0 never holds, in both), all
 * 19,020 standardised MAGIC rows (10 features), the same initial parameters for both: means = 8 rows drawn with
 * seed 0, weights and covariances from assigning each row to its nearest mean (discern's rule for given means,
 * handed to scikit-learn as weights_init/precisions_init so that it skips its k-means initialisation). The data go
 * to Python as raw doubles, so both fit bit-identical inputs and their final log-likelihoods must agree. Times only the fit; runs interleave (ours,
 * scikit-learn, scikit-learn on one thread, ours, …); medians of wall and CPU time; ratio ours / scikit-learn at its
 * faster setting (goal ≤ 0.5).
 *
 * Then, discern alone in the same run: one EM iteration (the E/M pass and the M-step's updates from its sums) as the
 * difference of fits of 41 and 1 iterations over 40, medians of 3, on 1 and 2 threads, with its GFLOP/s (nominal
 * work of the pass 2·n·K·p(p+1): the E-step's triangular products and the M-step's second moments,
 * n·K·p(p+1)/2 multiply-adds each), the speed-up of 2 threads over 1, and the whole fit on MAGIC stacked 10 times
 * (190,200 rows) against the fit on MAGIC (same iterations, same initial means) on one thread: the time ratio, ≤ 11
 * (on the default threads too, printed).
 *
 *   npx tsx --tsconfig tools/tsconfig.json tools/bench/gmm.ts
 */
import { type BenchOptions, type BenchResult, type Dense, interleave, loadLinalg, loadModels, median, readMagic, replicate, runIfMain, standardise, timed, wallMedian, withSklearn } from './common.js';

const K = 8, ITER = 100;

const PY = String.raw`
from sklearn.mixture import GaussianMixture
from sklearn.mixture._gaussian_mixture import _estimate_gaussian_parameters
S = {}
def setup(cfg):
    X = S['X'] = load(cfg['X'], np.float64, (cfg['n'], cfg['p']))
    means = S['means'] = np.array(cfg['means'])
    # discern's initialisation from given means (each row to its nearest mean, weights and covariances of those
    # clusters), handed to scikit-learn complete so that it runs no k-means of its own (init_params='kmeans' would)
    label = ((X[:, None, :] - means[None, :, :]) ** 2).sum(-1).argmin(1)
    resp = np.zeros((X.shape[0], ${K})); resp[np.arange(X.shape[0]), label] = 1
    w, _, cov = _estimate_gaussian_parameters(X, resp, 1e-6, 'full')
    S['weights'] = w / X.shape[0]
    S['precisions'] = np.linalg.inv(cov)
def fit(run):
    g = GaussianMixture(n_components=${K}, covariance_type='full', max_iter=${ITER}, tol=0, n_init=1, init_params='random_from_data',
                        weights_init=S['weights'], means_init=S['means'], precisions_init=S['precisions'], random_state=0)
    g.fit(S['X'])
    assert g.n_iter_ == ${ITER}
    return {'lowerBound': float(g.lower_bound_)}
`;

export async function benchGmm(o: BenchOptions = {}): Promise<BenchResult> {
  const { GaussianMixture } = await loadModels();
  const { createRng } = await loadLinalg();
  const { X } = readMagic();
  standardise(X);
  const P = X.cols;
  const idx = createRng(0).choice(X.rows, K);
  const means = Array.from(idx, (i) => Array.from(X.data.subarray(i * P, i * P + P)));
  return withSklearn(o, PY, async (py) => {
    const notes: string[] = [];
    if (py) await py.call({ op: 'setup', cfg: { ...py.writeArrays({ X: X.data }), n: X.rows, p: P, means } });
    let ours = Number.NaN, theirs = Number.NaN;
    const timings = await interleave(
      py,
      o,
      () => {
        const g = new GaussianMixture({ nComponents: K, covarianceType: 'full', init: { means }, tol: 0, maxIter: ITER });
        const { timing } = timed(() => g.fit(X));
        if (g.fitReport!.iterations !== ITER) throw new Error(`expected ${ITER} iterations, got ${g.fitReport!.iterations}`);
        ours = g.fitReport!.details!.lowerBound as number;
        return timing;
      },
      (s) => (theirs = s.lowerBound as number),
    );
    notes.push(`final mean log-likelihood (lower bound): discern ${ours.toFixed(10)}${py ? `, scikit-learn ${theirs.toFixed(10)} (|Δ| = ${Math.abs(ours - theirs).toExponential(2)}, ${(Math.abs(ours - theirs) / Math.abs(theirs)).toExponential(2)} relative)` : ''}`);

    // discern alone: the pass, its threads, and 10× the rows
    const fit = (data: Dense, iterations = ITER, threads?: number) => {
      const g = new GaussianMixture({ nComponents: K, covarianceType: 'full', init: { means }, tol: 0, maxIter: iterations, ...(threads ? { threads } : {}) });
      const { timing } = timed(() => g.fit(data));
      return { g, timing };
    };
    // one iteration alone: fits of 41 and of 1 iterations (initialisation, one pass, the final E-step) apart
    const iteration = (threads: number): number => {
      const d: number[] = [];
      for (let r = 0; r < 4; r++) {
        const long = fit(X, 41, threads).timing.wall, short = fit(X, 1, threads).timing.wall;
        if (r > 0) d.push((long - short) / 40);
      }
      return median(d);
    };
    const gflopPass = (2 * X.rows * K * P * (P + 1)) / 1e9;
    const one = iteration(1), two = iteration(2);
    const rates = [
      { what: 'GMM EM iteration', gflop: gflopPass, seconds: one, threads: 1 },
      { what: 'GMM EM iteration', gflop: gflopPass, seconds: two, threads: 2 },
      { what: 'GMM whole fit (100 iterations)', gflop: gflopPass * ITER, seconds: wallMedian(timings.ours), threads: 2 },
    ];
    notes.push(`one EM iteration (fits of 41 and 1 iterations apart, / 40, median of 3): ${(one * 1e3).toFixed(2)} ms on 1 thread, ${(two * 1e3).toFixed(2)} ms on 2`);
    // Rows scaling, on one thread (the property is the cost per row; on a shared machine the threads' hand-overs
    // add noise of their own, see HandoverMonitor), and on the default threads for the record.
    const X10 = replicate(X, 10);
    const t1: number[] = [], t10: number[] = [], d1: number[] = [], d10: number[] = [];
    for (let r = 0; r < 3; r++) {
      t1.push(fit(X, ITER, 1).timing.wall);
      t10.push(fit(X10, ITER, 1).timing.wall);
      d1.push(fit(X).timing.wall);
      d10.push(fit(X10).timing.wall);
    }
    notes.push(`10× rows (${X10.rows.toLocaleString('en-US')}), one thread: ${median(t10).toFixed(3)} s against ${median(t1).toFixed(3)} s; default threads: ${median(d10).toFixed(3)} s against ${median(d1).toFixed(3)} s (ratio ${(median(d10) / median(d1)).toFixed(2)}) (medians of 3, alternated)`);
    const checks = [
      { what: 'GMM: an EM iteration on 1 thread / on 2 (speed-up)', value: one / two, target: '≥ 1.7', pass: one / two >= 1.7 },
      { what: 'GMM: fit on 10× the rows / fit, one thread (time ratio)', value: median(t10) / median(t1), target: '≤ 11', pass: median(t10) / median(t1) <= 11 },
    ];
    return { task: 'GMM EM', work: `${X.rows} rows × ${P} features, ${K} full components, ${ITER} EM iterations, same initial parameters`, target: 0.5, timings, notes, rates, checks };
  });
}

await runIfMain(import.meta.url, () => benchGmm({ log: console.log }));
