/**
 * Signals and a closed stdout, for the whole command. The main thread of `discern` never runs a fit (`run` fits in a
 * worker thread, `reproduce` in child processes), so it is always free to receive Ctrl-C: `main` sends every SIGINT
 * and SIGTERM here, and the command under way (if it registered a `Stoppable`) stops its work, cleans up and ends by
 * throwing `Interrupted`, which `main` prints as one line before it exits 130 or 143. A command that registered
 * nothing has nothing running that needs stopping: its tracked temporary files are removed and the process exits.
 */
export type StopReason = 'SIGINT' | 'SIGTERM' | 'EPIPE';

/** The exit code for each reason: 128 + the signal's number, as shells report it; 0 for a closed stdout (`| head`). */
export const STOP_EXIT: Record<StopReason, number> = { SIGINT: 130, SIGTERM: 143, EPIPE: 0 };

/**
 * Thrown by a command that stopped because of a signal, after its cleanup: `main` prints `line()` (nothing for a
 * closed stdout, where nobody reads) and exits with `exitCode`.
 */
export class Interrupted extends Error {
  constructor(
    readonly reason: StopReason,
    /** What was stopped and what it left: `during step 3 (fit mlp): nothing was written; runs/x is unchanged`. */
    readonly what: string,
  ) {
    super(`interrupted (${reason}) ${what}`);
    this.name = 'Interrupted';
  }

  get exitCode(): number {
    return STOP_EXIT[this.reason];
  }

  line(): string | undefined {
    return this.reason === 'EPIPE' ? undefined : this.message;
  }
}

/** Work that can be told to stop: `count` is 1 for the first signal, 2 or more for a repeated one (stop at once). */
export interface Stoppable {
  stop(reason: StopReason, count: number): void;
}

let current: Stoppable | undefined;
let count = 0;

/** Runs `work` with `stoppable` receiving the signals that arrive meanwhile. */
export async function interruptible<T>(stoppable: Stoppable, work: () => Promise<T>): Promise<T> {
  const previous = current;
  current = stoppable;
  try {
    return await work();
  } finally {
    current = previous;
  }
}

/**
 * Passes a signal (or a closed stdout) to the work under way; returns false when there is none, so that the caller
 * removes what the command wrote and exits itself.
 */
export function deliver(reason: StopReason): boolean {
  count++;
  if (!current) return false;
  current.stop(reason, count);
  return true;
}

/** For main(), which may be called more than once in one process (tests): forget the signals of a previous call. */
export function resetInterrupts(): void {
  current = undefined;
  count = 0;
}
