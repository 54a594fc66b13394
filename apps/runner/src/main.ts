import { isAbsolute, relative, resolve } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { z } from 'zod';
import { type Override, cleanupPartialRuns, configJsonSchema, createRegistry, discernVersion, parseOverride, prepareConfig, runPipeline } from '@discern/pipeline';
import { EXIT, type Output, processOutput, reportError } from './output.js';

/** Config keys holding file paths: given with --set they are relative to the current directory, not the config. */
const PATH_KEYS = new Set(['data.source', 'data.train', 'data.test']);

function overridesFrom(sets: readonly string[]): Override[] {
  return sets.map((s) => {
    const o = parseOverride(s);
    const key = o.path.join('.');
    if (PATH_KEYS.has(key) && typeof o.value === 'string' && !isAbsolute(o.value)) return { ...o, value: resolve(o.value) };
    return o;
  });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function display(p: string): string {
  const r = relative(process.cwd(), p);
  return r.startsWith('..') ? p : r || '.';
}

interface GlobalOptions {
  verbose?: boolean;
  quiet?: boolean;
}

export async function main(argv: readonly string[], output: Output = processOutput): Promise<number> {
  let exitCode: number = EXIT.ok;
  let verbose = argv.includes('--verbose');
  const program = new Command()
    .name('discern')
    .description('Classical classifiers and decision rules, composed by YAML pipelines')
    .version(discernVersion(), '-V, --version')
    .option('--verbose', 'print stack traces with errors (for bug reports)')
    .option('-q, --quiet', 'print nothing but errors and requested output')
    .configureOutput({ writeOut: (s) => output.out(s.trimEnd()), writeErr: (s) => output.err(s.trimEnd()) })
    .exitOverride()
    .showHelpAfterError('(run discern --help for usage)');

  program
    .command('run')
    .description('run a pipeline config; writes metrics.json, manifest.json, models and plots into the run folder')
    .argument('<config>', 'YAML pipeline config')
    .option('-o, --out <dir>', 'run folder (default: runs/<name>)')
    .option('-s, --set <key=value>', 'override a config key (repeatable), e.g. --set data.test=b.csv', collect, [])
    .option('-f, --force', 'replace --out even if it is a non-empty folder that is not a discern run')
    .option('--json', 'print the metrics as JSON on stdout instead of the summary')
    .action(async (config: string, opts: { out?: string; set: string[]; force?: boolean; json?: boolean }) => {
      const g = program.opts<GlobalOptions>();
      const log = g.quiet || opts.json ? () => {} : (line: string) => (g.verbose ? output.err(line) : undefined);
      const result = await runPipeline(config, {
        overrides: overridesFrom(opts.set),
        ...(opts.out !== undefined ? { outDir: opts.out } : {}),
        ...(opts.force ? { force: true } : {}),
        log,
      });
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

  program
    .command('validate')
    .description('check a config (YAML, keys, types, steps) without running it')
    .argument('<config>', 'YAML pipeline config')
    .option('-s, --set <key=value>', 'override a config key (repeatable)', collect, [])
    .action(async (config: string, opts: { set: string[] }) => {
      const { config: c } = await prepareConfig(config, { overrides: overridesFrom(opts.set) });
      if (!program.opts<GlobalOptions>().quiet) output.out(`${display(c.file)}: valid (${c.steps.length} steps: ${c.steps.map((s) => s.name).join(', ')})`);
    });

  program
    .command('schema')
    .description('print the JSON Schema of the config (for editors)')
    .action(() => {
      output.out(JSON.stringify(configJsonSchema(createRegistry()), null, 2));
    });

  program
    .command('plugins')
    .description('list the registered steps and their parameters')
    .option('--json', 'print as JSON')
    .action((opts: { json?: boolean }) => {
      const registry = createRegistry();
      const steps = registry.list().map((p) => {
        return { name: p.name, description: p.description, origin: registry.origin(p.name) ?? 'built-in', parameters: parameterList(p.schema) };
      });
      if (opts.json) {
        output.out(JSON.stringify(steps, null, 2));
        return;
      }
      for (const s of steps) {
        output.out(`${s.name}  (${s.origin})`);
        output.out(`  ${s.description}`);
        for (const p of s.parameters) output.out(`    ${p}`);
      }
    });

  program.addOption(new Option('--no-color', 'no colours').hideHelp());

  const onSignal = (signal: NodeJS.Signals) => {
    cleanupPartialRuns();
    output.err(`interrupted (${signal}): no partial run folder was left; the previous run, if any, is unchanged`);
    process.exit(signal === 'SIGINT' ? EXIT.sigint : EXIT.sigterm);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    verbose = Boolean(program.opts<GlobalOptions>().verbose);
  } catch (e) {
    if (e instanceof CommanderError) {
      exitCode = e.exitCode === 0 ? EXIT.ok : EXIT.user;
    } else {
      exitCode = reportError(e, output, verbose);
    }
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
  return exitCode;
}


/** One line per parameter: name, type, default and description, from the step's JSON Schema. */
function parameterList(schema: z.ZodType): string[] {
  const js = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, Record<string, unknown>>; anyOf?: unknown[]; oneOf?: unknown[] };
  const props = js.properties ?? {};
  const lines = Object.entries(props).map(([k, v]) => {
    const type = v.enum ? (v.enum as unknown[]).map((x) => JSON.stringify(x)).join(' | ') : (v.type as string | undefined) ?? 'value';
    const def = v.default !== undefined ? ` = ${JSON.stringify(v.default)}` : '';
    const desc = typeof v.description === 'string' ? `  — ${v.description}` : '';
    return `${k}: ${type}${def}${desc}`;
  });
  const variants = (js.oneOf ?? js.anyOf) as { properties?: Record<string, { const?: unknown }> }[] | undefined;
  if (variants) lines.push(`one of: ${variants.map((v) => JSON.stringify(v.properties?.model?.const ?? '?')).join(', ')} (see discern schema)`);
  return lines;
}
