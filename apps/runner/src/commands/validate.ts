import { type RegisterCommand, collect, display, globals } from '../cli-common.js';
import { checkInputFile } from '../paths.js';

export const registerValidate: RegisterCommand = (ctx) => {
  ctx.program
    .command('validate')
    .description('check a config (YAML, keys, types, steps, and that its data files exist) without running it')
    .argument('<config>', 'YAML pipeline config')
    .option('-s, --set <key=value>', 'override a config key (repeatable)', collect, [])
    .action(async (config: string, opts: { set: string[] }) => {
      checkInputFile(config, 'the config');
      // Loaded here, not at the top: the main thread loads the pipeline only for the commands that need it.
      const { checkDataFiles, prepareConfig } = await import('@discern/pipeline');
      const { overridesFrom } = await import('../overrides.js');
      const { config: c } = await prepareConfig(config, { overrides: await overridesFrom(opts.set) });
      // the data files a run would read: a glob that matches nothing, or a file that does not exist, is an error here
      await checkDataFiles(c);
      if (!globals(ctx).quiet) ctx.output.out(`${display(c.file)}: valid (${c.steps.length} steps: ${c.steps.map((s) => s.name).join(', ')})`);
    });
};
