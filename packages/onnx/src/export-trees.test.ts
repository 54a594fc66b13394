import { describe, expect, test } from 'vitest';
import { type DenseMatrix } from '@discern/linalg';
import { AdaBoostClassifier, HistGradientBoostingClassifier } from '@discern/models';
import { exportModelChecked } from './export.js';
import { createSession, runBatch } from './session.js';
import { graphThreshold } from './export-trees.js';
import { DataType, decodeModel } from './proto.js';
import { exportBoth, loadCsv, meanScale, standardised } from './testing.test-helpers.js';

// Parity (float32 ≤ 1e-5, float64 ≤ 1e-12) and the ONNX checker (exportBoth), both boosted tree families, on MAGIC
// and iris; rows placed on every split threshold and its float32 neighbours; missing values; the decision rule inside.
const magic = loadCsv('magic04.csv', 'class', { take: 10, classes: ['h', 'g'] }); // 1 903 rows; g = signal
const magicStd = meanScale(magic.X);
const iris = loadCsv('iris.csv', 'label');

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
/** The float32 next to x (x a float32) towards +∞ (dir 1) or −∞ (dir −1). */
function step32(x: number, dir: 1 | -1): number {
  f32[0] = x;
  if (x === 0) return dir * 1.401298464324817e-45;
  u32[0] = (x > 0) === (dir > 0) ? u32[0]! + 1 : u32[0]! - 1;
  return f32[0]!;
}

describe('graphThreshold: the largest input value the model sends left', () => {
  const ts = [0.1, -2.5, 1 / 3, 1234.5678, 1e-30, -7e12, 4.5];
  test('float32 without a standardiser: t rounded down, so x ≤ r exactly when x ≤ t for every float32 x', () => {
    for (const t of ts) {
      const r = graphThreshold(t, true);
      expect(Math.fround(r)).toBe(r);
      expect(r <= t && step32(r, 1) > t, `${t} → ${r}`).toBe(true);
    }
    expect(graphThreshold(0.1, true)).toBe(0.09999999403953552); // fround(0.1) = 0.10000000149 > 0.1: one below
    expect(graphThreshold(4.5, true)).toBe(4.5);
  });

  test('with a standardiser folded in: (r − mean)/scale ≤ t < (next(r) − mean)/scale, in float32 and float64', () => {
    const mean = 53.25, scale = 17.3;
    for (const t of ts.filter((v) => Math.abs(v) < 1e6)) {
      const std = (x: number) => (x - mean) / scale;
      const r32 = graphThreshold(t, true, mean, scale);
      expect(std(r32) <= t && std(step32(r32, 1)) > t, `float32 ${t}`).toBe(true);
      const r64 = graphThreshold(t, false, mean, scale);
      const up = r64 + Math.abs(r64) * Number.EPSILON; // at or beyond the next double
      expect(std(r64) <= t && (std(up) > t || up === r64), `float64 ${t}`).toBe(true);
      expect(r64 >= r32).toBe(true);
    }
  });

  test('a threshold beyond the float32 range (ALMOST_INF: every present value left) is the largest float32; one below it is −∞', () => {
    expect(graphThreshold(1e300, true)).toBe(3.4028234663852886e38);
    expect(graphThreshold(1e300, true, 5, 2)).toBe(3.4028234663852886e38);
    expect(graphThreshold(-1e300, true)).toBe(-Infinity);
    // float64 keeps the double threshold; folded, the largest x with (x − 0)/1e-300 ≤ 1e300 is 1
    expect(graphThreshold(1e300, false)).toBe(1e300);
    expect(graphThreshold(1e300, false, 0, 1e-300)).toBe(1);
  });
});

