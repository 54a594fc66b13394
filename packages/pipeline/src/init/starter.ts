import { basename, dirname, extname, isAbsolute, relative, resolve, sep } from 'node:path';
import { type ColumnDescription, type DataFormat, type TableDescription, describeTable, formatOf, readTableFile } from '@discern/data';
import { DiscernError } from '@discern/core';

export interface StarterOptions {
  /** Where the config will be written: the data path in it is relative to this file's folder. */
  readonly configPath: string;
  /** The class column; default: the best label candidate, if any. */
  readonly label?: string;
  /** The data's format when its extension says nothing (csv, parquet, root). */
  readonly format?: DataFormat;
  /** ROOT: the tree (default: the only tree of the file). */
  readonly tree?: string;
}

export interface Starter {
  /** The config, with comments. */
  readonly text: string;
  readonly description: TableDescription;
  readonly label?: string;
  readonly features: readonly string[];
}

const YAML_WORDS = /^(true|false|yes|no|on|off|y|n|null|~|nan|inf|\.nan|\.inf|-\.inf)$/i;

/** A YAML scalar: plain when safe, double-quoted (JSON syntax, valid YAML) otherwise. */
function scalar(s: string): string {
  return /^[A-Za-z_./][\w.\-/]*$/.test(s) && !YAML_WORDS.test(s) ? s : JSON.stringify(s);
}

/** A flow list wrapped at ~100 characters, continuation lines indented under the first item. */
function flowList(items: readonly string[], indent: number): string {
  const lines: string[] = [];
  let line = '[';
  items.forEach((it, i) => {
    const piece = scalar(it) + (i < items.length - 1 ? ',' : ']');
    if (line.length + piece.length + 1 > 100 - indent && line !== '[') {
      lines.push(line);
      line = ' ' + piece;
    } else line += (line === '[' ? '' : ' ') + piece;
  });
  if (items.length === 0) line += ']';
  lines.push(line);
  return lines.join(`\n${' '.repeat(indent)}`);
}

function pct(f: number): string {
  return `${(100 * f).toFixed(1)} %`;
}

function balance(c: ColumnDescription, max = 6): string {
  const v = c.values ?? [];
  const shown = v.slice(0, max).map((x) => `${x.value} ${x.count} (${pct(x.fraction)})`);
  return shown.join(', ') + (v.length > max ? `, … ${v.length - max} more` : '');
}

const WEIGHT_NAMES = /^(weight|weights|w|event_weight|evt_weight|eventweight)$/i;
/** Names of identifier columns (run, event, luminosity block, entry or row numbers): bookkeeping, not physics. */
const ID_NAMES = /^(run|event|evt|lumi|lumi_?section|lumi_?block|ls|entry|index|idx|row|row_?id|id|event_?id|run_?id)(_?(number|num|no|nr))?$/i;

/**
 * An identifier column: integer-valued and named like one (Run, Event, eventNumber, lumi…), or a row index (the
 * integers 0…n−1 or 1…n, each once). A model fitted on it learns the bookkeeping of the sample, not its physics.
 */
function isIdColumn(c: ColumnDescription, rows: number): boolean {
  if (c.kind !== 'numeric' || !c.integerValued) return false;
  if (ID_NAMES.test(c.name)) return true;
  return rows > 20 && c.distinct === rows && c.missing === 0 && (c.min === 0 || c.min === 1) && c.max === c.min! + rows - 1;
}
const MAX_CATEGORIES = 20;

/** A file's name without its extension, and without both of a compressed one's (`magic.csv.gz` → `magic`). */
export function fileStem(file: string): string {
  const name = basename(file);
  const two = /^(.+)\.(csv|tsv|txt)\.gz$/i.exec(name);
  return two ? two[1]! : basename(name, extname(name));
}

