import { type BaseConfig } from './schema.js';

/** A problem of the data section found from the config alone: its key and what is wrong. */
export interface DataIssue {
  readonly path: string;
  readonly message: string;
}

const CSV_NAME = /\.(csv|tsv|txt)(\.gz)?$/i;

/**
 * What the data section says wrong in itself, before any file is read, so that `discern validate` finds what a run
 * would refuse: a column named in two roles (label, weight, feature) or twice among the features, a tree for a file
 * read as CSV, a split next to samples that give their roles, samples whose training events are of one class. `written(key)` says whether a key is written in the config (defaults are not).
 */
export function checkDataConfig(data: BaseConfig['data'], written: (key: string) => boolean): DataIssue[] {
  const issues: DataIssue[] = [];
  const features = data.features ?? [];
  features.forEach((f, i) => {
    const first = features.indexOf(f);
    if (first !== i) issues.push({ path: `data.features[${i}]`, message: `feature '${f}' is listed twice in data.features (also at data.features[${first}]); list each column once` });
  });
  const label = data.label;
  if (label !== undefined) {
    const i = features.indexOf(label);
    if (i >= 0) issues.push({ path: `data.features[${i}]`, message: `column '${label}' is the label column (data.label) and cannot also be a feature; leave it out of data.features` });
  }
  if (data.weight !== undefined) {
    if (data.weight === label) issues.push({ path: 'data.weight', message: `column '${label}' cannot be both the label (data.label) and the weight (data.weight)` });
    const i = features.indexOf(data.weight);
    if (i >= 0) issues.push({ path: `data.features[${i}]`, message: `column '${data.weight}' is the weight column (data.weight) and cannot also be a feature; leave it out of data.features` });
  }
  if (data.tree !== undefined && data.format === undefined && data.samples === undefined) {
    const files = [data.source, data.train, data.test].flatMap((p) => (p === undefined ? [] : typeof p === 'string' ? [p] : p));
    const csv = files.find((f) => CSV_NAME.test(f));
    if (csv !== undefined) issues.push({ path: 'data.tree', message: `names a ROOT tree, but ${csv} is read as CSV (by its name); remove data.tree, or set data.format for a ROOT file with another name` });
  }
  const samples = data.samples;
  if (samples !== undefined && samples.length > 0 && samples.every((s) => s.role !== undefined)) {
    if (written('data.split')) issues.push({ path: 'data.split', message: 'every sample gives its role (train or test), so nothing is split: remove data.split, or remove the roles to split the samples by it' });
    const classes = [...new Set(samples.filter((s) => s.role === 'train').map((s) => s.class))];
    if (classes.length === 1)
      issues.push({
        path: 'data.samples',
        message: `every sample with role train is of class ${JSON.stringify(classes[0])}: a classifier is trained on at least two classes; give a sample of another class role train`,
      });
  }
  return issues;
}
