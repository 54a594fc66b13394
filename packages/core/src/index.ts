// @discern/core: what every discern package shares and nothing else — the coded error type, the worker-thread
// pool of the threaded fits, cancellation of long loops, atomic file writes and file-system errors, special functions
// and binomial intervals (needed by metrics, decision and models alike).
export { DEFAULT_NAMING, DiscernError, ERROR_CODES, assertArg, interruptedError, isDiscernError, quote } from './errors.js';
export type { ErrorCode, ErrorContext, MessageTemplate, Naming } from './errors.js';
export { SLEEP_AFTER, SyncWorkerPool, defaultThreads, serveTasks, sharedCopy } from './parallel.js';
export { betaInc, betaIncInv, kolmogorovSf, logBeta, logGamma } from './special.js';
export { erf, erfc, normCdf, normIsf, normPdf, normPpf, normSf } from './normal.js';
export { binomialInterval, checkLevel, clopperPearson, wilson } from './binomial.js';
export type { Interval, IntervalMethod, IntervalOptions } from './binomial.js';
export { CancelFlag, throwIfCancelled } from './cancel.js';
export type { CancelSignal } from './cancel.js';
export {
  assertNotInput,
  InputFile,
  ioError,
  isInside,
  realPathOf,
  removeTemporaries,
  sameFile,
  temporaryPathFor,
  trackTemporary,
  untrackTemporary,
  writeFileAtomic,
  writeFileAtomicAsync,
} from './files.js';
export type { NamedPath, WrittenFile } from './files.js';
export { closestName, editDistance } from './names.js';
export { discernVersion } from './version.js';
