import { totalmem } from 'node:os';
import { DiscernError, type ErrorContext, type MessageTemplate } from '@discern/core';

/**
 * The memory a fit may plan to use, checked before it allocates: a model too large for the machine is refused with
 * RESOURCE_LIMIT stating its size, the limit and what to change, instead of dying inside V8 ("Invalid typed array
 * length", "Array buffer allocation failed") or being killed by the system after minutes of swapping.
 *
 * The limit is the smaller of MEMORY_CAP_BYTES (16 GiB) and MEMORY_SHARE (half) of the machine's memory
 * (os.totalmem()). The fixed cap also keeps every single array of the plan below V8's largest typed array (2³²
 * elements, 32 GiB of doubles). Every estimator describes its fit as a list of parts (parameters, gradients,
 * optimiser state, per-batch activations, responsibilities, covariances...) sized from its options and the shape of
 * the data, and calls `checkMemory` with it before the first large allocation. The estimate counts what the fit
 * allocates itself, not the input matrix the caller already holds; fits whose tables are never larger than their
 * input (GaussianNB's and MultinomialNB's K×p tables, K ≤ n) have nothing to check.
 */
export const MEMORY_CAP_BYTES = 16 * 2 ** 30;

/** The share of the machine's memory (os.totalmem()) one fit may plan to use. */
export const MEMORY_SHARE = 0.5;

/**
 * The machine's memory, read once: os.totalmem() reads /proc/meminfo (on the development VM a median of ~40 µs, up to
 * ~0.1 ms, for a call after the process sat idle: a logistic fit on MAGIC takes ~7 ms), and the machine's memory does
 * not change while a process runs.
 */
let machineBytes: number | undefined;
function machineMemory(): number {
  return (machineBytes ??= totalmem());
}

/** The memory one fit may plan to use, in bytes: min(MEMORY_CAP_BYTES, MEMORY_SHARE × os.totalmem()). */
export function memoryLimitBytes(): number {
  return Math.min(MEMORY_CAP_BYTES, Math.floor(MEMORY_SHARE * machineMemory()));
}

/** One part of a fit's memory: what it is and its size in bytes. */
export type MemoryPart = readonly [what: string, bytes: number];

/** Bytes of `count` doubles (8 bytes each). */
export function doubles(count: number): number {
  return 8 * count;
}

/** Bytes of `count` 32-bit integers. */
export function ints(count: number): number {
  return 4 * count;
}

/** A byte count for people: 1.5 GiB, 320.0 MiB, 12 KiB. */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${Math.round(v)} bytes` : `${v >= 100 ? v.toFixed(0) : v.toFixed(1)} ${units[u]}`;
}

/**
 * Throws RESOURCE_LIMIT when the parts add up to more than memoryLimitBytes(): the message says the total, its
 * largest parts, the limit and how it is set, then `remedy` (a template, so that it can name options in the
 * caller's terms). `limit` is for tests.
 */
export function checkMemory(estimator: string, parts: readonly MemoryPart[], remedy: MessageTemplate, context: ErrorContext = {}, limit = memoryLimitBytes()): void {
  let total = 0;
  for (const [, b] of parts) total += b;
  if (!(total > limit)) return;
  const largest = [...parts].sort((a, b) => b[1] - a[1]).slice(0, 3);
  const detail = largest.map(([what, b]) => `${what} ${formatBytes(b)}`).join(', ');
  const how = limit === memoryLimitBytes() ? ` (the smaller of ${formatBytes(MEMORY_CAP_BYTES)} and half of this machine's ${formatBytes(machineMemory())})` : '';
  throw new DiscernError(
    'RESOURCE_LIMIT',
    (n) => `${estimator}: this model and its fit need about ${formatBytes(total)} of memory (${detail}), more than the limit of ${formatBytes(limit)}${how}; ${remedy(n)}`,
    { ...context, estimator, bytes: total, limitBytes: limit },
  );
}
