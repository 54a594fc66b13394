import type { z } from 'zod';
import { type RegisterCommand } from '../cli-common.js';

export const registerSchema: RegisterCommand = (ctx) => {
  ctx.program
    .command('schema')
    .argument('[config]', "a config whose plugins' steps the schema should describe too (its plugin modules are loaded)")
    .description('print the JSON Schema of the config (for editors)')
    .action(async (config: string | undefined) => {
      const { configJsonSchema, createRegistry, registryForConfig } = await import('@discern/pipeline');
      const registry = config !== undefined ? await registryForConfig(config) : createRegistry();
      ctx.output.out(JSON.stringify(configJsonSchema(registry), null, 2));
    });
};

/** One line per parameter: name, type, default and description, from the step's JSON Schema. */
function parameterList(toJSONSchema: typeof z.toJSONSchema, schema: z.ZodType): string[] {
  const js = toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, Record<string, unknown>>; anyOf?: unknown[]; oneOf?: unknown[] };
  const props = js.properties ?? {};
  const lines = Object.entries(props).map(([k, v]) => {
    const type = v.enum ? (v.enum as unknown[]).map((x) => JSON.stringify(x)).join(' | ') : ((v.type as string | undefined) ?? 'value');
    const def = v.default !== undefined ? ` = ${JSON.stringify(v.default)}` : '';
    const desc = typeof v.description === 'string' ? `  — ${v.description}` : '';
    return `${k}: ${type}${def}${desc}`;
  });
  const variants = (js.oneOf ?? js.anyOf) as { properties?: Record<string, { const?: unknown }> }[] | undefined;
  if (variants) lines.push(`one of: ${variants.map((v) => JSON.stringify(Object.values(v.properties ?? {}).find((p) => p.const !== undefined)?.const ?? '?')).join(', ')} (see discern schema)`);
  return lines;
}

export const registerPlugins: RegisterCommand = (ctx) => {
  ctx.program
    .command('plugins')
    .description('list the registered steps and their parameters')
    .option('--json', 'print as JSON')
    .action(async (opts: { json?: boolean }) => {
      const [{ createRegistry }, { z }] = await Promise.all([import('@discern/pipeline'), import('zod')]);
      const registry = createRegistry();
      const steps = registry.list().map((p) => ({ name: p.name, description: p.description, origin: registry.origin(p.name) ?? 'built-in', parameters: parameterList(z.toJSONSchema, p.params) }));
      if (opts.json) {
        ctx.output.out(JSON.stringify(steps, null, 2));
        return;
      }
      for (const s of steps) {
        ctx.output.out(`${s.name}  (${s.origin})`);
        ctx.output.out(`  ${s.description}`);
        for (const p of s.parameters) ctx.output.out(`    ${p}`);
      }
    });
};
