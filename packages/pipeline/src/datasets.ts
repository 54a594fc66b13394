import { statSync } from 'node:fs';
import { type BuildDatasetOptions, type Dataset, type ReadOptions, type Standardizer, buildDataset, readCsvFile, readDatasetBatches } from '@discern/data';
import { type DenseMatrix } from '@discern/linalg';
import { DiscernError } from '@discern/core';

/**
 * What metrics need of a dataset: its labels, weights and classes, without the feature matrix. A Dataset in memory
 * gives it directly; a StreamedDataset keeps only this and reads its features in batches when they are scored.
 */
export interface DatasetLabels {
  readonly rows: number;
  readonly y: Int32Array;
  readonly weights?: Float64Array;
  readonly classNames: string[];
  readonly featureNames: string[];
  readonly positive?: number;
  readonly label?: string;
  readonly source: string;
}

/** The labels view of a Dataset in memory (no copy). */
export function labelsOf(ds: Dataset): DatasetLabels {
  return {
    rows: ds.X.rows,
    y: ds.y,
    ...(ds.weights ? { weights: ds.weights } : {}),
    classNames: ds.classNames,
    featureNames: ds.featureNames,
    ...(ds.positive !== undefined ? { positive: ds.positive } : {}),
    ...(ds.label !== undefined ? { label: ds.label } : {}),
    source: ds.source,
  };
}

/**
 * A dataset of the run, whatever holds it: its labels, weights and classes at hand, its features in batches of rows
 * (`batches`, standardised as the run says), or whole (`whole`). A dataset in memory is one batch; the test file of
 * a two-file config is streamed from its file, so its features are never held whole unless a step asks for them.
 * Steps never ask which one they hold.
 */
export interface RunDataset extends DatasetLabels {
  batches(): AsyncGenerator<FeatureBatch, void, undefined>;
  /** The whole Dataset (a streamed one is read whole here, once, and kept). */
  whole(): Dataset;
  /** The same rows with one more standardisation applied to the features. */
  withTransform(s: Standardizer): RunDataset;
}

/** The labels side of a dataset of the run, whatever holds its features. */
abstract class Labelled implements DatasetLabels {
  constructor(protected readonly labels: DatasetLabels) {}

  get rows(): number {
    return this.labels.rows;
  }
  get y(): Int32Array {
    return this.labels.y;
  }
  get weights(): Float64Array | undefined {
    return this.labels.weights;
  }
  get classNames(): string[] {
    return this.labels.classNames;
  }
  get featureNames(): string[] {
    return this.labels.featureNames;
  }
  get positive(): number | undefined {
    return this.labels.positive;
  }
  get label(): string | undefined {
    return this.labels.label;
  }
  get source(): string {
    return this.labels.source;
  }
}

/** A dataset held in memory. */
export class InMemoryDataset extends Labelled implements RunDataset {
  constructor(readonly dataset: Dataset) {
    super(labelsOf(dataset));
  }


  async *batches(): AsyncGenerator<FeatureBatch, void, undefined> {
    yield { start: 0, X: this.dataset.X };
  }

  whole(): Dataset {
    return this.dataset;
  }

  withTransform(s: Standardizer): InMemoryDataset {
    return new InMemoryDataset({ ...this.dataset, X: s.transform(this.dataset.X) });
  }
}

/** One batch of a dataset's feature matrix, with every standardisation of the run applied. */
export interface FeatureBatch {
  /** Index of the batch's first row among the dataset's rows. */
  readonly start: number;
  readonly X: DenseMatrix;
}

export interface StreamOptions {
  readonly build: BuildDatasetOptions;
  /** How the file is read (delimiter, missing-value texts, encoding, the longest line). */
  readonly read?: ReadOptions & { readonly missingValues?: readonly string[] };
  /** Rows per batch (default STREAM_BATCH). */
  readonly batchSize?: number;
}

interface FileStamp {
  readonly size: number;
  readonly mtimeMs: number;
}

function stamp(path: string): FileStamp {
  const s = statSync(path);
  return { size: s.size, mtimeMs: s.mtimeMs };
}

function grow<T extends Int32Array | Float64Array>(a: T, need: number, make: (n: number) => T): T {
  if (need <= a.length) return a;
  const b = make(Math.max(need, a.length * 2));
  b.set(a);
  return b;
}

/** The first n entries: a view when little of the buffer is wasted, else a copy (as the CSV reader's columns). */
function fit<T extends Int32Array | Float64Array>(a: T, n: number): T {
  if (a.length === n) return a;
  return (a.length - n <= a.length >> 3 ? a.subarray(0, n) : a.slice(0, n)) as T;
}

/**
 * A dataset read from a file in batches instead of whole: the test file of a run, which may hold millions of rows.
 * `open` reads it once, checking every cell as a whole-file read would (so a bad cell is reported before any model
 * is fitted, naming file, line and column) and keeping only labels and weights. Steps that need scores stream it
 * again, batch by batch (`batches`): the feature matrix, and its standardised copy, never exist whole. A step that
 * needs the features themselves gets the whole Dataset from `materialize`, the same one a whole-file read gives.
 */
