import { isAbsolute, resolve } from 'node:path';
import { type BuildDatasetOptions, type Table, buildDataset, hashFile, readCsvFile, stratifiedSplit, tableFromRecords } from '@discern/data';
import { isDiscernError } from '@discern/core';
import { type PipelineConfig } from './config/load.js';
import { InMemoryDataset, type RunDataset, StreamedDataset } from './datasets.js';

export interface DataFileRecord {
  readonly role: 'source' | 'train' | 'test';
  readonly path: string;
  readonly sha256: string;
  readonly rows: number;
}

export interface LoadedData {
  readonly train: RunDataset;
  /** Streamed from its file when the config gives train and test files (see LoadOptions.stream). */
  readonly test: RunDataset;
  /** True when train and test are the same rows (`split: none`). */
  readonly sameRows: boolean;
  readonly files: DataFileRecord[];
  readonly description: string;
}

/** Paths in a config resolve relative to the config file's folder. */
export function resolveConfigPath(config: Pick<PipelineConfig, 'dir'>, p: string): string {
  return isAbsolute(p) ? p : resolve(config.dir, p);
}

function datasetOptions(config: PipelineConfig): BuildDatasetOptions {
  const d = config.data;
  return {
    ...(d.label !== undefined ? { label: d.label } : {}),
    ...(d.positive !== undefined ? { positive: d.positive } : {}),
    ...(d.features !== undefined ? { features: d.features } : {}),
    ...(d.weight !== undefined ? { weight: d.weight } : {}),
    missing: d.missing,
    categorical: d.categorical,
  };
}

/** How data files are read: delimiter, missing-value texts, encoding, the longest line. */
export function readOptions(config: Pick<PipelineConfig, 'data'>): { delimiter?: string; missingValues?: readonly string[]; encoding: 'utf8' | 'latin1'; maxLineBytes: number } {
  const d = config.data;
  return {
    ...(d.delimiter !== undefined ? { delimiter: d.delimiter } : {}),
    ...(d.missing_values !== undefined ? { missingValues: d.missing_values } : {}),
    encoding: d.encoding,
    maxLineBytes: d.max_line_bytes,
  };
}

async function readTable(config: PipelineConfig, role: DataFileRecord['role'], p: string, files: DataFileRecord[]): Promise<Table> {
  const path = resolveConfigPath(config, p);
  const table = readCsvFile(path, readOptions(config));
  files.push({ role, path, sha256: await hashFile(path), rows: table.nRows });
  return table;
}

export interface LoadOptions {
  /**
   * Stream the test file of a two-file config (default true): it is read once here, checking every cell and keeping
   * labels and weights, and read again in batches when scored, so its feature matrix is never held whole. With
   * false it is read whole, as the training file is.
   */
  readonly stream?: boolean;
  /** Rows per batch of a streamed file (default STREAM_BATCH). */
  readonly batchSize?: number;
}

/**
 * The config key of an option of @discern/data's readers, for messages in the user's terms (`missingValues` →
 * `data.missing`). An option not listed keeps its API name.
 */
const DATA_OPTION_KEYS: Readonly<Record<string, string>> = {
  label: 'data.label',
  positive: 'data.positive',
  features: 'data.features',
  weight: 'data.weight',
  missing: 'data.missing',
  missingValues: 'data.missing_values',
  categorical: 'data.categorical',
  delimiter: 'data.delimiter',
  columns: 'data.columns',
  test: 'data.split.test',
  stratify: 'data.split.stratify',
  encoding: 'data.encoding',
  maxLineBytes: 'data.max_line_bytes',
};

/** Runs a data step, saying its errors' options as config keys (with where they are written). */
async function inConfigTerms<T>(config: PipelineConfig, f: () => Promise<T> | T): Promise<T> {
  try {
    return await f();
  } catch (e) {
    if (!isDiscernError(e)) throw e;
    return Promise.reject(
      e.renamed({
        option: (o) => {
          const key = DATA_OPTION_KEYS[o];
          if (!key) return o;
          const loc = config.where(key);
          return loc ? `${key} (${loc})` : key;
        },
      }),
    );
  }
}

/**
 * Builds the train and test datasets a config describes: `train` + `test` files (which take precedence, so that
 * `--set data.train=a.csv --set data.test=b.csv` turns a split config into a two-file one), or one `source` file
 * or inline `rows` split by `split`.
 */
export function loadData(config: PipelineConfig, options: LoadOptions = {}): Promise<LoadedData> {
  return inConfigTerms(config, () => load(config, options));
}

async function load(config: PipelineConfig, options: LoadOptions): Promise<LoadedData> {
  const d = config.data;
  const files: DataFileRecord[] = [];
  const opts = datasetOptions(config);
  if (d.train !== undefined && d.test !== undefined) {
    const train = buildDataset(await readTable(config, 'train', d.train, files), opts);
    // The test file is encoded exactly like the training file: same features, categories and class order.
    const testOptions: BuildDatasetOptions = { ...opts, classes: train.classNames, ...(train.encodings ? { encodings: train.encodings } : {}) };
    let test: RunDataset;
    if (options.stream ?? true) {
      const path = resolveConfigPath(config, d.test);
      const streamed = await StreamedDataset.open(path, {
        build: testOptions,
        read: readOptions(config),
        ...(options.batchSize !== undefined ? { batchSize: options.batchSize } : {}),
      });
      files.push({ role: 'test', path, sha256: await hashFile(path), rows: streamed.fileRows });
      test = streamed;
    } else test = new InMemoryDataset(buildDataset(await readTable(config, 'test', d.test, files), testOptions));
    return { train: new InMemoryDataset(train), test, sameRows: false, files, description: `train ${d.train} (${train.X.rows} rows), test ${d.test} (${test.rows} rows)` };
  }
  let table: Table;
  let what: string;
  if (d.rows !== undefined) {
    table = tableFromRecords(d.rows as never, d.columns, 'inline rows');
    what = `${d.rows.length} inline rows`;
  } else {
    // The config schema makes sure one of the three is there.
    table = await readTable(config, 'source', d.source!, files);
    what = d.source!;
  }
  const all = buildDataset(table, opts);
  if (d.split === 'none') {
    const both = new InMemoryDataset(all);
    return { train: both, test: both, sameRows: true, files, description: `${what}: ${all.X.rows} rows, train = test (split: none)` };
  }
  const labelled = all.classNames.length > 0;
  const split = stratifiedSplit(all, { test: d.split.test, stratify: labelled && d.split.stratify, seed: config.seed });
  // A whole number is a count of rows: say so, so that `test: 1` is never read as "all of it" by mistake.
  const count = d.split.test >= 1 ? ` (data.split.test: ${d.split.test} is a number of rows; a fraction is written 0.3)` : '';
  return {
    train: new InMemoryDataset(split.train),
    test: new InMemoryDataset(split.test),
    sameRows: false,
    files,
    description: `${what}: ${all.X.rows} rows → train ${split.train.X.rows}, test ${split.test.X.rows}${labelled && d.split.stratify ? ' (stratified)' : ''}${count}`,
  };
}
