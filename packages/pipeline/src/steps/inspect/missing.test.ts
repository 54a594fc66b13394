import { describe, expect, it } from 'vitest';
import { runConfig } from '../steps.test-helpers.js';

/**
 * inspect with missing cells (data.missing: keep): each variable's figures from the rows where it is present,
 * correlations pairwise. The expected values are numpy's on those rows (4 bins over the present values' range, a value
 * in bin ⌊(v − lo)/Δ⌋, the last closed — np.histogram puts one x3 value on an edge in the next bin —, TMVA's ⟨S²⟩
 * on the normalised densities; mean and std with 1/n; np.corrcoef on the rows
 * of each class where both variables are present), to 1e-12.
 */
const CSV = `x1,x2,x3,label
-0.802,,-0.508,b
1.42,1.636,1.521,s
-0.553,-0.785,-0.59,b
,0.773,0.951,s
-0.958,,-1.493,b
-0.732,0.416,-0.542,s
-0.629,-0.488,-0.554,b
1.553,0.437,,s
0.41,0.83,0.014,b
0.743,-0.481,0.206,s
,0.021,-1.134,b
0.696,,0.158,s
-1.091,-1.355,-0.574,b
-0.109,1.67,-0.256,s
-1.998,0.272,-1.149,b
1.033,0.544,,s
-0.233,-0.256,0.1,b
-0.181,1.238,-0.897,s
-0.331,-0.84,0.668,b
1.568,2.932,1.115,s
0.845,,0.036,b
0.93,1.85,1.012,s
,-0.021,0.122,b
0.635,0.348,0.073,s
0.103,-0.865,-0.255,b
-0.298,-0.701,-0.676,s
0.967,-0.361,0.604,b
-0.136,0.921,,s
-1.272,0.614,-0.926,b
0.678,0.493,0.617,s
`;

const expected = {"x1": {"sep": 0.33176930596285437, "missing": 3, "mean_s": 0.557142857142857, "std_s": 0.7101432307381838, "mean_b": -0.42630769230769244, "std_b": 0.8176778926292887}, "x2": {"sep": 0.22010743137503702, "missing": 4, "mean_s": 0.8625714285714284, "std_s": 0.9178156299672854, "mean_b": -0.2695, "std_b": 0.6197630595638949}, "x3": {"sep": 0.2236652236652237, "missing": 3, "mean_s": 0.2735, "std_s": 0.7450887531026086, "mean_b": -0.37593333333333334, "std_b": 0.6174026742914401}};
const correlation = { b: [[1.0, -0.06666142361836916, 0.7652979710070161], [-0.06666142361836916, 0.9999999999999998, -0.21730884946440301], [0.7652979710070161, -0.21730884946440301, 1.0]], s: [[1.0, 0.35965845901991284, 0.9149780604466117], [0.35965845901991284, 1.0, 0.5058928719492066], [0.9149780604466117, 0.5058928719492066, 1.0]] };

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('inspect with missing values', () => {
  it('leaves the missing cells out of each variable (distributions, separation, mean, std), correlates pairwise, and counts them', async () => {
    const r = await runConfig(
      `
name: inspnan
seed: 1
data: { train: m.csv, test: m.csv, label: label, positive: s, missing: keep }
steps:
  - inspect: { on: train, bins: 4 }
`,
      { 'm.csv': CSV },
      { plots: true },
    );
    const res = r.metrics['inspect'] as Json;
    const got = (res['train'] ?? res) as Json;
    expect(got.n).toBe(30);
    for (const [f, e] of Object.entries(expected)) {
      const v = got.features[f];
      expect(v.missing, f).toBe(e.missing);
      expect(v.bins, f).toBe(4);
      expect(Math.abs(v.separation - e.sep), `${f} separation`).toBeLessThan(1e-12);
      expect(Math.abs(v.mean.s - e.mean_s), `${f} mean s`).toBeLessThan(1e-12);
      expect(Math.abs(v.mean.b - e.mean_b), `${f} mean b`).toBeLessThan(1e-12);
      expect(Math.abs(v.std.s - e.std_s), `${f} std s`).toBeLessThan(1e-12);
      expect(Math.abs(v.std.b - e.std_b), `${f} std b`).toBeLessThan(1e-12);
    }
    for (const k of ['b', 's'] as const)
      for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) expect(Math.abs(got.correlation[k][a][b] - correlation[k][a]![b]!), `${k} (${a}, ${b})`).toBeLessThan(1e-12);
    expect(got.undefined_reasons.missing).toMatch(/missing cells are left out/);
  });
});
