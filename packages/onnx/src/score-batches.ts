/**
 * The rows of a data file in batches for the model: CSV streamed, Parquet a row group at a time, ROOT whole; derived
 * columns and the cut applied to each batch as read; the model's input columns checked to be finite numbers.
 */
import { type CsvRange, type DataFormat, type Table, applyDefines, columnsByName, cutRows, locate, parseExpression, readCsvBatches, readTableBatches, subsetTable } from '@discern/data';
import { type DenseMatrix } from '@discern/linalg';
import { DiscernError, quote } from '@discern/core';
import { type ScoreDefinition } from './score-options.js';

/** A batch of rows to score: the feature columns, the labels (with `label`), and where each row is in its file. */
export interface ScoreBatch {
  readonly X: DenseMatrix;
  readonly labels?: readonly (string | null)[];
  /** What `line` counts: CSV lines, rows (1-based) or ROOT entries (entry = line − 1). */
  readonly noun: 'line' | 'row' | 'entry';
  /** `file line 17`, `file, row 3`, `file entry 5`. */
  where(i: number): string;
  /** The line (CSV) or 1-based row of row i, for error contexts. */
  line(i: number): number;
}

interface BatchOptions {
  readonly columns: readonly string[];
  readonly batch: number;
  readonly missing: 'error' | 'keep';
  readonly label?: string | undefined;
  readonly tree?: string | undefined;
  readonly define?: readonly ScoreDefinition[] | undefined;
  readonly cut?: string | undefined;
  readonly cutMissing?: 'error' | 'drop' | 'keep' | undefined;
  /** With define or cut: the file's columns to read (the sources of the derived ones instead of them). */
  readonly read?: readonly string[] | undefined;
}

/**
 * What turns a batch's table into the one scored: the derived columns, then the cut (as the run's data.define and
 * data.cut), their expressions parsed once for every batch of the file; undefined without define or cut.
 */
function batchPreparer(o: BatchOptions): ((table: Table) => Table) | undefined {
  const defines = (o.define ?? []).map((d) => {
    const what = d.what ?? `define ${d.name}`;
    return { name: d.name, expression: parseExpression(d.expression, what), what };
  });
  const cut = o.cut !== undefined ? parseExpression(o.cut, 'the cut') : undefined;
  if (defines.length === 0 && cut === undefined) return undefined;
  return (table) => {
    let t = table;
    if (defines.length > 0) t = applyDefines(t, defines).table;
    if (cut !== undefined) t = subsetTable(t, cutRows(t, cut, { what: 'the cut', missing: o.cutMissing ?? 'error' }).rows);
    return t;
  };
}

/** The rows of one data file in batches of `batch` rows (CSV streamed; Parquet one row group at a time; ROOT whole). */
export async function* fileBatches(path: string, format: DataFormat, o: BatchOptions, rowGroups?: readonly number[], range?: CsvRange): AsyncGenerator<ScoreBatch, void, undefined> {
  const prepare = batchPreparer(o);
  // derived columns and cuts are computed on tables: a CSV file then goes through the table reader (never split in ranges)
  if (format === 'csv' && !prepare) {
    for await (const b of readCsvBatches(path, { columns: o.columns, batchSize: o.batch, missing: o.missing, ...(o.label !== undefined ? { extra: [o.label] } : {}), ...(range ? { range } : {}) }))
      yield { X: b.X, ...(o.label !== undefined ? { labels: b.extra![o.label]! } : {}), noun: 'line', where: (i) => `${path} line ${b.lines[i]}`, line: (i) => b.lines[i]! };
    return;
  }
  const wanted = o.read ? [...o.read] : o.label !== undefined && !o.columns.includes(o.label) ? [...o.columns, o.label] : [...o.columns];
  let any = false;
  for await (const { table: read } of readTableBatches(path, { format, columns: wanted, ...(o.tree !== undefined ? { tree: o.tree } : {}), ...(rowGroups ? { rowGroups } : {}) })) {
    any = true;
    const table = prepare ? prepare(read) : read;
    const cols = numericInputs(table, o.columns, o.missing);
    const labelCol = o.label !== undefined ? columnsByName(table).get(o.label) : undefined;
    const p = cols.length;
    for (let start = 0; start < table.nRows; start += o.batch) {
      const n = Math.min(o.batch, table.nRows - start);
      const data = new Float64Array(n * p);
      for (let j = 0; j < p; j++) {
        const v = cols[j]!;
        for (let i = 0; i < n; i++) data[i * p + j] = v[start + i]!;
      }
      const labels = labelCol ? Array.from({ length: n }, (_, i) => labelCol.text(start + i)) : undefined;
      yield {
        X: { rows: n, cols: p, data },
        ...(labels ? { labels } : {}),
        noun: table.rowNoun === 'entry' ? 'entry' : 'row',
        where: (i) => locate(table, start + i),
        line: (i) => (table.fileRows ? table.fileRows[start + i]! : start + i) + 1,
      };
    }
  }
  if (!any && !rowGroups) throw new DiscernError('DATA_INVALID', `${path}: the file has no rows`, { file: path });
}

/** The columns fed to the model, as numbers: a text column, a missing value (unless the model takes them) or a non-finite one is DATA_INVALID naming the row. */
function numericInputs(table: Table, names: readonly string[], missing: 'error' | 'keep'): Float64Array[] {
  const byName = columnsByName(table);
  return names.map((name) => {
    const c = byName.get(name);
    if (!c) throw new DiscernError('DATA_INVALID', `${table.source} has no column '${name}'`, { file: table.source, column: name });
    if (c.kind !== 'numeric') {
      const first = c.firstText;
      throw new DiscernError(
        'DATA_INVALID',
        `${first ? `${locate(table, first.row)}, ` : `${table.source}, `}column '${name}': ${first ? `${quote(first.value)} is not a number` : 'it holds text'}; the model's inputs are numbers`,
        { file: table.source, column: name, ...(first ? { value: first.value } : {}) },
      );
    }
    if (c.nonFinite > 0 || (c.missing > 0 && missing === 'error')) {
      for (let r = 0; r < table.nRows; r++) {
        const isMissing = c.isMissing(r);
        if (isMissing && missing === 'error')
          throw new DiscernError(
            'DATA_INVALID',
            (n) => `${locate(table, r)}, column '${name}': missing value; a number is required (or read with ${n.option('missing')}: 'keep' to pass NaN to a model that handles missing values)`,
            { file: table.source, column: name, row: r, option: 'missing' },
          );
        if (!isMissing && Number.isNaN(c.numeric![r]!))
          throw new DiscernError('DATA_INVALID', `${locate(table, r)}, column '${name}': non-finite value ${quote(c.text(r) ?? '')}; every feature value must be a finite number`, {
            file: table.source,
            column: name,
            row: r,
          });
      }
    }
    return c.numeric!;
  });
}
