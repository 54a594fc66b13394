import { DiscernError } from '@discern/core';
import { AdaBoostClassifier, HistGradientBoostingClassifier } from '@discern/models';
import { z } from 'zod';
import { strict } from '../../../config/zod-helpers.js';
import { defineModel } from './spec.js';

const negativeWeights = z
  .enum(['keep', 'ignore', 'pair'])
  .default('keep')
  .describe("negative event weights in training: keep (as they are), ignore (left out of training, TMVA's IgnoreNegWeightsInTraining), pair (annihilated with the nearest positive events of their class, TMVA's PairNegWeightsGlobal)");

export const bdtModel = defineModel({
  name: 'bdt',
  description: "gradient-boosted decision trees on histograms (scikit-learn's HistGradientBoostingClassifier; binary log-loss or K-class softmax)",
  supervised: true,
  configKeys: { maxIter: 'n_estimators', validation: 'validation' },
  aliases: { max_iter: 'n_estimators' },
  schema: strict({
    learning_rate: z.number().positive().default(0.1).describe('shrinkage of every leaf value'),
    n_estimators: z.number().int().positive().optional().describe('boosting iterations (default 100; one tree per class and iteration, one for two classes)'),
    max_iter: z.number().int().positive().optional().describe("scikit-learn's name for n_estimators (give one of them)"),
    max_leaf_nodes: z.union([z.number().int().min(2), z.null()]).default(31).describe('leaves per tree, grown best-first (null: no limit, then max_depth bounds the trees)'),
    max_depth: z.union([z.number().int().positive(), z.null()]).default(null).describe('depth limit of each tree (null: none)'),
    min_samples_leaf: z.number().int().positive().default(20).describe('fewest training events in a leaf'),
    min_sum_hessian_in_leaf: z.number().nonnegative().default(1e-3).describe('smallest sum of hessians (weighted) in a leaf; nodes below twice this are not split'),
    l2_regularization: z.number().nonnegative().default(0).describe('L2 penalty on the leaf values'),
    max_bins: z.number().int().min(2).max(255).default(255).describe('quantile bins per feature (missing values get one more)'),
    subsample: z.number().gt(0).max(1).default(1).describe('fraction of the training events each iteration is grown on (seeded)'),
    colsample_bytree: z.number().gt(0).max(1).default(1).describe('fraction of the features each tree may split on (seeded)'),
    early_stopping: z.union([z.literal('auto'), z.boolean()]).default('auto').describe("stop when the validation loss stalls; 'auto': on above 10,000 training events"),
    validation_fraction: z.number().gt(0).lt(1).default(0.1).describe('stratified fraction of the training events held out for early stopping'),
    validation: z.string().optional().describe('a dataset of the run to stop early on instead of a held-out fraction (e.g. one made by a split step)'),
    n_iter_no_change: z.number().int().positive().default(10).describe('iterations without validation improvement before stopping'),
    tol: z.number().nonnegative().default(1e-7).describe('the improvement of the validation loss that counts'),
    negative_weights: negativeWeights,
  }),
  create: (o, seed) => {
    if (o.n_estimators !== undefined && o.max_iter !== undefined)
      throw new DiscernError(
        'INVALID_ARGUMENT',
        (n) => `bdt: ${n.option('maxIter')} is given twice (n_estimators ${o.n_estimators} and its alias max_iter ${o.max_iter}); give one of them`,
        { option: 'maxIter', value: o.max_iter },
      );
    return new HistGradientBoostingClassifier({
      learningRate: o.learning_rate,
      maxIter: o.n_estimators ?? o.max_iter ?? 100,
      maxLeafNodes: o.max_leaf_nodes,
      maxDepth: o.max_depth,
      minSamplesLeaf: o.min_samples_leaf,
      minSumHessianInLeaf: o.min_sum_hessian_in_leaf,
      l2Regularization: o.l2_regularization,
      maxBins: o.max_bins,
      subsample: o.subsample,
      colsampleBytree: o.colsample_bytree,
      earlyStopping: o.early_stopping,
      validationFraction: o.validation_fraction,
      nIterNoChange: o.n_iter_no_change,
      tol: o.tol,
      negativeWeights: o.negative_weights,
      seed,
    });
  },
});

export const adaboostModel = defineModel({
  name: 'adaboost',
  description: "AdaBoost with shallow decision trees, TMVA's BDT (discrete AdaBoost or RealAdaBoost; SAMME and SAMME.R for K classes)",
  supervised: true,
  schema: strict({
    n_estimators: z.number().int().positive().default(800).describe('trees (TMVA NTrees)'),
    max_depth: z.number().int().min(1).max(20).default(3).describe('depth of each tree (TMVA MaxDepth)'),
    min_node_size: z.number().gt(0).lt(0.5).default(0.025).describe('smallest leaf, as a fraction of the (boosted) training weight (TMVA MinNodeSize 2.5 % = 0.025)'),
    n_cuts: z.number().int().positive().max(10_000).default(20).describe("cut values tried per feature in each node, evenly spaced over the node's range (TMVA nCuts)"),
    beta: z.number().positive().default(0.5).describe('learning rate: the exponent of the boost weight (TMVA AdaBoostBeta)'),
    algorithm: z.enum(['discrete', 'real']).default('discrete').describe("discrete (TMVA's AdaBoost; SAMME) or real (RealAdaBoost; SAMME.R)"),
    negative_weights: negativeWeights,
  }),
  create: (o) =>
    new AdaBoostClassifier({ nEstimators: o.n_estimators, maxDepth: o.max_depth, minNodeSize: o.min_node_size, nCuts: o.n_cuts, beta: o.beta, algorithm: o.algorithm, negativeWeights: o.negative_weights }),
});
