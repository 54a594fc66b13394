import { type Naming } from '@discern/core';
import { type Dataset } from '@discern/data';

/**
 * How an error from a library is said in the user's terms: a row of the matrix a fit was given becomes the line of
 * the file it came from (after shuffles, splits and dropped rows), a feature index the column's name, an option of
 * the estimator the config key as written in YAML.
 */
export function datasetNaming(ds: Dataset): Pick<Naming, 'row' | 'feature'> {
  const lines = (ds as Dataset & { readonly lines?: Int32Array }).lines;
  const file = ds.source;
  return {
    row: (i) => {
      const line = lines?.[i] ?? (ds.rowIndex ? undefined : undefined);
      if (line !== undefined && line > 0) return `${file} line ${line}`;
      const r = ds.rowIndex?.[i];
      return r !== undefined ? `row ${r + 1} of ${file}` : `row ${i + 1} of ${file}`;
    },
    feature: (j) => (ds.featureNames[j] !== undefined ? `column ${JSON.stringify(ds.featureNames[j])}` : `feature ${j}`),
  };
}
