/**
 * Benchmark: EM for a Gaussian mixture, discern against scikit-learn, on the same work.
 *
 * 8 full-covariance components, exactly 100 EM iterations (tol 0: |Δ log-likelihood| < 0 never holds, in both), all
 * 19,020 standardised MAGIC rows (10 features), the same initial parameters for both: means = 8 rows drawn with
 * seed 0, weights and covariances from assigning each row to its nearest mean (discern's rule for given means,
 * handed to scikit-learn as weights_init/precisions_init so that it skips its k-means initialisation). The data go
 * to Python as raw doubles, so both fit bit-identical inputs and their final log-likelihoods must agree. Times only the fit; runs interleave (ours,
 * scikit-learn, scikit-learn on one thread, ours, …); medians of wall and CPU time; ratio ours / scikit-learn
 * (goal ≤ 1.0).
 *
 *   npx tsx --tsconfig tools/tsconfig.json tools/bench/gmm.ts
 */
import { type BenchOptions, type BenchResult, interleave, loadLinalg, loadModels, readMagic, runIfMain, standardise, timed, withSklearn } from './common.js';

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
    notes.push(`final mean log-likelihood (lower bound): discern ${ours.toFixed(10)}${py ? `, scikit-learn ${theirs.toFixed(10)} (|Δ| = ${Math.abs(ours - theirs).toExponential(2)})` : ''}`);
    return { task: 'GMM EM', work: `${X.rows} rows × ${P} features, ${K} full components, ${ITER} EM iterations, same initial parameters`, target: 1.0, timings, notes };
  });
}

await runIfMain(import.meta.url, () => benchGmm({ log: console.log }));
