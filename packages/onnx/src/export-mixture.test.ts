import { describe, expect, test } from 'vitest';
import { GaussianMixture, KMeans } from '@discern/models';
import { exportBoth, loadCsv, meanScale, standardised } from './testing.test-helpers.js';

const iris = loadCsv('iris.csv', 'label');
const faithful = loadCsv('faithful.csv', undefined);

describe('Gaussian mixture: log density, responsibilities, component label', () => {
  for (const covarianceType of ['full', 'tied', 'diag', 'spherical'] as const) {
    test(`${covarianceType} covariances on iris`, async () => {
      const m = new GaussianMixture({ nComponents: 3, covarianceType, maxIter: 50, seed: 4 }).fit(iris.X);
      const r = await exportBoth({ estimator: m, featureNames: iris.features, sample: iris.X });
      expect(r.float64.outputs).toEqual(['log_density', 'responsibilities', 'label']);
      const ld = r.float64.parity.outputs.find((o) => o.output === 'log_density')!;
      expect(ld.relative).toBe(true);
    });
  }

  test('faithful (2 features, standardised inside the graph)', async () => {
    const s = meanScale(faithful.X);
    const m = new GaussianMixture({ nComponents: 2, covarianceType: 'full', seed: 1 }).fit(standardised(faithful.X, s));
    await exportBoth({ estimator: m, featureNames: faithful.features, standardizer: s, sample: faithful.X });
  });

  test('far from every component the log density stays finite (stable log-sum-exp)', async () => {
    const m = new GaussianMixture({ nComponents: 2, covarianceType: 'diag', seed: 1 }).fit(faithful.X);
    // rows 100 standard deviations out: every log joint is below −1000, where a plain log Σ exp underflows to −∞
    const far = { rows: 2, cols: 2, data: Float64Array.from([200, 900, -150, -700]) };
    const r = await exportBoth({ estimator: m, featureNames: faithful.features, sample: far });
    const ts = m.scoreSamples(far);
    expect(ts[0]!).toBeLessThan(-1000);
    expect(r.float32.parity.outputs.find((o) => o.output === 'log_density')!.onnx).toBeGreaterThan(-Infinity);
  });
});

describe('k-means', () => {
  test('iris, 3 clusters: distances and nearest centre', async () => {
    const m = new KMeans({ nClusters: 3, nInit: 2, seed: 5 }).fit(iris.X);
    const r = await exportBoth({ estimator: m, featureNames: iris.features, sample: iris.X });
    expect(r.float32.outputs).toEqual(['distances', 'label']);
  });
});
