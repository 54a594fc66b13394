import { z } from 'zod';
import { configSchema } from './config/schema.js';
import { type StepRegistry } from './registry.js';

/** JSON Schema of the whole config (the base keys plus every registered step), for editors and `discern schema`. */
export function configJsonSchema(registry: StepRegistry): Record<string, unknown> {
  const full = configSchema.extend({ steps: z.array(registry.stepEntrySchema()).min(1) });
  return { ...z.toJSONSchema(full, { io: 'input', unrepresentable: 'any' }), title: 'discern pipeline config', $id: 'https://discern.dev/schema/config.json' };
}
