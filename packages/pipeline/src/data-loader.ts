import { isAbsolute, resolve } from 'node:path';
import { type BuildDatasetOptions, type Dataset, type Table, buildDataset, hashFile, readCsvFile, stratifiedSplit, tableFromRecords } from '@discern/data';
import { DiscernError } from '@discern/core';
import { type PipelineConfig } from './config/load.js';
import { StreamedDataset } from './streamed.js';

export interface DataFileRecord {
  readonly role: 'source' | 'train' | 'test';
  readonly path: string;
  readonly sha256: string;
  readonly rows: number;
}

export interface LoadedData {
  readonly train: Dataset;
  /** Streamed from its file when the config gives train and test files (see LoadOptions.stream). */
  readonly test: Dataset | StreamedDataset;
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

async function readTable(config: PipelineConfig, role: DataFileRecord['role'], p: string, files: DataFileRecord[]): Promise<Table> {
  const path = resolveConfigPath(config, p);
  const table = readCsvFile(path, config.data.delimiter !== undefined ? { delimiter: config.data.delimiter } : {});
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

/** Rows of a loaded dataset. */
export function rowsOf(ds: Dataset | StreamedDataset): number {
  return ds instanceof StreamedDataset ? ds.rows : ds.X.rows;
}

/**
 * Builds the train and test datasets a config describes: `train` + `test` files (which take precedence, so that
 * `--set data.train=a.csv --set data.test=b.csv` turns a split config into a two-file one), or one `source` file
 * or inline `rows` split by `split`.
 */
export async function loadData(config: PipelineConfig, options: LoadOptions = {}): Promise<LoadedData> {
  const d = config.data;
  const files: DataFileRecord[] = [];
  const opts = datasetOptions(config);
  if (d.train !== undefined || d.test !== undefined) {
    if (d.train === undefined || d.test === undefined)
      throw new DiscernError('CONFIG_INVALID', `data: give both train and test files (got only ${d.train !== undefined ? 'train' : 'test'}), or one source file with a split`, {
        path: 'data',
      });
    const train = buildDataset(await readTable(config, 'train', d.train, files), opts);
    // The test file is encoded exactly like the training file: same features, categories and class order.
    const testOptions: BuildDatasetOptions = { ...opts, classes: train.classNames, ...(train.encodings ? { encodings: train.encodings } : {}) };
    let test: Dataset | StreamedDataset;
    if (options.stream ?? true) {
      const path = resolveConfigPath(config, d.test);
      test = await StreamedDataset.open(path, {
        build: testOptions,
        ...(d.delimiter !== undefined ? { delimiter: d.delimiter } : {}),
        ...(options.batchSize !== undefined ? { batchSize: options.batchSize } : {}),
      });
      files.push({ role: 'test', path, sha256: await hashFile(path), rows: test.fileRows });
    } else test = buildDataset(await readTable(config, 'test', d.test, files), testOptions);
    return { train, test, sameRows: false, files, description: `train ${d.train} (${train.X.rows} rows), test ${d.test} (${rowsOf(test)} rows)` };
  }
  let table: Table;
  let what: string;
  if (d.rows !== undefined) {
    table = tableFromRecords(d.rows as never, d.columns, 'inline rows');
    what = `${d.rows.length} inline rows`;
  } else if (d.source !== undefined) {
    table = await readTable(config, 'source', d.source, files);
    what = d.source;
  } else {
    throw new DiscernError('CONFIG_INVALID', 'data: give a source file (with split), train and test files, or inline rows', { path: 'data' });
  }
  const all = buildDataset(table, opts);
  if (d.split === 'none') return { train: all, test: all, sameRows: true, files, description: `${what}: ${all.X.rows} rows, train = test (split: none)` };
  const labelled = all.classNames.length > 0;
  const split = stratifiedSplit(all, { test: d.split.test, stratify: labelled && d.split.stratify, seed: config.seed });
  return {
    train: split.train,
    test: split.test,
    sameRows: false,
    files,
    description: `${what}: ${all.X.rows} rows → train ${split.train.X.rows}, test ${split.test.X.rows}${labelled && d.split.stratify ? ' (stratified)' : ''}`,
  };
}
