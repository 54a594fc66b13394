import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fromRows } from '@discern/linalg';
import { Standardizer } from './standardize.js';
import { buildDataset } from './dataset.js';
import { readCsvFile } from './csv/parse.js';
import { dataFile, discernError } from './testing.test-helpers.js';

interface Fixture {
  magicFeatures: string[];
  magic: { mean: number[]; scale: number[] };
  magicWeighted: { mean: number[]; scale: number[] };
  constant: { X: (number | null)[][]; mean: number[]; scale: number[]; firstRowTransformed: (number | null)[] };
}
// scikit-learn 1.2.1 StandardScaler, from tools/fixtures/make_data_fixtures.py
const fx = JSON.parse(readFileSync(new URL('./__fixtures__/standardizer.json', import.meta.url), 'utf8')) as Fixture;
const magic = buildDataset(readCsvFile(dataFile('magic04.csv')), { label: 'class' });

function expectRelClose(got: ArrayLike<number>, want: readonly number[], rtol: number): void {
  expect(got.length).toBe(want.length);
  want.forEach((w, j) => expect(Math.abs(got[j]! - w)).toBeLessThanOrEqual(rtol * Math.abs(w)));
}

describe('Standardizer vs scikit-learn StandardScaler', () => {
  it('magic04: mean and scale (population std) to 1e-12 relative', () => {
    expect(magic.featureNames).toEqual(fx.magicFeatures);
    const s = new Standardizer().fit(magic.X);
    expectRelClose(s.mean, fx.magic.mean, 1e-12);
    expectRelClose(s.scale, fx.magic.scale, 1e-12);
    const Z = s.transform(magic.X);
    // each standardized column has mean 0 and population variance 1 (to 1e-12)
    for (let j = 0; j < Z.cols; j++) {
      let m = 0, v = 0;
      for (let i = 0; i < Z.rows; i++) m += Z.data[i * Z.cols + j]!;
      m /= Z.rows;
      for (let i = 0; i < Z.rows; i++) v += (Z.data[i * Z.cols + j]! - m) ** 2;
      expect(Math.abs(m)).toBeLessThan(1e-12);
      expect(Math.abs(v / Z.rows - 1)).toBeLessThan(1e-12);
    }
  });

  it('magic04 with sample weights 0.5 + (i mod 7)/4: to 1e-12 relative', () => {
    const w = Float64Array.from({ length: magic.X.rows }, (_, i) => 0.5 + (i % 7) / 4);
    const s = new Standardizer().fit(magic.X, w);
    expectRelClose(s.mean, fx.magicWeighted.mean, 1e-12);
    expectRelClose(s.scale, fx.magicWeighted.scale, 1e-12);
  });

  it('constant and near-constant columns get scale 1; NaN is ignored in fit and kept in transform', () => {
    const X = fromRows(fx.constant.X.map((r) => r.map((v) => (v === null ? Number.NaN : v))));
    const s = new Standardizer().fit(X);
    expectRelClose(s.mean, fx.constant.mean, 1e-12);
    expect(Array.from(s.scale.subarray(0, 2))).toEqual([1, 1]);
    expectRelClose(s.scale, fx.constant.scale, 1e-12);
    const z = s.transform(X);
    expect(z.data[3]).toBeNaN(); // row 0 of the last column is NaN in the fixture
    fx.constant.firstRowTransformed.forEach((v, j) => {
      if (v === null) expect(z.data[j]).toBeNaN();
      else expect(Math.abs(z.data[j]! - v)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(v)));
    });
  });

  it('a hand example: column [1, 2, 3, 4] has mean 2.5 and scale sqrt(1.25)', () => {
    const s = new Standardizer().fit(fromRows([[1], [2], [3], [4]]));
    expect(s.mean[0]).toBe(2.5);
    expect(s.scale[0]).toBe(Math.sqrt(1.25));
    expect(Array.from(s.inverseTransform(s.transform(fromRows([[7]]))).data)).toEqual([7]);
  });

  it('round-trips through JSON bit for bit', () => {
    const s = new Standardizer().fit(magic.X);
    const back = Standardizer.fromJSON(JSON.parse(JSON.stringify(s.toJSON())));
    expect(Array.from(back.mean)).toEqual(Array.from(s.mean));
    expect(Array.from(back.scale)).toEqual(Array.from(s.scale));
    for (let j = 0; j < s.mean.length; j++) {
      expect(Object.is(back.mean[j], s.mean[j])).toBe(true);
      expect(Object.is(back.scale[j], s.scale[j])).toBe(true);
    }
    expect(Array.from(back.transform(magic.X).data)).toEqual(Array.from(s.transform(magic.X).data));
  });

  it('rejects misuse with codes', () => {
    expect(discernError(() => new Standardizer().transform(fromRows([[1]]))).code).toBe('MODEL_NOT_FITTED');
    const s = new Standardizer().fit(fromRows([[1, 2], [3, 5]]));
    expect(discernError(() => s.transform(fromRows([[1]]))).message).toContain('X has 1 columns, the standardizer was fitted on 2');
    expect(discernError(() => new Standardizer().fit(fromRows([[1], [Infinity]]))).code).toBe('DATA_INVALID');
    expect(discernError(() => new Standardizer().fit(fromRows([[Number.NaN], [Number.NaN]]))).message).toContain('feature 0 has no values');
    expect(discernError(() => new Standardizer().fit(fromRows([[1], [2]]), [1, -1])).code).toBe('DATA_INVALID');
    expect(discernError(() => new Standardizer().fit(fromRows([[1], [2]]), [1])).code).toBe('INVALID_ARGUMENT');
    // rows and features are named through the Naming, so the pipeline can say them as file lines and column names
    const inf = discernError(() => new Standardizer().fit(fromRows([[1, 2], [3, Infinity]])));
    expect(inf.message).toBe('Standardizer.fit: non-finite value Infinity at row 1, feature 1; values must be finite (NaN is ignored as missing)');
    expect(inf.context).toMatchObject({ row: 1, feature: 1 });
    expect(inf.renamed({ row: (i) => `x.csv line ${i + 2}`, feature: (j) => `column ${['a', 'b'][j]}` }).message).toContain('at x.csv line 3, column b;');
    // weights that are not finite, or that overflow when summed, say so (not "a negative total")
    expect(discernError(() => new Standardizer().fit(fromRows([[1], [2]]), [1, Number.NaN])).message).toBe(
      'Standardizer.fit: the weight of row 1 is NaN; weights must be finite numbers',
    );
    expect(discernError(() => new Standardizer().fit(fromRows([[1], [2]]), [1e308, 1e308])).message).toContain('feature 0 has weights that sum past the largest double');
    expect(discernError(() => new Standardizer().fit(fromRows([[1e300], [2]]), [1e10, 1])).message).toContain('the weighted sum of feature 0 overflows a double');
    for (const bad of [null, {}, { type: 'standardizer', version: 2, mean: [], scale: [] }, { type: 'standardizer', version: 1, mean: [1], scale: [0] }, { type: 'standardizer', version: 1, mean: [1, 2], scale: [1] }])
      expect(discernError(() => Standardizer.fromJSON(bad)).code).toBe('INVALID_ARGUMENT');
  });
});