/** The training rows plus, for every split of the model, rows whose value sits on the threshold and one float32 step either side (in raw units). */
function onThresholds(m: { ensemble: { trees: readonly { feature: Int32Array; threshold: Float64Array }[] } }, X: DenseMatrix, s?: { mean: Float64Array; scale: Float64Array }): DenseMatrix {
  const p = X.cols;
  const extra: number[] = [];
  for (const t of m.ensemble.trees.slice(0, 40))
    for (let i = 0; i < t.feature.length; i++) {
      const f = t.feature[i]!;
      if (f < 0 || t.threshold[i]! > 1e299) continue;
      const raw = s ? t.threshold[i]! * s.scale[f]! + s.mean[f]! : t.threshold[i]!;
      const r = Math.fround(raw);
      for (const v of [raw, r, step32(r, 1), step32(r, -1)]) {
        const row = Array.from(X.data.subarray(0, p));
        row[f] = v;
        extra.push(...row);
      }
    }
  const data = new Float64Array(X.data.length + extra.length);
  data.set(X.data);
  data.set(extra, X.data.length);
  return { rows: data.length / p, cols: p, data };
}

describe('gradient-boosted trees', () => {
  test('binary on MAGIC, standardised: parity on the training rows and on rows at every threshold', async () => {
    const m = new HistGradientBoostingClassifier({ maxIter: 60, earlyStopping: false }).fit(standardised(magic.X, magicStd), magic.y);
    const sample = onThresholds(m, magic.X, magicStd);
    expect(sample.rows).toBeGreaterThan(magic.X.rows + 1000);
    const r = await exportBoth({ estimator: m, featureNames: magic.features, classNames: magic.classes, positive: 'g', standardizer: magicStd, sample });
    expect(r.float64.outputs).toEqual(['probabilities', 'score', 'label']);
    // no row crossed a split: the probabilities agree to the float32 sum of the leaves, and no label differs
    expect(r.float32.parity.labelTies).toBe(0);
    const d = decodeModel(r.float32.bytes);
    expect(d.opsets).toEqual([
      { domain: '', version: 17 },
      { domain: 'ai.onnx.ml', version: 3 },
    ]);
    const ops = d.graph.node.map((n) => n.op_type);
    expect(ops).toContain('TreeEnsembleRegressor');
    // the standardisation is in the thresholds, not computed in the graph
    expect(ops).not.toContain('Div');
    expect(d.graph.input.map((i) => i.type.tensor_type.elem_type)).toEqual([DataType.FLOAT]);
  });

  test('without a standardiser, the float32 graph given double inputs (rounded to float32 on the way in) decides as the model on the doubles', async () => {
    // the thresholds sit at float32 rounding boundaries (binning.ts), so rounding an input never moves it across one
    const X = { ...magic.X, data: magic.X.data.map((v, k) => v + (k % 3 === 0 ? 1e-7 * v : 0)) }; // values that are not float32
    const m = new HistGradientBoostingClassifier({ maxIter: 60, earlyStopping: false }).fit(X, magic.y);
    const r = await exportModelChecked({ estimator: m, featureNames: magic.features, classNames: magic.classes, positive: 'g', sample: X, dtype: 'float32' });
    const ms = await createSession(r.bytes, 'cpu');
    try {
      const out = await runBatch(ms, { features: X });
      const P = m.predictProba(X).data;
      let worst = 0;
      for (let i = 0; i < P.length; i++) worst = Math.max(worst, Math.abs(P[i]! - out.probabilities!.data[i]!));
      expect(worst).toBeLessThan(1e-5);
      expect(Array.from(out.label!.data)).toEqual(Array.from(m.predict(X)));
    } finally {
      await ms.session.release();
    }
  });

  test('three classes on iris (softmax), raw features, a tree per class and iteration', async () => {
    const m = new HistGradientBoostingClassifier({ maxIter: 20, minSamplesLeaf: 5, earlyStopping: false }).fit(iris.X, iris.y);
    expect(m.ensemble.trees.length).toBe(60);
    await exportBoth({ estimator: m, featureNames: iris.features, classNames: iris.classes, sample: onThresholds(m, iris.X) });
  });

  test('missing values routed as trained, in the graph too (nodes_missing_value_tracks_true)', async () => {
    const X = { ...magic.X, data: magic.X.data.map((v, k) => (k % 13 === 0 ? NaN : v)) };
    const m = new HistGradientBoostingClassifier({ maxIter: 30, earlyStopping: false }).fit(X, magic.y);
    const left = m.ensemble.trees.reduce((s, t) => s + t.missingLeft.reduce((a, b) => a + b, 0), 0);
    expect(left).toBeGreaterThan(0);
    const r = await exportBoth({ estimator: m, featureNames: magic.features, classNames: magic.classes, sample: X });
    expect(r.float32.parity.labelTies).toBe(0);
  });

  test('the decision rule goes inside: a threshold on P(g)', async () => {
    const m = new HistGradientBoostingClassifier({ maxIter: 30, earlyStopping: false }).fit(magic.X, magic.y);
    await exportBoth({ estimator: m, featureNames: magic.features, classNames: magic.classes, positive: 'g', sample: magic.X, decision: { kind: 'threshold', on: 'score', threshold: 0.8 } });
  });
});

