import { Command, CommanderError } from 'commander';
import { DiscernError } from '@discern/core';
import { cleanupPartialRuns, discernVersion } from '@discern/pipeline';
import { type GlobalOptions } from './cli-common.js';
import { commands } from './commands/index.js';
import { EXIT, type Output, processOutput, reportError } from './output.js';

/** The `discern` command: returns the exit code (0 ok, 1 drift, 2 user error, 3 internal error). */
export async function main(argv: readonly string[], output: Output = processOutput): Promise<number> {
  let exitCode: number = EXIT.ok;
  const program = new Command()
    .name('discern')
    .description('Classical classifiers and decision rules, composed by YAML pipelines')
    .version(discernVersion(), '-V, --version')
    .option('--verbose', 'print stack traces with errors (for bug reports)')
    .option('-q, --quiet', 'print nothing but errors and requested output')
    .option('--threads <n>', 'threads for large fits (GMM, MLP, logistic regression; results do not depend on it). Default: DISCERN_THREADS, or the cores')
    .configureOutput({ writeOut: (s) => output.out(s.trimEnd()), writeErr: (s) => output.err(s.trimEnd()) })
    .exitOverride()
    .showHelpAfterError('(run discern --help for usage)');
  program.hook('preAction', () => {
    const t = program.opts<{ threads?: string }>().threads;
    if (t === undefined) return;
    if (!/^[1-9][0-9]*$/.test(t)) throw new DiscernError('INVALID_ARGUMENT', `--threads expects a whole number ≥ 1, got ${JSON.stringify(t)}`, { option: '--threads', value: t });
    process.env.DISCERN_THREADS = t;
  });
  const ctx = { program, output, setExitCode: (c: number) => void (exitCode = c) };
  for (const register of commands) register(ctx);
  for (const sub of program.commands) sub.exitOverride().configureOutput({ writeOut: (s) => output.out(s.trimEnd()), writeErr: (s) => output.err(s.trimEnd()) });

  const onSignal = (signal: NodeJS.Signals) => {
    cleanupPartialRuns();
    output.err(`interrupted (${signal}): no partial run folder was left; the previous run, if any, is unchanged`);
    process.exit(signal === 'SIGINT' ? EXIT.sigint : EXIT.sigterm);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) exitCode = e.exitCode === 0 ? EXIT.ok : EXIT.user;
    else exitCode = reportError(e, output, argv.includes('--verbose') || Boolean(program.opts<GlobalOptions>().verbose));
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
  return exitCode;
}
