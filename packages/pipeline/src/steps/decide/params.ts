import { z } from 'zod';
import { type PipelineConfig } from '../../config/load.js';

/**
 * Class-indexed parameters of `decide` (cost matrix, priors), given in class order or by class name. The sizes can
 * only be checked once the class names are known (at run time), so these checks throw coded errors that name the
 * config path, the expected K×K shape and the class names.
 */

export const costSchema = z
  .union([z.array(z.array(z.number())).min(1), z.record(z.string(), z.record(z.string(), z.number()))])
  .describe('cost[i][j]: the cost of deciding class i when class j is true; a K×K list in class order, or a map { decided: { true: cost } } by class name');

const sumsToOne = (p: readonly number[]) => Math.abs(p.reduce((a, b) => a + b, 0) - 1) <= 1e-6;

export const priorsSchema = z
  .union([z.array(z.number().min(0)).min(1), z.record(z.string(), z.number().min(0))])
  .refine((p) => sumsToOne(Array.isArray(p) ? p : Object.values(p)), {
    error: (iss) => `priors must sum to 1, got a sum of ${+(Array.isArray(iss.input) ? (iss.input as number[]) : Object.values(iss.input as Record<string, number>)).reduce((a, b) => a + b, 0).toPrecision(6)}`,
  })
  .describe('deployment priors: a list in class order, or a map by class name; they sum to 1');

/** Where the config's errors are located (file:line:col of the key). */
type Located = Pick<PipelineConfig, 'error'>;

function listClasses(classes: readonly string[]): string {
  return classes.map((c) => JSON.stringify(c)).join(', ');
}

function shape(classes: readonly string[]): string {
  const K = classes.length;
  return `a ${K}×${K} matrix cost[decided][true] with rows and columns in class order ${listClasses(classes)} (or a map by class name, e.g. { ${JSON.stringify(classes[0])}: { ${classes.map((c) => `${JSON.stringify(c)}: …`).join(', ')} }, … })`;
}

function byName<T>(map: Record<string, T>, classes: readonly string[], path: string, what: string, config: Located): T[] {
  for (const k of Object.keys(map))
    if (!classes.includes(k)) throw config.error(`${path}.${k}`, `is not a class; the ${what} is keyed by the classes ${listClasses(classes)}`);
  return classes.map((c) => {
    if (!(c in map)) throw config.error(path, `has no entry for class ${JSON.stringify(c)}; give one for each of ${listClasses(classes)}`);
    return map[c]!;
  });
}

/** The K×K cost matrix in class order from either config form. */
export function resolveCost(cost: z.output<typeof costSchema>, classes: readonly string[], path: string, config: Located): number[][] {
  const K = classes.length;
  const rows: unknown[] = Array.isArray(cost) ? cost : byName(cost, classes, path, 'cost matrix', config).map((row, i) => byName(row, classes, `${path}.${classes[i]}`, 'cost matrix row', config));
  if (rows.length !== K) throw config.error(path, `must be ${shape(classes)}; got ${rows.length} row${rows.length === 1 ? '' : 's'}`);
  return rows.map((row, i) => {
    const r = row as number[];
    if (r.length !== K) throw config.error(`${path}[${i}]`, `(decided class ${JSON.stringify(classes[i])}) must have ${K} entries, one per true class ${listClasses(classes)}; got ${r.length}. The whole matrix: ${shape(classes)}`);
    r.forEach((c, j) => {
      if (!Number.isFinite(c)) throw config.error(`${path}[${i}][${j}]`, `must be a finite number, got ${c}`);
    });
    return [...r];
  });
}

/** Priors in class order from either config form; checked to have K entries summing to 1. */
export function resolvePriors(priors: z.output<typeof priorsSchema>, classes: readonly string[], path: string, config: Located): number[] {
  const K = classes.length;
  const p = Array.isArray(priors) ? priors : byName(priors, classes, path, 'priors', config);
  if (p.length !== K) throw config.error(path, `must have ${K} entries, one per class in the order ${listClasses(classes)}; got ${p.length}`);
  const sum = p.reduce((a, b) => a + b, 0);
  if (Math.abs(sum - 1) > 1e-6) throw config.error(path, `must sum to 1 (priors of ${listClasses(classes)}); they sum to ${sum}`);
  return [...p];
}