describe('AdaBoost', () => {
  test("TMVA's discrete AdaBoost on MAGIC (200 trees of depth 3): parity on the training rows and at every threshold", async () => {
    const m = new AdaBoostClassifier({ nEstimators: 200 }).fit(magic.X, magic.y);
    const r = await exportBoth({ estimator: m, featureNames: magic.features, classNames: magic.classes, positive: 'g', sample: onThresholds(m, magic.X) });
    expect(r.float32.parity.labelTies).toBe(0);
  });

  test('real AdaBoost (SAMME.R) with three classes on iris: every leaf votes for every class', async () => {
    const m = new AdaBoostClassifier({ nEstimators: 50, algorithm: 'real' }).fit(iris.X, iris.y);
    expect(m.ensemble.width).toBe(3);
    await exportBoth({ estimator: m, featureNames: iris.features, classNames: iris.classes, sample: onThresholds(m, iris.X) });
  });

  test('discrete SAMME with three classes, standardised: parity', async () => {
    const s = meanScale(iris.X);
    const m = new AdaBoostClassifier({ nEstimators: 60 }).fit(standardised(iris.X, s), iris.y);
    const r = await exportModelChecked({ estimator: m, featureNames: iris.features, classNames: iris.classes, standardizer: s, sample: onThresholds(m, iris.X, s), dtype: 'float32' });
    for (const o of r.parity.outputs) expect(o.maxDiff, o.output).toBeLessThanOrEqual(1e-5);
  });
});

describe('float32 trees after a standardisation: the export says how many parity rows cross a split by rounding', () => {
  test('the note counts exactly the rows where the model on the double values and on the float32-rounded values differ', async () => {
    const Z = standardised(magic.X, magicStd);
    const m = new HistGradientBoostingClassifier({ maxIter: 40, seed: 3 }).fit(Z, magic.y);
    const rounded = { ...magic.X, data: Float64Array.from(magic.X.data, (v) => Math.fround(v)) };
    const a = m.predictProba(Z).data, b = m.predictProba(standardised(rounded, magicStd)).data;
    let crossing = 0;
    for (let i = 0; i < magic.X.rows; i++) if (Math.abs(a[2 * i + 1]! - b[2 * i + 1]!) > 1e-5) crossing++;
    const r32 = await exportModelChecked({ estimator: m, featureNames: magic.features, classNames: magic.classes, standardizer: magicStd, sample: magic.X, dtype: 'float32' });
    expect(crossing).toBeGreaterThan(0); // this sample has rows within float32 rounding of a threshold (the case to report)
    expect(r32.notes).toEqual([expect.stringMatching(new RegExp(`^float32 input: ${crossing} of ${magic.X.rows} parity rows lie within float32 rounding of a split threshold .*export as float64`))]);
    const r64 = await exportModelChecked({ estimator: m, featureNames: magic.features, classNames: magic.classes, standardizer: magicStd, sample: magic.X, dtype: 'float64' });
    expect(r64.notes).toEqual([]);
    // without a standardisation the thresholds sit at float32 rounding boundaries: no row crosses, no note
    const raw = new HistGradientBoostingClassifier({ maxIter: 40, seed: 3 }).fit(magic.X, magic.y);
    expect((await exportModelChecked({ estimator: raw, featureNames: magic.features, classNames: magic.classes, sample: magic.X, dtype: 'float32' })).notes).toEqual([]);
  });
});
