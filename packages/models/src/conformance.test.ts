/**
 * The conformance suite, in the spirit of scikit-learn's check_estimator: the same contract checked on every
 * estimator of @discern/models. Each entry says how to build the estimator and which kind of data it takes; the
 * checks are shared, so a new estimator joins by adding one entry.
 */
import { type DenseMatrix, createRng, zeros } from '@discern/linalg';
import { CancelFlag, DiscernError } from '@discern/core';
import { describe, expect, it } from 'vitest';
import { CategoricalNB, GaussianNB, GenerativeClassifier, LDA, MultinomialNB, QDA } from './bayes/index.js';
import { type Classifier, type FitOptions, type ModelJSON, type Progress } from './estimator.js';
import { LogisticRegression } from './logistic/index.js';
import { GaussianMixture, KMeans, LatentClassModel, MultinomialMixture } from './mixture/index.js';
import { MLPClassifier } from './mlp/index.js';
import { FoldEnsemble } from './ensemble/index.js';
import { loadEstimator } from './load.js';
import { AdaBoostClassifier, HistGradientBoostingClassifier } from './trees/index.js';

type DataKind = 'continuous' | 'counts' | 'codes';

interface AnyEstimator {
  readonly kind: string;
  fit(X: DenseMatrix, yOrOptions?: Int32Array | FitOptions, options?: FitOptions): unknown;
  toJSON(): ModelJSON;
  predict(X: DenseMatrix): Int32Array;
  predictProba?(X: DenseMatrix): DenseMatrix;
  scoreSamples?(X: DenseMatrix): Float64Array;
}

interface Entry {
  readonly name: string;
  readonly supervised: boolean;
  readonly data: DataKind;
  readonly make: (seed: number) => AnyEstimator;
  readonly fromJSON: (json: ModelJSON) => AnyEstimator;
  /** Rows below which fit must fail with TOO_FEW_SAMPLES. */
  readonly tooFew: number;
  /** Accepts NaN as "missing" (marginalised), so NaN is not an error for it. */
  readonly missingOk?: boolean;
  /** Needs regularisation for a constant or duplicated feature (its own coded error otherwise). */
  readonly regularised?: (seed: number) => AnyEstimator;
  /** Its fit is a loop that reports progress (iterations, epochs, restarts, classes); closed-form fits are not. */
  readonly iterative?: boolean;
}

