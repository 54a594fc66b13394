import { relative } from 'node:path';
import { type Command } from 'commander';
import { DiscernError } from '@discern/core';
import { type Output } from './output.js';

/** commander collector for repeatable options. */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** A path as the user would like to read it: relative to the current directory when inside it. */
export function display(p: string): string {
  const r = relative(process.cwd(), p);
  return r.startsWith('..') ? p : r || '.';
}

export interface GlobalOptions {
  verbose?: boolean;
  quiet?: boolean;
}

/** What each command module gets: the root program (for global options) and where to write. */
export interface CommandContext {
  readonly program: Command;
  readonly output: Output;
  /** Sets the process exit code (e.g. 1 for drift in `reproduce`). */
  setExitCode(code: number): void;
}

export type RegisterCommand = (ctx: CommandContext) => void;

export function globals(ctx: CommandContext): GlobalOptions {
  return ctx.program.opts<GlobalOptions>();
}

/**
 * Threads are capped far above any machine's useful count (a fit uses at most a few: its rows are summed in at most
 * 8 chunks) but low enough that a typo like 80000 is caught rather than starting thousands of threads.
 */
export const MAX_THREADS = 256;

/** `--threads` or DISCERN_THREADS as typed → a count, or a coded error naming where it came from. */
export function parseThreads(value: string, what: '--threads' | 'DISCERN_THREADS'): number {
  const n = /^\s*[0-9]+\s*$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < 1 || n > MAX_THREADS)
    throw new DiscernError('INVALID_ARGUMENT', `${what} must be a positive integer from 1 to ${MAX_THREADS} (1 turns worker threads off), got ${JSON.stringify(value)}`, {
      option: what,
      value,
    });
  return n;
}

/**
 * The thread count a command passes on explicitly (to the engine, to its child runs): --threads, else
 * DISCERN_THREADS, checked before any work; undefined leaves the default (the cores, at most 8) to the engine.
 */
export function threadsOf(ctx: CommandContext): number | undefined {
  const t = ctx.program.opts<{ threads?: number }>().threads;
  if (t !== undefined) return t;
  const env = process.env.DISCERN_THREADS;
  return env === undefined || env === '' ? undefined : parseThreads(env, 'DISCERN_THREADS');
}
