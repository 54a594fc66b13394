import { type DenseMatrix, createRng, stratifiedFoldOf, takeColumns, takeRows, zeros } from '@discern/linalg';
import { DiscernError, isDiscernError } from '@discern/core';
import { checkNotCancelled, checkpoint, fitCancellation } from '../cancel.js';
import { argmaxRows, type Classifier, type FitOptions, type FitReport, type ModelJSON } from '../estimator.js';
import { isModelKind, isSupervised, takesMissing } from '../kinds.js';
import { loadEstimator } from '../load.js';
import { checkNoInfinity } from '../trees/ensemble.js';
import { ModelReader, type ModelSource } from '../model-json.js';
import { checkPredictX, checkXy, notFitted } from '../validate.js';
import { type FoldRule, checkFoldExpr, columnsOutside, foldColumns, foldOfRows, foldRuleJSON, readFoldRule } from './fold-rule.js';

const NAME = 'FoldEnsemble';
const KIND = 'fold-ensemble';
const JSON_VERSION = 1;

/**
 * How the fold models of a k-fold cross-validation are applied to an event:
 * - `average`: the mean of the k models' class probabilities (scikit-learn's usual ensemble of CV models; TMVA's
 *   `OutputEnsembling=Avg`);
 * - `by-fold`: the model that did not see the event's fold, the fold computed from the event by the fold rule
 *   (TMVA's application by fold: on the training sample this is the out-of-fold score, and a new event is scored
 *   by a model that saw none of the events of its fold).
 */
export type EnsembleMode = 'average' | 'by-fold';

/** One fold model: a fitted classifier, with the standardisation fitted on its own training rows when there is one. */
export interface FoldMember {
  readonly estimator: Classifier;
  /** (x − mean) / scale over the member's inputs, applied before it (as Standardizer.transform computes it). */
  readonly standardizer?: { readonly mean: ArrayLike<number>; readonly scale: ArrayLike<number> } | undefined;
}

export interface FoldEnsembleOptions {
  /** For `fit`: a new, unfitted classifier for fold f, given a seed derived from `seed` and f. */
  readonly base?: (fold: number, seed: number) => Classifier;
  /** Number of folds (default 5). */
  readonly k?: number;
  readonly mode?: EnsembleMode;
  /**
   * The fold of an event computed from its inputs (required by `by-fold`). The columns it reads pick the fold and
   * are not inputs of the fold models (TMVA's spectators: an event number is no discriminating variable).
   */
  readonly rule?: FoldRule;
  /** Seed of the stratified fold assignment (without a rule) and of the fold models (default 0). */
  readonly seed?: number;
}

export interface FoldEnsembleJSON extends ModelJSON {
  readonly kind: 'fold-ensemble';
  readonly version: number;
  readonly nClasses: number;
  readonly nFeatures: number;
  readonly mode: EnsembleMode;
  readonly rule: FoldRule | null;
  readonly members: readonly { readonly estimator: ModelJSON; readonly standardizer: { mean: number[]; scale: number[] } | null }[];
}

/**
 * An error of a fold model said in the ensemble's terms: its rows are rows `rows[i]` of the ensemble's input, its
 * features the ensemble's columns `cols[j]`. The message stays renamable (file lines, column names) by the caller.
 */
function reindexed(e: unknown, fold: number, rows: ArrayLike<number>, cols: ArrayLike<number> | undefined): unknown {
  if (!isDiscernError(e) || !e.renamable) return e;
  return new DiscernError(
    e.code,
    (n) => `fold ${fold}: ${e.renamed({ row: (i) => n.row(rows[i] ?? i), feature: (j) => n.feature(cols ? (cols[j] ?? j) : j), class: n.class, option: n.option }).message}`,
    { ...e.context, fold },
  );
}

