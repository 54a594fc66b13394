import { z } from 'zod';
import { fig } from '../../figures.js';

/**
 * What `evaluate` adds to metrics.json, per dataset it judges on: a classifier's figures (the summary of
 * @discern/metrics, the physics figures with intervals, the overtraining check) or a clustering model's. Every number
 * is tagged for the lockfile (figures.ts).
 */

const estimate = fig.estimate('rate');

export const aucIntervalSchema = z.strictObject({
  method: fig.label(),
  confidence: fig.value(),
  value: fig.rate(),
  interval: fig.interval('rate'),
  standard_error: fig.value().optional(),
  weighted: fig.label().optional(),
  replicates: fig.count().optional(),
  seed: fig.count().optional(),
  /** Bootstrap replicates without an AUC (a class's drawn weights summed to ≤ 0: negative event weights). */
  dropped_replicates: fig.count().optional(),
});

const bestCut = z
  .strictObject({
    threshold: fig.value(),
    value: fig.value(),
    s: fig.value(),
    b: fig.value(),
    signal_efficiency: fig.rate(),
    background_efficiency: fig.rate(),
  })
  .nullable();

export const physicsSchema = z.strictObject({
  interval: fig.label().optional(),
  confidence: fig.value().optional(),
  undefined_reason: fig.label().optional(),
  background_at_signal_efficiency: z
    .record(z.string(), z.strictObject({ background_efficiency: estimate, background_rejection: estimate, rejection_factor: fig.estimate('value') }))
    .optional(),
  signal_at_background_efficiency: z.record(z.string(), z.strictObject({ signal_efficiency: estimate })).optional(),
  significance: z
    .strictObject({
      signal_scale: fig.value(),
      background_scale: fig.value(),
      s_over_sqrt_b: bestCut,
      s_over_sqrt_s_plus_b: bestCut,
      asimov: bestCut,
    })
    .optional(),
});

const ksTest = z.strictObject({ ks_statistic: fig.rate(), p_value: fig.rate() });

export const overtrainingSchema = z.strictObject({ train: fig.label(), signal: ksTest, background: ksTest });

/** A classifier on one dataset. */
export const classifierFiguresSchema = z.strictObject({
  n: fig.count(),
  weighted: fig.label(),
  n_classes: fig.count(),
  average: fig.label(),
  positive: fig.label(),
  threshold: fig.value(),
  accuracy: fig.rate(),
  precision: fig.rate(),
  recall: fig.rate(),
  f1: fig.rate(),
  specificity: fig.rate(),
  balanced_accuracy: fig.rate(),
  mcc: fig.rate(),
  auc: fig.rate(),
  log_loss: fig.value(),
  brier: fig.rate(),
  confusion_matrix: z.strictObject({ labels: z.array(fig.label()), counts: z.array(z.array(fig.count())) }),
  tpr_at_fpr: z.record(z.string(), fig.rate()).nullable(),
  undefined_reasons: z.record(z.string(), fig.label()).optional(),
  auc_interval: aucIntervalSchema.optional(),
  average_precision: fig.rate().optional(),
  physics: physicsSchema.optional(),
  overtraining: overtrainingSchema.optional(),
});

/** A clustering or density model on one dataset. */
export const clusterFiguresSchema = z.strictObject({
  n: fig.count(),
  mean_log_likelihood: fig.value().optional(),
  bic: fig.value().optional(),
  aic: fig.value().optional(),
  inertia: fig.value().optional(),
  cluster_sizes: z.array(fig.count()),
  mean_max_responsibility: fig.rate().optional(),
  ambiguous_fraction: fig.rate().optional(),
  matching_accuracy: fig.rate().optional(),
  adjusted_rand_index: fig.rate().optional(),
  cluster_to_class: z.array(fig.label()).optional(),
  contingency: z.strictObject({ classes: z.array(fig.label()), counts: z.array(z.array(fig.count())) }).optional(),
  agreement: z.record(z.string(), z.strictObject({ adjusted_rand_index: fig.rate(), matching_agreement: fig.rate() })).optional(),
});

export const evaluateResultSchema = z.record(z.string(), z.union([classifierFiguresSchema, clusterFiguresSchema]));

export type ClassifierFigures = z.output<typeof classifierFiguresSchema>;
export type ClusterFigures = z.output<typeof clusterFiguresSchema>;
export type EvaluateResult = z.output<typeof evaluateResultSchema>;
export type PhysicsFigures = z.output<typeof physicsSchema>;
export type AucInterval = z.output<typeof aucIntervalSchema>;
export type Overtraining = z.output<typeof overtrainingSchema>;
