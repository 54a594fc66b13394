import { type RegisterCommand, collect, display, globals, threadsOf } from '../cli-common.js';
import { checkInputFile } from '../paths.js';
import { progressEnabled, progressReporter } from '../progress.js';
import { runInWorker } from '../run-host.js';

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
      // What can be checked without the pipeline is checked here, before a thread starts; the rest in the worker,
      // before the run starts.
      checkInputFile(config, 'the config');
      const threads = threadsOf(ctx);
      // Bars for epochs, EM iterations and restarts on a terminal only (stderr), never with --quiet or --json.
      const bars = progressEnabled({ isTTY: output.isTTY, quiet: g.quiet, json: opts.json });
      const progress = progressReporter(bars);
      let onProgress: ReturnType<typeof progress.factory>;
      let result: Awaited<ReturnType<typeof runInWorker>>;
      try {
        // The pipeline runs in a worker thread, so that this thread stays free for Ctrl-C (run-host.ts).
        result = await runInWorker(
          {
            config,
            sets: opts.set,
            ...(opts.out !== undefined ? { outDir: opts.out } : {}),
            force: opts.force ?? false,
            ...(threads !== undefined ? { threads } : {}),
            progress: bars,
            log: Boolean(g.verbose) && !g.quiet && !opts.json,
          },
          {
            log: (line, notice) => {
              if (notice ? !g.quiet && !opts.json : g.verbose) output.err(line);
            },
            bar: (label) => (onProgress = progress.factory(label)),
            progress: (events) => {
              for (const e of events) onProgress?.(e);
            },
          },
        );
      } finally {
        progress.stop();
      }
      if (opts.json) {
        output.out(JSON.stringify(result.metrics, null, 2));
        return;
      }
      if (g.quiet) return;
      output.out(`discern run ${result.name} (seed ${result.seed})`);
      output.out(`data: ${result.data}`);
      for (const line of result.summary) output.out(line);
      output.out(`wrote ${display(result.outDir)}/: ${[...result.files, 'manifest.json'].join(', ')}`);
    });
};
