export { MLPClassifier } from './mlp.js';
export type { DenseLayer } from './mlp.js';
export type { LayerInit, MLPOptions, ResolvedOptions as MLPResolvedOptions, Solver as MLPSolver } from './options.js';
export type { Activation as MLPActivation, OutputActivation as MLPOutputActivation } from './activations.js';
export type { Loss as MLPLoss } from './losses.js';
export type { LearningRateSchedule } from './schedules.js';
export type { StopReason as MLPStopReason } from './train.js';
