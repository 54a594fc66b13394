import { type Dataset, type Standardizer } from '@discern/data';
import { type Rng, createRng } from '@discern/linalg';
import { type CancelSignal, DiscernError } from '@discern/core';
import { type Estimator, type Progress } from '@discern/models';
import { type ArtifactWriter } from './artifacts.js';
import { type PipelineConfig } from './config/load.js';
import { type ReportRecords, emptyRecords } from './report/records.js';
import { type DatasetLabels, type StreamedDataset, labelsOf } from './streamed.js';

/** A fitted model with everything needed to apply it to raw feature rows of a data file. */
export interface FittedModel {
  readonly name: string;
  /** The `model:` name in the config (logistic, mlp, gmm...). */
  readonly model: string;
  readonly estimator: Estimator;
  readonly supervised: boolean;
  readonly featureNames: readonly string[];
  readonly classNames: readonly string[];
  /** Index of the signal class (binary problems). */
  readonly positive: number | undefined;
  /** Standardisation applied to raw features before the estimator (folded into exports). */
  readonly standardizer: Standardizer | undefined;
  /** Decision rule recorded by a `decide` step, applied by exported models. */
  decision?: Record<string, unknown>;
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
 * What steps share during a run: the datasets by name ('train', 'test', ...), fitted models by name, scores,
 * the metrics object that becomes metrics.json, the artifact writer (the run folder), and seeded random streams.
 *
 * A dataset is either in memory (`datasets`) or streamed from its file (`streamed`: the test file of a run with
 * train and test files, read in batches when scored, so its feature matrix never exists whole). `dataset(name)`
 * gives the whole Dataset in either case (reading a streamed one whole, once); steps that need only labels and
 * scores use `labels(name)` and `classifierScores` (steps/scores.ts), which keep a streamed dataset streamed.
 */
export class RunContext {
  readonly datasets = new Map<string, Dataset>();
  readonly streamed = new Map<string, StreamedDataset>();
  readonly models = new Map<string, FittedModel>();
  readonly scores = new Map<string, ScoreSet>();
  readonly metrics: Record<string, unknown> = {};
  /** Standardisation fitted by a `standardize` step; models fitted afterwards carry it. */
  standardizer: Standardizer | undefined;
  /** Lines for the terminal summary. */
  readonly summary: string[] = [];
  /** Extra content for the report, by step. */
  readonly reportSections: { title: string; data: Record<string, unknown> }[] = [];
  /** What evaluate, decide and analytic steps record for the report's plots and tables (report/records.ts). */
  readonly records: ReportRecords = emptyRecords();
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

  /** The whole Dataset; a streamed one is read whole here (and kept in memory from then on). */
  dataset(name: string): Dataset {
    const d = this.datasets.get(name);
    if (d) return d;
    const s = this.streamed.get(name);
    if (!s) throw this.missing('dataset', name, this.datasetNames());
    const full = s.materialize();
    this.datasets.set(name, full);
    this.streamed.delete(name);
    return full;
  }

  /** Labels, weights and classes of a dataset, without reading a streamed one whole. */
  labels(name: string): DatasetLabels {
    const d = this.datasets.get(name);
    if (d) return labelsOf(d);
    const s = this.streamed.get(name);
    if (!s) throw this.missing('dataset', name, this.datasetNames());
    return s;
  }

  hasDataset(name: string): boolean {
    return this.datasets.has(name) || this.streamed.has(name);
  }

  /** Names of every dataset: those in memory, in the order they were added, then those streamed. */
  datasetNames(): string[] {
    return [...new Set([...this.datasets.keys(), ...this.streamed.keys()])];
  }

  /** True when two names hold the very same rows in memory (`split: none` makes train and test one dataset). */
  sameDataset(a: string, b: string): boolean {
    const x = this.datasets.get(a);
    return x !== undefined && x === this.datasets.get(b);
  }

  fittedModel(name: string): FittedModel {
    const m = this.models.get(name);
    if (!m) throw this.missing('model', name, [...this.models.keys()], 'add a `fit` step before this one, or name a fitted model');
    return m;
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
