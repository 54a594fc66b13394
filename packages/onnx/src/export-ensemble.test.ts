import { describe, expect, test } from 'vitest';
import { type DenseMatrix, takeColumns, takeRows } from '@discern/linalg';
import { type FoldExpr, FoldEnsemble, GaussianNB, HistGradientBoostingClassifier, LogisticRegression, MLPClassifier } from '@discern/models';
import { exportModelChecked } from './export.js';
import { decodeModel } from './proto.js';
import { createSession, runBatch } from './session.js';
import { exportBoth, loadCsv, meanScale, standardised } from './testing.test-helpers.js';

const magic = loadCsv('magic04.csv', 'class', { take: 10, classes: ['h', 'g'] }); // 1 902 rows; g = signal
const names = magic.features;
const at = (name: string) => names.indexOf(name);

const input = (index: number): FoldExpr => ({ op: 'input', index });
const num = (value: number): FoldExpr => ({ op: 'number', value });
const op = (o: Exclude<FoldExpr['op'], 'input' | 'number'>, ...args: FoldExpr[]): FoldExpr => ({ op: o, args }) as FoldExpr;

/** MAGIC with an event-number column appended (row i has event 1 000 000 + 7·i): TMVA's usual fold column. */
function withEvents(X: DenseMatrix): DenseMatrix {
  const p = X.cols + 1;
  const data = new Float64Array(X.rows * p);
  for (let i = 0; i < X.rows; i++) {
    data.set(X.data.subarray(i * X.cols, (i + 1) * X.cols), i * p);
    data[i * p + X.cols] = 1_000_000 + 7 * i;
  }
  return { rows: X.rows, cols: p, data };
}

async function run(bytes: Uint8Array, X: DenseMatrix): Promise<Record<string, { data: ArrayLike<number> }>> {
  const ms = await createSession(bytes, 'cpu');
  try {
    return await runBatch(ms, { features: X });
  } finally {
    await ms.session.release();
  }
}