const ENTRIES: Entry[] = [
  { name: 'LogisticRegression (lbfgs)', supervised: true, data: 'continuous', make: () => new LogisticRegression({ l2: 0.01 }), fromJSON: (j) => LogisticRegression.fromJSON(j), tooFew: 2, iterative: true },
  { name: 'LogisticRegression (gd)', supervised: true, data: 'continuous', make: () => new LogisticRegression({ solver: 'gd', epochs: 200 }), fromJSON: (j) => LogisticRegression.fromJSON(j), tooFew: 2, iterative: true },
  { name: 'MLPClassifier', supervised: true, data: 'continuous', make: (s) => new MLPClassifier({ hiddenLayers: [5], maxIter: 30, seed: s }), fromJSON: (j) => MLPClassifier.fromJSON(j), tooFew: 2, iterative: true },
  { name: 'GaussianNB', supervised: true, data: 'continuous', make: () => new GaussianNB(), fromJSON: (j) => GaussianNB.fromJSON(j), tooFew: 2 },
  { name: 'MultinomialNB', supervised: true, data: 'counts', make: () => new MultinomialNB(), fromJSON: (j) => MultinomialNB.fromJSON(j), tooFew: 2 },
  { name: 'CategoricalNB', supervised: true, data: 'codes', make: () => new CategoricalNB(), fromJSON: (j) => CategoricalNB.fromJSON(j), tooFew: 2, missingOk: true },
  { name: 'LDA', supervised: true, data: 'continuous', make: () => new LDA(), fromJSON: (j) => LDA.fromJSON(j), tooFew: 2, regularised: () => new LDA({ shrinkage: 'auto' }) },
  { name: 'QDA', supervised: true, data: 'continuous', make: () => new QDA(), fromJSON: (j) => QDA.fromJSON(j), tooFew: 2, regularised: () => new QDA({ regParam: 0.1 }) },
  {
    name: 'GenerativeClassifier',
    supervised: true,
    data: 'continuous',
    make: (s) => new GenerativeClassifier({ density: { kind: 'gmm', nComponents: 2, covarianceType: 'full', seed: s } }),
    fromJSON: (j) => GenerativeClassifier.fromJSON(j),
    tooFew: 2,
    iterative: true,
  },
  { name: 'GaussianMixture', supervised: false, data: 'continuous', make: (s) => new GaussianMixture({ nComponents: 2, seed: s }), fromJSON: (j) => GaussianMixture.fromJSON(j), tooFew: 2, iterative: true },
  { name: 'KMeans', supervised: false, data: 'continuous', make: (s) => new KMeans({ nClusters: 3, nInit: 2, seed: s }), fromJSON: (j) => KMeans.fromJSON(j), tooFew: 3, iterative: true },
  {
    name: 'MultinomialMixture',
    supervised: false,
    data: 'counts',
    make: (s) => new MultinomialMixture({ nComponents: 2, seed: s }),
    fromJSON: (j) => MultinomialMixture.fromJSON(j),
    tooFew: 2,
    missingOk: true,
    iterative: true,
  },
  { name: 'LatentClassModel', supervised: false, data: 'codes', make: (s) => new LatentClassModel({ nComponents: 2, seed: s }), fromJSON: (j) => LatentClassModel.fromJSON(j), tooFew: 2, missingOk: true, iterative: true },
  {
    name: 'FoldEnsemble (average of logistic fold models)',
    supervised: true,
    data: 'continuous',
    make: (s) => new FoldEnsemble({ k: 3, seed: s, base: () => new LogisticRegression({ l2: 0.01 }) }),
    fromJSON: (j) => FoldEnsemble.fromJSON(j),
    tooFew: 2,
    iterative: true,
  },
  {
    // the fold of a row from its last column (an event number's stand-in), which the fold models do not read
    name: 'FoldEnsemble (by fold, Gaussian naive Bayes fold models)',
    supervised: true,
    data: 'continuous',
    make: (s) =>
      new FoldEnsemble({
        k: 3,
        seed: s,
        mode: 'by-fold',
        rule: { expression: 'floor(abs(x3) * 1000) % 3', tree: { op: '%', args: [{ op: 'floor', args: [{ op: '*', args: [{ op: 'abs', args: [{ op: 'input', index: 3 }] }, { op: 'number', value: 1000 }] }] }, { op: 'number', value: 3 }] } },
        base: () => new GaussianNB(),
      }),
    fromJSON: (j) => FoldEnsemble.fromJSON(j),
    tooFew: 2,
    iterative: true,
  },
  {
    // small trees and few iterations: the spoiled-number check walks every number of every tree
    name: 'HistGradientBoostingClassifier (bdt)',
    supervised: true,
    data: 'continuous',
    make: (s) => new HistGradientBoostingClassifier({ maxIter: 4, maxLeafNodes: 4, minSamplesLeaf: 5, subsample: 0.9, seed: s }),
    fromJSON: (j) => HistGradientBoostingClassifier.fromJSON(j),
    tooFew: 2,
    missingOk: true,
    iterative: true,
  },
  {
    name: 'AdaBoostClassifier (adaboost)',
    supervised: true,
    data: 'continuous',
    make: () => new AdaBoostClassifier({ nEstimators: 5, maxDepth: 2 }),
    fromJSON: (j) => AdaBoostClassifier.fromJSON(j),
    tooFew: 2,
    missingOk: true,
    iterative: true,
  },
  {
    name: 'AdaBoostClassifier (adaboost, real)',
    supervised: true,
    data: 'continuous',
    make: () => new AdaBoostClassifier({ nEstimators: 5, maxDepth: 2, algorithm: 'real' }),
    fromJSON: (j) => AdaBoostClassifier.fromJSON(j),
    tooFew: 2,
    missingOk: true,
    iterative: true,
  },
];

/** 90 rows, 4 features, 3 classes with class-dependent distributions of the kind each estimator takes. */
function dataset(kind: DataKind, seed = 11): { X: DenseMatrix; y: Int32Array } {
  const rng = createRng(seed);
  const n = 90, p = 4;
  const X = zeros(n, p);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    y[i] = c;
    for (let j = 0; j < p; j++) {
      const v = kind === 'continuous' ? rng.normal() + (c === j % 3 ? 2 : 0) : kind === 'counts' ? Math.floor(rng.uniform() * (c === j % 3 ? 9 : 3)) : (c + j + (rng.uniform() < 0.2 ? 1 : 0)) % 3;
      X.data[i * p + j] = v;
    }
  }
  return { X, y };
}

function fit(e: AnyEstimator, entry: Entry, X: DenseMatrix, y: Int32Array, weights?: Float64Array, more: FitOptions = {}): AnyEstimator {
  const options = { ...(weights ? { weights } : {}), ...more };
  if (entry.supervised) e.fit(X, y, options);
  else e.fit(X, options);
  return e;
}

/** What a fitted estimator says about X: probabilities, or log densities, or cluster labels. */
function outputs(e: AnyEstimator, X: DenseMatrix): Float64Array {
  if (e.predictProba) return e.predictProba(X).data;
  if (e.scoreSamples) return e.scoreSamples(X);
  return Float64Array.from(e.predict(X));
}

