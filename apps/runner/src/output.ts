import { DiscernError, ioError, isDiscernError } from '@discern/core';
import { type PlainError } from './run-protocol.js';

/** Where the command writes: stdout for results, stderr for logs and errors (so --json output stays clean). */
export interface Output {
  out(line: string): void;
  err(line: string): void;
  readonly isTTY: boolean;
}

export const processOutput: Output = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  get isTTY() {
    return Boolean(process.stderr.isTTY);
  },
};

/** Exit codes: 0 success, 1 reproduce found drift, 2 a user error (config, data, arguments), 3 an internal error. */
export const EXIT = { ok: 0, drift: 1, user: 2, internal: 3, sigint: 130, sigterm: 143 } as const;

/** What a failed system call was doing, in words for `cannot <action> <path>`. */
const ACTIONS: Record<string, string> = {
  open: 'open',
  read: 'read',
  write: 'write',
  mkdir: 'create the folder',
  rmdir: 'remove',
  unlink: 'remove',
  rm: 'remove',
  rename: 'move',
  scandir: 'read the folder',
  opendir: 'read the folder',
  stat: 'use',
  lstat: 'use',
  access: 'use',
  copyfile: 'copy',
};

/**
 * A file-system error that escaped a library (`ENOTDIR` from a folder under a file, `ENAMETOOLONG`, `EACCES`...) is
 * about the user's paths and machine, not a bug: it becomes core's coded IO_ERROR naming the path. Node's own
 * programming errors (`ERR_...`) and anything else stay as they are.
 */
export function asUserError(e: unknown): unknown {
  if (isDiscernError(e) || !(e instanceof Error)) return e;
  const sys = e as NodeJS.ErrnoException;
  if (typeof sys.code !== 'string' || !/^E[A-Z0-9]+$/.test(sys.code) || typeof sys.syscall !== 'string') return e;
  const path = sys.path ?? (e as { dest?: string }).dest ?? '';
  return ioError(e, path, ACTIONS[sys.syscall] ?? sys.syscall);
}

/** A thrown value as plain data, to cross from the run's worker thread to the main thread. */
export function toPlainError(e: unknown): PlainError {
  const u = asUserError(e);
  if (u instanceof DiscernError) return u.toJSON();
  if (isDiscernError(u)) {
    // A DiscernError of another copy of core (a plugin's): the same fields, rebuilt so that its context is cloneable.
    const d = u as DiscernError;
    return DiscernError.fromJSON({ code: d.code, message: d.message, context: d.context ?? {}, ...(d.stack ? { stack: d.stack } : {}) }).toJSON();
  }
  const err = u instanceof Error ? u : new Error(String(u));
  return { message: err.message, ...(err.stack ? { stack: err.stack } : {}) };
}

/** The thrown value back from plain data: a DiscernError when it was one, else an Error (an internal error). */
export function fromPlainError(p: PlainError): Error {
  if (p.code !== undefined) return DiscernError.fromJSON({ code: p.code, message: p.message, ...(p.context ? { context: p.context } : {}), ...(p.stack ? { stack: p.stack } : {}) });
  const e = new Error(p.message);
  e.stack = p.stack ?? '';
  return e;
}

/** Prints an error once: coded and readable for a user's mistake; with --verbose, the stack for bug reports. */
export function reportError(thrown: unknown, output: Output, verbose: boolean): number {
  const e = asUserError(thrown);
  if (isDiscernError(e)) {
    output.err(`error ${e.code}: ${e.message}`);
    if (verbose && e.stack) output.err(e.stack);
    return EXIT.user;
  }
  const err = e instanceof Error ? e : new Error(String(e));
  output.err(`internal error: ${err.message}`);
  output.err(verbose ? (err.stack ?? '') : 'This is a bug in discern, not in your input. Re-run with --verbose and report the stack trace.');
  return EXIT.internal;
}
