import { basename } from 'node:path';
import {
  type BuildDatasetOptions,
  type DataFormat,
  type Dataset,
  expandPaths,
  formatOf,
  hashFile,
  parseExpression,
  readTables,
  splitIndices,
  stratifiedSplit,
  subsetDataset,
  tableFromRecords,
  textColumn,
  withColumns,
} from '@discern/data';
import { type PipelineConfig } from './config/load.js';
import { InMemoryDataset, type RunDataset, StreamedDataset } from './datasets.js';
import { type CutFlow, type Role, SAMPLE_WEIGHT, build, classOrder, concatDatasets, prepare, sum, withSplit } from './data/build.js';
import { columnsOption, definitions, explainDerived, expressionColumnError } from './data/expressions.js';
import { type DataFileRecord, checkDataFiles, describeFiles, fileRecords, inConfigTerms, pathList, readOptions } from './data/files.js';

export interface LoadedData {
  readonly train: RunDataset;
  /** Streamed from its file when the config gives train and test files (see LoadOptions.stream). */
  readonly test: RunDataset;
  /** True when train and test are the same rows (`split: none`). */
  readonly sameRows: boolean;
  readonly files: DataFileRecord[];
  readonly description: string;
  /** Events per sample (or role): read, after the cuts, train, test; weighted too. */
  readonly cutflow: readonly CutFlow[];
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
 * Builds the train and test datasets a config describes: `train` + `test` files (which take precedence, so that
 * `--set data.train=a.csv --set data.test=b.csv` turns a split config into a two-file one), or one `source` file
 * or inline `rows` split by `split`, or `samples` per process. Derived columns (`data.define`) and the cuts
 * (`data.cut`, each sample's) are applied to every file as it is read.
 */
export async function loadData(config: PipelineConfig, options: LoadOptions = {}): Promise<LoadedData> {
  await checkDataFiles(config);
  return inConfigTerms(config, () => (config.data.samples ? loadSamples(config) : load(config, options)));
}

// ---------------------------------------------------------------------------------------------------------------
// source, train and test

async function readRole(config: PipelineConfig, role: 'source' | 'train' | 'test', patterns: string[]): Promise<Role> {
  const paths = await expandPaths(patterns, config.dir, `data.${role}`);
  const d = config.data;
  const table = await readTables(paths, {
    ...readOptions(config),
    ...(d.format !== undefined ? { format: d.format as DataFormat } : {}),
    ...(d.tree !== undefined ? { tree: d.tree } : {}),
    ...columnsOption(config, []),
  }).catch((e: unknown) => Promise.reject(expressionColumnError(config, e)));
  const files = await fileRecords(role, undefined, paths, table);
  const p = prepare(config, table);
  const weights = d.weight !== undefined ? (p.table.columns.find((c) => c.name === d.weight)?.numeric ?? undefined) : undefined;
  return {
    table: p.table,
    files,
    flow: {
      name: role,
      role,
      files: paths,
      read: table.nRows,
      passed: p.passed,
      undecided: p.undecided,
      weightedRead: sum(p.weightsRead, table.nRows),
      weightedPassed: sum(weights, p.passed),
      nonFinite: p.nonFinite,
    },
  };
}

async function load(config: PipelineConfig, options: LoadOptions): Promise<LoadedData> {
  const d = config.data;
  const opts = datasetOptions(config);
  if (d.train !== undefined && d.test !== undefined) {
    const trainPatterns = pathList(d.train), testPatterns = pathList(d.test);
    const tr = await readRole(config, 'train', trainPatterns);
    const train = build(config, tr.table, opts);
    // The test file is encoded exactly like the training file: same features, categories and class order.
    const testOptions: BuildDatasetOptions = { ...opts, classes: train.classNames, ...(train.encodings ? { encodings: train.encodings } : {}) };
    let test: RunDataset;
    let testFlow: CutFlow;
    const files = [...tr.files];
    const testPaths = await expandPaths(testPatterns, config.dir, 'data.test');
    // ROOT trees are not streamed: jsroot hands a tree's entries over only at the end of reading it
    const rootTest = testPaths.some((p) => formatOf(p, d.format as DataFormat | undefined) === 'root');
    if ((options.stream ?? true) && !rootTest) {
      const paths = testPaths;
      const streamed = await StreamedDataset.open(paths, {
        build: testOptions,
        read: { ...readOptions(config), ...(d.format !== undefined ? { format: d.format as DataFormat } : {}), ...(d.tree !== undefined ? { tree: d.tree } : {}), ...columnsOption(config, []) },
        prepare: (t) => prepare(config, t),
        explain: (e) => explainDerived(config, e),
        // nothing derived and nothing cut: the test file may be scored through the typed CSV path
        plain: definitions(config).length === 0 && d.cut === undefined,
        ...(options.batchSize !== undefined ? { batchSize: options.batchSize } : {}),
      });
      for (let k = 0; k < paths.length; k++) files.push({ role: 'test', path: paths[k]!, sha256: await hashFile(paths[k]!), rows: streamed.fileRowsPerFile[k]! });
      test = streamed;
      const c = streamed.counts;
      testFlow = {
        name: 'test',
        role: 'test',
        files: paths,
        read: streamed.fileRows,
        passed: c.passed,
        undecided: c.undecided,
        weightedRead: c.weightedRead,
        weightedPassed: c.weightedPassed,
        nonFinite: c.nonFinite,
        train: 0,
        test: streamed.rows,
        weightedTrain: 0,
        weightedTest: sum(streamed.weights, streamed.rows),
      };
    } else {
      const te = await readRole(config, 'test', testPatterns);
      const ds = build(config, te.table, testOptions);
      files.push(...te.files);
      test = new InMemoryDataset(ds);
      testFlow = { ...te.flow, train: 0, test: ds.X.rows, weightedTrain: 0, weightedTest: sum(ds.weights, ds.X.rows) };
    }
    const trainFlow: CutFlow = { ...tr.flow, train: train.X.rows, test: 0, weightedTrain: sum(train.weights, train.X.rows), weightedTest: 0 };
    return {
      train: new InMemoryDataset(train),
      test,
      sameRows: false,
      files,
      description: `train ${describeFiles(trainPatterns)} (${train.X.rows} rows), test ${describeFiles(testPatterns)} (${test.rows} rows)`,
      cutflow: [trainFlow, testFlow],
    };
  }
  let role: Role;
  let what: string;
  if (d.rows !== undefined) {
    const table = tableFromRecords(d.rows as never, d.columns, 'inline rows');
    const p = prepare(config, table);
    role = { table: p.table, files: [], flow: { name: 'rows', role: 'source', files: [], read: table.nRows, passed: p.passed, undecided: p.undecided, weightedRead: sum(p.weightsRead, table.nRows), weightedPassed: p.passed, nonFinite: p.nonFinite } };
    what = `${d.rows.length} inline rows`;
  } else {
    // The config schema makes sure one of the three is there.
    const patterns = pathList(d.source);
    role = await readRole(config, 'source', patterns);
    what = describeFiles(patterns);
  }
  const all = build(config, role.table, opts);
  const flow: Role['flow'] = { ...role.flow, weightedPassed: sum(all.weights, all.X.rows) };
  if (d.split === 'none') {
    const both = new InMemoryDataset(all);
    return { train: both, test: both, sameRows: true, files: role.files, description: `${what}: ${all.X.rows} rows, train = test (split: none)`, cutflow: [withSplit(flow, all, all)] };
  }
  const labelled = all.classNames.length > 0;
  const split = stratifiedSplit(all, { test: d.split.test, stratify: labelled && d.split.stratify, seed: config.seed });
  // A whole number is a count of rows: say so, so that `test: 1` is never read as "all of it" by mistake.
  const count = d.split.test >= 1 ? ` (data.split.test: ${d.split.test} is a number of rows; a fraction is written 0.3)` : '';
  return {
    train: new InMemoryDataset(split.train),
    test: new InMemoryDataset(split.test),
    sameRows: false,
    files: role.files,
    description: `${what}: ${all.X.rows} rows → train ${split.train.X.rows}, test ${split.test.X.rows}${labelled && d.split.stratify ? ' (stratified)' : ''}${count}`,
    cutflow: [withSplit(flow, split.train, split.test)],
  };
}

// ---------------------------------------------------------------------------------------------------------------
// samples

async function loadSamples(config: PipelineConfig): Promise<LoadedData> {
  const d = config.data;
  const samples = d.samples!;
  const label = d.label ?? 'class';
  const classNames = classOrder(
    samples.map((s) => s.class),
    d.positive,
  );
  const files: DataFileRecord[] = [];
  const built: { ds: Dataset; flow: Role['flow']; name: string; role?: 'train' | 'test' }[] = [];
  let encodings: Dataset['encodings'];
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i]!;
    const key = `data.samples[${i}]`;
    const patterns = pathList(s.path);
    const paths = await expandPaths(patterns, config.dir, `${key}.path`);
    const name = s.name ?? basename(paths[0]!).replace(/\.(csv|tsv|txt|parquet|pq|root)(\.gz)?$/i, '');
    const cut = s.cut !== undefined ? { path: `${key}.cut`, parsed: parseExpression(s.cut) } : undefined;
    const weight = s.weight === undefined ? undefined : typeof s.weight === 'number' ? s.weight : { path: `${key}.weight`, parsed: parseExpression(s.weight) };
    const format = (s.format ?? d.format) as DataFormat | undefined;
    const tree = s.tree ?? d.tree;
    // the sample's own tree and format are named at its key
    const ownKeys = { ...(s.tree !== undefined ? { tree: `${key}.tree` } : {}), ...(s.format !== undefined ? { format: `${key}.format` } : {}) };
    const table = await inConfigTerms(
      config,
      () =>
        readTables(paths, {
          ...readOptions(config),
          ...(format !== undefined ? { format } : {}),
          ...(tree !== undefined ? { tree } : {}),
          ...columnsOption(config, [cut?.parsed, typeof weight === 'object' ? weight.parsed : undefined]),
        }).catch((e: unknown) => Promise.reject(expressionColumnError(config, e, [...(cut ? [cut] : []), ...(typeof weight === 'object' ? [weight] : [])]))),
      ownKeys,
    );
    files.push(...(await fileRecords('sample', name, paths, table)));
    const p = prepare(config, table, { ...(cut ? { cut } : {}), ...(weight !== undefined ? { weight } : {}), weightColumn: SAMPLE_WEIGHT, what: `sample ${JSON.stringify(name)} (${key})` });
    if (p.passed === 0)
      throw config.error(
        cut ? cut.path : 'data.cut',
        `the cuts remove every event of sample ${JSON.stringify(name)} (${table.nRows} read from ${describeFiles(patterns)}): ${[d.cut !== undefined ? `data.cut ${JSON.stringify(d.cut)}` : '', s.cut !== undefined ? `its cut ${JSON.stringify(s.cut)}` : ''].filter(Boolean).join(' and ')} ${p.undecided > 0 ? `(${p.undecided} could not be decided: missing values) ` : ''}pass on none of them; loosen the cut or check the sample's files`,
      );
    if (p.table.columns.some((c) => c.name === label))
      throw config.error('data.label', `the samples make the class column ${JSON.stringify(label)}, but ${describeFiles(patterns)} has a column of that name; set data.label to another name for the samples' class column`);
    const t = withColumns(p.table, [textColumn(label, p.table.columns.length, new Array<string>(p.table.nRows).fill(s.class))]);
    const hasWeights = weight !== undefined || d.weight !== undefined;
    const options: BuildDatasetOptions = {
      ...datasetOptions(config),
      label,
      classes: classNames,
      ...(hasWeights ? { weight: weight !== undefined ? SAMPLE_WEIGHT : d.weight! } : {}),
      ...(encodings ? { encodings } : {}),
    };
    // positive is given through the class order
    delete (options as { positive?: string }).positive;
    const ds = build(config, t, options);
    encodings ??= ds.encodings;
    built.push({
      ds: d.positive !== undefined && classNames.length === 2 ? { ...ds, positive: 1 } : ds,
      name,
      ...(s.role ? { role: s.role } : {}),
      flow: {
        name,
        class: s.class,
        role: 'sample',
        files: paths,
        read: table.nRows,
        passed: p.passed,
        undecided: p.undecided,
        weightedRead: sum(p.weightsRead, table.nRows),
        weightedPassed: sum(ds.weights, ds.X.rows),
        nonFinite: p.nonFinite,
      },
    });
  }
  const source = samples.length === 1 ? built[0]!.name : `${samples.length} samples`;
  const flows: CutFlow[] = [];
  let train: Dataset, test: Dataset;
  let sameRows = false;
  if (samples[0]!.role !== undefined) {
    const tr = built.filter((b) => b.role === 'train'), te = built.filter((b) => b.role === 'test');
    train = concatDatasets(tr.map((b) => b.ds), tr.map((b) => b.name).join(' + '));
    test = concatDatasets(te.map((b) => b.ds), te.map((b) => b.name).join(' + '));
    for (const b of built) flows.push(b.role === 'train' ? withSplit(b.flow, b.ds, { rows: 0 }) : withSplit(b.flow, { rows: 0 }, b.ds));
  } else {
    const all = concatDatasets(
      built.map((b) => b.ds),
      source,
    );
    if (d.split === 'none') {
      train = test = all;
      sameRows = true;
      for (const b of built) flows.push(withSplit(b.flow, b.ds, b.ds));
    } else {
      // stratified per sample: each sample keeps its share in both sets
      const sampleOf = new Int32Array(all.X.rows);
      let at = 0;
      built.forEach((b, k) => {
        sampleOf.fill(k, at, at + b.ds.X.rows);
        at += b.ds.X.rows;
      });
      const idx = splitIndices({ ...all, y: sampleOf, classNames: built.map((b) => b.name) }, { test: d.split.test, stratify: d.split.stratify, seed: config.seed });
      train = subsetDataset(all, idx.train);
      test = subsetDataset(all, idx.test);
      const count = (rows: Int32Array, k: number) => {
        let n = 0, w = 0;
        for (let i = 0; i < rows.length; i++)
          if (sampleOf[rows[i]!] === k) {
            n++;
            w += all.weights ? all.weights[rows[i]!]! : 1;
          }
        return { n, w };
      };
      built.forEach((b, k) => {
        const a = count(idx.train, k), c = count(idx.test, k);
        flows.push({ ...b.flow, train: a.n, test: c.n, weightedTrain: a.w, weightedTest: c.w });
      });
    }
  }
  const describe = built.map((b) => `${b.name} (${b.flow.class}: ${b.ds.X.rows} of ${b.flow.read})`).join(', ');
  return {
    train: new InMemoryDataset(train),
    test: new InMemoryDataset(test),
    sameRows,
    files,
    description: `samples ${describe} → train ${train.X.rows}, test ${test.X.rows}${sameRows ? ' (split: none)' : samples[0]!.role ? ' (by role)' : ' (stratified per sample)'}`,
    cutflow: flows,
  };
}
