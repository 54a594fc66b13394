/**
 * The output side of scoreFile: the columns written for each model output (CSV cells, Parquet columns and their
 * encoding), which output the metrics read as class probabilities, and the map from label values to classes.
 */
import { type ParquetColumnValues } from '@discern/data';
import { DiscernError, quote } from '@discern/core';
import { META } from './metadata.js';
import { formatFloat32Cached } from './float32-text.js';
import { type ModelSession, type OutputValue } from './session.js';
import { type ScoreOptions, list, optionError } from './score-options.js';
import { shapeMismatch } from './score-inputs.js';

export interface OutputColumns {
  readonly name: string;
  readonly width: number;
  readonly headers: string[];
  /** Cell k of row i. */
  readonly cell: (v: OutputValue, at: number) => string | number;
}

export function outputColumns(name: string, v: OutputValue, rows: number, classes: readonly string[] | undefined): OutputColumns {
  const width = rows > 0 ? v.data.length / rows : v.dims.slice(1).reduce((a, d) => a * d, 1);
  if (!Number.isInteger(width) || v.dims[0] !== rows)
    throw shapeMismatch(`output '${name}' has dims [${v.dims.join(', ')}] for a batch of ${rows} rows; discern writes outputs with one leading row dimension`, { output: name, dims: v.dims });
  const suffix = (k: number) => (classes && classes.length === width ? classes[k]! : String(k));
  const headers = v.dims.length === 1 || (width === 1 && v.dims.length === 2) ? [name] : Array.from({ length: width }, (_, k) => `${name}_${suffix(k)}`);
  // float32 as the shortest decimal of the float32 (what the model computed, no more digits); float64 and integers
  // as numbers (String(x): exact); strings as text
  const cell: OutputColumns['cell'] =
    v.text !== undefined
      ? (o, at) => o.text![at]!
      : v.type === 'float32'
        ? (o, at) => formatFloat32Cached(o.data[at]!)
        : v.type === 'float64'
          ? (o, at) => o.data[at]!
          : (o, at) => Math.round(o.data[at]!);
  return { name, width, headers, cell };
}

const PROBA_NAMES = ['probabilities', 'output_probability', 'probability', 'proba'];
const SCORE_NAMES = ['score', 'probability', 'output', 'scores'];

/** The output the metrics read, and how: [N,K] posteriors, or an [N]/[N,1] P(class 1). See score.ts's module comment. */
export function probaOutputOf(ms: ModelSession, got: Record<string, OutputValue>, rows: number): { name: string; binary: boolean } | undefined {
  const isFloat = (n: string) => got[n]!.type.startsWith('float');
  const declared = ms.metadata[META.probaOutput];
  if (declared && got[declared] && isFloat(declared)) return { name: declared, binary: got[declared].data.length === rows };
  for (const n of PROBA_NAMES) if (got[n] && got[n].data.length >= 2 * rows && isFloat(n)) return { name: n, binary: false };
  const floats = Object.keys(got).filter((n) => isFloat(n) && got[n]!.data.length === rows);
  const cand = SCORE_NAMES.find((n) => floats.includes(n)) ?? (floats.length === 1 ? floats[0] : undefined);
  if (cand && got[cand]!.data.every((v) => v >= 0 && v <= 1)) return { name: cand, binary: true };
  return undefined;
}

/**
 * Label text → class index, by the rules of score.ts's module comment. Built once K is known (after the first batch);
 * with `positive` and no class names it learns the other class's value from the file.
 */
export class LabelMap {
  private readonly names: readonly string[] | undefined;
  /** Index fallback ('0'..'K−1') for a discern model's metadata names only, as before names existed. */
  private readonly indexFallback: boolean;
  private other: string | undefined;
  readonly positiveIndex: number;

  constructor(
    private readonly o: ScoreOptions & { data: string },
    private readonly K: number,
    modelClasses: readonly string[] | undefined,
    modelPositive: string | undefined,
    source: string,
    probaOutput: string,
  ) {
    if (o.classes) {
      if (o.classes.length !== K)
        throw optionError('INVALID_ARGUMENT', 'classes', (n) => `${n.option('classes')} names ${o.classes!.length} classes (${list(o.classes!)}), but output '${probaOutput}' of ${source} has ${K}`, {
          value: [...o.classes],
          expected: K,
        });
      if (modelClasses && (modelClasses.length !== K || modelClasses.some((c, k) => c !== o.classes![k])))
        throw optionError('INVALID_ARGUMENT', 'classes', (n) => `${n.option('classes')} (${list(o.classes!)}) differ from the classes ${source} names itself (${list(modelClasses)}); leave ${n.option('classes')} out`, {
          value: [...o.classes],
          model: [...modelClasses],
        });
    }
    this.names = o.classes ?? (modelClasses && modelClasses.length === K ? modelClasses : undefined);
    this.indexFallback = o.classes === undefined;
    const positive = o.positive ?? (this.names ? modelPositive : undefined);
    if (o.positive !== undefined && !this.names && K !== 2)
      throw optionError(
        'INVALID_ARGUMENT',
        'positive',
        (n) => `${n.option('positive')} alone maps the labels of a two-class model, but ${source} has ${K} classes (output '${probaOutput}'); give ${n.option('classes')}: the label of each output column, in order`,
        { classes: K },
      );
    if (this.names) {
      const k = positive === undefined ? -1 : this.names.indexOf(positive);
      if (o.positive !== undefined && k < 0)
        throw optionError('LABEL_INVALID', 'positive', (n) => `${n.option('positive')} ${quote(o.positive!)} is not one of the model's classes ${list(this.names!)}`, { value: o.positive });
      this.positiveIndex = k >= 0 ? k : 1;
    } else this.positiveIndex = 1;
  }

