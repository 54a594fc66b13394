import { type z } from 'zod';
import { type RunContext } from './context.js';

/**
 * A step plugin: a plain object. `schema` validates the step's parameters (its output type is what `run`
 * receives); `run` reads and writes named entries of the run context. Built-in steps are registered from one
 * explicit list (steps/index.ts); a config may name local plugin modules that export more.
 */
export interface StepPlugin<S extends z.ZodType = z.ZodType> {
  readonly name: string;
  /** One line for `discern plugins`. */
  readonly description: string;
  readonly schema: S;
  run(ctx: RunContext, params: z.output<S>): Promise<void> | void;
}

/** Identity helper that keeps the schema's type attached to `run`'s parameters. */
export function defineStep<S extends z.ZodType>(plugin: StepPlugin<S>): StepPlugin<S> {
  return plugin;
}
