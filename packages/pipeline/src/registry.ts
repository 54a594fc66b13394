import { DiscernError } from '@discern/core';
import { z } from 'zod';
import { type AnyStep, type PluginStep } from './step.js';

const isSchema = (v: unknown): v is z.ZodType => v instanceof z.ZodType;
const optionalFn = (v: unknown) => v === undefined || typeof v === 'function';

/**
 * The step registry. Registering the same object twice is a no-op; a different object under a taken name
 * throws, naming both (where each came from), so two plugins never silently shadow each other. A plugin step of
 * the first contract (`schema` for its parameters, no result or report) is taken as it is: its run's return value,
 * if any, is recorded as free values.
 */
export class StepRegistry {
  private readonly steps = new Map<string, { step: AnyStep; source: object; origin: string }>();

  register(step: AnyStep | PluginStep, origin = 'built-in'): this {
    const p = step as PluginStep | undefined;
    const params = p?.params ?? p?.schema;
    if (
      !p ||
      typeof p !== 'object' ||
      typeof p.name !== 'string' ||
      typeof p.run !== 'function' ||
      !isSchema(params) ||
      (p.result !== undefined && !isSchema(p.result)) ||
      !optionalFn(p.report) ||
      !optionalFn(p.plan) ||
      !optionalFn(p.key)
    )
      throw new DiscernError(
        'PLUGIN_INVALID',
        `${origin} does not export a valid step: expected an object { name: string, description, params: a zod schema, run(ctx, params), and optionally result: a zod schema, report(result, view), plan(params, at), key(params) }`,
        { origin },
      );
    if (!/^[a-z][a-z0-9-]*$/.test(p.name))
      throw new DiscernError('PLUGIN_INVALID', `step name ${JSON.stringify(p.name)} from ${origin} is not valid: use lower-case letters, digits and "-"`, { origin });
    const taken = this.steps.get(p.name);
    if (taken) {
      if (taken.source === step) return this;
      throw new DiscernError('PLUGIN_INVALID', `step "${p.name}" from ${origin} clashes with the step of the same name from ${taken.origin}; rename one of them`, {
        name: p.name,
        origin,
        takenBy: taken.origin,
      });
    }
    const normal = (p.params ? p : { ...p, params, description: p.description ?? '' }) as AnyStep;
    this.steps.set(p.name, { step: normal, source: step, origin });
    return this;
  }

  get(name: string): AnyStep | undefined {
    return this.steps.get(name)?.step;
  }

  origin(name: string): string | undefined {
    return this.steps.get(name)?.origin;
  }

  names(): string[] {
    return [...this.steps.keys()];
  }

  list(): AnyStep[] {
    return [...this.steps.values()].map((s) => s.step);
  }

  /** A copy, so a run's local plugins never leak into the next run. */
  clone(): StepRegistry {
    const r = new StepRegistry();
    for (const [name, entry] of this.steps) r.steps.set(name, entry);
    return r;
  }

  /** The schema of one step entry, `{ <name>: params }`, as a union over the registered steps (for JSON Schema). */
  stepEntrySchema(): z.ZodType {
    const entries = this.list().map((p) => z.strictObject({ [p.name]: p.params }).describe(p.description));
    if (entries.length === 0) return z.never();
    if (entries.length === 1) return entries[0]!;
    return z.union(entries as unknown as [z.ZodType, z.ZodType, ...z.ZodType[]]);
  }
}
