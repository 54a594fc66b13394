import { DiscernError } from '@discern/core';
import { type RegisterCommand } from '../cli-common.js';

/** `--workers` as typed → a count ≥ 1 (the command uses at most one per config). */
function parseWorkers(value: string): number {
  const n = /^\s*[0-9]+\s*$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < 1) throw new DiscernError('INVALID_ARGUMENT', `--workers must be a positive integer, got ${JSON.stringify(value)}`, { option: '--workers', value });
  return n;
}

export const registerReproduce: RegisterCommand = (ctx) => {
  ctx.program
    .command('reproduce')
    .description('re-run configs (default: every config under configs/ beside the lock) and compare their metrics and artifacts with the lockfile')
    .argument('[configs...]', 'configs to re-run (default: every configs/**/*.yaml beside the lock)')
    .option('--lock <file>', 'the lockfile', 'discern.lock.json')
    .option('--update', 'rewrite the lock entries of the configs run (keeping edited tolerances) and print what changed')
    .option('-j, --workers <n>', 'configs run at once, each in its own process (default: the available cores, at most one per config)', parseWorkers)
    .option('--json', 'print the result as JSON on stdout')
    .addHelpText(
      'after',
      `
Exit codes: 0 every figure within its tolerance (or the lock was updated), 1 drift, 2 a config failed or bad arguments.
A metric passes when |got - locked| <= max(abs, rel * |locked|); counts and labels must be equal. Tolerances are
stored per metric in the lock and may be edited there; --update keeps them. Artifact hashes (metrics.json,
models/*.json, scores/*.csv) must be identical when the platform and Node version match the lock's.`,
    )
    .action(async (configs: string[], opts: { lock: string; update?: boolean; workers?: number; json?: boolean }) => {
      // The pipeline is loaded only when the command runs.
      const { reproduce } = await import('./reproduce-run.js');
      await reproduce(ctx, configs, opts);
    });
};
