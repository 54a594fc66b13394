import { type DenseMatrix, createRng, fromRows, takeColumns, takeRows, zeros } from '@discern/linalg';
import { type DiscernError } from '@discern/core';
import { describe, expect, it } from 'vitest';
import { GaussianNB } from '../bayes/index.js';
import { type Classifier } from '../estimator.js';
import { loadEstimator } from '../load.js';
import { LogisticRegression } from '../logistic/index.js';
import { FoldEnsemble, stratifiedFolds } from './fold-ensemble.js';
import { type FoldExpr, type FoldRule, evaluateFoldExpr, foldColumns, foldOfRows } from './fold-rule.js';
import { errorOf } from '../errors.test-helpers.js';

const input = (index: number): FoldExpr => ({ op: 'input', index });
const num = (value: number): FoldExpr => ({ op: 'number', value });
const op = (o: Exclude<FoldExpr['op'], 'input' | 'number'>, ...args: FoldExpr[]): FoldExpr => ({ op: o, args }) as FoldExpr;

/** A logistic model with given coefficients (one feature row per class row), as a file would hold it. */
function logistic(coef: number[], intercept: number): LogisticRegression {
  return LogisticRegression.fromJSON({ kind: 'logistic', version: 1, nClasses: 2, nFeatures: coef.length, options: {}, coef: [coef], intercept: [intercept] });
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** Two well separated classes in 3 features; column 2 is an event number 0, 1, 2, … */
function events(n: number, seed = 3): { X: DenseMatrix; y: Int32Array } {
  const rng = createRng(seed);
  const X = zeros(n, 3);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = rng.uniform() < 0.4 ? 1 : 0;
    y[i] = c;
    X.data[i * 3] = rng.normal() + 1.5 * c;
    X.data[i * 3 + 1] = rng.normal() - c;
    X.data[i * 3 + 2] = 1000 + i;
  }
  return { X, y };
}

describe('fold rules', () => {
  it('evaluate + − × ÷ % and the functions as JavaScript does, and give ⌊v⌋ mod k as a non-negative remainder', () => {
    const X = fromRows([[0, 2.5], [1, -2.5], [7, 0.49], [-3, -0.5], [12.9, 1.5]]);
    expect(Array.from(evaluateFoldExpr(op('%', input(0), num(5)), X))).toEqual([0, 1, 2, -3, 12.9 % 5]);
    // round is half up (Math.round): 2.5 → 3, −2.5 → −2, 0.49 → 0, −0.5 → 0 (Math.round says −0: the same fold), 1.5 → 2
    expect(Array.from(evaluateFoldExpr(op('round', input(1)), X))).toEqual([3, -2, 0, 0, 2]);
    expect(Array.from(evaluateFoldExpr(op('floor', input(1)), X))).toEqual([2, -3, 0, -1, 1]);
    expect(Array.from(evaluateFoldExpr(op('ceil', input(1)), X))).toEqual([3, -2, 1, -0, 2]);
    expect(Array.from(evaluateFoldExpr(op('abs', op('neg', input(1))), X))).toEqual([2.5, 2.5, 0.49, 0.5, 1.5]);
    expect(Array.from(evaluateFoldExpr(op('min', input(0), input(1), num(1)), X))).toEqual([0, -2.5, 0.49, -3, 1]);
    expect(Array.from(evaluateFoldExpr(op('max', input(0), input(1)), X))).toEqual([2.5, 1, 7, -0.5, 12.9]);
    expect(Array.from(evaluateFoldExpr(op('/', op('*', input(0), num(3)), op('-', num(4), op('+', num(1), num(1)))), X))).toEqual([0, 1.5, 10.5, -4.5, (12.9 * 3) / 2]);
    // folds: ⌊v⌋ mod 5 → 0 % 5, 1 % 5, 7 % 5 = 2, −3 → 2 (non-negative remainder), ⌊12.9⌋ = 12 → 2
    expect(Array.from(foldOfRows({ expression: 'Event', tree: input(0) }, X, 5))).toEqual([0, 1, 2, 2, 2]);
    expect(foldColumns(op('+', input(3), op('*', input(1), input(3))))).toEqual([1, 3]);
  });

  it('a value that is not a number has no fold: DATA_INVALID naming the row and the expression', () => {
    const X = fromRows([[4], [0], [2]]);
    const e = errorOf(() => foldOfRows({ expression: '10 / (Event - 0) % 3', tree: op('%', op('/', num(10), input(0)), num(3)) }, X, 3));
    expect(e.code).toBe('DATA_INVALID');
    expect(e.message).toBe('the fold expression "10 / (Event - 0) % 3" is NaN at row 1; it must be a finite number (an event number) to choose a fold');
    expect(e.renamed({ row: (i) => `events.csv line ${i + 2}` }).message).toContain('at events.csv line 3;');
  });
});

