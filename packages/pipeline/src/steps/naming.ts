import { type Naming } from '@discern/core';
import { type Dataset } from '@discern/data';

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
    feature: (j) => (ds.featureNames[j] !== undefined ? `column ${JSON.stringify(ds.featureNames[j])}` : `feature ${j}`),
    class: (k) => (ds.classNames[k] !== undefined ? `class ${JSON.stringify(ds.classNames[k])}` : `class ${k}`),
  };
}
