export { minimize } from './lbfgs.js';
export type { MinimizeOptions, MinimizeReason, MinimizeResult, ObjectiveFn } from './lbfgs.js';
export { strongWolfe } from './linesearch.js';
export type { LineSearchOptions, LineSearchResult } from './linesearch.js';