describe('FoldEnsemble', () => {
  it('average: the mean of the fold models’ probabilities (hand-worked)', () => {
    const members = [logistic([1, 0], 0), logistic([0, 2], -1), logistic([-1, 1], 0.5)];
    const e = FoldEnsemble.fromMembers(
      members.map((estimator) => ({ estimator })),
      { nFeatures: 2 },
    );
    const X = fromRows([[0.5, -1], [2, 3]]);
    const P = e.predictProba(X);
    for (let i = 0; i < 2; i++) {
      const [a, b] = [X.data[i * 2]!, X.data[i * 2 + 1]!];
      const p1 = (sigmoid(a) + sigmoid(2 * b - 1) + sigmoid(-a + b + 0.5)) / 3;
      expect(P.data[i * 2 + 1]).toBeCloseTo(p1, 15);
      expect(P.data[i * 2]! + P.data[i * 2 + 1]!).toBeCloseTo(1, 15);
    }
    expect(Array.from(e.predict(X))).toEqual([0, 1]);
  });

  it('by fold: each row gets the probabilities of the model of its fold, the rule’s column not among the models’ inputs', () => {
    // models that ignore their input and say their fold: P(1) = sigmoid(intercept_f)
    const intercepts = [-2, 0, 3];
    const members = intercepts.map((b) => ({ estimator: logistic([0], b) }));
    const rule: FoldRule = { expression: 'Event % 3', tree: op('%', input(1), num(3)) };
    const e = FoldEnsemble.fromMembers(members, { nFeatures: 2, mode: 'by-fold', rule });
    expect(Array.from(e.memberColumns)).toEqual([0]);
    const X = fromRows([[9, 0], [9, 1], [9, 2], [9, 3], [9, 5], [9, -1]]);
    const P = e.predictProba(X);
    // Event 0, 1, 2, 3, 5, −1 → folds 0, 1, 2, 0, 2 and 2 (−1 mod 3, a non-negative remainder)
    [0, 1, 2, 0, 2, 2].forEach((f, i) => expect(P.data[i * 2 + 1]).toBeCloseTo(sigmoid(intercepts[f]!), 14));
    expect(Array.from(e.foldOf(X))).toEqual([0, 1, 2, 0, 2, 2]);
  });

  it('fit by a rule: each fold model is fitted on the other folds, so by-fold application on the training rows is out-of-fold (by construction)', () => {
    const { X, y } = events(300);
    const rule: FoldRule = { expression: 'Event % 4', tree: op('%', input(2), num(4)) };
    const make = () => new LogisticRegression({ l2: 0.01 });
    const e = new FoldEnsemble({ k: 4, mode: 'by-fold', rule, base: make }).fit(X, y);
    const folds = Array.from({ length: 300 }, (_, i) => (1000 + i) % 4);
    expect(Array.from(e.foldOf(X))).toEqual(folds);
    const P = e.predictProba(X);
    for (let f = 0; f < 4; f++) {
      // the model of fold f, fitted again here on the rows outside fold f without the event number
      const outside = folds.flatMap((g, i) => (g === f ? [] : [i]));
      const inside = folds.flatMap((g, i) => (g === f ? [i] : []));
      const ref = make().fit(takeColumns(takeRows(X, outside), [0, 1]), Int32Array.from(outside, (i) => y[i]!));
      expect(JSON.stringify(e.members[f]!.estimator.toJSON())).toBe(JSON.stringify(ref.toJSON()));
      const Pf = ref.predictProba(takeColumns(takeRows(X, inside), [0, 1]));
      inside.forEach((i, r) => expect(P.data[i * 2 + 1]).toBe(Pf.data[r * 2 + 1]));
    }
    // the fold models differ from each other
    const coefs = e.members.map((m) => JSON.stringify((m.estimator as LogisticRegression).coef.data));
    expect(new Set(coefs).size).toBe(4);
  });

  it('fit without a rule: stratified seeded folds; models differ; the same seed gives the same ensemble', () => {
    const { X, y } = events(200);
    const base = (): Classifier => new GaussianNB();
    const a = new FoldEnsemble({ k: 5, seed: 7, base }).fit(X, y);
    const b = new FoldEnsemble({ k: 5, seed: 7, base }).fit(X, y);
    const c = new FoldEnsemble({ k: 5, seed: 8, base }).fit(X, y);
    expect(JSON.stringify(a.toJSON())).toBe(JSON.stringify(b.toJSON()));
    expect(JSON.stringify(a.toJSON())).not.toBe(JSON.stringify(c.toJSON()));
    expect(new Set(a.members.map((m) => JSON.stringify(m.estimator.toJSON()))).size).toBe(5);
  });

  it('stratifiedFolds: every class spread over the folds within one row, fold sizes within one, seeded', () => {
    const y = Int32Array.from({ length: 103 }, (_, i) => (i % 10 < 3 ? 1 : i % 10 < 4 ? 2 : 0));
    const counts = [0, 1, 2].map((c) => y.filter((v) => v === c).length);
    const folds = stratifiedFolds(y, 3, 4, 11);
    for (let c = 0; c < 3; c++) {
      const per = [0, 1, 2, 3].map((f) => y.filter((v, i) => v === c && folds[i] === f).length);
      expect(Math.max(...per) - Math.min(...per)).toBeLessThanOrEqual(1);
      expect(per.reduce((s, v) => s + v, 0)).toBe(counts[c]);
    }
    const sizes = [0, 1, 2, 3].map((f) => folds.filter((v) => v === f).length);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    expect(Array.from(stratifiedFolds(y, 3, 4, 11))).toEqual(Array.from(folds));
    expect(Array.from(stratifiedFolds(y, 3, 4, 12))).not.toEqual(Array.from(folds));
  });

  it('members with their own standardisation: (x − mean) / scale before each, and a JSON round trip predicts the same bits', () => {
    const rule: FoldRule = { expression: 'floor(abs(Event)) % 2', tree: op('%', op('floor', op('abs', input(0))), num(2)) };
    const members = [
      { estimator: logistic([1, -1], 0.2), standardizer: { mean: [1, 2], scale: [2, 4] } },
      { estimator: logistic([0.5, 0.5], -0.3), standardizer: { mean: [-1, 0], scale: [1, 0.5] } },
    ];
    const e = FoldEnsemble.fromMembers(members, { nFeatures: 3, mode: 'by-fold', rule });
    const X = fromRows([[4, 3, 6], [7, -1, 2]]);
    const P = e.predictProba(X);
    expect(P.data[1]).toBeCloseTo(sigmoid((3 - 1) / 2 - (6 - 2) / 4 + 0.2), 15); // Event 4: fold 0
    expect(P.data[3]).toBeCloseTo(sigmoid(0.5 * (-1 + 1) + 0.5 * (2 / 0.5) - 0.3), 15); // Event 7: fold 1
    const text = JSON.stringify(e.toJSON());
    const back = loadEstimator(JSON.parse(text)) as FoldEnsemble;
    expect(back.kind).toBe('fold-ensemble');
    expect(Array.from(back.predictProba(X).data)).toEqual(Array.from(P.data));
    expect(JSON.stringify(back.toJSON())).toBe(text);
  });

  it('refuses what cannot be applied: by-fold without a rule, a rule reading every column, members that do not match', () => {
    expect(errorOf(() => new FoldEnsemble({ mode: 'by-fold' })).message).toMatch(/needs a fold rule/);
    expect(errorOf(() => new FoldEnsemble({ k: 1 })).message).toBe('FoldEnsemble: k must be a whole number of folds from 2 to 1000, got 1');
    const two = [{ estimator: logistic([1], 0) }, { estimator: logistic([1], 1) }];
    expect(errorOf(() => FoldEnsemble.fromMembers(two, { nFeatures: 1, mode: 'by-fold', rule: { expression: 'E % 2', tree: op('%', input(0), num(2)) } })).message).toMatch(
      /reads every input column/,
    );
    expect(errorOf(() => FoldEnsemble.fromMembers(two, { nFeatures: 2 })).message).toBe('FoldEnsemble: member 0 takes 1 features; the ensemble gives its models 2');
    expect(errorOf(() => FoldEnsemble.fromMembers([two[0]!, { estimator: new LogisticRegression() }], { nFeatures: 1 })).code).toBe('MODEL_NOT_FITTED');
    const e = FoldEnsemble.fromMembers(two, { nFeatures: 1 });
    expect(errorOf(() => e.foldOf(fromRows([[1]]))).message).toMatch(/no fold rule/);
    expect(errorOf(() => e.predictProba(fromRows([[1, 2]]))).code).toBe('DATA_INVALID');
    // an ensemble of ensembles is refused, on build and on reading
    expect(errorOf(() => FoldEnsemble.fromMembers([{ estimator: e }, { estimator: e }], { nFeatures: 1 })).message).toMatch(/member 0 is a fold-ensemble model/);
    const nested = { ...e.toJSON(), members: [{ estimator: e.toJSON(), standardizer: null }, { estimator: e.toJSON(), standardizer: null }] };
    expect(errorOf(() => loadEstimator(nested)).context.field).toBe('estimator.members[0].estimator.kind');
  });

  it('a saved ensemble that is not what discern wrote: MODEL_INVALID naming the field', () => {
    const rule: FoldRule = { expression: 'E % 2', tree: op('%', input(1), num(2)) };
    const json = FoldEnsemble.fromMembers([{ estimator: logistic([1], 0) }, { estimator: logistic([2], 1) }], { nFeatures: 2, mode: 'by-fold', rule }).toJSON();
    const spoil = (f: (j: Record<string, unknown>) => void): DiscernError => {
      const j = structuredClone(json) as unknown as Record<string, unknown>;
      f(j);
      return errorOf(() => loadEstimator(j, { file: 'm.json' }));
    };
    const opBad = spoil((j) => ((j.rule as { tree: { op: string } }).tree.op = '^'));
    expect(opBad.message).toMatch(/^m\.json: estimator\.rule\.tree\.op is "\^"; expected one of "input", "number", "\+"/);
    expect(spoil((j) => ((j.rule as { tree: { args: unknown[] } }).tree.args = [{ op: 'input', index: 5 }, { op: 'number', value: 2 }])).context.field).toBe('estimator.rule.tree.args[0].index');
    expect(spoil((j) => (j.rule = null)).context.field).toBe('estimator.rule');
    expect(spoil((j) => (j.members = [(j.members as unknown[])[0]])).context.field).toBe('estimator.members');
    expect(spoil((j) => ((j.members as { standardizer: unknown }[])[1]!.standardizer = { mean: [0], scale: [0] })).context.field).toBe('estimator.members[1].standardizer.scale[0]');
    expect(spoil((j) => ((j.members as { estimator: { nFeatures: number } }[])[0]!.estimator.nFeatures = 2)).context.field).toBe('estimator.members[0].estimator.coef[0]');
  });

  it('an error of a fold model names the ensemble’s row, renamable to a file line', () => {
    const X = fromRows([[0, 0], [1, 1], [2, 0], [3, 1], [Number.NaN, 0], [5, 1]]);
    const y = Int32Array.from([0, 1, 0, 1, 0, 1]);
    // checkXy refuses NaN before any fold; a weight is checked by the fold model, on its own rows
    expect(errorOf(() => new FoldEnsemble({ k: 2, base: () => new LogisticRegression() }).fit(X, y)).code).toBe('DATA_INVALID');
    const w = Float64Array.from([1, 1, 1, -1, 1, 1]);
    const X2 = fromRows([[0, 0], [1, 1], [2, 0], [3, 1], [4, 0], [5, 1]]);
    const e = errorOf(() => new FoldEnsemble({ k: 2, seed: 1, base: () => new GaussianNB() }).fit(X2, y, { weights: w }));
    expect(e.code).toBe('DATA_INVALID');
    expect(e.message).toMatch(/^fold \d: GaussianNB: the event weight of row 3 is negative/);
    expect(e.renamed({ row: (i) => `line ${i + 2}` }).message).toMatch(/weight of line 5 is negative/);
  });
});