describe('the fold ensemble exports as one graph', () => {
  test('average of MLP fold models, each with its own standardisation: float32 and float64 within the parity tolerance, the checker passes', async () => {
    const e = new FoldEnsemble({ k: 3, seed: 2, base: (_f, seed) => new MLPClassifier({ hiddenLayers: [6], maxIter: 15, seed }) });
    // members fitted on standardised rows, then given their standardisation so the ensemble takes raw features
    const s = meanScale(magic.X);
    e.fit(standardised(magic.X, s), magic.y);
    const raw = FoldEnsemble.fromMembers(
      e.members.map((m) => ({ estimator: m.estimator, standardizer: s })),
      { nFeatures: names.length },
    );
    const r = await exportBoth({ estimator: raw, featureNames: names, classNames: magic.classes, positive: 'g', sample: magic.X });
    // an average of float32-exact members stays float32 inside
    expect(decodeModel(r.float32.bytes).metadata.compute).toBeUndefined();
  });

  test('by fold: the event number is an input column, the graph computes its fold (in float64) and selects that fold’s model', async () => {
    const X = withEvents(magic.X);
    const featureNames = [...names, 'EventNumber'];
    const rule = { expression: 'EventNumber % 4', tree: op('%', input(names.length), num(4)) };
    const e = new FoldEnsemble({ k: 4, mode: 'by-fold', rule, base: () => new LogisticRegression({ l2: 1e-3 }) }).fit(X, magic.y);
    const r = await exportBoth({ estimator: e, featureNames, classNames: magic.classes, positive: 'g', sample: X });
    expect(decodeModel(r.float32.bytes).metadata.compute).toBe('float64');
    // by construction: each event's probabilities are those of the model of fold (event number mod 4), which was
    // fitted without that fold's events; the graph agrees row by row with that model alone
    const out = await run(r.float64.bytes, X);
    const P = out.probabilities!.data;
    for (let f = 0; f < 4; f++) {
      const rows = Array.from({ length: X.rows }, (_, i) => i).filter((i) => (1_000_000 + 7 * i) % 4 === f);
      const Pf = e.members[f]!.estimator.predictProba(takeColumns(takeRows(X, rows), Array.from({ length: names.length }, (_, j) => j))).data;
      rows.forEach((i, t) => expect(Math.abs(P[i * 2 + 1]! - Pf[t * 2 + 1]!)).toBeLessThanOrEqual(1e-12));
    }
    // the same rows given a different event number move to another fold's model
    const moved = withEvents(magic.X);
    for (let i = 0; i < moved.rows; i++) moved.data[i * moved.cols + names.length] = 1_000_001 + 7 * i;
    const Q = (await run(r.float64.bytes, moved)).probabilities!.data;
    const Pm = e.predictProba(moved).data;
    let changed = 0;
    for (let i = 0; i < moved.rows; i++) {
      expect(Math.abs(Q[i * 2 + 1]! - Pm[i * 2 + 1]!)).toBeLessThanOrEqual(1e-12);
      if (Q[i * 2 + 1] !== P[i * 2 + 1]) changed++;
    }
    expect(changed).toBeGreaterThan(moved.rows * 0.9);
  });

  test('fold models of boosted trees take the raw input with the standardisation folded into their thresholds (graph-rounded inputs would cross splits: float32 parity failed at 3.3e-2 before)', async () => {
    const s = meanScale(magic.X);
    const e = new FoldEnsemble({ k: 3, seed: 2, base: (_f, seed) => new HistGradientBoostingClassifier({ maxIter: 30, seed }) }).fit(standardised(magic.X, s), magic.y);
    // averaged, after the run's standardisation
    await exportBoth({ estimator: e, featureNames: names, classNames: magic.classes, standardizer: s, sample: magic.X });
    // by fold, each fold model with its own standardisation, on MAGIC with an event number
    const X = withEvents(magic.X);
    const rule = { expression: 'EventNumber % 3', tree: op('%', input(names.length), num(3)) };
    const byFold = FoldEnsemble.fromMembers(
      e.members.map((m) => ({ estimator: m.estimator, standardizer: s })),
      { nFeatures: names.length + 1, mode: 'by-fold', rule },
    );
    await exportBoth({ estimator: byFold, featureNames: [...names, 'EventNumber'], classNames: magic.classes, sample: X });
  });

  test('every operation of a fold rule computes as TypeScript does, at the boundaries where floor and round turn', async () => {
    // rows on the half-integers and integers of 2·fAlpha (round turns there), negatives (fmod keeps the sign)
    const X = withEvents(magic.X);
    const ev = names.length;
    for (let i = 0; i < X.rows; i++) X.data[i * X.cols + at('fAlpha')] = (i % 41) / 4 - 5;
    const tree = op(
      '+',
      op('+', op('round', op('*', input(at('fAlpha')), num(2))), op('max', op('ceil', op('/', input(ev), num(3))), op('neg', op('abs', input(at('fM3Trans')))), op('min', num(-7), op('floor', input(at('fAlpha')))))),
      op('%', op('-', num(0), input(ev)), num(5)),
    );
    const rule = { expression: 'round(2 fAlpha) + max(ceil(EventNumber / 3), -abs(fM3Trans), min(-7, floor(fAlpha))) + (0 - EventNumber) % 5', tree };
    const e = new FoldEnsemble({ k: 5, mode: 'by-fold', rule, base: () => new GaussianNB() }).fit(X, magic.y);
    const r = await exportModelChecked({ estimator: e, featureNames: [...names, 'EventNumber'], classNames: magic.classes, sample: X, dtype: 'float64' });
    expect(r.parity.outputs.every((o) => o.maxDiff <= 1e-12)).toBe(true);
    // and the folds it used are the ones TypeScript computes: the graph equals predictProba on every row
    const P = (await run(r.bytes, X)).probabilities!.data;
    const ts = e.predictProba(X).data;
    for (let i = 0; i < ts.length; i++) expect(Math.abs(P[i]! - ts[i]!)).toBeLessThanOrEqual(1e-12);
  });
});

describe('a fold ensemble of boosted trees with missing values', () => {
  test('NaN rows pass through the graph to the fold models’ trees: parity on rows with NaN, and the model says it takes them', async () => {
    const X = { ...magic.X, data: magic.X.data.map((v, k) => (k % 11 === 0 ? NaN : v)) };
    const e = new FoldEnsemble({ k: 3, seed: 3, base: (_f, seed) => new HistGradientBoostingClassifier({ maxIter: 10, earlyStopping: false, seed }) }).fit(X, magic.y);
    const r = await exportBoth({ estimator: e, featureNames: names, classNames: magic.classes, positive: 'g', sample: X });
    expect(decodeModel(r.float64.bytes).metadata.missing).toBe('keep');
    // the graph's probabilities on the NaN rows are the ensemble's own (float64: to 1e-12)
    const got = (await run(r.float64.bytes, X))['probabilities']!.data;
    const want = e.predictProba(X).data;
    let worst = 0;
    for (let t = 0; t < want.length; t++) worst = Math.max(worst, Math.abs(Number(got[t]) - want[t]!));
    expect(worst).toBeLessThanOrEqual(1e-12);
  });
});
