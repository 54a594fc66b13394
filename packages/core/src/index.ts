// @discern/core: what every discern package shares and nothing else — the coded error type, the worker-thread
// pool of the threaded fits, special functions and binomial intervals (needed by metrics, decision and models alike).
export { DiscernError, ERROR_CODES, assertArg, isDiscernError } from './errors.js';
export type { ErrorCode, ErrorContext } from './errors.js';
export { SyncWorkerPool, defaultThreads, serveTasks, sharedCopy } from './parallel.js';
export { betaInc, betaIncInv, kolmogorovSf, logBeta, logGamma } from './special.js';
export { erf, erfc, normCdf, normIsf, normPdf, normPpf, normSf } from './normal.js';
export { binomialInterval, checkLevel, clopperPearson, wilson } from './binomial.js';
export type { Interval, IntervalMethod, IntervalOptions } from './binomial.js';
