export { HistGradientBoostingClassifier } from './bdt.js';
export type { HistGradientBoostingJSON } from './bdt.js';
export { AdaBoostClassifier } from './adaboost.js';
export type { AdaBoostJSON } from './adaboost.js';
export { TreeEnsembleClassifier } from './classifier.js';
