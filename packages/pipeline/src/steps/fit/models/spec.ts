import { type Estimator, type ModelJSON } from '@discern/models';
import { type z } from 'zod';

/**
 * How the `fit` step knows a model family: its config options (snake_case, as scikit-learn names them),
 * how to build an estimator from them, and how to load a fitted one from JSON.
 */
export interface ModelSpec<S extends z.ZodObject = z.ZodObject> {
  /** The `model:` value in the config. */
  readonly name: string;
  readonly description: string;
  readonly supervised: boolean;
  /** Options of the family (without `model` and `name`, which the fit step adds). */
  readonly schema: S;
  create(options: z.output<S>, seed: number): Estimator;
  fromJSON(json: ModelJSON): Estimator;
}

export function defineModel<S extends z.ZodObject>(spec: ModelSpec<S>): ModelSpec<S> {
  return spec;
}