/**
 * The k fold models of a cross-validation as one classifier (kind `fold-ensemble`), applied by average or by fold.
 * Built from models fitted elsewhere (`fromMembers`: the pipeline's crossvalidate step fits each fold as a `fit`
 * step would), or fitted here from a `base` factory: k folds, stratified by class and seeded, or by the fold rule.
 *
 * Inputs: the ensemble takes `nFeatures` columns; the fold models read every column but those of the fold rule
 * (in order), each standardised by its own fold's statistics when it has them.
 */
export class FoldEnsemble implements Classifier {
  readonly kind = KIND;
  readonly k: number;
  readonly mode: EnsembleMode;
  readonly rule: FoldRule | undefined;
  readonly seed: number;
  private readonly base: FoldEnsembleOptions['base'];
  private members_: FoldMember[] = [];
  private nFeatures_ = 0;
  private nClasses_ = 0;
  private memberColumns_: Int32Array | undefined;

  constructor(options: FoldEnsembleOptions = {}) {
    const k = options.k ?? 5;
    if (!(Number.isInteger(k) && k >= 2 && k <= 1000))
      throw new DiscernError('INVALID_ARGUMENT', (n) => `${NAME}: ${n.option('k')} must be a whole number of folds from 2 to 1000, got ${String(k)}`, { option: 'k', value: String(k) });
    const mode = options.mode ?? 'average';
    if (mode !== 'average' && mode !== 'by-fold')
      throw new DiscernError('INVALID_ARGUMENT', (n) => `${NAME}: ${n.option('mode')} must be "average" or "by-fold", got ${JSON.stringify(mode)}`, { option: 'mode', value: String(mode) });
    if (mode === 'by-fold' && !options.rule)
      throw new DiscernError('INVALID_ARGUMENT', (n) => `${NAME}: ${n.option('mode')} "by-fold" needs a fold ${n.option('rule')} (the fold of a new event must be computable from the event)`, {
        option: 'rule',
      });
    const seed = options.seed ?? 0;
    if (!Number.isFinite(seed)) throw new DiscernError('INVALID_ARGUMENT', (n) => `${NAME}: ${n.option('seed')} must be a finite number, got ${seed}`, { option: 'seed', value: seed });
    this.k = k;
    this.mode = mode;
    this.rule = options.rule;
    this.seed = seed;
    this.base = options.base;
  }

  /**
   * An ensemble of fitted fold models: every member a fitted classifier of the same classes, fitted on the columns
   * of `nFeatures` that the rule does not read. `mode` 'by-fold' needs the rule.
   */
  static fromMembers(members: readonly FoldMember[], options: { nFeatures: number; mode?: EnsembleMode; rule?: FoldRule }): FoldEnsemble {
    const e = new FoldEnsemble({ k: members.length, ...(options.mode ? { mode: options.mode } : {}), ...(options.rule ? { rule: options.rule } : {}) });
    const cols = e.columnsFor(options.nFeatures);
    const K = members[0]?.estimator.nClasses ?? 0;
    members.forEach((m, f) => {
      const est = m.estimator;
      if (!isModelKind(est.kind) || !isSupervised(est.kind) || est.kind === KIND)
        throw new DiscernError('INVALID_ARGUMENT', `${NAME}: member ${f} is a ${est.kind} model; fold models must be classifiers of another kind`, { member: f });
      if (!(est.nClasses >= 2)) throw notFitted(`${NAME} member ${f} (${est.kind})`);
      if (est.nClasses !== K) throw new DiscernError('INVALID_ARGUMENT', `${NAME}: member ${f} has ${est.nClasses} classes, member 0 has ${K}`, { member: f });
      const pm = cols ? cols.length : options.nFeatures;
      if (est.nFeatures !== pm) throw new DiscernError('INVALID_ARGUMENT', `${NAME}: member ${f} takes ${est.nFeatures} features; the ensemble gives its models ${pm}`, { member: f });
      if (m.standardizer) checkStandardizer(m.standardizer, pm, `${NAME}: member ${f}'s standardizer`);
    });
    e.members_ = members.map((m) => ({ estimator: m.estimator, ...(m.standardizer ? { standardizer: { mean: Float64Array.from(m.standardizer.mean), scale: Float64Array.from(m.standardizer.scale) } } : {}) }));
    e.nFeatures_ = options.nFeatures;
    e.nClasses_ = K;
    e.memberColumns_ = cols;
    return e;
  }

