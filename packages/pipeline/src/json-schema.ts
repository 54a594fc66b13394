import { z } from 'zod';
import { configSchema } from './config/schema.js';
import { type StepRegistry } from './registry.js';

/**
 * JSON Schema of the whole config (the base keys plus every registered step), for editors and `discern schema`. A
 * step of any other name is allowed as a plugin's (an object of one key whose value is an object): its module is
 * loaded only when the config is, so its parameters are checked by `discern validate`, or here when the registry
 * has the config's plugins loaded (`discern schema <config>`).
 */
export function configJsonSchema(registry: StepRegistry): Record<string, unknown> {
  const full = configSchema.extend({ steps: z.array(registry.stepEntrySchema()).min(1) });
  const js = z.toJSONSchema(full, { io: 'input', unrepresentable: 'any' }) as unknown as Record<string, unknown> & { properties: { steps: { items: Record<string, unknown> } } };
  const items = js.properties.steps.items;
  const known = items.anyOf as unknown[] | undefined;
  const pluginStep = {
    type: 'object',
    minProperties: 1,
    maxProperties: 1,
    propertyNames: { not: { enum: registry.list().map((p) => p.name) } },
    additionalProperties: { type: 'object' },
    description: "a plugin's step (its module named in plugins:); its parameters are checked by discern validate",
  };
  js.properties.steps.items = { anyOf: [...(known ?? [items]), pluginStep] };
  return { ...js, title: 'discern pipeline config', $id: 'https://discern.dev/schema/config.json' };
}
