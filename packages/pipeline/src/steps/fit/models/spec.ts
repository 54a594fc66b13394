import { type Estimator, type ModelKind } from '@discern/models';
import { type z } from 'zod';

/**
 * How the `fit` step knows a model family: its config options (snake_case, as scikit-learn names them) and how to
 * build an estimator from them. Loading a fitted model is @discern/models' `loadEstimator`, for every family.
 */
export interface ModelSpec<S extends z.ZodObject = z.ZodObject> {
  /** The `model:` value in the config. */
  readonly name: ModelKind;
  readonly description: string;
  readonly supervised: boolean;
  /** Options of the family (without `model` and `name`, which the fit step adds). */
  readonly schema: S;
  create(options: z.output<S>, seed: number): Estimator;
  /**
   * The config key of an estimator option where it is not the option's snake_case form (mlp: maxIter → epochs), so
   * that a fit's error names the key the user wrote.
   */
  readonly configKeys?: Readonly<Record<string, string>>;
  /** Other names of an option (scikit-learn's: `max_iter` → `n_estimators`): alias → option. Giving both is a config error. */
  readonly aliases?: Readonly<Record<string, string>>;
}

export function defineModel<S extends z.ZodObject>(spec: ModelSpec<S>): ModelSpec<S> {
  return spec;
}

/** The keys of `options` that are the same option under two names: [option, alias] pairs, both given. */
export function aliasClashes(spec: ModelSpec, given: (key: string) => boolean): [string, string][] {
  return Object.entries(spec.aliases ?? {}).filter(([alias, option]) => given(alias) && given(option)).map(([alias, option]) => [option, alias]);
}

/** The option a key names (the key itself, or the option of an alias). */
export function optionOf(spec: ModelSpec, key: string): string {
  return spec.aliases?.[key] ?? key;
}

/** The config key of an estimator option (`regParam` → `reg_param`), or undefined when the family has none. */
export function configKeyOf(spec: ModelSpec, option: string): string | undefined {
  const explicit = spec.configKeys?.[option];
  if (explicit !== undefined) return explicit;
  const key = option.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  return key in spec.schema.shape ? key : undefined;
}
