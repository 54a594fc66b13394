/**
 * The one error type of discern. Every failure a user can cause (bad config, bad data, a fit that cannot
 * proceed) is a DiscernError with a stable `code`, a message that says what went wrong, where, and what
 * would be accepted, and structured `context` (file, line, row, column, path, value...) for machines.
 * The command prints `error CODE: message` and no stack unless --verbose.
 */
export const ERROR_CODES = [
  'CONFIG_PARSE', // YAML syntax
  'CONFIG_INVALID', // schema: unknown key, wrong type, bad value; a step sequence that cannot run
  'FILE_NOT_FOUND',
  'IO_ERROR', // a file or folder that cannot be read or written (a folder where a file is expected, permissions, a name too long)
  'DATA_INVALID', // non-numeric cell, NaN, empty file, ragged rows, missing column, a line too long
  'LABEL_INVALID', // label column absent, positive class absent, one class only
  'INVALID_ARGUMENT', // a bad option value of a command or an API (shape mismatch, bad option)
  'USAGE', // the command line itself: unknown command or option, missing or extra argument
  'MODEL_NOT_FITTED',
  'MODEL_INVALID', // a saved model file that is not what discern wrote: wrong version, shapes, names, numbers
  'TOO_FEW_SAMPLES',
  'SINGULAR_COVARIANCE',
  'FIT_DIVERGED', // NaN/inf loss or log-likelihood
  'RESOURCE_LIMIT', // a model or input larger than the limits allow (refused before allocating)
  'STEP_FAILED',
  'PLUGIN_INVALID', // a local plugin module that cannot be loaded or does not export valid steps
  'PLUGIN_FAILED', // a local plugin step that threw, or returned a result its own result schema (or JSON) refuses
  'ONNX_INVALID',
  'ONNX_SHAPE_MISMATCH',
  'ONNX_PARITY',
  'DEVICE_UNAVAILABLE',
  'OUTPUT_EXISTS',
  'OUTPUT_IS_INPUT', // an output would overwrite or delete a file the command reads
  'LOCK_DRIFT',
  'INTERRUPTED',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/**
 * Where an error happened, in one shape for every package: what a machine reading `context` can rely on. Libraries
 * fill what they know (a row index, a feature index, an option name); the pipeline adds the file, line, column name
 * and config path when it passes the error on.
 */
export interface ErrorContext {
  /** A file the error is about (data, config, model). */
  readonly file?: string;
  /** 1-based line in `file`. */
  readonly line?: number;
  /** A column of a data file, by name (an index where a matrix has no names). */
  readonly column?: string | number;
  /** The config key as written in YAML: `steps[3].fit.reg_param`. */
  readonly configPath?: string;
  /** 0-based row of the matrix a library function was given. */
  readonly row?: number;
  /** 0-based feature (column) index of that matrix. */
  readonly feature?: number;
  /** An option of a library function, by its API name (`regParam`). */
  readonly option?: string;
  /** The offending value, when it is small. */
  readonly value?: unknown;
  readonly [key: string]: unknown;
}

/**
 * How a message names rows, features, classes and options. A library speaks of what it was given ("row 26",
 * "feature 2", "class 0", "regParam"); the pipeline, which knows where the rows came from, renames them to what the
 * user wrote ("iris.csv line 40", "column petal_length", 'class "setosa"', "steps[1].fit.reg_param").
 */
export interface Naming {
  row(i: number): string;
  feature(j: number): string;
  /** A class by its index (0..K−1, the order of the labels). */
  class(k: number): string;
  option(name: string): string;
  /** The event weights, said as `phrase` ("the event weights of the training rows") plus where they come from. */
  weights(phrase: string): string;
}

export const DEFAULT_NAMING: Naming = {
  row: (i) => `row ${i}`,
  feature: (j) => `feature ${j}`,
  class: (k) => `class ${k}`,
  option: (name) => name,
  weights: (phrase) => phrase,
};

/** A message written against a Naming, so that it can be said again in the user's terms. */
export type MessageTemplate = (n: Naming) => string;

export class DiscernError extends Error {
  readonly code: ErrorCode;
  readonly context: ErrorContext;
  private readonly template: MessageTemplate | undefined;
  /** The names the message is said in so far (renamed), each later renaming adding to them. */
  private naming: Partial<Naming> = {};

  constructor(code: ErrorCode, message: string | MessageTemplate, context: ErrorContext = {}, options?: { cause?: unknown }) {
    super(typeof message === 'string' ? message : message(DEFAULT_NAMING), options);
    this.name = 'DiscernError';
    this.code = code;
    this.context = context;
    this.template = typeof message === 'string' ? undefined : message;
  }

  /** `CODE: message`, the form the command prints. */
  format(): string {
    return `${this.code}: ${this.message}`;
  }

  /** Whether the message names rows, features or options that `renamed` can say in other terms. */
  get renamable(): boolean {
    return this.template !== undefined;
  }

  /**
   * The same error with its rows, features and options named by `naming`, and `extra` added to the context. What
   * `naming` leaves out keeps the names of an earlier renaming, else the defaults: a step may name the rows (file
   * lines) and the pipeline then the options (config paths), in either order. An error written as a plain string
   * keeps its message.
   */
  renamed(naming: Partial<Naming>, extra: ErrorContext = {}): DiscernError {
    const e = new DiscernError(this.code, this.template ?? this.message, { ...this.context, ...extra }, { cause: this.cause });
    e.naming = { ...this.naming, ...naming };
    if (this.template) e.message = this.template({ ...DEFAULT_NAMING, ...e.naming });
    e.stack = this.stack;
    return e;
  }

  /** The same error with `prefix` before its message (a step, a file) and `extra` in its context. */
  prefixed(prefix: string, extra: ErrorContext = {}): DiscernError {
    const template = this.template;
    const e = new DiscernError(this.code, template ? (n) => `${prefix}${template(n)}` : `${prefix}${this.message}`, { ...this.context, ...extra }, { cause: this });
    // the message as this one says it (renamed already, perhaps), not the template's default naming
    e.message = `${prefix}${this.message}`;
    e.naming = this.naming;
    e.stack = this.stack;
    return e;
  }

  /** Plain data that survives postMessage and JSON (a thread or process boundary); `fromJSON` rebuilds it. */
  toJSON(): { name: 'DiscernError'; code: ErrorCode; message: string; context: ErrorContext; stack?: string } {
    return { name: 'DiscernError', code: this.code, message: this.message, context: cloneable(this.context), ...(this.stack ? { stack: this.stack } : {}) };
  }

  static fromJSON(j: { code: ErrorCode; message: string; context?: ErrorContext; stack?: string }): DiscernError {
    const e = new DiscernError(j.code, j.message, j.context ?? {});
    if (j.stack) e.stack = j.stack;
    return e;
  }
}

/** A context reduced to what structured clone and JSON carry (functions and symbols dropped, big values shortened). */
function cloneable(ctx: ErrorContext): ErrorContext {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(ctx)) {
    if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = typeof v === 'string' && v.length > 200 ? `${v.slice(0, 200)}…` : v;
    else if (Array.isArray(v) && v.length <= 64 && v.every((x) => x === null || ['string', 'number', 'boolean'].includes(typeof x))) out[k] = v;
  }
  return out;
}