  /** The columns the fold models read (every column but the rule's), or undefined for all of them. */
  private columnsFor(nFeatures: number): Int32Array | undefined {
    if (!(Number.isInteger(nFeatures) && nFeatures >= 1)) throw new DiscernError('INVALID_ARGUMENT', `${NAME}: nFeatures must be a positive integer, got ${nFeatures}`, {});
    if (!this.rule) return undefined;
    checkFoldExpr(this.rule.tree, nFeatures, `${NAME} rule ${JSON.stringify(this.rule.expression)}`);
    const cols = columnsOutside(this.rule.tree, nFeatures);
    if (cols.length === 0)
      throw new DiscernError('INVALID_ARGUMENT', `${NAME}: the fold rule ${JSON.stringify(this.rule.expression)} reads every input column, which leaves none for the fold models`, {});
    return cols;
  }

  get nClasses(): number {
    return this.nClasses_;
  }
  get nFeatures(): number {
    return this.nFeatures_;
  }
  /** The fold models, in fold order. */
  get members(): readonly FoldMember[] {
    return this.members_;
  }
  /** Whether the ensemble takes missing values (NaN): when every fold model does (models' takesMissing). */
  get takesMissing(): boolean {
    return this.members_.length > 0 && this.members_.every((m) => takesMissing(m.estimator.kind));
  }
  /** The input columns the fold models read (all of them when there is no rule). */
  get memberColumns(): Int32Array {
    return this.memberColumns_ ?? Int32Array.from({ length: this.nFeatures_ }, (_, j) => j);
  }
  get fitReport(): FitReport | undefined {
    return undefined;
  }

  /**
   * The fold of each row by the rule (⌊v⌋ mod k); without a rule the ensemble cannot tell a new event's fold.
   */
  foldOf(X: DenseMatrix): Int32Array {
    if (!this.rule) throw new DiscernError('INVALID_ARGUMENT', `${NAME}: no fold rule: the folds were assigned at random, so a row's fold cannot be computed from it`, {});
    return foldOfRows(this.rule, X, this.k);
  }

  /**
   * Fits k fold models from `base`: folds by the rule, or stratified by class (each class dealt round-robin to the
   * folds in a seeded random order); model f is fitted on every row outside fold f. Progress: one report per fold.
   */
  fit(X: DenseMatrix, y: Int32Array, options: FitOptions = {}): this {
    checkNotCancelled(options, this.kind);
    if (!this.base) throw new DiscernError('INVALID_ARGUMENT', `${NAME}.fit needs the base option: a function that makes an unfitted classifier for each fold`, { option: 'base' });
    // the fold models, unfitted, made first: whether they take missing values decides what the input may hold
    const rng = createRng(this.seed).fork('fold-models');
    const made: Classifier[] = [];
    for (let f = 0; f < this.k; f++) made.push(this.base(f, Math.floor(rng.fork(f).uniform() * 2 ** 31)));
    const missing = made.every((est) => takesMissing(est.kind));
    const K = checkXy(X, y, NAME, 2, { allowMissing: missing });
    if (missing) checkNoInfinity(X, NAME);
    const cols = this.columnsFor(X.cols);
    const folds = this.rule ? foldOfRows(this.rule, X, this.k) : stratifiedFolds(y, K, this.k, this.seed);
    const Xm = cols ? takeColumns(X, cols) : X;
    const cancel = fitCancellation(options, this.kind);
    const members: FoldMember[] = [];
    for (let f = 0; f < this.k; f++) {
      checkpoint(cancel, () => `fold ${f + 1} of ${this.k}`);
      const train: number[] = [];
      for (let i = 0; i < folds.length; i++) if (folds[i] !== f) train.push(i);
      const est = made[f]!;
      const w = options.weights;
      try {
        est.fit(takeRows(Xm, train), pick(y, train), {
          ...(w ? { weights: Float64Array.from(train, (i) => w[i]!) } : {}),
          ...(options.signal ? { signal: options.signal } : {}),
          ...(options.threads !== undefined ? { threads: options.threads } : {}),
        });
      } catch (e) {
        throw reindexed(e, f, train, cols);
      }
      if (est.nClasses !== K) throw new DiscernError('LABEL_INVALID', `${NAME}: the training rows of fold ${f} hold ${est.nClasses} of the ${K} classes; use fewer folds`, { fold: f });
      members.push({ estimator: est });
      options.onProgress?.({ phase: 'fold', step: f + 1, total: this.k });
    }
    this.members_ = members;
    this.nFeatures_ = X.cols;
    this.nClasses_ = K;
    this.memberColumns_ = cols;
    return this;
  }

