import { type CancelSignal, DiscernError, defaultThreads, interruptedError } from '@discern/core';
import { type FitOptions } from './estimator.js';

/**
 * Cancellation points and the thread count of a fit, shared by every estimator (see "Cancellation" in estimator.ts).
 *
 * A fit runs synchronously, so it can only stop where its own loop looks: the shared loops look once per unit of work
 * that takes at most milliseconds on the data sets discern is built for (an EM iteration, a restart, an L-BFGS
 * evaluation, a gradient-descent epoch, an MLP mini-batch, a k-means iteration or seed), and throw INTERRUPTED saying
 * where: "SIGINT: stopped gmm at EM iteration 12 of restart 2". A fit commits its fitted state only after its last
 * loop, so an interrupted estimator keeps what it had before (unfitted, or its previous fit).
 */
export interface Cancellation {
  readonly signal: CancelSignal | undefined;
  /** Says what stopped where: at('EM iteration 12') → 'gmm at EM iteration 12 of restart 2'. */
  readonly at: (place: string) => string;
}

/** A cancellation for an estimator's whole fit: 'kind at place'. */
export function fitCancellation(options: FitOptions | undefined, kind: string): Cancellation {
  return { signal: options?.signal, at: (place) => `${kind} at ${place}` };
}

/** The same cancellation, saying more after the place: within(c, 'of restart 2'). */
export function within(c: Cancellation, suffix: string): Cancellation {
  return { signal: c.signal, at: (place) => `${c.at(place)} ${suffix}` };
}

/**
 * Throws INTERRUPTED when the signal is set: the one check every long loop makes. `place` is built only then (pass a
 * function in a hot loop). A load of one shared-memory cell otherwise.
 */
export function checkpoint(c: Cancellation | undefined, place: string | (() => string)): void {
  const s = c?.signal;
  if (s?.aborted) throw interruptedError(c!.at(typeof place === 'string' ? place : place()), s.reason);
}

/** The check at the top of every fit: a signal already set stops it before any work. */
export function checkNotCancelled(options: FitOptions | undefined, kind: string): void {
  const s = options?.signal;
  if (s?.aborted) throw interruptedError(`${kind} before it started`, s.reason);
}

/**
 * Threads for one fit: FitOptions.threads when given (the caller's choice for this fit, e.g. the command's
 * --threads), else the estimator's own `threads` option, else defaultThreads() (DISCERN_THREADS, or the cores).
 * Results never depend on it.
 */
export function fitThreads(options: FitOptions | undefined, own: number | undefined, estimator: string): number {
  const t = options?.threads;
  if (t === undefined) return own ?? defaultThreads();
  if (typeof t !== 'number' || !Number.isInteger(t) || t < 1)
    throw new DiscernError('INVALID_ARGUMENT', (n) => `${estimator}: ${n.option('threads')} must be a positive integer (1 keeps the fit on the calling thread), got ${String(t)}`, {
      estimator,
      option: 'threads',
      value: t,
    });
  return t;
}
