import { type Dataset } from './dataset.js';
import { type ColumnKind, type Table } from './table.js';
import { strictNumber } from './csv/cells.js';

export interface ClassSummary {
  readonly name: string;
  readonly index: number;
  readonly count: number;
  /** Sum of weights (= count when unweighted). */
  readonly weight: number;
  /** count / rows. */
  readonly fraction: number;
}

export interface DatasetSummary {
  readonly source: string;
  readonly rows: number;
  readonly features: number;
  readonly featureNames: string[];
  /** Empty for unlabelled data. */
  readonly classes: ClassSummary[];
  readonly positive?: string;
  readonly weighted: boolean;
  readonly totalWeight: number;
  /** Rows with a negative weight (physics samples may have them). */
  readonly negativeWeights: number;
}

/** Rows, class counts (unweighted and weighted) and feature names: for reports and `discern init`. */
export function summary(ds: Dataset): DatasetSummary {
  const n = ds.X.rows;
  const K = ds.classNames.length;
  const count = new Float64Array(K);
  const weight = new Float64Array(K);
  let totalWeight = 0, negativeWeights = 0;
  for (let i = 0; i < n; i++) {
    const w = ds.weights ? ds.weights[i]! : 1;
    totalWeight += w;
    if (w < 0) negativeWeights++;
    const c = ds.y[i]!;
    if (c >= 0 && c < K) {
      count[c]!++;
      weight[c]! += w;
    }
  }
  return {
    source: ds.source,
    rows: n,
    features: ds.X.cols,
    featureNames: [...ds.featureNames],
    classes: ds.classNames.map((name, index) => ({ name, index, count: count[index]!, weight: weight[index]!, fraction: n > 0 ? count[index]! / n : 0 })),
    ...(ds.positive !== undefined ? { positive: ds.classNames[ds.positive]! } : {}),
    weighted: ds.weights !== undefined,
    totalWeight,
    negativeWeights,
  };
}

export interface ValueCount {
  readonly value: string;
  readonly count: number;
  readonly fraction: number;
}

export interface ColumnDescription {
  readonly name: string;
  readonly kind: ColumnKind;
  readonly distinct: number;
  readonly missing: number;
  /** Non-finite literals (NaN, inf) in a numeric column. */
  readonly nonFinite: number;
  /** Numeric column whose finite values are all integers. */
  readonly integerValued: boolean;
  readonly min?: number;
  readonly max?: number;
  readonly mean?: number;
  /** Could be a class label: categorical, or integer-valued, with 2 to 20 distinct values. */
  readonly labelCandidate: boolean;
  /** Value counts, most frequent first, when there are at most 20 distinct values. */
  readonly values?: ValueCount[];
}

export interface TableDescription {
  readonly source: string;
  readonly rows: number;
  readonly columns: ColumnDescription[];
  /** The most likely label column (by name, else the last categorical candidate), if any. */
  readonly suggestedLabel?: string;
  /** Class balance of the suggested label. */
  readonly classBalance?: ValueCount[];
}

const MAX_LABEL_CLASSES = 20;
const LABEL_NAMES = /^(label|labels|class|classes|target|y|outcome|category|species|type)$/i;

/** Per-column kind, distinct values, missing counts and a label-column guess: what `discern init` shows. */
export function describeTable(table: Table): TableDescription {
  const columns: ColumnDescription[] = table.columns.map((col) => {
    const counts = new Map<string, number>();
    for (const s of col.raw) if (s !== null) counts.set(s, (counts.get(s) ?? 0) + 1);
    let min: number | undefined, max: number | undefined, mean: number | undefined;
    let integerValued = false;
    let distinct = counts.size;
    if (col.kind === 'numeric') {
      // distinct numeric values ('1' and '1.0' are one value)
      const vals = new Set<number>();
      let s = 0, m = 0;
      integerValued = true;
      for (const v of col.numeric!) {
        if (!Number.isFinite(v)) continue;
        vals.add(v);
        s += v;
        m++;
        if (!Number.isInteger(v)) integerValued = false;
        if (min === undefined || v < min) min = v;
        if (max === undefined || v > max) max = v;
      }
      distinct = vals.size + (col.nonFinite > 0 ? new Set(col.raw.filter((r) => r !== null && Number.isNaN(strictNumber(r)))).size : 0);
      if (m > 0) mean = s / m;
      else integerValued = false;
    }
    const labelCandidate = (col.kind === 'categorical' || integerValued) && distinct >= 2 && distinct <= MAX_LABEL_CLASSES && distinct < table.nRows;
    const present = table.nRows - col.missing;
    const values =
      counts.size <= MAX_LABEL_CLASSES
        ? [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([value, count]) => ({ value, count, fraction: present > 0 ? count / present : 0 }))
        : undefined;
    return {
      name: col.name,
      kind: col.kind,
      distinct,
      missing: col.missing,
      nonFinite: col.nonFinite,
      integerValued,
      ...(min !== undefined ? { min, max: max!, mean: mean! } : {}),
      labelCandidate,
      ...(values ? { values } : {}),
    };
  });
  const candidates = columns.filter((c) => c.labelCandidate);
  const byName = candidates.find((c) => LABEL_NAMES.test(c.name));
  const categorical = candidates.filter((c) => c.kind === 'categorical');
  const suggested = byName ?? categorical[categorical.length - 1];
  return {
    source: table.source,
    rows: table.nRows,
    columns,
    ...(suggested ? { suggestedLabel: suggested.name, ...(suggested.values ? { classBalance: suggested.values } : {}) } : {}),
  };
}
