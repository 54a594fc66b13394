import { cholesky, logSumExp } from '@discern/linalg';
import { DiscernError, isDiscernError, quote } from '@discern/core';

/**
 * Reading a saved model: every check that a model file is what discern wrote, in one place, so that a file edited by
 * hand or written by another version fails when it is loaded — with MODEL_INVALID naming the file and the field
 * (`estimator.means[2][1]`), what it holds and what would be accepted — and never later, as NaN or a confusing error
 * at predict time. Each estimator's `fromJSON` reads its own fields through a ModelReader (its schema, written as
 * code), `loadEstimator` dispatches on the kind, and `parseSavedModel` checks the file around the estimator.
 *
 * Arrays are checked for shape and content before anything is allocated from the sizes a file declares, so a file
 * that claims 10⁹ features fails on its shapes instead of allocating.
 */

/** Where a model being read comes from: its file, and the path of the estimator in it (default 'estimator'). */
export interface ModelSource {
  readonly file?: string;
  readonly path?: string;
}

/** A value shown in a message: JSON, shortened; arrays and objects by their size. */
function shown(v: unknown): string {
  if (v === undefined) return 'missing';
  if (Array.isArray(v)) return `an array of ${v.length} value${v.length === 1 ? '' : 's'}`;
  if (v !== null && typeof v === 'object') return 'an object';
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  const s = JSON.stringify(v);
  return typeof v === 'string' ? quote(v, 60) : s.length > 60 ? `${s.slice(0, 60)}…` : s;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The error of a saved model that is not what discern wrote. */
export function modelInvalid(source: ModelSource, field: string, message: string, extra: Record<string, unknown> = {}): DiscernError {
  return new DiscernError('MODEL_INVALID', `${source.file ? `${source.file}: ` : ''}${field} ${message}`, { ...(source.file ? { file: source.file } : {}), field, ...extra });
}

/** A value of a saved model at a path, with checks that fail naming that path. */
export class ModelReader {
  private constructor(
    readonly value: unknown,
    readonly path: string,
    readonly source: ModelSource,
  ) {}

  /** A reader of the estimator JSON `json` (path: source.path, default 'estimator'). */
  static of(json: unknown, source: ModelSource = {}): ModelReader {
    return new ModelReader(json, source.path ?? 'estimator', source);
  }

  /** MODEL_INVALID at this path (or at `path.sub`): "<file>: estimator.means[2][1] is "x"; expected a finite number". */
  fail(expected: string, got: unknown = this.value, sub?: string): never {
    const field = sub === undefined ? this.path : `${this.path}${sub}`;
    throw modelInvalid(this.source, field, `is ${shown(got)}; expected ${expected}`, typeof got === 'number' || typeof got === 'string' || typeof got === 'boolean' ? { value: got } : {});
  }

  /** MODEL_INVALID at this path with a message of its own ("…: estimator.covariance is not positive definite"). */
  invalid(message: string, extra: Record<string, unknown> = {}): never {
    throw modelInvalid(this.source, this.path, message, extra);
  }

  /** The object this reader holds (MODEL_INVALID when it is not one). */
  object(): Record<string, unknown> {
    if (!isRecord(this.value)) this.fail('an object');
    return this.value;
  }

  /** The reader of field `name` of this object. */
  get(name: string): ModelReader {
    return new ModelReader(this.object()[name], `${this.path}.${name}`, this.source);
  }

  has(name: string): boolean {
    const v = this.object()[name];
    return v !== undefined && v !== null;
  }

  /** Checks `kind` is `kind` (a model of another family is refused naming both). */
  kind(kind: string): this {
    const k = this.get('kind').value;
    if (k !== kind) this.get('kind').fail(`"${kind}"`);
    return this;
  }

  /**
   * Checks the estimator's own format version: 1, the only one so far; any other is refused. A missing version reads
   * as 1 (the Bayes classifiers and the Gaussian density never wrote one, and a model built by hand from
   * scikit-learn's fitted attributes need not).
   */
  version(): this {
    const v = this.get('version');
    if (v.value !== undefined && v.value !== 1) v.invalid(`is ${shown(v.value)}; this discern reads version 1 of this model's format`, { value: v.value as never });
    return this;
  }

  /** The element readers of an array (of `length` elements when given). */
  items(length?: number): ModelReader[] {
    const v = this.value;
    if (!Array.isArray(v) || (length !== undefined && v.length !== length)) this.fail(length === undefined ? 'an array' : `an array of ${length} value${length === 1 ? '' : 's'}`);
    return v.map((e, i) => new ModelReader(e, `${this.path}[${i}]`, this.source));
  }

  boolean(): boolean {
    if (typeof this.value !== 'boolean') this.fail('true or false');
    return this.value;
  }

  string(oneOf?: readonly string[]): string {
    const v = this.value;
    if (typeof v !== 'string' || (oneOf && !oneOf.includes(v))) this.fail(oneOf ? `one of ${oneOf.map((o) => JSON.stringify(o)).join(', ')}` : 'a string');
    return v;
  }

  /** An integer in [min, max]. */
  int(min: number, max = Number.MAX_SAFE_INTEGER): number {
    const v = this.value;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) this.fail(`an integer ${max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `in ${min}..${max}`}`);
    return v;
  }

  /** A finite number, optionally ≥ min (or > min when `above`) and ≤ max. */
  number(opts: { min?: number; above?: number; max?: number } = {}): number {
    const v = this.value;
    if (typeof v !== 'number' || !Number.isFinite(v) || (opts.min !== undefined && v < opts.min) || (opts.above !== undefined && !(v > opts.above)) || (opts.max !== undefined && v > opts.max))
      this.fail(numberWords(opts));
    return v;
  }

  /**
   * A nested array of finite numbers of the given shape (`[K, p]`: K rows of p), flattened row-major; `ok` may refuse
   * a value (returning what would be accepted). The shape is walked before the array is allocated.
   */
  numbers(shape: readonly number[], ok?: (v: number) => string | undefined): Float64Array {
    const walk = (v: unknown, depth: number, path: string): void => {
      if (depth === shape.length) {
        if (typeof v !== 'number' || !Number.isFinite(v)) throw modelInvalid(this.source, path, `is ${shown(v)}; expected a finite number`, typeof v === 'number' ? { value: v } : {});
        const why = ok?.(v);
        if (why !== undefined) throw modelInvalid(this.source, path, `is ${v}; expected ${why}`, { value: v });
        return;
      }
      const n = shape[depth]!;
      if (!Array.isArray(v) || v.length !== n) {
        const rest = shape.slice(depth);
        throw modelInvalid(this.source, path, `is ${shown(v)}; expected ${rest.length === 1 ? `an array of ${n} number${n === 1 ? '' : 's'}` : `a ${rest.join(' × ')} nested array of numbers`}`);
      }
      for (let i = 0; i < n; i++) walk(v[i], depth + 1, `${path}[${i}]`);
    };
    walk(this.value, 0, this.path);
    const out = new Float64Array(shape.reduce((a, b) => a * b, 1));
    let pos = 0;
    const fill = (v: unknown, depth: number): void => {
      if (depth === shape.length) out[pos++] = v as number;
      else for (const e of v as unknown[]) fill(e, depth + 1);
    };
    fill(this.value, 0);
    return out;
  }

  /** K probabilities ≥ 0 summing to 1 (to 1e-8), e.g. mixing weights or priors; `positive` refuses zeros. */
  distribution(K: number, positive = false): Float64Array {
    const p = this.numbers([K], (v) => (positive ? (v > 0 ? undefined : 'a positive probability') : v >= 0 ? undefined : 'a probability ≥ 0'));
    checkSum(this, p, 0, K);
    return p;
  }

  /** rows × cols probabilities, each row ≥ 0 and summing to 1 (to 1e-8). */
  distributions(rows: number, cols: number): Float64Array {
    const p = this.numbers([rows, cols], (v) => (v >= 0 ? undefined : 'a probability ≥ 0'));
    for (let r = 0; r < rows; r++) checkSum(this.at(r), p, r * cols, cols);
    return p;
  }

  /** rows × cols log-probabilities (≤ 0), each row's probabilities summing to 1 (to 1e-8). */
  logDistributions(rows: number, cols: number): Float64Array {
    const lp = this.numbers([rows, cols], (v) => (v <= 0 ? undefined : 'a log-probability ≤ 0'));
    for (let r = 0; r < rows; r++) {
      const s = Math.exp(logSumExp(lp, r * cols, cols));
      if (!(Math.abs(s - 1) <= 1e-8)) this.at(r).invalid(`holds log-probabilities whose probabilities sum to ${s}; they must sum to 1`);
    }
    return lp;
  }

  /** A symmetric positive-definite p×p matrix (symmetric to 1e-10 relative; Cholesky without jitter succeeds). */
  covariance(p: number): Float64Array {
    const a = this.numbers([p, p]);
    for (let i = 0; i < p; i++)
      for (let j = 0; j < i; j++) {
        const x = a[i * p + j]!, y = a[j * p + i]!;
        if (!(Math.abs(x - y) <= 1e-10 * Math.sqrt(Math.abs(a[i * p + i]! * a[j * p + j]!)) + 1e-300))
          this.invalid(`is not symmetric: [${i}][${j}] is ${x} but [${j}][${i}] is ${y}`);
      }
    try {
      cholesky(a, p);
    } catch (e) {
      if (isDiscernError(e) && e.code === 'SINGULAR_COVARIANCE') this.invalid('is not positive definite: a covariance matrix must be (its Cholesky factorisation fails)');
      throw e;
    }
    return a;
  }

  /** The reader of element i of this array (not checked: `items` or `numbers` check arrays). */
  at(i: number): ModelReader {
    return new ModelReader(Array.isArray(this.value) ? this.value[i] : undefined, `${this.path}[${i}]`, this.source);
  }

  /**
   * Builds an estimator from options saved in this object, with the constructor's own checks: an option it refuses
   * (INVALID_ARGUMENT naming the option) is MODEL_INVALID at `<this path>.<option>`.
   */
  construct<T>(build: () => T): T {
    try {
      return build();
    } catch (e) {
      if (isDiscernError(e) && e.code === 'INVALID_ARGUMENT') {
        const option = typeof e.context.option === 'string' ? e.context.option : undefined;
        throw modelInvalid(this.source, option ? `${this.path}.${option}` : this.path, `is not a valid option: ${e.message}`, { ...(option ? { option } : {}) });
      }
      throw e;
    }
  }
}

function numberWords(opts: { min?: number; above?: number; max?: number }): string {
  const lo = opts.above !== undefined ? `> ${opts.above}` : opts.min !== undefined ? `≥ ${opts.min}` : undefined;
  const hi = opts.max !== undefined ? `≤ ${opts.max}` : undefined;
  return `a finite number${lo ? ` ${lo}` : ''}${hi ? `${lo ? ' and' : ''} ${hi}` : ''}`;
}

function checkSum(r: ModelReader, p: Float64Array, off: number, n: number): void {
  let s = 0;
  for (let k = 0; k < n; k++) s += p[off + k]!;
  if (!(Math.abs(s - 1) <= 1e-8)) r.invalid(`sums to ${s}; probabilities must sum to 1`);
}
