import { DiscernError } from '@discern/core';
import { z } from 'zod';

/**
 * Class-indexed parameters of `decide` (cost matrix, priors), given in class order or by class name. The sizes can
 * only be checked once the class names are known (at run time), so these checks throw coded errors that name the
 * config path, the expected K×K shape and the class names.
 */

export const costSchema = z
  .union([z.array(z.array(z.number())).min(1), z.record(z.string(), z.record(z.string(), z.number()))])
  .describe('cost[i][j]: the cost of deciding class i when class j is true; a K×K list in class order, or a map { decided: { true: cost } } by class name');

export const priorsSchema = z
  .union([z.array(z.number().min(0)).min(1), z.record(z.string(), z.number().min(0))])
  .describe('deployment priors: a list in class order, or a map by class name; they sum to 1');

function configError(path: string, message: string, value: unknown): DiscernError {
  return new DiscernError('CONFIG_INVALID', `${path} ${message}`, { path, value });
}

function listClasses(classes: readonly string[]): string {
  return classes.map((c) => JSON.stringify(c)).join(', ');
}

function shape(classes: readonly string[]): string {
  const K = classes.length;
  return `a ${K}×${K} matrix cost[decided][true] with rows and columns in class order ${listClasses(classes)} (or a map by class name, e.g. { ${JSON.stringify(classes[0])}: { ${classes.map((c) => `${JSON.stringify(c)}: …`).join(', ')} }, … })`;
}

function byName<T>(map: Record<string, T>, classes: readonly string[], path: string, what: string): T[] {
  for (const k of Object.keys(map))
    if (!classes.includes(k)) throw configError(`${path}.${k}`, `is not a class; the ${what} is keyed by the classes ${listClasses(classes)}`, k);
  return classes.map((c) => {
    if (!(c in map)) throw configError(path, `has no entry for class ${JSON.stringify(c)}; give one for each of ${listClasses(classes)}`, map);
    return map[c]!;
  });
}

/** The K×K cost matrix in class order from either config form. */
export function resolveCost(cost: z.output<typeof costSchema>, classes: readonly string[], path: string): number[][] {
  const K = classes.length;
  const rows: unknown[] = Array.isArray(cost) ? cost : byName(cost, classes, path, 'cost matrix').map((row, i) => byName(row, classes, `${path}.${classes[i]}`, 'cost matrix row'));
  if (rows.length !== K) throw configError(path, `must be ${shape(classes)}; got ${rows.length} row${rows.length === 1 ? '' : 's'}`, cost);
  return rows.map((row, i) => {
    const r = row as number[];
    if (r.length !== K) throw configError(`${path}[${i}]`, `(decided class ${JSON.stringify(classes[i])}) must have ${K} entries, one per true class ${listClasses(classes)}; got ${r.length}. The whole matrix: ${shape(classes)}`, row);
    r.forEach((c, j) => {
      if (!Number.isFinite(c)) throw configError(`${path}[${i}][${j}]`, `must be a finite number, got ${c}`, c);
    });
    return [...r];
  });
}

/** Priors in class order from either config form; checked to have K entries summing to 1. */
export function resolvePriors(priors: z.output<typeof priorsSchema>, classes: readonly string[], path: string): number[] {
  const K = classes.length;
  const p = Array.isArray(priors) ? priors : byName(priors, classes, path, 'priors');
  if (p.length !== K) throw configError(path, `must have ${K} entries, one per class in the order ${listClasses(classes)}; got ${p.length}`, priors);
  const sum = p.reduce((a, b) => a + b, 0);
  if (Math.abs(sum - 1) > 1e-6) throw configError(path, `must sum to 1 (priors of ${listClasses(classes)}); they sum to ${sum}`, priors);
  return [...p];
}
