import { z } from 'zod';
import { formatPath } from './config/yaml-source.js';

/**
 * Figure tags. A step's result schema says what each figure in metrics.json is, and the lockfile holds it to the
 * tolerance of its kind — never guessed from the key's spelling:
 *
 * - `rate`: a figure on [0, 1] (or [−1, 1]): AUC, accuracy, an efficiency, a p-value → absolute tolerance 1e-6;
 * - `count`: a number of events, iterations, rows → exact (a weighted sum of events gets the value tolerance);
 * - `value`: any other number (a log-likelihood, a loss, a threshold, a statistic) → relative 1e-6, floor 1e-9;
 * - `label`: a string, boolean or null (a class name, a method, a flag) → equal.
 *
 * An interval is a `[lower, upper]` pair of its figure's kind. A number a schema does not tag (a plugin without a
 * result schema, a key the schema leaves open) is a `value`; anything else a `label`.
 */
export type FigureKind = 'rate' | 'count' | 'value' | 'label';

/**
 * Tags live in zod's global registry (shared by every copy of zod in a process, through globalThis), so that a
 * plugin's result schema is read the same way whichever copy of zod and of this package it imported.
 */
function tagOf(schema: z.ZodType): FigureKind | undefined {
  const f = (z.globalRegistry.get(schema) as { figure?: unknown } | undefined)?.figure;
  return f === 'rate' || f === 'count' || f === 'value' || f === 'label' ? f : undefined;
}

/** Any JavaScript number, NaN and ±Infinity included (JSON writes them as null), or null. */
const number = () => z.union([z.custom<number>((v) => typeof v === 'number', { message: 'expected a number' }), z.null()]);

function tagged<T extends z.ZodType>(schema: T, figure: FigureKind): T {
  return schema.meta({ figure }) as T;
}

export const fig = {
  rate: () => tagged(number(), 'rate'),
  count: () => tagged(number(), 'count'),
  value: () => tagged(number(), 'value'),
  label: () => tagged(z.union([z.string(), z.boolean(), z.null()]), 'label'),
  /** `[lower, upper]` of a figure of the given kind. */
  interval: (kind: 'rate' | 'value' = 'rate') => tagged(z.tuple([number(), number()]), kind),
  /** `{ value, interval: [lower, upper] }`, as every figure with an interval is written. */
  estimate: (kind: 'rate' | 'value' = 'rate') => z.object({ value: fig[kind](), interval: fig.interval(kind) }),
};

interface Def {
  readonly type: string;
  readonly shape?: Record<string, z.ZodType>;
  readonly catchall?: z.ZodType;
  readonly valueType?: z.ZodType;
  readonly element?: z.ZodType;
  readonly items?: readonly z.ZodType[];
  readonly rest?: z.ZodType | null;
  readonly innerType?: z.ZodType;
  readonly options?: readonly z.ZodType[];
  readonly in?: z.ZodType;
  readonly out?: z.ZodType;
  readonly getter?: () => z.ZodType;
}

function defOf(schema: z.ZodType): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

function leafKind(value: unknown, inherited: FigureKind | undefined): FigureKind {
  if (typeof value === 'number') return inherited && inherited !== 'label' ? inherited : 'value';
  return 'label';
}

/**
 * The kind of every leaf of `value`, by its metrics.json path (the lock's path notation: `auc`,
 * `confusion_matrix.counts[0][1]`, `tpr_at_fpr["0.01"]`), read from `schema` (undefined: every number a value).
 * `prefix` is the path of `value` itself in metrics.json.
 */
export function figureKinds(schema: z.ZodType | undefined, value: unknown, prefix: readonly (string | number)[] = []): Map<string, FigureKind> {
  const out = new Map<string, FigureKind>();
  const walk = (s: z.ZodType | undefined, v: unknown, path: (string | number)[], inherited: FigureKind | undefined): void => {
    const tag = s ? tagOf(s) : undefined;
    const kind = tag ?? inherited;
    const def = s ? defOf(s) : undefined;
    switch (def?.type) {
      case 'optional':
      case 'nullable':
      case 'default':
      case 'prefault':
      case 'readonly':
      case 'nonoptional':
      case 'catch':
        if (v !== null || def.type !== 'nullable') return walk(def.innerType, v, path, kind);
        break;
      case 'lazy':
        return walk(def.getter!(), v, path, kind);
      case 'pipe':
        return walk(def.in, v, path, kind);
      case 'union': {
        // The first branch that accepts the value describes it.
        const branch = def.options!.find((o) => o.safeParse(v).success);
        return walk(branch, v, path, kind);
      }
      default:
        break;
    }
    if (Array.isArray(v)) {
      v.forEach((x, i) => {
        const child = def?.type === 'array' ? def.element : def?.type === 'tuple' ? (def.items![i] ?? def.rest ?? undefined) : undefined;
        walk(child, x, [...path, i], kind);
      });
      return;
    }
    if (v !== null && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        const child = def?.type === 'object' ? (def.shape![k] ?? def.catchall) : def?.type === 'record' ? def.valueType : undefined;
        walk(child, x, [...path, k], kind);
      }
      return;
    }
    out.set(formatPath(path), leafKind(v, kind));
  };
  walk(schema, value, [...prefix], undefined);
  return out;
}
