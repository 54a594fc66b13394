import { totalmem } from 'node:os';
import { zeros } from '@discern/linalg';
import { describe, expect, it } from 'vitest';
import { CategoricalNB, QDA } from './bayes/index.js';
import { GaussianMixture, LatentClassModel } from './mixture/index.js';
import { MLPClassifier } from './mlp/index.js';
import { MEMORY_CAP_BYTES, checkMemory, formatBytes, memoryLimitBytes } from './resources.js';
import { errorOf } from './errors.test-helpers.js';

describe('checkMemory', () => {
  it('the limit is the smaller of 16 GiB and half the machine', () => {
    expect(MEMORY_CAP_BYTES).toBe(17_179_869_184);
    expect(memoryLimitBytes()).toBeLessThanOrEqual(MEMORY_CAP_BYTES);
    expect(memoryLimitBytes()).toBeLessThanOrEqual(totalmem() / 2);
    expect(memoryLimitBytes() === MEMORY_CAP_BYTES || memoryLimitBytes() === Math.floor(totalmem() / 2)).toBe(true);
  });

  it('passes under the limit; over it, RESOURCE_LIMIT with the total, the largest parts, the limit and the remedy', () => {
    expect(() => checkMemory('X', [['a', 600], ['b', 400]], () => 'never', {}, 1000)).not.toThrow();
    const e = errorOf(() => checkMemory('X', [['weights', 3 * 2 ** 30], ['small', 10], ['gradients', 2 ** 30], ['state', 2 ** 29]], (n) => `lower ${n.option('width')}`, { option: 'width' }, 2 ** 30));
    expect(e.code).toBe('RESOURCE_LIMIT');
    expect(e.message).toBe('X: this model and its fit need about 4.5 GiB of memory (weights 3.0 GiB, gradients 1.0 GiB, state 512 MiB), more than the limit of 1.0 GiB; lower width');
    expect(e.context).toMatchObject({ option: 'width', bytes: 4.5 * 2 ** 30 + 10, limitBytes: 2 ** 30 });
    expect(e.renamed({ option: (o) => `steps[0].fit.${o}_x` }).message).toMatch(/; lower steps\[0\]\.fit\.width_x$/);
  });

  it('formats sizes in binary units', () => {
    expect([formatBytes(512), formatBytes(1536), formatBytes(150 * 2 ** 20), formatBytes(80e9)]).toEqual(['512 bytes', '1.5 KiB', '150 MiB', '74.5 GiB']);
  });
});

describe('estimators refuse a model too large before allocating it', () => {
  it('an MLP with hidden layers [100000, 100000] (10¹⁰ weights: V8 would die with "Invalid typed array length")', () => {
    const X = { rows: 4, cols: 2, data: Float64Array.of(0, 0, 0, 1, 1, 0, 1, 1) };
    const t0 = performance.now();
    const e = errorOf(() => new MLPClassifier({ hiddenLayers: [100_000, 100_000], threads: 1 }).fit(X, Int32Array.of(0, 1, 1, 0)));
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(e.code).toBe('RESOURCE_LIMIT');
    expect(e.message).toMatch(/^MLPClassifier: this model and its fit need about 298 GiB of memory \(Adam's moment estimates 149 GiB, weights 74\.5 GiB, gradients 74\.5 GiB\), more than the limit of .*; use fewer or smaller hiddenLayers \(the network \[2, 100000, 100000, 1\] has 10,000,500,001 weights and biases\), or a smaller batchSize$/);
    expect(e.renamed({ option: (o) => (o === 'hiddenLayers' ? 'steps[1].fit.hidden_layers' : o) }).message).toContain('use fewer or smaller steps[1].fit.hidden_layers');
  });

  it('a full-covariance GMM over 20,000 features', () => {
    const X = zeros(4, 20_000);
    for (let i = 0; i < X.data.length; i++) X.data[i] = (i * 7919) % 13;
    const e = errorOf(() => new GaussianMixture({ nComponents: 2 }).fit(X));
    expect(e.code).toBe('RESOURCE_LIMIT');
    expect(e.message).toMatch(/use fewer nComponents \(now 2\), or covarianceType 'diag' \(now 'full' with 20000 features\)$/);
  });

  it('QDA over 20,000 features', () => {
    const X = zeros(4, 20_000);
    for (let i = 0; i < X.data.length; i++) X.data[i] = (i * 7919) % 13;
    expect(errorOf(() => new QDA().fit(X, Int32Array.of(0, 1, 0, 1))).code).toBe('RESOURCE_LIMIT');
  });

  it('a latent class model given a raw value where a category code belongs names the feature', () => {
    const X = { rows: 3, cols: 2, data: Float64Array.of(0, 1, 1, 1e9, 0, 2) };
    const e = errorOf(() => new LatentClassModel({ nComponents: 2 }).fit(X));
    expect(e.code).toBe('RESOURCE_LIMIT');
    expect(e.message).toMatch(/feature 1 has 1,000,000,001 categories \(codes 0\.\.1000000000\)/);
    expect(e.context).toMatchObject({ feature: 1 });
    expect(e.renamed({ feature: () => 'column votes' }).message).toMatch(/column votes has 1,000,000,001 categories/);
  });

  it('categorical naive Bayes with 2,000 features of codes up to 2²⁰', () => {
    const X = zeros(2, 2000);
    X.data.fill((1 << 20) - 1, 0, 2000);
    const e = errorOf(() => new CategoricalNB().fit(X, Int32Array.of(0, 1)));
    expect(e.code).toBe('RESOURCE_LIMIT');
    expect(e.message).toMatch(/feature 0 has 1,048,576 categories; recode the features to small category codes$/);
  });
});
