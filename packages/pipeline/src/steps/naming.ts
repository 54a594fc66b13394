import { type Naming } from '@discern/core';
import { type Dataset } from '@discern/data';
import { type PipelineConfig } from '../config/load.js';
import { InMemoryDataset, type RunDataset } from '../datasets.js';

/**
 * Where the run's event weights come from, to follow a library's "the event weights" (Naming.weights): data.weight
 * with the column and where it is written; undefined when the data names no weight column (samples' own weights).
 */
export function weightsSource(config: Pick<PipelineConfig, 'data' | 'where'>): string | undefined {
  const w = config.data.weight;
  if (w === undefined) return undefined;
  const loc = config.where('data.weight');
  return `data.weight ${JSON.stringify(w)}${loc ? `, ${loc}` : ''}`;
}

/** Naming.weights saying where the weights come from (a weightsSource), or none when that is not known. */
export function weightsFrom(from: string | undefined): Partial<Pick<Naming, 'weights'>> {
  return from ? { weights: (phrase) => `${phrase} (${from})` } : {};
}

/** Naming.weights for a run's weighted data: the phrase with where the weights come from (weightsSource). */
export function weightsNaming(config: Pick<PipelineConfig, 'data' | 'where'>): Partial<Pick<Naming, 'weights'>> {
  return weightsFrom(weightsSource(config));
}

/** A feature index as the column's name, a class index as its label. */
function columnNaming(ds: Pick<Dataset, 'featureNames' | 'classNames'>): Pick<Naming, 'feature' | 'class'> {
  return {
    feature: (j) => (ds.featureNames[j] !== undefined ? `column ${JSON.stringify(ds.featureNames[j])}` : `feature ${j}`),
    class: (k) => (ds.classNames[k] !== undefined ? `class ${JSON.stringify(ds.classNames[k])}` : `class ${k}`),
  };
}

/**
 * How an error from a library is said in the user's terms: a row of the matrix a fit was given becomes the line of
 * the file it came from (after shuffles, splits and dropped rows: Dataset.lines), a feature index the column's name,
 * a class index its label.
 * (An option of the estimator becomes its config key in the fit step, which knows the model family.)
 */
export function datasetNaming(ds: Dataset): Pick<Naming, 'row' | 'feature' | 'class'> {
  return {
    row: (i) => {
      const line = ds.lines?.[i];
      if (line !== undefined && line > 0) return `${ds.source} line ${line}`;
      // inline rows (no file): their position in data.rows
      const r = ds.rowIndex?.[i] ?? i;
      return `data.rows[${r}]`;
    },
    ...columnNaming(ds),
  };
}

/**
 * datasetNaming for the rows of a run's dataset from `start` on (a batch of them, as the run scores it): the line of
 * the file for a dataset in memory, the row of the named dataset for a streamed one (whose lines are not kept).
 */
export function runDatasetNaming(ds: RunDataset, name: string, start = 0): Pick<Naming, 'row' | 'feature' | 'class'> {
  const columns = columnNaming(ds);
  if (ds instanceof InMemoryDataset) {
    const n = datasetNaming(ds.whole());
    return { row: (i) => n.row(start + i), ...columns };
  }
  return { row: (i) => `row ${start + i} of ${name} (${ds.source})`, ...columns };
}