  /** One member's probabilities on rows of the ensemble's input, its columns already picked (standardised here). */
  private memberProba(f: number, Xm: DenseMatrix): DenseMatrix {
    const m = this.members_[f]!;
    const s = m.standardizer;
    if (!s) return m.estimator.predictProba(Xm);
    const { rows: n, cols: p } = Xm;
    const data = new Float64Array(n * p);
    // (x − mean) / scale, the operations of data's Standardizer.transform and of the exported graph
    for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) data[i * p + j] = (Xm.data[i * p + j]! - s.mean[j]!) / s.scale[j]!;
    return m.estimator.predictProba({ rows: n, cols: p, data });
  }

  /**
   * P(class | x): the mean of the fold models' probabilities (summed in fold order, divided by k), or by fold the
   * probabilities of the model of the row's fold (each fold model applied to the rows of its fold only).
   */
  predictProba(X: DenseMatrix): DenseMatrix {
    if (this.members_.length === 0) throw notFitted(NAME);
    // NaN (a missing value) passes when every fold model takes missing values (boosted trees); ±Infinity never
    const missing = this.takesMissing;
    checkPredictX(X, this.nFeatures_, NAME, { allowMissing: missing });
    if (missing) checkNoInfinity(X, NAME);
    const K = this.nClasses_;
    const n = X.rows;
    // the fold models' columns, picked once for all of them
    const Xm = this.memberColumns_ ? takeColumns(X, this.memberColumns_) : X;
    if (this.mode === 'average') {
      const out = zeros(n, K);
      for (let f = 0; f < this.k; f++) {
        const P = this.memberProba(f, Xm).data;
        for (let t = 0; t < n * K; t++) out.data[t] = out.data[t]! + P[t]!;
      }
      for (let t = 0; t < n * K; t++) out.data[t] = out.data[t]! / this.k;
      return out;
    }
    const folds = this.foldOf(X);
    const out = zeros(n, K);
    for (let f = 0; f < this.k; f++) {
      const rows: number[] = [];
      for (let i = 0; i < n; i++) if (folds[i] === f) rows.push(i);
      if (rows.length === 0) continue;
      const P = this.memberProba(f, takeRows(Xm, rows)).data;
      rows.forEach((i, r) => out.data.set(P.subarray(r * K, (r + 1) * K), i * K));
    }
    return out;
  }

  predict(X: DenseMatrix): Int32Array {
    return argmaxRows(this.predictProba(X));
  }

  toJSON(): FoldEnsembleJSON {
    if (this.members_.length === 0) throw notFitted(NAME);
    return {
      kind: KIND,
      version: JSON_VERSION,
      nClasses: this.nClasses_,
      nFeatures: this.nFeatures_,
      mode: this.mode,
      rule: this.rule ? foldRuleJSON(this.rule) : null,
      members: this.members_.map((m) => ({
        estimator: m.estimator.toJSON(),
        standardizer: m.standardizer ? { mean: Array.from(m.standardizer.mean), scale: Array.from(m.standardizer.scale) } : null,
      })),
    };
  }

  /**
   * Rebuilds a fitted ensemble from toJSON's output, every field checked (MODEL_INVALID naming it: a fold model's
   * field is `estimator.members[2].estimator.coef[0][1]`); each fold model is read by loadEstimator.
   */
  static fromJSON(json: unknown, source?: ModelSource): FoldEnsemble {
    const r = ModelReader.of(json, source).kind(KIND).version();
    const K = r.get('nClasses').int(2);
    const p = r.get('nFeatures').int(1);
    const mode = r.get('mode').string(['average', 'by-fold']) as EnsembleMode;
    const rr = r.get('rule');
    const rule = rr.value === null || rr.value === undefined ? undefined : readFoldRule(rr, p);
    if (mode === 'by-fold' && !rule) rr.fail('a fold rule { expression, tree } (mode "by-fold" chooses each event\'s model by it)');
    const used = rule ? new Set(foldColumns(rule.tree)) : new Set<number>();
    const pm = p - used.size;
    if (pm < 1) rr.invalid(`reads all ${p} input columns, which leaves none for the fold models`);
    const items = r.get('members').items();
    if (items.length < 2 || items.length > 1000) r.get('members').fail('an array of 2 to 1000 fold models');
    const members: FoldMember[] = items.map((item) => {
      const er = item.get('estimator');
      er.object();
      const kind = er.get('kind');
      const k = kind.value;
      if (!isModelKind(k) || !isSupervised(k) || k === KIND) kind.fail('the kind of a classifier (a fold model cannot be an ensemble or an unsupervised model)');
      const est = loadEstimator(er.value, { ...er.source, path: er.path }) as Classifier;
      if (est.nClasses !== K) er.get('nClasses').fail(`${K}, the ensemble's number of classes`, est.nClasses);
      if (est.nFeatures !== pm) er.get('nFeatures').fail(`${pm}, the ensemble's ${p} inputs${used.size > 0 ? ` less the ${used.size} its fold rule reads` : ''}`, est.nFeatures);
      const sr = item.get('standardizer');
      if (sr.value === null || sr.value === undefined) return { estimator: est };
      const mean = sr.get('mean').numbers([pm]);
      const scale = sr.get('scale').numbers([pm], (v) => (v > 0 ? undefined : 'a positive scale'));
      return { estimator: est, standardizer: { mean, scale } };
    });
    return r.construct(() => FoldEnsemble.fromMembers(members, { nFeatures: p, mode, ...(rule ? { rule } : {}) }));
  }
}

