import { z } from 'zod';
import { fig } from '../../figures.js';

/**
 * What `tune` adds to metrics.json: the search, every candidate's searched values with the mean and standard
 * deviation over the folds of each figure (on its held-out folds), and the best candidate by the chosen metric.
 * Fit times are in the report only: metrics.json stays the same from run to run and for any number of threads.
 */

const stat = (kind: 'rate' | 'value') => z.strictObject({ mean: fig[kind](), sd: fig.value() });

export const candidateSchema = z.strictObject({
  index: fig.count(),
  /** The searched keys and their values (numbers are values, anything else a label). */
  params: z.record(z.string(), z.unknown()),
  auc: stat('rate'),
  log_loss: stat('value'),
  accuracy: stat('rate'),
  background_rejection: stat('rate').optional(),
});

export const tuneResultSchema = z.strictObject({
  model: fig.label(),
  /** 'grid' or 'random'. */
  search: fig.label(),
  folds: fig.count(),
  metric: fig.label(),
  signal_efficiency: fig.value(),
  candidates: z.array(candidateSchema),
  best: z.strictObject({ index: fig.count(), params: z.record(z.string(), z.unknown()), mean: fig.value(), sd: fig.value() }),
});

export type TuneResult = z.output<typeof tuneResultSchema>;
export type CandidateResult = z.output<typeof candidateSchema>;
