import { DiscernError } from '@discern/core';
import { z } from 'zod';
import { type StepPlugin } from './plugin.js';

/**
 * The step registry. Registering the same object twice is a no-op; a different object under a taken name
 * throws, naming both (where each came from), so two plugins never silently shadow each other.
 */
export class StepRegistry {
  private readonly steps = new Map<string, { plugin: StepPlugin; origin: string }>();

  register(plugin: StepPlugin, origin = 'built-in'): this {
    if (!plugin || typeof plugin !== 'object' || typeof plugin.name !== 'string' || typeof plugin.run !== 'function' || !(plugin.schema instanceof z.ZodType))
      throw new DiscernError('PLUGIN_INVALID', `${origin} does not export a valid step plugin: expected an object { name: string, description, schema: a zod schema, run(ctx, params) }`, { origin });
    if (!/^[a-z][a-z0-9-]*$/.test(plugin.name))
      throw new DiscernError('PLUGIN_INVALID', `step name ${JSON.stringify(plugin.name)} from ${origin} is not valid: use lower-case letters, digits and "-"`, { origin });
    const taken = this.steps.get(plugin.name);
    if (taken) {
      if (taken.plugin === plugin) return this;
      throw new DiscernError('PLUGIN_INVALID', `step "${plugin.name}" from ${origin} clashes with the step of the same name from ${taken.origin}; rename one of them`, {
        name: plugin.name,
        origin,
        takenBy: taken.origin,
      });
    }
    this.steps.set(plugin.name, { plugin, origin });
    return this;
  }

  get(name: string): StepPlugin | undefined {
    return this.steps.get(name)?.plugin;
  }

  origin(name: string): string | undefined {
    return this.steps.get(name)?.origin;
  }

  names(): string[] {
    return [...this.steps.keys()];
  }

  list(): StepPlugin[] {
    return [...this.steps.values()].map((s) => s.plugin);
  }

  /** A copy, so a run's local plugins never leak into the next run. */
  clone(): StepRegistry {
    const r = new StepRegistry();
    for (const [, { plugin, origin }] of this.steps) r.register(plugin, origin);
    return r;
  }

  /** The schema of one step entry, `{ <name>: params }`, as a union over the registered steps (for JSON Schema). */
  stepEntrySchema(): z.ZodType {
    const entries = this.list().map((p) => z.strictObject({ [p.name]: p.schema }).describe(p.description));
    if (entries.length === 0) return z.never();
    if (entries.length === 1) return entries[0]!;
    return z.union(entries as unknown as [z.ZodType, z.ZodType, ...z.ZodType[]]);
  }
}