  /** The class of a label; `at` says where the row is (`scores.csv line 3`), `line` its line or row for the context. */
  index(text: string | null, at: () => string, line: number, file: string): number {
    const o = this.o;
    if (this.names) {
      const k = text === null ? -1 : this.names.indexOf(text);
      if (k >= 0) return k;
    }
    const where = `${at()}, column '${o.label}'`;
    const context = { file, line, column: o.label, value: text };
    if (this.names) {
      const v = text === null ? NaN : Number(text);
      if (this.indexFallback && Number.isInteger(v) && v >= 0 && v < this.K) return v;
      throw new DiscernError(
        'DATA_INVALID',
        (n) =>
          `${where}: label ${text === null ? 'missing' : quote(text)} is not one of the model's classes ${list(this.names!)}${this.indexFallback ? ` (or an index 0..${this.K - 1})` : ` (given as ${n.option('classes')})`}`,
        { ...context, option: o.classes ? 'classes' : 'label' },
      );
    }
    if (o.positive !== undefined) {
      if (text === o.positive) return 1;
      if (text !== null && (this.other === undefined || this.other === text)) {
        this.other = text;
        return 0;
      }
      throw new DiscernError(
        'DATA_INVALID',
        (n) =>
          text === null
            ? `${where}: the label is missing`
            : `${where}: label ${quote(text)} is a third class beside ${quote(o.positive!)} (${n.option('positive')}) and ${quote(this.other!)}, but the model has two; give ${n.option('classes')} for a model of more classes`,
        { ...context, option: 'positive' },
      );
    }
    const v = text === null ? NaN : Number(text);
    if (text !== null && text.trim() !== '' && Number.isInteger(v) && v >= 0 && v < this.K) return v;
    throw new DiscernError(
      'DATA_INVALID',
      (n) =>
        `${where}: label ${text === null ? 'missing' : quote(text)} is not a class index 0..${this.K - 1}, and the model names no classes: give ${n.option('positive')} (the signal's label, for two classes) or ${n.option('classes')} (the label of each output column, in order)`,
      { ...context, option: 'label' },
    );
  }

  /** Class names for the metrics. */
  classNames(): string[] {
    if (this.names) return [...this.names];
    if (this.o.positive !== undefined) return [this.other ?? `not ${this.o.positive}`, this.o.positive];
    return Array.from({ length: this.K }, (_, k) => String(k));
  }
}

/** One batch of outputs as Parquet columns: float32 as FLOAT, float64 as DOUBLE, integers as INT32, strings as text. */
export function parquetColumns(layout: readonly OutputColumns[], got: Record<string, OutputValue>, n: number): Record<string, ParquetColumnValues> {
  const out: Record<string, ParquetColumnValues> = {};
  for (const l of layout) {
    const v = got[l.name]!;
    for (let k = 0; k < l.width; k++) {
      const header = l.headers[k]!;
      if (v.text !== undefined) out[header] = Array.from({ length: n }, (_, i) => v.text![i * l.width + k]!);
      else if (v.type === 'float32') {
        // the model's float32 values as FLOAT: what it computed, no more digits (as the CSV's shortest float32 decimals)
        const a = new Float32Array(n);
        for (let i = 0; i < n; i++) a[i] = v.data[i * l.width + k]!;
        out[header] = a;
      } else if (v.type.startsWith('float')) {
        const a = new Float64Array(n);
        for (let i = 0; i < n; i++) a[i] = v.data[i * l.width + k]!;
        out[header] = a;
      } else {
        const a = new Int32Array(n);
        for (let i = 0; i < n; i++) {
          const x = Math.round(v.data[i * l.width + k]!);
          if (x !== (x | 0)) throw shapeMismatch(`output '${l.name}' holds the integer ${x}, beyond what a Parquet INT32 column holds; write the scores as CSV`, { output: l.name });
          a[i] = x;
        }
        out[header] = a;
      }
    }
  }
  return out;
}

/** How score files are encoded as Parquet: snappy, no page statistics (a score file is written to be read whole). */
export const SCORE_ENCODING = { codec: 'SNAPPY', statistics: false } as const;