/** A run name from a file name: letters, digits, "-", "_" and "." (config names must match that). */
export function runName(file: string): string {
  const stem = fileStem(file).replace(/[^\w.-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '');
  return stem === '' ? 'starter' : stem;
}

/**
 * A commented starter config for a data file (CSV, gzip CSV, Parquet or a ROOT tree), after looking at it: numeric
 * and categorical columns, label candidates with their class balance, a weight column, missing cells; a ROOT tree's
 * array branches are listed with how to use them. It validates as written and, for the usual shapes of data (a label
 * with 2 to 20 classes, or none), runs: standardize → fit logistic (or a Gaussian mixture without a label) → evaluate.
 */
export async function starterConfig(dataFile: string, options: StarterOptions): Promise<Starter> {
  const dataPath = resolve(dataFile);
  const format = formatOf(dataPath, options.format);
  const table = await readTableFile(dataPath, { ...(options.format !== undefined ? { format: options.format } : {}), ...(options.tree !== undefined ? { tree: options.tree } : {}) });
  const d = describeTable(table);
  const arrays = table.arrays ?? [];
  const byName = new Map(d.columns.map((c) => [c.name, c]));
  let label: string | undefined;
  if (options.label !== undefined) {
    if (!byName.has(options.label))
      throw new DiscernError('DATA_INVALID', `${dataFile} has no column '${options.label}'; its columns are ${d.columns.map((c) => `'${c.name}'`).join(', ')}`, {
        file: dataFile,
        column: options.label,
      });
    label = options.label;
  } else label = d.suggestedLabel;
  const labelCol = label !== undefined ? byName.get(label) : undefined;
  const weight = d.columns.find((c) => c.name !== label && c.kind === 'numeric' && WEIGHT_NAMES.test(c.name))?.name;

  const rest = d.columns.filter((c) => c.name !== label && c.name !== weight);
  const ids = rest.filter((c) => isIdColumn(c, d.rows));
  const numeric = rest.filter((c) => c.kind === 'numeric' && !ids.includes(c));
  const smallCategorical = rest.filter((c) => c.kind === 'categorical' && c.distinct <= MAX_CATEGORIES);
  const unused = rest.filter((c) => c.kind === 'categorical' && c.distinct > MAX_CATEGORIES);
  const features = [...numeric, ...smallCategorical];
  if (features.length === 0)
    throw new DiscernError(
      'DATA_INVALID',
      `${dataFile}: no column can be a feature (${d.columns.length} column${d.columns.length === 1 ? '' : 's'}${label ? `, label '${label}'` : ''}); a feature is a numeric column or a categorical one with at most ${MAX_CATEGORIES} values`,
      { file: dataFile },
    );
  const missingCells = features.reduce((s, c) => s + c.missing, 0) + (labelCol?.missing ?? 0);
  const classes = labelCol?.values ?? [];
  const binary = labelCol !== undefined && classes.length === 2;
  // The rarer class is usually the signal (photons among jets, a disease among patients).
  const positive = binary ? classes[1]!.value : undefined;

  const configDir = dirname(resolve(options.configPath));
  let source = relative(configDir, dataPath).split(sep).join('/');
  if (isAbsolute(source) || source === '') source = dataPath;
  const L: string[] = [];
  const candidates = d.columns.filter((c) => c.labelCandidate);
  L.push(`# Starter config written by \`discern init\` from ${basename(dataPath)}: ${d.rows} rows, ${d.columns.length} columns`);
  L.push(`# (${d.columns.filter((c) => c.kind === 'numeric').length} numeric, ${d.columns.filter((c) => c.kind === 'categorical').length} categorical).`);
  L.push(`# Read it, change what does not fit, then:  discern validate <this file>  and  discern run <this file>`);
  L.push(`# \`discern schema\` describes every key; \`discern plugins\` lists the steps and their parameters.`);
  L.push(`name: ${scalar(runName(dataPath))}   # names the run folder (runs/<name>) and the lock entry`);
  L.push(`seed: 1   # one seed fixes every random choice (split, initialisation): the same seed gives the same numbers`);
  L.push('data:');
  L.push(`  source: ${scalar(source)}   # paths are relative to this config file; a list of files and globs is read as one data set`);
  if (options.format !== undefined) L.push(`  format: ${options.format}   # the extension does not say it`);
  if (format === 'root' && options.tree !== undefined) L.push(`  tree: ${scalar(options.tree)}`);
  if (arrays.length > 0) {
    L.push(`  # Branches with several values per event (not features as they are): use an element (${arrays[0]!.name}[0]) or a reduction`);
    L.push(`  # (length, sum, max, min) in features or in derived columns, e.g.  define: { n: "length(${arrays[0]!.name})" }`);
    L.push(`  #   ${arrays.map((a) => a.description ?? a.name).join(', ')}`.slice(0, 400));
  }
  L.push(`  # Derived columns and a preselection, by expression (docs/config.md): define: { ratio: "a / b" }, cut: "a > 20"`);
  if (candidates.length > 0) {
    L.push('  # Label candidates (categorical, or integers with 2 to 20 values), with their class balance:');
    const shown = labelCol ? [labelCol, ...candidates.filter((c) => c !== labelCol)] : candidates;
    for (const c of shown.slice(0, 5)) L.push(`  #   ${c.name}: ${balance(c)}`);
    if (shown.length > 5) L.push(`  #   … and ${shown.length - 5} more: ${shown.slice(5).map((c) => c.name).join(', ')}`.slice(0, 110));
  }
  if (labelCol) {
    L.push(`  label: ${scalar(labelCol.name)}   # the class column${options.label === undefined ? ' (chosen by name or as the last categorical candidate: check it)' : ''}`);
    if (binary) {
      L.push(`  # positive: the signal class; efficiencies, ROC curves and AUC are computed for it.`);
      L.push(`  # ${classes[1]!.value} is the rarer class here (${pct(classes[1]!.fraction)}); if ${classes[0]!.value} is your signal, change it.`);
      L.push(`  positive: ${scalar(positive!)}`);
    } else if (classes.length > 2) {
      L.push(`  # ${classes.length} classes: a multinomial (softmax) model; no positive class.`);
    }
  } else {
    L.push('  # No label column found (none is categorical or integer with 2 to 20 values): this config clusters the');
    L.push('  # rows without one. If a column holds the classes, set it here:  label: <column>');
  }
  if (weight !== undefined) L.push(`  weight: ${scalar(weight)}   # per-event weights (may be negative); used in fits and metrics`);
  L.push(`  # The columns the model sees: ${numeric.length} numeric${smallCategorical.length > 0 ? `, ${smallCategorical.length} categorical` : ''}. Remove the ones that must not be used`);
  L.push(`  # (a column derived from the label, say); leave the key out to take every numeric column.`);
  L.push(`  features: ${flowList(features.map((c) => c.name), 13)}`);
  if (ids.length > 0)
    L.push(`  # Left out as identifiers (bookkeeping, not physics): ${ids.map((c) => c.name).join(', ')}; add them to features if they are not.`);
  if (unused.length > 0) L.push(`  # Not used: ${unused.map((c) => `${c.name} (categorical, ${c.distinct} values)`).join(', ')}.`);
  if (smallCategorical.length > 0) {
    L.push(`  categorical: onehot   # categorical features become one 0/1 column per value ('codes': one integer column)`);
  }
  if (missingCells > 0) {
    L.push(`  # ${missingCells} cells are missing (empty, NA or ?) in the label and features: drop those rows`);
    L.push(`  # ('error' stops at the first one; 'keep' passes NaN to models that marginalise it).`);
    L.push('  missing: drop');
  }
  if (labelCol) {
    L.push('  split: { test: 0.3, stratify: true }   # 30 % of the rows held out for testing, with the class proportions kept');
  } else {
    L.push('  split: none   # clustering: every row is used for the fit');
  }
  L.push('steps:');
  L.push('  - standardize: {}   # zero mean, unit variance per feature, fitted on the training rows only');
  if (labelCol) {
    L.push(`  - fit: { model: logistic, solver: lbfgs }   # ${binary ? 'logistic regression (sigmoid)' : 'multinomial logistic regression (softmax)'}; try mlp, qda, gaussian-nb… (discern plugins)`);
    L.push(`  - evaluate: {${binary ? ' fpr: [0.01, 0.05, 0.1] ' : ''}}   # AUC, accuracy, F1, log loss, confusion matrix on train and test${binary ? '; TPR at these FPRs' : ''}`);
  } else {
    L.push('  - fit: { model: gmm, n_components: 2, covariance_type: full, n_init: 3 }   # a 2-component Gaussian mixture by EM');
    L.push('  - evaluate: { on: [train] }   # log-likelihood, BIC, AIC, cluster sizes');
  }
  return { text: `${L.join('\n')}\n`, description: d, ...(label !== undefined ? { label } : {}), features: features.map((c) => c.name) };
}
