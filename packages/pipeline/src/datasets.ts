import { statSync } from 'node:fs';
import {
  type BuildDatasetOptions,
  type Dataset,
  type ReadTableOptions,
  type Standardizer,
  type Table,
  buildDataset,
  buildDatasetRows,
  formatOf,
  readCsvBatches,
  readTableBatches,
  readTablesSync,
} from '@discern/data';
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

/** What is done to each table read before its Dataset is built: derived columns and cuts (see data/build.ts). */
export type TablePreparation = (table: Table) => {
  readonly table: Table;
  readonly passed: number;
  readonly undecided: number;
  readonly nonFinite: Readonly<Record<string, number>>;
  readonly weightsRead?: Float64Array;
};

export interface StreamOptions {
  readonly build: BuildDatasetOptions;
  /** How the files are read (format, tree, columns; delimiter, missing-value texts, encoding, the longest line). */
  readonly read?: ReadTableOptions;
  /** Derived columns and cuts, per table read. */
  readonly prepare?: TablePreparation;
  /** Re-says an error of buildDataset (a missing value in a derived column says which expression made it). */
  readonly explain?: (e: unknown) => unknown;
  /** Rows per batch (default STREAM_BATCH). */
  readonly batchSize?: number;
  /**
   * No derived columns and no cuts (`prepare` changes nothing): CSV files whose features are all numeric columns,
   * with missing values refused, are then scored through the CSV reader's typed path (readCsvBatches), which parses
   * the feature columns straight into the matrix — the values and rows the open pass checked, half the time.
   */
  readonly plain?: boolean;
}

/** Events counted while a streamed file was opened: after the cuts, undecided, weighted, non-finite derived values. */
export interface StreamCounts {
  readonly passed: number;
  readonly undecided: number;
  readonly weightedRead: number;
  readonly weightedPassed: number;
  readonly nonFinite: Readonly<Record<string, number>>;
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

function finiteSum(v: Float64Array | undefined, n: number): number {
  if (!v) return n;
  let s = 0;
  for (let i = 0; i < v.length; i++) if (Number.isFinite(v[i]!)) s += v[i]!;
  return s;
}

/**
 * A dataset read from its files in batches instead of whole: the test files of a run, which may hold millions of
 * rows. `open` reads them once, checking every cell as a whole-file read would (so a bad cell is reported before any
 * model is fitted, naming file, line and column) and keeping only labels and weights. Steps that need scores stream
 * them again, batch by batch (`batches`): the feature matrix, and its standardised copy, never exist whole. A step
 * that needs the features themselves gets the whole Dataset from `whole`, the same one a whole-file read gives.
 * Derived columns and cuts are applied to every batch (`prepare`).
 */
export class StreamedDataset extends Labelled implements RunDataset {
  private materialized: Dataset | undefined;

  private constructor(
    readonly paths: readonly string[],
    private readonly options: StreamOptions,
    labels: DatasetLabels,
    private readonly fileStamps: readonly FileStamp[],
    /** Data rows in the files, rows dropped by cuts or for missing values included. */
    readonly fileRows: number,
    /** The same, per file. */
    readonly fileRowsPerFile: readonly number[],
    /** Events counted at opening (the cut flow). */
    readonly counts: StreamCounts,
    /** Standardisations applied to the features, in order (as a `standardize` step applies them to datasets in memory). */
    readonly transforms: readonly Standardizer[],
  ) {
    super(labels);
  }

  /** The first file (for messages). */
  get path(): string {
    return this.paths[0]!;
  }

  /** The batches of Datasets of every file, in order, each built from a prepared table. */
  private static async *datasets(paths: readonly string[], options: StreamOptions, counts?: { add(p: ReturnType<TablePreparation>, rows: number): void }): AsyncGenerator<{ dataset: Dataset; fileRows: number; file: number }, void, undefined> {
    const read = { ...(options.read ?? {}), batchSize: options.batchSize ?? STREAM_BATCH };
    for (let f = 0; f < paths.length; f++) {
      for await (const { table } of readTableBatches(paths[f]!, read)) {
        const prepared = options.prepare ? options.prepare(table) : { table, passed: table.nRows, undecided: 0, nonFinite: {} };
        counts?.add(prepared, table.nRows);
        let dataset: Dataset;
        try {
          dataset = buildDatasetRows(prepared.table, options.build, true);
        } catch (e) {
          throw options.explain ? options.explain(e) : e;
        }
        yield { dataset, fileRows: table.nRows, file: f };
      }
    }
  }

