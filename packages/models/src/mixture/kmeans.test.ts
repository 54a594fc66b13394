import { describe, expect, it } from 'vitest';
import { type ModelJSON } from '../estimator.js';
import { KMeans } from './kmeans.js';
import { code, fixture, maxRelDiff, numericCsv } from './data.test-helpers.js';

interface KmFixture {
  inertia: number;
  centers: number[][];
  weightedInertia: number;
  weights: number[];
  transformFirstRows: number[][];
  centersUnsorted: number[][];
}
const fx = fixture<KmFixture>('kmeans.json');
const iris = numericCsv('iris.csv', 4);

describe('KMeans', () => {
  it('iris, 3 clusters: best inertia equals scikit-learn best of 50 (1e-6 relative), centers to 1e-6', () => {
    const km = new KMeans({ nClusters: 3, nInit: 50, seed: 1 }).fit(iris);
    expect(Math.abs(km.inertia - fx.inertia) / fx.inertia).toBeLessThan(1e-6);
    const C = km.clusterCenters;
    const order = [0, 1, 2].sort((a, b) => C.data[a * 4]! - C.data[b * 4]!);
    expect(maxRelDiff(order.flatMap((k) => Array.from(C.data.subarray(k * 4, k * 4 + 4))), fx.centers.flat())).toBeLessThan(1e-6);
    expect(km.fitReport?.converged).toBe(true);
  });

  it('sample weights as scikit-learn sample_weight: best weighted inertia to 1e-6', () => {
    const km = new KMeans({ nClusters: 3, nInit: 50, seed: 2 }).fit(iris, { weights: Float64Array.from(fx.weights) });
    expect(Math.abs(km.inertia - fx.weightedInertia) / fx.weightedInertia).toBeLessThan(1e-6);
  });

  it('transform gives the distances to scikit-learn centers (loaded), predict the nearest', () => {
    const km = KMeans.fromJSON({ kind: 'kmeans', nFeatures: 4, nClusters: 3, clusterCenters: fx.centersUnsorted, inertia: fx.inertia });
    const first = { rows: 5, cols: 4, data: iris.data.slice(0, 20) };
    expect(maxRelDiff(km.transform(first).data, fx.transformFirstRows.flat())).toBeLessThan(1e-12);
    const y = km.predict(first);
    fx.transformFirstRows.forEach((d, i) => expect(d[y[i]!]).toBe(Math.min(...d)));
  });

  it('hand example: 1-D points 0, 1, 10, 11 → centers 0.5 and 10.5, inertia 4 × 0.25 = 1', () => {
    const X = { rows: 4, cols: 1, data: Float64Array.of(0, 1, 10, 11) };
    const km = new KMeans({ nClusters: 2, nInit: 3 }).fit(X);
    expect(Array.from(km.clusterCenters.data).sort((a, b) => a - b)).toEqual([0.5, 10.5]);
    expect(km.inertia).toBe(1);
    // weights 3, 1 on the left pair pull its center to (0·3 + 1·1)/4 = 0.25; inertia 3·0.0625 + 0.5625 + 0.5 = 1.25
    const kw = new KMeans({ nClusters: 2, init: { centers: [[0], [10]] } }).fit(X, { weights: Float64Array.of(3, 1, 1, 1) });
    expect(Array.from(kw.clusterCenters.data)).toEqual([0.25, 10.5]);
    expect(kw.inertia).toBeCloseTo(1.25, 14);
  });

  it('weights of ones give the same fit; negative weights and NaN are refused', () => {
    const a = new KMeans({ nClusters: 3, nInit: 3, seed: 4 }).fit(iris);
    const b = new KMeans({ nClusters: 3, nInit: 3, seed: 4 }).fit(iris, { weights: new Float64Array(150).fill(1) });
    expect(b.toJSON()).toEqual(a.toJSON());
    const w = new Float64Array(150).fill(1);
    w[3] = -1;
    expect(code(() => new KMeans({ nClusters: 3 }).fit(iris, { weights: w }))).toBe('DATA_INVALID');
    expect(code(() => new KMeans({ nClusters: 1 }).fit({ rows: 2, cols: 1, data: Float64Array.of(Number.NaN, 1) }))).toBe('DATA_INVALID');
    expect(code(() => new KMeans({ nClusters: 5 }).fit({ rows: 2, cols: 1, data: Float64Array.of(0, 1) }))).toBe('TOO_FEW_SAMPLES');
    expect(code(() => new KMeans().predict(iris))).toBe('MODEL_NOT_FITTED');
  });

  it('an empty cluster is moved to the farthest row instead of leaving a NaN center', () => {
    const X = { rows: 5, cols: 1, data: Float64Array.of(0, 0.1, 0.2, 5, 9) };
    const km = new KMeans({ nClusters: 3, init: { centers: [[0], [100], [200]] } }).fit(X);
    expect(Array.from(km.clusterCenters.data).every(Number.isFinite)).toBe(true);
    const c = Array.from(km.clusterCenters.data).sort((a, b) => a - b);
    [0.1, 5, 9].forEach((v, i) => expect(c[i]).toBeCloseTo(v, 14));
  });

  it('toJSON → fromJSON is exact; fromJSON checks shapes', () => {
    const km = new KMeans({ nClusters: 3, nInit: 2 }).fit(iris);
    const back = KMeans.fromJSON(JSON.parse(JSON.stringify(km.toJSON())) as ModelJSON);
    expect(back.toJSON()).toEqual(km.toJSON());
    expect(back.transform(iris).data).toEqual(km.transform(iris).data);
    expect(code(() => KMeans.fromJSON({ ...km.toJSON(), clusterCenters: [[1, 2]] }))).toBe('MODEL_INVALID');
  });
});
