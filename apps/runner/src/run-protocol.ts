/**
 * What the main thread of `discern run` and the worker thread that runs the pipeline (run-worker.ts) say to each
 * other: plain data, since it crosses a thread boundary by structured clone. Types only, no code, so that the main
 * thread does not load the pipeline to know them.
 */
import { type ErrorCode, type ErrorContext } from '@discern/core';

export interface RunRequest {
  readonly config: string;
  /** `--set key=value`, as typed (parsed in the worker, which has the pipeline loaded). */
  readonly sets: readonly string[];
  readonly outDir?: string;
  readonly force: boolean;
  /** Worker threads of the fits; undefined: the engine's default. */
  readonly threads?: number;
  /** Whether the main thread draws progress bars: the worker then reports progress, else it skips the work. */
  readonly progress: boolean;
  /** Whether the main thread prints the engine's log lines (--verbose). */
  readonly log: boolean;
}

export interface WorkerData {
  readonly request: RunRequest;
  /** The CancelFlag's shared memory: the main thread sets it on Ctrl-C, every long loop of the fit reads it. */
  readonly cancel: SharedArrayBuffer;
}

/** What the main thread prints of a finished run (the summary, or the metrics with --json). */
export interface RunSummary {
  readonly outDir: string;
  readonly name: string;
  readonly seed: number;
  readonly metrics: Record<string, unknown>;
  readonly data: string;
  readonly summary: readonly string[];
  readonly files: readonly string[];
}

export interface ProgressMessage {
  readonly phase: string;
  readonly step: number;
  readonly total: number;
  readonly value?: number;
}

/** A thrown value made plain: a DiscernError (code set) or anything else (a bug: printed as an internal error). */
export interface PlainError {
  readonly code?: ErrorCode;
  readonly message: string;
  readonly context?: ErrorContext;
  readonly stack?: string;
}

export type WorkerMessage =
  /** The config is valid and its inputs are safe from the output: where the run goes and its steps, by name. */
  | { readonly t: 'plan'; readonly out: string; readonly steps: readonly string[] }
  /** The temporary run folder exists: the main thread removes it if it must stop the worker. */
  | { readonly t: 'temporary'; readonly path: string }
  | { readonly t: 'step'; readonly index: number }
  | { readonly t: 'log'; readonly line: string; readonly notice: boolean }
  | { readonly t: 'bar'; readonly label: string }
  | { readonly t: 'progress'; readonly events: readonly ProgressMessage[] }
  | { readonly t: 'done'; readonly result: RunSummary }
  | { readonly t: 'error'; readonly error: PlainError };
