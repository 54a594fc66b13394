import { z } from 'zod';
import { fig } from '../../figures.js';

/**
 * What `compare` adds to metrics.json: each classifier's AUC (with its interval) and background at the signal
 * efficiencies asked for, on one dataset; and for every pair "a vs b" (in the order the config lists them) the
 * paired DeLong test of equal AUC and the differences a − b with their intervals.
 */

const estimate = fig.estimate('rate');

export const compareModelSchema = z.strictObject({
  auc: fig.rate(),
  /** DeLong (unweighted events) or, with event weights, the percentile interval of the paired bootstrap. */
  auc_interval: z.strictObject({ method: fig.label(), value: fig.rate(), interval: fig.interval('rate') }),
  background_at_signal_efficiency: z.record(
    z.string(),
    z.strictObject({ background_efficiency: estimate, background_rejection: estimate, rejection_factor: fig.estimate('value') }),
  ),
});

export const comparePairSchema = z.strictObject({
  a: fig.label(),
  b: fig.label(),
  /** AUC_a − AUC_b: DeLong's interval (unweighted events), or the paired bootstrap's with event weights. */
  auc_difference: z.strictObject({ method: fig.label(), value: fig.rate(), interval: fig.interval('rate') }),
  /** The paired DeLong test of H0: AUC_a = AUC_b on the same events (always on the unweighted events). */
  delong: z.strictObject({
    auc_a: fig.rate(),
    auc_b: fig.rate(),
    z: fig.value(),
    p_value: fig.rate(),
    standard_error: fig.value(),
    /** Correlation of the two AUC estimates (null when one has no variance). */
    correlation: fig.rate(),
    weighted: fig.label(),
  }),
  /** (1 − εB)_a − (1 − εB)_b at each signal efficiency, with the paired bootstrap's percentile interval. */
  rejection_difference: z.record(z.string(), estimate),
});

export const compareResultSchema = z.strictObject({
  dataset: fig.label(),
  n: fig.count(),
  weighted: fig.label(),
  signal: fig.label(),
  confidence: fig.value(),
  interval: fig.label(),
  /** dropped_replicates: draws left out because negative weights left a class without a positive total (≤ 5 %). */
  bootstrap: z.strictObject({ replicates: fig.count(), seed: fig.count(), dropped_replicates: fig.count().optional() }),
  models: z.record(z.string(), compareModelSchema),
  pairs: z.record(z.string(), comparePairSchema),
});

export type CompareResult = z.output<typeof compareResultSchema>;
export type ComparePair = z.output<typeof comparePairSchema>;
