import { z } from 'zod';
import { fig } from '../../figures.js';

/**
 * What `inspect` adds to metrics.json: per variable its separation ⟨S²⟩ (signal against background, from the
 * histograms of its `bins` equal-width bins over its `range`), its rank, and each class's weighted mean and standard
 * deviation; the ranking; each class's correlation matrix (rows and columns in the order of `ranking`'s variables as
 * the data hold them: the keys of `features`). A coefficient that is undefined (a constant variable) is null.
 */
export const inspectResultSchema = z.strictObject({
  dataset: fig.label(),
  n: fig.count(),
  weighted: fig.label(),
  classes: z.array(fig.label()),
  signal: fig.label(),
  bins: fig.count(),
  features: z.record(
    z.string(),
    z.strictObject({
      separation: fig.rate(),
      rank: fig.count(),
      mean: z.record(z.string(), fig.value()),
      std: z.record(z.string(), fig.value()),
      /** The histograms' bins and range: `bins` of the step, or one per value of a whole-number variable. */
      bins: fig.count(),
      range: fig.interval('value'),
      /** Cells of the variable that are missing (NaN, data.missing: keep), left out of its figures; absent when none. */
      missing: fig.count().optional(),
    }),
  ),
  ranking: z.array(fig.label()),
  correlation: z.record(z.string(), z.array(z.array(fig.rate()))),
  undefined_reasons: z.record(z.string(), fig.label()).optional(),
});

export type InspectResult = z.output<typeof inspectResultSchema>;
