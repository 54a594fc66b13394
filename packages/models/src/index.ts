export { argmaxRows } from './estimator.js';
export type { Classifier, DensityModel, FitOptions, FitReport, ModelJSON, Progress } from './estimator.js';
export { checkPredictX, checkWeights, checkX, checkXy, notFitted } from './validate.js';