function checkStandardizer(s: NonNullable<FoldMember['standardizer']>, p: number, what: string): void {
  if (s.mean.length !== p || s.scale.length !== p) throw new DiscernError('INVALID_ARGUMENT', `${what} has ${s.mean.length} means and ${s.scale.length} scales for ${p} features`, {});
  for (let j = 0; j < p; j++)
    if (!Number.isFinite(s.mean[j]!) || !(s.scale[j]! > 0 && Number.isFinite(s.scale[j]!)))
      throw new DiscernError('INVALID_ARGUMENT', `${what}: feature ${j} has mean ${s.mean[j]} and scale ${s.scale[j]}; expected a finite mean and a positive finite scale`, {});
}

function pick(y: Int32Array, idx: readonly number[]): Int32Array {
  const out = new Int32Array(idx.length);
  for (let t = 0; t < idx.length; t++) out[t] = y[idx[t]!]!;
  return out;
}

/**
 * k stratified folds: the rows of each class (classes in order of first appearance) dealt to folds 0, 1, …, k−1,
 * 0, … continuing from where the previous class stopped, the deal shuffled within each class — each class spread as
 * evenly as possible, fold sizes within one of each other (as scikit-learn's StratifiedKFold allocates them).
 */
export function stratifiedFolds(y: Int32Array, K: number, k: number, seed: number): Int32Array {
  const byClass: number[][] = Array.from({ length: K }, () => []);
  for (let i = 0; i < y.length; i++) byClass[y[i]!]!.push(i);
  return stratifiedFoldOf(byClass, y.length, k, createRng(seed).fork('folds'));
}
