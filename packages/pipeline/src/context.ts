import { type Standardizer } from '@discern/data';
import { type CancelSignal, DiscernError, isDiscernError } from '@discern/core';
import { type Rng, createRng } from '@discern/linalg';
import { type Calibration, type Classifier, type Estimator, type ModelKind, type Progress, type TrainingSummary, applyCalibration } from '@discern/models';
import { type ArtifactWriter } from './artifacts.js';
import { type PipelineConfig } from './config/load.js';
import { type RunDataset } from './datasets.js';
import { type RunView } from './report/view.js';
import { runDatasetNaming } from './steps/naming.js';

/** A fitted model with everything needed to apply it to raw feature rows of a data file. */
export interface FittedModel {
  readonly name: string;
  /** The model family (`model:` in the config). */
  readonly model: ModelKind;
  readonly estimator: Estimator;
  readonly supervised: boolean;
  readonly featureNames: readonly string[];
  readonly classNames: readonly string[];
  /** Index of the signal class (binary problems). */
  readonly positive: number | undefined;
  /** Standardisation applied to raw features before the estimator (folded into exports). */
  readonly standardizer: Standardizer | undefined;
  /** Per-feature ranges and moments of the raw training rows: what an export's parity check draws rows from. */
  readonly training: TrainingSummary;
  /** Decision rule recorded by a `decide` step, applied by exported models. */
  decision?: Record<string, unknown>;
  /** Calibration of the posteriors (a `calibrate` step made this model): applied to every score of it, and in exports. */
  readonly calibration?: Calibration;
  /** The family's options as the config gave them (snake_case), so that a step can fit the same model again (calibrate's cv). */
  readonly options?: Readonly<Record<string, unknown>>;
}

/** Scores of one model on one dataset (P(class | x) for classifiers). */
export interface ScoreSet {
  readonly model: string;
  readonly dataset: string;
  /** n×K posterior probabilities, row-major. */
  readonly proba: Float64Array;
  readonly nClasses: number;
}

export interface StepInfo {
  readonly index: number;
  readonly name: string;
}

export type LogFn = (line: string) => void;

/**
 * What steps share during a run: the datasets by name ('train', 'test', ...), fitted models by name, their scores,
 * the artifact writer (the run folder), seeded random streams, and the run's cancellation signal and threads.
 * A step returns its result; the engine writes metrics.json.
 */
export class RunContext {
  private readonly datasetMap = new Map<string, RunDataset>();
  readonly models = new Map<string, FittedModel>();
  /**
   * Scores by dataset object, then by model and name: a dataset replaced under its name (a split into the same name,
   * a standardisation) is a new object, so its scores are new, while a report of an earlier step still finds those
   * of the rows it was given.
   */
  private readonly scoreCache = new WeakMap<RunDataset, Map<string, Promise<ScoreSet>>>();
  /** Standardisation fitted by a `standardize` step; models fitted afterwards carry it. */
  standardizer: Standardizer | undefined;
  /** Lines for the terminal summary. */
  readonly summary: string[] = [];
  step: StepInfo = { index: -1, name: '' };
  private readonly rootRng: Rng;

  constructor(
    readonly config: PipelineConfig,
    readonly artifacts: ArtifactWriter,
    readonly log: LogFn,
    readonly progress: (label: string) => ((p: Progress) => void) | undefined = () => undefined,
    /** Cancellation and worker threads, handed to every fit. */
    readonly execution: { readonly signal?: CancelSignal; readonly threads?: number } = {},
  ) {
    this.rootRng = createRng(config.seed);
  }

  get seed(): number {
    return this.config.seed;
  }

  /** A random stream for the current step, derived from the run seed and the step's position and name. */
  rng(label = ''): Rng {
    return this.rootRng.fork(`step${this.step.index}:${this.step.name}:${label}`);
  }

  /** A seed (31-bit) for estimators that take a numeric seed, derived like rng(). */
  seedFor(label = ''): number {
    return Math.floor(this.rng(label).uniform() * 2 ** 31);
  }

  /** A line for the terminal summary and the log. */
  say(line: string): void {
    this.log(line);
    this.summary.push(line);
  }

  dataset(name: string): RunDataset {
    const d = this.datasetMap.get(name);
    if (!d) throw this.missing('dataset', name, this.datasetNames());
    return d;
  }

  setDataset(name: string, ds: RunDataset): void {
    this.datasetMap.set(name, ds);
  }

