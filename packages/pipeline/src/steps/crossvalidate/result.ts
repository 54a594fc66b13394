import { z } from 'zod';
import { fig } from '../../figures.js';
import { classifierFiguresSchema } from '../evaluate/result.js';

/**
 * What `crossvalidate` adds to metrics.json: how the folds were made, each fold's figures on its held-out rows, the
 * mean, standard deviation and Student interval of each figure over the folds, and every figure `evaluate` gives,
 * computed on the out-of-fold scores of all training rows. Fit times are in the report, not here (metrics.json
 * stays the same from run to run).
 */

const rates = z.record(z.string(), fig.rate());

export const foldFiguresSchema = z.strictObject({
  fold: fig.count(),
  rows: fig.count(),
  train_rows: fig.count(),
  auc: fig.rate(),
  log_loss: fig.value(),
  accuracy: fig.rate(),
  background_rejection: rates.optional(),
});

const stat = (kind: 'rate' | 'value') => z.strictObject({ mean: fig[kind](), sd: fig.value(), interval: fig.interval(kind) });

export const crossvalidateResultSchema = z.strictObject({
  /** The family of the fold models. */
  model: fig.label(),
  folds: fig.count(),
  /** 'stratified', 'random' or 'expression'. */
  assignment: fig.label(),
  expression: fig.label(),
  /** How the named model applies its fold models: 'average' or 'by-fold'. */
  apply: fig.label(),
  standardize: fig.label(),
  confidence: fig.value(),
  per_fold: z.array(foldFiguresSchema),
  /** The folds whose held-out events hold one class only: no AUC, left out of over_folds.auc (absent when none). */
  folds_without_auc: fig.count().optional(),
  over_folds: z.strictObject({
    auc: stat('rate'),
    log_loss: stat('value'),
    accuracy: stat('rate'),
    background_rejection: z.record(z.string(), stat('rate')).optional(),
  }),
  out_of_fold: classifierFiguresSchema,
});

export type CrossvalidateResult = z.output<typeof crossvalidateResultSchema>;
export type FoldFiguresResult = z.output<typeof foldFiguresSchema>;
