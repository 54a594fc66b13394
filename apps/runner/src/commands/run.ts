import { runPipeline } from '@discern/pipeline';
import { type RegisterCommand, collect, display, globals, overridesFrom } from '../cli-common.js';
import { progressEnabled, progressReporter } from '../progress.js';

export const registerRun: RegisterCommand = (ctx) => {
  const { program, output } = ctx;
  program
    .command('run')
    .description('run a pipeline config; writes metrics.json, manifest.json, models and plots into the run folder')
    .argument('<config>', 'YAML pipeline config')
    .option('-o, --out <dir>', 'run folder (default: runs/<name>)')
    .option('-s, --set <key=value>', 'override a config key (repeatable), e.g. --set data.test=b.csv', collect, [])
    .option('-f, --force', 'replace --out even if it is a non-empty folder that is not a discern run')
    .option('--json', 'print the metrics as JSON on stdout instead of the summary')
    .action(async (config: string, opts: { out?: string; set: string[]; force?: boolean; json?: boolean }) => {
      const g = globals(ctx);
      const log = g.quiet || opts.json ? () => {} : (line: string) => (g.verbose ? output.err(line) : undefined);
      // Bars for epochs, EM iterations and restarts on a terminal only (stderr), never with --quiet or --json.
      const progress = progressReporter(progressEnabled({ isTTY: output.isTTY, quiet: g.quiet, json: opts.json }));
      let result: Awaited<ReturnType<typeof runPipeline>>;
      try {
        result = await runPipeline(config, {
          overrides: overridesFrom(opts.set),
          ...(opts.out !== undefined ? { outDir: opts.out } : {}),
          ...(opts.force ? { force: true } : {}),
          log,
          progress: progress.factory,
        });
      } finally {
        progress.stop();
      }
      if (opts.json) {
        output.out(JSON.stringify(result.metrics, null, 2));
        return;
      }
      if (g.quiet) return;
      output.out(`discern run ${result.config.name} (seed ${result.config.seed})`);
      output.out(`data: ${(result.manifest.data as { description: string }).description}`);
      for (const line of result.summary) output.out(line);
      const files = (result.manifest.artifacts as { path: string }[]).map((a) => a.path);
      output.out(`wrote ${display(result.outDir)}/: ${[...files, 'manifest.json'].join(', ')}`);
    });
};