export class StreamedDataset extends Labelled implements RunDataset {
  private materialized: Dataset | undefined;

  private constructor(
    readonly path: string,
    private readonly options: StreamOptions,
    labels: DatasetLabels,
    private readonly fileStamp: FileStamp,
    /** Data rows in the file, rows dropped for missing values included. */
    readonly fileRows: number,
    /** Standardisations applied to the features, in order (as a `standardize` step applies them to datasets in memory). */
    readonly transforms: readonly Standardizer[],
  ) {
    super(labels);
  }


  /** Reads the file once, checking every row; keeps the labels and weights. */
  static async open(path: string, options: StreamOptions): Promise<StreamedDataset> {
    let before: FileStamp | undefined;
    try {
      before = stamp(path);
    } catch {
      before = undefined; // a missing or unreadable file: the reader below reports it (FILE_NOT_FOUND, IO_ERROR)
    }
    let n = 0;
    let y = new Int32Array(1024);
    let weights: Float64Array | undefined;
    let first: Dataset | undefined;
    let fileRows = 0;
    for await (const { dataset: b, fileRows: r } of readDatasetBatches(path, batchOptions(options))) {
      first ??= b;
      fileRows += r;
      const m = b.X.rows;
      y = grow(y, n + m, (k) => new Int32Array(k));
      y.set(b.y, n);
      if (b.weights) {
        weights = grow(weights ?? new Float64Array(1024), n + m, (k) => new Float64Array(k));
        weights.set(b.weights, n);
      }
      n += m;
    }
    const ds = first!;
    const labels: DatasetLabels = {
      rows: n,
      y: fit(y, n),
      ...(weights ? { weights: fit(weights, n) } : {}),
      classNames: ds.classNames,
      featureNames: ds.featureNames,
      ...(ds.positive !== undefined ? { positive: ds.positive } : {}),
      ...(ds.label !== undefined ? { label: ds.label } : {}),
      source: ds.source,
    };
    return new StreamedDataset(path, options, labels, before ?? stamp(path), fileRows, []);
  }

  /** The same dataset with one more standardisation applied to its features. */
  withTransform(s: Standardizer): StreamedDataset {
    const next = new StreamedDataset(this.path, this.options, this.labels, this.fileStamp, this.fileRows, [...this.transforms, s]);
    if (this.materialized) next.materialized = { ...this.materialized, X: s.transform(this.materialized.X) };
    return next;
  }

  private transform(X: DenseMatrix): DenseMatrix {
    let out = X;
    for (const s of this.transforms) out = s.transform(out);
    return out;
  }

  private checkUnchanged(): void {
    let now: FileStamp | undefined;
    try {
      now = stamp(this.path);
    } catch {
      now = undefined;
    }
    if (!now || now.size !== this.fileStamp.size || now.mtimeMs !== this.fileStamp.mtimeMs) throw this.changed();
  }

  private changed(line?: number): DiscernError {
    return new DiscernError(
      'DATA_INVALID',
      `${this.source}${line !== undefined ? ` line ${line}` : ''}: the file changed while the run was reading it (it is read once to check it and again, in batches, to score it); run again once it is complete`,
      { file: this.source, ...(line !== undefined ? { line } : {}) },
    );
  }

  /** The feature matrix in batches of rows, standardised as the run's datasets in memory are. */
  async *batches(): AsyncGenerator<FeatureBatch, void, undefined> {
    if (this.materialized) {
      yield { start: 0, X: this.materialized.X };
      return;
    }
    this.checkUnchanged();
    const { y, weights, rows } = this.labels;
    let start = 0;
    for await (const { dataset: b, lines } of readDatasetBatches(this.path, batchOptions(this.options))) {
      const m = b.X.rows;
      // The rows must be those checked when the file was opened: same labels and weights, in the same order.
      for (let k = 0; k < m; k++)
        if (start + k >= rows || b.y[k] !== y[start + k] || (weights && b.weights![k] !== weights[start + k])) throw this.changed(lines[k]);
      yield { start, X: this.transform(b.X) };
      start += m;
    }
    if (start !== rows) throw this.changed();
    this.checkUnchanged();
  }

  /** Whether a step asked for the features whole (from then on they are held in memory). */
  get readWhole(): boolean {
    return this.materialized !== undefined;
  }

  /** The whole Dataset, as a whole-file read builds it, with the run's standardisations applied; read once, then kept. */
  whole(): Dataset {
    this.materialized ??= this.materialize();
    return this.materialized;
  }

  private materialize(): Dataset {
    this.checkUnchanged();
    const table = readCsvFile(this.path, this.options.read ?? {});
    const ds = buildDataset(table, this.options.build);
    return { ...ds, X: this.transform(ds.X) };
  }
}

/**
 * Rows per batch when none is given: small enough that a batch's parsed records, table and feature matrix stay a
 * few megabytes (larger batches only raise the peak: the parser, not the batch, sets the speed).
 */
export const STREAM_BATCH = 8192;

function batchOptions(o: StreamOptions) {
  return { ...o.build, ...(o.read ?? {}), batchSize: o.batchSize ?? STREAM_BATCH };
}
