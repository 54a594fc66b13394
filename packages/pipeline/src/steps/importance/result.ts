import { z } from 'zod';
import { fig } from '../../figures.js';

/**
 * What `importance` adds to metrics.json: the score with every feature intact (`baseline`), and per feature the
 * mean drop of the score over the permutations with Student's interval (`importance`, positive when shuffling
 * hurts; for log loss, the rise), the standard deviation of the drops and the rank; the ranking; a tree model's own
 * gain importance (each feature's share of the split gain), when it has one.
 */
export const importanceResultSchema = z.strictObject({
  model: fig.label(),
  dataset: fig.label(),
  metric: fig.label(),
  n: fig.count(),
  weighted: fig.label(),
  n_repeats: fig.count(),
  seed: fig.count(),
  confidence: fig.value(),
  baseline: fig.value(),
  features: z.record(z.string(), z.strictObject({ importance: fig.estimate('value'), sd: fig.value(), rank: fig.count() })),
  ranking: z.array(fig.label()),
  gain: z.record(z.string(), fig.rate()).optional(),
  /** Columns the model takes that are not inputs of what it learned (a fold ensemble's fold columns), left out, and why. */
  left_out: z.strictObject({ features: z.array(fig.label()), reason: fig.label() }).optional(),
});

export type ImportanceResult = z.output<typeof importanceResultSchema>;
