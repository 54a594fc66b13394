/**
 * The one error type of discern. Every failure a user can cause (bad config, bad data, a fit that cannot
 * proceed) is a DiscernError with a stable `code`, a message that says what went wrong, where, and what
 * would be accepted, and structured `context` (file, line, row, column, path, value...) for machines.
 * The command prints `code: message` and no stack unless --verbose.
 */
export const ERROR_CODES = [
  'CONFIG_PARSE', // YAML syntax
  'CONFIG_INVALID', // schema: unknown key, wrong type, bad value
  'FILE_NOT_FOUND',
  'IO_ERROR',
  'DATA_INVALID', // non-numeric cell, NaN, empty file, ragged rows, missing column
  'LABEL_INVALID', // label column absent, positive class absent, one class only
  'INVALID_ARGUMENT', // a programming-level misuse of an API (shape mismatch, bad option)
  'MODEL_NOT_FITTED',
  'TOO_FEW_SAMPLES',
  'SINGULAR_COVARIANCE',
  'FIT_DIVERGED', // NaN/inf loss or log-likelihood
  'STEP_FAILED',
  'PLUGIN_INVALID',
  'ONNX_INVALID',
  'ONNX_SHAPE_MISMATCH',
  'ONNX_PARITY',
  'DEVICE_UNAVAILABLE',
  'OUTPUT_EXISTS',
  'LOCK_DRIFT',
  'INTERRUPTED',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export type ErrorContext = Record<string, unknown>;

export class DiscernError extends Error {
  readonly code: ErrorCode;
  readonly context: ErrorContext;

  constructor(code: ErrorCode, message: string, context: ErrorContext = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DiscernError';
    this.code = code;
    this.context = context;
  }

  /** `CODE: message`, the form the command prints. */
  format(): string {
    return `${this.code}: ${this.message}`;
  }
}

export function isDiscernError(e: unknown): e is DiscernError {
  return e instanceof DiscernError || (e instanceof Error && e.name === 'DiscernError' && typeof (e as { code?: unknown }).code === 'string');
}

/** Throws INVALID_ARGUMENT unless `cond` holds; for API misuse, not for user data (which gets DATA_INVALID). */
export function assertArg(cond: boolean, message: string, context: ErrorContext = {}): asserts cond {
  if (!cond) throw new DiscernError('INVALID_ARGUMENT', message, context);
}
