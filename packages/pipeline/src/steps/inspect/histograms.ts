/** The class histograms of every inspected variable, kept for the report so that it draws the histograms the separation came from. */
export interface InspectHistograms {
  readonly features: readonly string[];
  readonly edges: readonly Float64Array[];
  /** [feature][class]: Σw per bin. */
  readonly counts: readonly (readonly Float64Array[])[];
}

/**
 * Each inspect step's histograms by its parameters object (the engine hands the same object to run and to the
 * report): a later `standardize` changes the dataset, and the report must draw what the separation was computed on.
 */
export const inspectHistograms = new WeakMap<object, InspectHistograms>();
