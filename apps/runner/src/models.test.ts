import { describe, expect, it } from 'vitest';
import { discern, tempDir } from './cli.test-helpers.js';

/** Runs an example config into a fresh folder and returns its metrics. */
async function metricsOf(config: string): Promise<Record<string, Record<string, Record<string, unknown>>>> {
  const r = await discern(['run', `configs/${config}.yaml`, '--out', tempDir(), '--json']);
  if (r.code !== 0) throw new Error(`${config}: exit ${r.code}\n${r.stderr}`);
  return JSON.parse(r.stdout);
}

describe('the example configs of the models (issue 3 requirements, through the command)', () => {
  it('xor-mlp learns XOR from a seeded start: 4/4', async () => {
    const m = await metricsOf('xor-mlp');
    expect(m.model!.train!.accuracy).toBe(1);
  });

  it('digits-mlp reaches test accuracy ≥ 0.97 on a stratified 30 % split', async () => {
    const m = await metricsOf('digits-mlp');
    expect(m.model!.test!.n).toBe(540);
    expect(m.model!.test!.accuracy as number).toBeGreaterThanOrEqual(0.97);
  });

  it('house-votes-mixture: two latent classes agree with the party for ≥ 85 % of members', async () => {
    const m = await metricsOf('house-votes-mixture');
    expect(m.model!.train!.matching_accuracy as number).toBeGreaterThanOrEqual(0.85);
    expect(m.model!.train!.n).toBe(435);
  });

  it('iris-kmeans-vs-gmm compares hard and soft clustering with the species and with each other', async () => {
    const m = await metricsOf('iris-kmeans-vs-gmm');
    // scikit-learn's best inertia for 3 clusters on iris (KMeans(n_init=50)): 78.851441 (mixture fixtures)
    expect(m.kmeans!.train!.inertia as number).toBeCloseTo(78.851441, 5);
    expect(m.gmm!.train!.matching_accuracy as number).toBeGreaterThan(m.kmeans!.train!.matching_accuracy as number);
    expect((m.gmm!.train!.agreement as Record<string, { adjusted_rand_index: number }>).kmeans!.adjusted_rand_index).toBeGreaterThan(0.5);
  });

  it('faithful-gmm: two full components on Old Faithful', async () => {
    const m = await metricsOf('faithful-gmm');
    // scikit-learn GaussianMixture(2, full, tol 1e-10, n_init 5) optimum on faithful: −4.155382206594468
    // (packages/models/src/mixture/__fixtures__/gmm.json); the issue asks for 1e-4.
    expect(Math.abs((m.model!.train!.mean_log_likelihood as number) - -4.155382206594468)).toBeLessThanOrEqual(1e-4);
    expect((m.model!.train!.cluster_sizes as number[]).reduce((a, b) => a + b)).toBe(272);
  });
});