function errorOf(f: () => unknown): DiscernError | undefined {
  try {
    f();
  } catch (e) {
    if (e instanceof DiscernError) return e;
    throw e;
  }
  return undefined;
}

function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof DiscernError) return e.code;
    throw e;
  }
  return 'no error';
}

function withColumn(X: DenseMatrix, make: (i: number) => number): DenseMatrix {
  const p = X.cols + 1;
  const out = zeros(X.rows, p);
  for (let i = 0; i < X.rows; i++) {
    out.data.set(X.data.subarray(i * X.cols, (i + 1) * X.cols), i * p);
    out.data[i * p + X.cols] = make(i);
  }
  return out;
}

describe.each(ENTRIES)('conformance: $name', (entry) => {
  const { X, y } = dataset(entry.data);

  it('NaN and infinite input are coded errors (or marginalised, for estimators built for missing values)', () => {
    for (const bad of [NaN, Infinity]) {
      const Xb = { ...X, data: X.data.slice() };
      Xb.data[7] = bad;
      const code = codeOf(() => fit(entry.make(1), entry, Xb, y));
      if (entry.missingOk && Number.isNaN(bad)) expect(code).toBe('no error');
      else expect(code).toBe('DATA_INVALID');
    }
  });

  it('too few samples is TOO_FEW_SAMPLES', () => {
    const few = { rows: entry.tooFew - 1, cols: X.cols, data: X.data.slice(0, (entry.tooFew - 1) * X.cols) };
    expect(codeOf(() => fit(entry.make(1), entry, few, y.slice(0, entry.tooFew - 1)))).toBe('TOO_FEW_SAMPLES');
  });

  if (entry.supervised) {
    it('one class only is LABEL_INVALID', () => {
      expect(codeOf(() => fit(entry.make(1), entry, X, new Int32Array(X.rows)))).toBe('LABEL_INVALID');
    });
  }

  it('a constant and a duplicated feature survive (regularised where the estimator needs it), outputs finite', () => {
    const constant = withColumn(X, () => (entry.data === 'continuous' ? 3.5 : 1));
    const duplicated = withColumn(X, (i) => X.data[i * X.cols]!);
    for (const Xs of [constant, duplicated]) {
      const plain = codeOf(() => fit(entry.make(1), entry, Xs, y));
      if (entry.regularised) expect(['no error', 'SINGULAR_COVARIANCE']).toContain(plain);
      else expect(plain).toBe('no error');
      const e = fit((entry.regularised ?? entry.make)(1), entry, Xs, y);
      for (const v of outputs(e, Xs)) expect(Number.isFinite(v)).toBe(true);
    }
  });

  it('weights of ones give the same fit as no weights', () => {
    const a = outputs(fit(entry.make(3), entry, X, y), X);
    const b = outputs(fit(entry.make(3), entry, X, y, new Float64Array(X.rows).fill(1)), X);
    expect(Array.from(b)).toEqual(Array.from(a));
  });

  it('toJSON → JSON text → fromJSON predicts identically', () => {
    const e = fit(entry.make(5), entry, X, y);
    const back = entry.fromJSON(JSON.parse(JSON.stringify(e.toJSON())) as ModelJSON);
    expect(Array.from(outputs(back, X))).toEqual(Array.from(outputs(e, X)));
    expect(Array.from(back.predict(X))).toEqual(Array.from(e.predict(X)));
  });

  it('the same seed gives bit-identical results', () => {
    const a = fit(entry.make(9), entry, X, y);
    const b = fit(entry.make(9), entry, X, y);
    expect(JSON.stringify(b.toJSON())).toBe(JSON.stringify(a.toJSON()));
  });

  if (entry.supervised) {
    it('predicted probabilities are finite, in [0, 1] and sum to one', () => {
      const P = (fit(entry.make(2), entry, X, y) as unknown as Classifier).predictProba(X);
      expect(P.cols).toBe(3);
      for (let i = 0; i < P.rows; i++) {
        let s = 0;
        for (let k = 0; k < P.cols; k++) {
          const v = P.data[i * P.cols + k]!;
          expect(v >= 0 && v <= 1).toBe(true);
          s += v;
        }
        expect(Math.abs(s - 1)).toBeLessThan(1e-12);
      }
    });
  }

  it('a signal already set: INTERRUPTED before any work, and the estimator keeps what it had', () => {
    const set = { aborted: true, reason: 'SIGINT' };
    let progress = 0;
    const fresh = entry.make(4);
    const e = errorOf(() => fit(fresh, entry, X, y, undefined, { signal: set, onProgress: () => progress++ }));
    expect(e?.code).toBe('INTERRUPTED');
    expect(e?.message).toBe(`SIGINT: stopped ${fresh.kind} before it started`);
    expect(progress).toBe(0);
    expect(codeOf(() => fresh.predict(X))).toBe('MODEL_NOT_FITTED');
    // a fitted estimator keeps its previous fit
    const fitted = fit(entry.make(4), entry, X, y);
    const before = JSON.stringify(fitted.toJSON());
    const other = { ...X, data: X.data.map((v, k) => (k % 5 === 0 ? v + 1 : v)) };
    expect(codeOf(() => fit(fitted, entry, other, y, undefined, { signal: set }))).toBe('INTERRUPTED');
    expect(JSON.stringify(fitted.toJSON())).toBe(before);
  });

  if (entry.iterative) {
    it('a signal set in the middle (from onProgress): INTERRUPTED before the next unit of work, state unchanged', () => {
      const flag = new CancelFlag();
      const seen: string[] = [];
      const onProgress = (p: Progress): void => {
        seen.push(`${p.phase} ${p.step}`);
        flag.cancel('SIGTERM');
      };
      const fresh = entry.make(6);
      const e = errorOf(() => fit(fresh, entry, X, y, undefined, { signal: flag, onProgress }));
      expect(e?.code).toBe('INTERRUPTED');
      expect(e?.message).toMatch(new RegExp(`^SIGTERM: stopped ${fresh.kind}[ ,]`));
      // the flag went up at the first progress report: no later unit of work got as far as reporting
      expect(seen).toHaveLength(1);
      expect(codeOf(() => fresh.predict(X))).toBe('MODEL_NOT_FITTED');
      const fitted = fit(entry.make(6), entry, X, y);
      const before = JSON.stringify(fitted.toJSON());
      const again = new CancelFlag();
      expect(codeOf(() => fit(fitted, entry, X, y, undefined, { signal: again, onProgress: () => again.cancel() }))).toBe('INTERRUPTED');
      expect(JSON.stringify(fitted.toJSON())).toBe(before);
    });
  }

  it('loadEstimator rebuilds it by its kind, predicting identically', () => {
    const e = fit(entry.make(5), entry, X, y);
    const back = loadEstimator(JSON.parse(JSON.stringify(e.toJSON()))) as unknown as AnyEstimator;
    expect(back.kind).toBe(e.kind);
    expect(Array.from(outputs(back, X))).toEqual(Array.from(outputs(e, X)));
  });

  it('a saved model with any number spoiled is MODEL_INVALID naming that field (or the object holding it), from fromJSON and loadEstimator alike', () => {
    const json = JSON.parse(JSON.stringify(fit(entry.make(5), entry, X, y).toJSON())) as ModelJSON;
    // every number of the model (the fit report excepted: it is a record of the fit, not part of the model)
    const leaves: (string | number)[][] = [];
    const walk = (v: unknown, path: (string | number)[]): void => {
      if (typeof v === 'number') leaves.push(path);
      else if (Array.isArray(v)) v.forEach((e, i) => walk(e, [...path, i]));
      else if (v !== null && typeof v === 'object') for (const [k, e] of Object.entries(v)) if (k !== 'fitReport') walk(e, [...path, k]);
    };
    walk(json, []);
    expect(leaves.length).toBeGreaterThan(5);
    const fieldOf = (path: (string | number)[]) => 'estimator' + path.map((k) => (typeof k === 'number' ? `[${k}]` : `.${k}`)).join('');
    for (const path of leaves) {
      const spoiled = structuredClone(json) as Record<string | number, unknown>;
      let at: Record<string | number, unknown> = spoiled;
      for (const k of path.slice(0, -1)) at = at[k] as Record<string | number, unknown>;
      at[path[path.length - 1]!] = 'x';
      for (const load of [() => entry.fromJSON(spoiled as ModelJSON), () => loadEstimator(spoiled)]) {
        const e = errorOf(load);
        expect(e?.code, fieldOf(path)).toBe('MODEL_INVALID');
        const field = String(e?.context.field);
        expect(fieldOf(path).startsWith(field), `${field} for ${fieldOf(path)}`).toBe(true);
      }
    }
  });

  it('a saved model of another version or kind is MODEL_INVALID naming the field', () => {
    const json = fit(entry.make(5), entry, X, y).toJSON();
    const v = errorOf(() => loadEstimator({ ...json, version: 99 }));
    expect(v?.code).toBe('MODEL_INVALID');
    expect(v?.message).toBe("estimator.version is 99; this discern reads version 1 of this model's format");
    const k = errorOf(() => entry.fromJSON({ ...json, kind: 'other' }));
    expect([k?.code, k?.context.field]).toEqual(['MODEL_INVALID', 'estimator.kind']);
    const file = errorOf(() => loadEstimator({ ...json, kind: 'other' }, { file: 'runs/x/models/m.json' }));
    expect(file?.message).toMatch(/^runs\/x\/models\/m\.json: estimator\.kind is "other"; expected one of "logistic", "mlp"/);
    expect(file?.context.file).toBe('runs/x/models/m.json');
  });
});
