import { type DenseMatrix, zeros } from '@discern/linalg';
import { DiscernError } from '@discern/core';
import { type ModelJSON } from '../estimator.js';

/**
 * Shape-checked readers for fromJSON: a model file edited by hand or written by another version fails with
 * DATA_INVALID naming the field and the expected shape, instead of producing NaN later at predict time.
 */
export class JsonReader {
  constructor(
    readonly json: ModelJSON,
    readonly owner: string,
  ) {}

  static open(json: unknown, kind: string, owner: string): JsonReader {
    if (typeof json !== 'object' || json === null || Array.isArray(json))
      throw new DiscernError('DATA_INVALID', `${owner}.fromJSON: expected a JSON object, got ${json === null ? 'null' : typeof json}`, { estimator: owner });
    const j = json as ModelJSON;
    if (j.kind !== kind) throw new DiscernError('DATA_INVALID', `${owner}.fromJSON: kind is ${JSON.stringify(j.kind)}, expected "${kind}"`, { estimator: owner, kind: j.kind });
    return new JsonReader(j, owner);
  }

  fail(field: string, expected: string, got: unknown): never {
    const shown = JSON.stringify(got);
    throw new DiscernError('DATA_INVALID', `${this.owner}.fromJSON: field "${field}" is ${shown === undefined ? 'missing' : (shown.length > 60 ? `${shown.slice(0, 60)}…` : shown)}; expected ${expected}`, { estimator: this.owner, field });
  }

  raw(field: string): unknown {
    return this.json[field];
  }

  number(field: string, opts: { min?: number; integer?: boolean } = {}): number {
    const v = this.json[field];
    if (typeof v !== 'number' || !Number.isFinite(v) || (opts.integer && !Number.isInteger(v)) || (opts.min !== undefined && v < opts.min))
      this.fail(field, `a finite ${opts.integer ? 'integer' : 'number'}${opts.min !== undefined ? ` ≥ ${opts.min}` : ''}`, v);
    return v;
  }

  /** The priors option, saved as priorsGiven (null when none was given), to spread into a constructor's options. */
  priorsOption(): { priors?: number[] } {
    const given = this.raw('priorsGiven');
    return Array.isArray(given) ? { priors: given as number[] } : {};
  }

  /** nClasses (≥ 2) and nFeatures (≥ 1) of a classifier saved fitted. */
  classifierShape(): { K: number; p: number } {
    return { K: this.number('nClasses', { integer: true, min: 2 }), p: this.number('nFeatures', { integer: true, min: 1 }) };
  }

  optionalNumber(field: string): number | undefined {
    return this.json[field] === undefined || this.json[field] === null ? undefined : this.number(field);
  }

  vector(field: string, length: number, value: unknown = this.json[field]): Float64Array {
    if (!Array.isArray(value) || value.length !== length || !value.every((x) => typeof x === 'number' && Number.isFinite(x)))
      this.fail(field, `an array of ${length} finite numbers`, value);
    return Float64Array.from(value as number[]);
  }

  /** A rows×cols matrix stored as nested arrays (rows). */
  matrix(field: string, rows: number, cols: number, value: unknown = this.json[field]): DenseMatrix {
    if (!Array.isArray(value) || value.length !== rows) this.fail(field, `${rows} rows of ${cols} finite numbers`, value);
    const out = zeros(rows, cols);
    (value as unknown[]).forEach((r, i) => out.data.set(this.vector(`${field}[${i}]`, cols, r), i * cols));
    return out;
  }

  /** A list of `count` entries, each read by `read`. */
  list<T>(field: string, count: number, read: (value: unknown, i: number) => T): T[] {
    const v = this.json[field];
    if (!Array.isArray(v) || v.length !== count) this.fail(field, `an array of ${count} entries`, v);
    return (v as unknown[]).map(read);
  }
}

export function matrixToRows(m: DenseMatrix): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < m.rows; i++) out.push(Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols)));
  return out;
}

/** A p×p row-major Float64Array as nested rows. */
export function squareToRows(a: Float64Array, p: number): number[][] {
  return matrixToRows({ rows: p, cols: p, data: a });
}
