export { argmaxRows } from './estimator.js';
export type { Classifier, ClusterModel, DensityModel, Estimator, FitOptions, FitReport, ModelJSON, Progress } from './estimator.js';
export { checkPredictX, checkWeights, checkX, checkXy, notFitted } from './validate.js';
export * from './logistic/index.js';
export * from './mlp/index.js';
export * from './mixture/index.js';
export * from './bayes/index.js';
export * from './optim/index.js';
