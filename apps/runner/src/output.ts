import { isDiscernError } from '@discern/core';

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

/** Prints an error once: coded and readable for a user's mistake; with --verbose, the stack for bug reports. */
export function reportError(e: unknown, output: Output, verbose: boolean): number {
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
