import { type z } from 'zod';
import type { ReportTable } from '@discern/report';
import { type BaseConfig } from './config/schema.js';
import { type RunContext } from './context.js';
import { type PlotInput } from './report/inputs.js';
import { type RunView } from './report/view.js';

/**
 * The step contract. A step is a plain object:
 *
 * - `params`: the zod schema of its entry in the config (`- fit: { model: qda }` → the map `{ model: qda }`);
 * - `result`: the zod schema of what it adds to metrics.json, every figure tagged (figures.ts) so that the lockfile
 *   picks its tolerance from the tag, never from the key's spelling; absent when the step adds nothing;
 * - `key(params)`: where the result goes in metrics.json (default `[name]`);
 * - `plan(params, at)`: what the step needs (models, datasets) and what it makes (models, datasets, files, metrics
 *   keys), known from the config alone: `discern validate` walks the steps with it, so a config that would fail
 *   before reading data fails there, with the file and line of both steps of a clash;
 * - `run(ctx, params)`: does the work and returns the result;
 * - `report(result, view)`: its section of report.html — tables, and plot inputs that the report draws (plots of
 *   several steps on one dataset are drawn together: report/inputs.ts).
 *
 * Arithmetic lives in the libraries (@discern/metrics, decision, models, report); a step only wires them.
 */
export interface Step<P extends z.ZodType = z.ZodType, R extends z.ZodType = z.ZodType> {
  readonly name: string;
  /** One line for `discern plugins`. */
  readonly description: string;
  readonly params: P;
  readonly result?: R;
  key?(params: z.output<P>): readonly string[];
  plan?(params: z.output<P>, at: PlanAt): StepPlan;
  run(ctx: RunContext, params: z.output<P>): Promise<z.output<R> | void> | z.output<R> | void;
  report?(result: z.output<R>, view: RunView, params: z.output<P>): StepReport | undefined | Promise<StepReport | undefined>;
}

/** A built-in step: `params` and `result` typed end to end. */
export function defineStep<P extends z.ZodType, R extends z.ZodType = z.ZodUndefined>(step: Step<P, R>): Step<P, R> {
  return step;
}

/** Where a step sits in the config, for its plan. */
export interface PlanAt {
  readonly index: number;
  /** `steps[3].fit`: the config path of the step's parameters. */
  readonly path: string;
  readonly config: Omit<BaseConfig, 'steps'>;
  /** The names of the steps before this one, in order (a standardize step earlier changes what a fold expression reads). */
  readonly before?: readonly string[];
  /** The step's parameters as the config writes them, before defaults (whether a key was given). */
  readonly written?: unknown;
  /** Where a config path is written (`c.yaml:8:12`), for a message that names a second key. */
  readonly where?: (path: string) => string | undefined;
}

/** A named thing a step reads, and the config key that names it (`steps[2].evaluate.model`). */
export interface Need {
  readonly name: string;
  readonly path: string;
  /** A model that must give class probabilities (evaluate's classifier figures, decide, predict). */
  readonly classifier?: boolean;
  /** A model the step refits with its fit options (on folds): one made by a fit step, not by tune, crossvalidate or calibrate. */
  readonly refit?: boolean;
  /** A model whose raw probabilities the step needs: not one made by a calibrate step. */
  readonly uncalibrated?: boolean;
}

/** A named thing a step makes. `replaces`: it may take the name of an existing one (split `into` its own `from`). */
export interface Made {
  readonly name: string;
  readonly path: string;
  readonly replaces?: boolean;
  /** For a model: whether it is a classifier (undefined when a plugin cannot say). */
  readonly supervised?: boolean;
}

export interface StepPlan {
  /** Problems the config has that the step can tell from its parameters and the config alone. */
  readonly problems?: readonly { readonly path: string; readonly message: string }[];
  /** `files`: files the step reads, as written in the config (relative to its folder): an output may never be one. */
  readonly needs?: { readonly models?: readonly Need[]; readonly datasets?: readonly Need[]; readonly files?: readonly Need[] };
  readonly makes?: { readonly models?: readonly Made[]; readonly datasets?: readonly Made[]; readonly files?: readonly Made[] };
}

/** A step's section of report.html. Sections with the same title are merged, in step order. */
export interface StepReport {
  readonly title: string;
  readonly tables?: readonly ReportTable[];
  readonly plots?: readonly PlotInput[];
}

/**
 * A step as a plugin module may export it: the contract above, or the first contract (`schema` instead of
 * `params`, no result, no report), which still works: whatever its run returns is recorded as free values.
 */
export interface PluginStep {
  readonly name: string;
  readonly description?: string;
  readonly params?: z.ZodType;
  /** The first contract's name for `params`. */
  readonly schema?: z.ZodType;
  readonly result?: z.ZodType;
  key?(params: unknown): readonly string[];
  plan?(params: unknown, at: PlanAt): StepPlan;
  run(ctx: RunContext, params: unknown): unknown;
  report?(result: unknown, view: RunView, params: unknown): StepReport | undefined | Promise<StepReport | undefined>;
}

/** Any step, as the registry holds it. */
export type AnyStep = Step<z.ZodType, z.ZodType>;

/** The metrics.json path of a step's result. */
export function resultKey(step: AnyStep, params: unknown): readonly string[] {
  return step.key ? step.key(params) : [step.name];
}
