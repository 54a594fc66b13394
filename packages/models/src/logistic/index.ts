export { LogisticRegression } from './logistic.js';
export type { LogisticRegressionJSON } from './logistic.js';
export { resolveOptions as resolveLogisticOptions } from './options.js';
export type { LogisticRegressionOptions, LogisticSolver, ResolvedLogisticOptions } from './options.js';
export { linearScores, logisticObjective } from './loss.js';
export type { LogisticLoss, LogisticProblem } from './loss.js';
