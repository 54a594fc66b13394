/**
 * @discern/models: the estimators (logistic regression, dense networks, mixtures fitted by EM, k-means, Bayes
 * classifiers), their common contract, the saved-model format and the memory limit of a fit. Everything else in
 * src/ is internal (input checks, the L-BFGS driver, loss kernels, worker entries).
 */
// the contract every estimator keeps
export { argmaxRows } from './estimator.js';
export type { Classifier, ClusterModel, DensityModel, Estimator, FitOptions, FitReport, ModelJSON, Progress, ValidationSet } from './estimator.js';

// logistic regression
export { LogisticRegression } from './logistic/logistic.js';
export type { LogisticRegressionJSON } from './logistic/logistic.js';
export type { LogisticRegressionOptions, LogisticSolver, ResolvedLogisticOptions } from './logistic/options.js';
export type { LogisticLoss } from './logistic/loss.js';

// dense networks
export { MLPClassifier } from './mlp/mlp.js';
export type { DenseLayer } from './mlp/mlp.js';
export type { LayerInit, MLPOptions, ResolvedOptions as MLPResolvedOptions, Solver as MLPSolver } from './mlp/options.js';
export type { Activation as MLPActivation, OutputActivation as MLPOutputActivation } from './mlp/activations.js';
export type { Loss as MLPLoss } from './mlp/losses.js';
export type { LearningRateSchedule } from './mlp/schedules.js';
export type { StopReason as MLPStopReason } from './mlp/train.js';

// mixtures and clustering
export { GaussianMixture } from './mixture/gmm.js';
export type { GaussianMixtureOptions, GaussianMixtureSample, RegularisedCovariance } from './mixture/gmm.js';
export type { CovarianceType } from './mixture/gmm-params.js';
export { KMeans } from './mixture/kmeans.js';
export type { KMeansOptions } from './mixture/kmeans.js';
export { MultinomialMixture } from './mixture/multinomial.js';
export type { MultinomialInit, MultinomialMixtureOptions } from './mixture/multinomial.js';
export { LatentClassModel } from './mixture/latent-class.js';
export type { LatentClassInit, LatentClassModelOptions } from './mixture/latent-class.js';

// Bayes classifiers and class densities
export { GaussianNB } from './bayes/gaussian-nb.js';
export type { GaussianNBOptions } from './bayes/gaussian-nb.js';
export { MultinomialNB } from './bayes/multinomial-nb.js';
export type { MultinomialNBOptions } from './bayes/multinomial-nb.js';
export { CategoricalNB } from './bayes/categorical-nb.js';
export type { CategoricalNBOptions } from './bayes/categorical-nb.js';
export { QDA } from './bayes/qda.js';
export type { QDAOptions } from './bayes/qda.js';
export { LDA } from './bayes/lda.js';
export type { LDAOptions } from './bayes/lda.js';
export { GaussianDensity } from './bayes/gaussian-density.js';
export type { GaussianDensityOptions } from './bayes/gaussian-density.js';
export { GenerativeClassifier } from './bayes/generative.js';
export type { DensityFactory, GenerativeClassifierOptions } from './bayes/generative.js';
export { DEFAULT_DENSITY } from './bayes/densities.js';
export type { DensitySpec, GaussianDensitySpec, GmmDensitySpec } from './bayes/densities.js';

// the fold models of a cross-validation as one classifier (applied by average or by fold)
export { FOLD_OPS, FoldEnsemble, checkFoldExpr, columnsOutside, evaluateFoldExpr, foldColumns, foldOfRows, stratifiedFolds } from './ensemble/index.js';
export type { EnsembleMode, FoldEnsembleJSON, FoldEnsembleOptions, FoldExpr, FoldMember, FoldOp, FoldRule } from './ensemble/index.js';

// boosted decision trees: gradient boosting on histograms, and TMVA's AdaBoost
export { HistGradientBoostingClassifier } from './trees/bdt.js';
export type { HistGradientBoostingJSON } from './trees/bdt.js';
export { AdaBoostClassifier } from './trees/adaboost.js';
export type { AdaBoostJSON } from './trees/adaboost.js';
export { TreeEnsembleClassifier } from './trees/classifier.js';
export type { AdaBoostAlgorithm, AdaBoostOptions, HistGradientBoostingOptions, NegativeWeights, ResolvedAdaBoostOptions, ResolvedHistGradientBoostingOptions } from './trees/options.js';
export type { FeatureImportance, TreeEnsemble } from './trees/ensemble.js';
export type { Tree } from './trees/tree.js';
export type { WeightsReport } from './trees/weights.js';

// model kinds, loading, the saved-model file
export { MODEL_KINDS, isModelKind, isSupervised, takesMissing } from './kinds.js';
export type { ModelKind } from './kinds.js';
export { loadEstimator } from './load.js';
export type { ModelSource } from './model-json.js';
export { SAVED_MODEL_FORMAT, SAVED_MODEL_VERSION, parseSavedModel, savedModelJSON, summarizeTraining } from './saved-model.js';
export type { SavedModel, SavedModelParts, SavedStandardizer, TrainingSummary } from './saved-model.js';

// the memory a fit may plan to use (public: a caller can state the limit, or plan its own allocations against it)
export { MEMORY_CAP_BYTES, MEMORY_SHARE, checkMemory, memoryLimitBytes } from './resources.js';
export type { MemoryPart } from './resources.js';

// calibration of a classifier's probabilities (Platt, isotonic), as the calibrate step fits it and exports apply it
export { applyCalibration, applyMap, checkCalibration, fitCalibration, fitIsotonic, fitPlatt } from './calibration/index.js';
export type { Calibration, CalibrationMap, IsotonicMap, PlattMap } from './calibration/index.js';
