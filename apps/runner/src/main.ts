import { Command, CommanderError } from 'commander';
import { DiscernError, discernVersion, removeTemporaries } from '@discern/core';
import { type GlobalOptions, collect, parseThreads } from './cli-common.js';
import { commands } from './commands/index.js';
import { Interrupted, type StopReason, STOP_EXIT, deliver, resetInterrupts } from './interrupt.js';
import { EXIT, type Output, processOutput, reportError } from './output.js';

/** Every option that takes one value refuses a second (`--out a --out b`): which one was meant is not for us to guess. */
function refuseRepeatedOptions(cmd: Command): void {
  for (const opt of cmd.options) {
    if (opt.isBoolean() || opt.variadic || opt.parseArg === collect) continue;
    let first: string | undefined;
    cmd.on(`option:${opt.name()}`, (value: string) => {
      if (first !== undefined)
        throw new DiscernError('USAGE', `${opt.long ?? opt.short} is given twice (${JSON.stringify(first)} and ${JSON.stringify(value)}); give it once`, { option: opt.long ?? opt.short });
      first = value;
    });
  }
}

let pipesWatched = false;
let onClosedPipe: () => void = () => {};

/**
 * `discern plugins | head -1`: the reader is gone, so the command ends quietly, as Unix tools do, instead of Node's
 * "Unhandled 'error' event ... EPIPE". Installed once and kept: the error may come after main() has returned.
 */
function watchClosedPipes(handler: () => void): void {
  onClosedPipe = handler;
  if (pipesWatched) return;
  pipesWatched = true;
  for (const stream of [process.stdout, process.stderr])
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') onClosedPipe();
      else throw e;
    });
}

/** The `discern` command: returns the exit code (0 ok, 1 drift, 2 user error, 3 internal error, 130/143 interrupted). */
export async function main(argv: readonly string[], output: Output = processOutput): Promise<number> {
  let exitCode: number = EXIT.ok;
  resetInterrupts();
  // The parser's own errors (unknown command or option, missing or extra argument) take the form of every other
  // user error: `error USAGE: ...`, exit 2.
  const parserOutput = {
    writeOut: (s: string) => output.out(s.trimEnd()),
    writeErr: (s: string) => output.err(s.trimEnd()),
    outputError: (s: string, write: (s: string) => void) => write(s.replace(/^error: /, 'error USAGE: ')),
  };
  const program = new Command()
    .name('discern')
    .description('Classical classifiers and decision rules, composed by YAML pipelines')
    .version(discernVersion(), '-V, --version')
    .option('--verbose', 'print stack traces with errors (for bug reports)')
    .option('-q, --quiet', 'print nothing but errors and requested output')
    .option('--threads <n>', 'threads for large fits (GMM, MLP, logistic regression; results do not depend on it). Default: DISCERN_THREADS, or the cores', (v) => parseThreads(v, '--threads'))
    .configureOutput(parserOutput)
    .exitOverride()
    .showHelpAfterError('(run discern --help for usage)');
  let command = 'discern';
  program.hook('preAction', (_, action) => void (command = `discern ${action.name()}`));
  const ctx = { program, output, setExitCode: (c: number) => void (exitCode = c) };
  for (const register of commands) register(ctx);
  refuseRepeatedOptions(program);
  for (const sub of program.commands) {
    sub.exitOverride().configureOutput(parserOutput);
    refuseRepeatedOptions(sub);
  }

  // Ctrl-C, SIGTERM and a closed stdout go to the work under way (interrupt.ts); a command that registered none
  // (score, export, init: their writes are atomic) removes its temporary files and ends here.
  const stop = (reason: StopReason) => {
    if (deliver(reason)) return;
    removeTemporaries();
    if (reason !== 'EPIPE') output.err(`interrupted (${reason}) during ${command}: no partial output was left`);
    // A pipe closed after the command finished keeps the code it finished with.
    process.exit(reason === 'EPIPE' ? Number(process.exitCode ?? 0) : STOP_EXIT[reason]);
  };
  const onSignal = (signal: NodeJS.Signals) => stop(signal === 'SIGINT' ? 'SIGINT' : 'SIGTERM');
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  if (output === processOutput) watchClosedPipes(() => stop('EPIPE'));
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (e) {
    if (e instanceof Interrupted) {
      const line = e.line();
      if (line) output.err(line);
      exitCode = e.exitCode;
    } else if (e instanceof CommanderError) {
      // --help and --version end with 0; `discern` alone prints the help as an error (commander's code 'commander.help').
      if (e.code === 'commander.help' && e.exitCode !== 0) output.err('error USAGE: no command given (run discern --help for usage)');
      exitCode = e.exitCode === 0 ? EXIT.ok : EXIT.user;
    } else exitCode = reportError(e, output, argv.includes('--verbose') || Boolean(program.opts<GlobalOptions>().verbose));
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
  return exitCode;
}
