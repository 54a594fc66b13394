import { prepareConfig } from '@discern/pipeline';
import { type RegisterCommand, collect, display, globals, overridesFrom } from '../cli-common.js';

export const registerValidate: RegisterCommand = (ctx) => {
  ctx.program
    .command('validate')
    .description('check a config (YAML, keys, types, steps) without running it')
    .argument('<config>', 'YAML pipeline config')
    .option('-s, --set <key=value>', 'override a config key (repeatable)', collect, [])
    .action(async (config: string, opts: { set: string[] }) => {
      const { config: c } = await prepareConfig(config, { overrides: overridesFrom(opts.set) });
      if (!globals(ctx).quiet) ctx.output.out(`${display(c.file)}: valid (${c.steps.length} steps: ${c.steps.map((s) => s.name).join(', ')})`);
    });
};
