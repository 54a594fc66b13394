import { z } from 'zod';
import { fig } from '../../figures.js';

/** What a `decide` step adds under metrics.json → decisions → <name>: the rule, how it was chosen, and its judgement per dataset. */

const estimate = fig.estimate('rate');

/** The decisions judged against the labels of one dataset. */
export const judgedSchema = z.strictObject({
  n: fig.count(),
  confusion_matrix: z.strictObject({ labels: z.array(fig.label()), counts: z.array(z.array(fig.count())), weighted: fig.label() }),
  accuracy: estimate,
  rejected: z.record(z.string(), fig.count()).optional(),
  signal_efficiency: estimate.optional(),
  background_efficiency: estimate.optional(),
  background_rejection: estimate.optional(),
  expected_risk: z
    .strictObject({
      value: fig.value(),
      interval: fig.interval('value'),
      standard_error: fig.value(),
      confidence: fig.value(),
      priors: fig.label(),
      class_risk: z.record(z.string(), fig.value()),
    })
    .optional(),
  alpha_inside_interval: fig.label().optional(),
});

export const decideResultSchema = z
  .object({
    /** The rule as @discern/decision serialises it (its numbers are free values). */
    rule: z.record(z.string(), z.unknown()),
    model: fig.label(),
    score: fig.label(),
    classes: z.array(fig.label()),
    threshold_choice: z
      .strictObject({
        dataset: fig.label(),
        threshold: fig.value(),
        achieved_fpr: estimate,
        power: estimate,
        n_background: fig.count(),
        n_signal: fig.count(),
        note: fig.label().optional(),
      })
      .optional(),
    minimum_risk_threshold: z.strictObject({ on: fig.label(), threshold: fig.value(), strict: fig.label() }).optional(),
    deployment_priors: z.record(z.string(), fig.rate()).optional(),
    training_priors: z.record(z.string(), fig.rate()).optional(),
  })
  .catchall(judgedSchema);

export type Judged = z.output<typeof judgedSchema>;
export type DecideResult = z.output<typeof decideResultSchema>;