export function isDiscernError(e: unknown): e is DiscernError {
  return e instanceof DiscernError || (e instanceof Error && e.name === 'DiscernError' && typeof (e as { code?: unknown }).code === 'string');
}

/** Throws INVALID_ARGUMENT unless `cond` holds; for API misuse, not for user data (which gets DATA_INVALID). */
export function assertArg(cond: boolean, message: string, context: ErrorContext = {}): asserts cond {
  if (!cond) throw new DiscernError('INVALID_ARGUMENT', message, context);
}

/**
 * A value quoted for a message: JSON-quoted, and cut in the middle to at most `max` characters (a 20 MB cell is
 * named by its first and last characters and its length, never printed whole).
 */
export function quote(value: string, max = 80): string {
  if (value.length <= max) return JSON.stringify(value);
  const keep = Math.max(8, Math.floor((max - 20) / 2));
  return `${JSON.stringify(value.slice(0, keep))}…${JSON.stringify(value.slice(-keep))} (${value.length.toLocaleString('en-US')} characters)`;
}

/** The error a long loop throws when it is cancelled: `INTERRUPTED`, naming what was stopped. */
export function interruptedError(what: string, reason?: unknown): DiscernError {
  const why = typeof reason === 'string' && reason !== '' ? reason : 'cancelled';
  return new DiscernError('INTERRUPTED', `${why}: stopped ${what}`, { reason: why, what });
}
