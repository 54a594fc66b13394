import { isAbsolute, relative, resolve } from 'node:path';
import { type Command } from 'commander';
import { type Override, parseOverride } from '@discern/pipeline';
import { type Output } from './output.js';

/** Config keys holding file paths: given with --set they are relative to the current directory, not the config. */
const PATH_KEYS = new Set(['data.source', 'data.train', 'data.test']);

export function overridesFrom(sets: readonly string[]): Override[] {
  return sets.map((s) => {
    const o = parseOverride(s);
    const key = o.path.join('.');
    if (PATH_KEYS.has(key) && typeof o.value === 'string' && !isAbsolute(o.value)) return { ...o, value: resolve(o.value) };
    return o;
  });
}

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