  /** Reads the files once, checking every row; keeps the labels and weights. */
  static async open(paths: string | readonly string[], options: StreamOptions): Promise<StreamedDataset> {
    const list = typeof paths === 'string' ? [paths] : [...paths];
    const before: (FileStamp | undefined)[] = list.map((p) => {
      try {
        return stamp(p);
      } catch {
        return undefined; // a missing or unreadable file: the reader below reports it (FILE_NOT_FOUND, IO_ERROR)
      }
    });
    let n = 0;
    let y = new Int32Array(1024);
    let weights: Float64Array | undefined;
    let first: Dataset | undefined;
    let fileRows = 0;
    const perFile = list.map(() => 0);
    let passed = 0, undecided = 0, weightedRead = 0;
    const nonFinite: Record<string, number> = {};
    const counter = {
      add(p: ReturnType<TablePreparation>, rows: number) {
        passed += p.passed;
        undecided += p.undecided;
        weightedRead += finiteSum(p.weightsRead, rows);
        for (const [k, v] of Object.entries(p.nonFinite)) nonFinite[k] = (nonFinite[k] ?? 0) + v;
      },
    };
    for await (const { dataset: b, fileRows: r, file } of StreamedDataset.datasets(list, options, counter)) {
      first ??= b;
      fileRows += r;
      perFile[file]! += r;
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
    if (n === 0)
      throw new DiscernError(
        'DATA_INVALID',
        (nm) => `${list.join(', ')}: no rows left after the cuts and dropping rows with missing values (${nm.option('missing')}: 'drop')`,
        { file: list[0], option: 'missing' },
      );
    const labels: DatasetLabels = {
      rows: n,
      y: fit(y, n),
      ...(weights ? { weights: fit(weights, n) } : {}),
      classNames: ds.classNames,
      featureNames: ds.featureNames,
      ...(ds.positive !== undefined ? { positive: ds.positive } : {}),
      ...(ds.label !== undefined ? { label: ds.label } : {}),
      source: list.length === 1 ? ds.source : list.join(', '),
    };
    const counts: StreamCounts = { passed, undecided, weightedRead: options.prepare && weights ? weightedRead : weights ? finiteSum(labels.weights, n) : fileRows, weightedPassed: finiteSum(labels.weights, n), nonFinite };
    return new StreamedDataset(list, options, labels, list.map((p, k) => before[k] ?? stamp(p)), fileRows, perFile, counts, []);
  }

  /** The same dataset with one more standardisation applied to its features. */
  withTransform(s: Standardizer): StreamedDataset {
    const next = new StreamedDataset(this.paths, this.options, this.labels, this.fileStamps, this.fileRows, this.fileRowsPerFile, this.counts, [...this.transforms, s]);
    if (this.materialized) next.materialized = { ...this.materialized, X: s.transform(this.materialized.X) };
    return next;
  }

  private transform(X: DenseMatrix): DenseMatrix {
    let out = X;
    for (const s of this.transforms) out = s.transform(out);
    return out;
  }

  private checkUnchanged(): void {
    this.paths.forEach((p, k) => {
      let now: FileStamp | undefined;
      try {
        now = stamp(p);
      } catch {
        now = undefined;
      }
      const was = this.fileStamps[k]!;
      if (!now || now.size !== was.size || now.mtimeMs !== was.mtimeMs) throw this.changed(p);
    });
  }

  private changed(file: string, line?: number): DiscernError {
    return new DiscernError(
      'DATA_INVALID',
      `${file}${line !== undefined ? ` line ${line}` : ''}: the file changed while the run was reading it (it is read once to check it and again, in batches, to score it); run again once it is complete`,
      { file, ...(line !== undefined ? { line } : {}) },
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
    const fast = this.typedColumns();
    if (fast) {
      // every cell was checked by the open pass (no missing value, every feature a number): the feature columns alone,
      // parsed straight into the matrix; the rows are those the open pass counted (the file stamps say nothing changed)
      const read = this.options.read ?? {};
      for (const path of this.paths)
        for await (const b of readCsvBatches(path, {
          columns: fast,
          batchSize: this.options.batchSize ?? STREAM_BATCH,
          ...(read.delimiter !== undefined ? { delimiter: read.delimiter } : {}),
          ...(read.missingValues !== undefined ? { missingValues: read.missingValues } : {}),
          ...(read.encoding !== undefined ? { encoding: read.encoding } : {}),
          ...(read.maxLineBytes !== undefined ? { maxLineBytes: read.maxLineBytes } : {}),
        })) {
          if (start + b.X.rows > rows) throw this.changed(path, b.lines[0]);
          yield { start, X: this.transform(b.X) };
          start += b.X.rows;
        }
      if (start !== rows) throw this.changed(this.path);
      this.checkUnchanged();
      return;
    }
    for await (const { dataset: b, file } of StreamedDataset.datasets(this.paths, this.options)) {
      const m = b.X.rows;
      // The rows must be those checked when the file was opened: same labels and weights, in the same order.
      for (let k = 0; k < m; k++)
        if (start + k >= rows || b.y[k] !== y[start + k] || (weights && b.weights![k] !== weights[start + k])) throw this.changed(this.paths[file]!, b.lines?.[k]);
      yield { start, X: this.transform(b.X) };
      start += m;
    }
    if (start !== rows) throw this.changed(this.path);
    this.checkUnchanged();
  }

  /** The feature columns when the typed CSV path applies (see StreamOptions.plain), else undefined. */
  private typedColumns(): string[] | undefined {
    const o = this.options;
    const enc = o.build.encodings;
    if (!o.plain || !enc || (o.build.missing ?? 'error') !== 'error') return undefined;
    if (!enc.every((e) => e.kind === 'numeric')) return undefined;
    if (!this.paths.every((p) => formatOf(p, o.read?.format) === 'csv')) return undefined;
    return enc.map((e) => e.column);
  }

  /** Whether a step asked for the features whole (from then on they are held in memory). */
  get readWhole(): boolean {
    return this.materialized !== undefined;
  }

  /** The whole Dataset, as a whole-file read builds it, with the run's standardisations applied; read once, then kept. */
  whole(): Dataset {
    if (!this.materialized) {
      this.checkUnchanged();
      // CSV and Parquet read synchronously (ROOT test sets are never streamed: see data-loader.ts)
      const table = readTablesSync(this.paths, this.options.read ?? {});
      const prepared = this.options.prepare ? this.options.prepare(table).table : table;
      let ds: Dataset;
      try {
        ds = buildDataset(prepared, this.options.build);
      } catch (e) {
        throw this.options.explain ? this.options.explain(e) : e;
      }
      this.materialized = { ...ds, X: this.transform(ds.X) };
    }
    return this.materialized;
  }
}

/**
 * Rows per batch when none is given: small enough that a batch's parsed records, table and feature matrix stay a
 * few megabytes (larger batches only raise the peak: the parser, not the batch, sets the speed).
 */
export const STREAM_BATCH = 8192;