  /**
   * What a step's report may read, with the datasets (and standardisation) as they stand now, when the step has
   * run: a later step that replaces a dataset under its name (a split into the same name, a standardisation) does
   * not change the labels, rows or scores the report of this one sees.
   */
  view(): RunView {
    const datasets = new Map(this.datasetMap);
    const dataset = (name: string): RunDataset => {
      const d = datasets.get(name);
      if (!d) throw this.missing('dataset', name, [...datasets.keys()]);
      return d;
    };
    return {
      config: this.config,
      models: this.models,
      standardizer: this.standardizer,
      dataset,
      hasDataset: (name) => datasets.has(name),
      sameDataset: (a, b) => {
        const x = datasets.get(a);
        return x !== undefined && x === datasets.get(b);
      },
      datasetNames: () => [...datasets.keys()],
      fittedModel: (name) => this.fittedModel(name),
      scores: (model, name) => this.scoresOf(model, name, dataset(name)),
    };
  }

  /**
   * Applies `f` to every dataset, keeping datasets that are the same rows (`split: none` makes train and test one)
   * the same object.
   */
  mapDatasets(f: (ds: RunDataset) => RunDataset): void {
    const done = new Map<RunDataset, RunDataset>();
    for (const [name, ds] of [...this.datasetMap]) {
      let next = done.get(ds);
      if (!next) done.set(ds, (next = f(ds)));
      this.setDataset(name, next);
    }
  }

  hasDataset(name: string): boolean {
    return this.datasetMap.has(name);
  }

  /** Names of every dataset, in the order they were added. */
  datasetNames(): string[] {
    return [...this.datasetMap.keys()];
  }

  /** True when two names hold the very same rows (`split: none` makes train and test one dataset). */
  sameDataset(a: string, b: string): boolean {
    const x = this.datasetMap.get(a);
    return x !== undefined && x === this.datasetMap.get(b);
  }

  fittedModel(name: string): FittedModel {
    const m = this.models.get(name);
    if (!m) throw this.missing('model', name, [...this.models.keys()], 'add a `fit` step before this one, or name a fitted model');
    return m;
  }

  /** A fitted model that gives class probabilities; `what` says why it must (for the message). */
  classifier(name: string, what = 'it has no class probabilities'): FittedModel & { estimator: Classifier } {
    const m = this.fittedModel(name);
    if (!m.supervised) throw new StepError(this.step, `model "${name}" (${m.model}) is not a classifier; ${what}`);
    return m as FittedModel & { estimator: Classifier };
  }

  /**
   * P(class | x) of a fitted classifier on a named dataset, computed once per run and shared by every step and the
   * report. A dataset is scored batch by batch (a streamed one's features are never held whole); every built-in
   * classifier scores each row on its own, so the probabilities are the same, bit for bit, as those of the whole
   * matrix.
   */
  scores(model: string, dataset: string): Promise<ScoreSet> {
    return this.scoresOf(model, dataset, this.dataset(dataset));
  }

  private scoresOf(model: string, dataset: string, ds: RunDataset): Promise<ScoreSet> {
    const key = `${model}\0${dataset}`;
    let cache = this.scoreCache.get(ds);
    if (!cache) this.scoreCache.set(ds, (cache = new Map()));
    let p = cache.get(key);
    if (!p) {
      const fitted = this.classifier(model);
      const est = fitted.estimator;
      const calibration = fitted.calibration;
      p = (async () => {
        let proba: Float64Array | undefined;
        let K = 0;
        for await (const b of ds.batches()) {
          let raw;
          try {
            raw = est.predictProba(b.X);
          } catch (e) {
            // the model's row and feature indices said as the file's line and the column's name, for every step that
            // scores; kept as a template over those names, so that the step's prefix (engine) keeps them too
            if (isDiscernError(e) && e.renamable) {
              const naming = runDatasetNaming(ds, dataset, b.start);
              throw new DiscernError(e.code, (n) => e.renamed({ ...n, ...naming }).message, e.context, { cause: e });
            }
            throw e;
          }
          const P = calibration ? applyCalibration(calibration, raw) : raw;
          if (b.start === 0 && P.rows === ds.rows) {
            proba = P.data;
            K = P.cols;
            continue;
          }
          if (!proba) {
            K = P.cols;
            proba = new Float64Array(ds.rows * K);
          }
          proba.set(P.data, b.start * K);
        }
        return { model, dataset, proba: proba ?? new Float64Array(0), nClasses: K };
      })();
      cache.set(key, p);
      // A failed scoring is not cached: the error reaches the step that asked.
      p.catch(() => cache.delete(key));
    }
    return p;
  }

  missing(what: string, name: string, available: string[], hint = ''): Error {
    const list = available.length > 0 ? available.map((a) => JSON.stringify(a)).join(', ') : 'none yet';
    return new StepError(this.step, `no ${what} named ${JSON.stringify(name)} at this point of the run (available: ${list})${hint ? `; ${hint}` : ''}`);
  }
}

/** An error raised by a step about the run itself (a missing model or dataset), naming the step. */
export class StepError extends DiscernError {
  constructor(step: StepInfo, message: string) {
    super('STEP_FAILED', `step ${step.index + 1} (${step.name}): ${message}`, { step: step.name, index: step.index });
  }
}
