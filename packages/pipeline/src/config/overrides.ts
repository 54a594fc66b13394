import { DiscernError } from '@discern/linalg';
import { parse as parseYaml } from 'yaml';
import { type ConfigPath, formatPath } from './yaml-source.js';

export interface Override {
  readonly path: ConfigPath;
  readonly value: unknown;
  /** As given on the command line, for messages and the manifest. */
  readonly raw: string;
}

const SEGMENT = /^([A-Za-z_][\w-]*)((?:\[\d+\])*)$/;

/**
 * Parses one `--set key=value`. The key is a dotted path with optional indices (`steps[2].fit.l2`); the value is
 * read as a YAML flow scalar or collection, so `3` is a number, `[a, b]` a list, `true` a boolean, and anything
 * else a string. Quote it (`'"007"'`) to force a string.
 */
export function parseOverride(arg: string): Override {
  const eq = arg.indexOf('=');
  if (eq <= 0)
    throw new DiscernError('CONFIG_INVALID', `--set expects key=value (e.g. --set data.test=b.csv or --set steps[1].fit.l2=0.1), got ${JSON.stringify(arg)}`, { arg });
  const key = arg.slice(0, eq).trim();
  const rawValue = arg.slice(eq + 1);
  const path: (string | number)[] = [];
  for (const seg of key.split('.')) {
    const m = SEGMENT.exec(seg);
    if (!m)
      throw new DiscernError('CONFIG_INVALID', `--set ${key}: ${JSON.stringify(seg)} is not a valid path segment; use names and [index], e.g. steps[2].fit.l2`, { arg });
    path.push(m[1]!);
    for (const idx of m[2]!.matchAll(/\[(\d+)\]/g)) path.push(Number(idx[1]));
  }
  let value: unknown;
  try {
    value = rawValue.trim() === '' ? '' : (parseYaml(rawValue) as unknown);
  } catch {
    value = rawValue; // not valid YAML: take it literally as a string
  }
  return { path, value, raw: arg };
}

/** Applies overrides to a plain config object (copied, not mutated), creating maps along the way. */
export function applyOverrides(config: unknown, overrides: readonly Override[]): unknown {
  const root: unknown = structuredClone(config ?? {});
  for (const o of overrides) {
    let node = root as Record<string | number, unknown>;
    for (let i = 0; i < o.path.length - 1; i++) {
      const key = o.path[i]!;
      const next = node[key];
      if (next === undefined || next === null) {
        const nextIsIndex = typeof o.path[i + 1] === 'number';
        if (nextIsIndex)
          throw new DiscernError('CONFIG_INVALID', `--set ${formatPath(o.path)}: ${formatPath(o.path.slice(0, i + 1))} is not a list in the config`, { arg: o.raw });
        node[key] = {};
      } else if (typeof next !== 'object') {
        throw new DiscernError('CONFIG_INVALID', `--set ${formatPath(o.path)}: ${formatPath(o.path.slice(0, i + 1))} is a ${typeof next}, not a map or list`, { arg: o.raw });
      }
      node = node[key] as Record<string | number, unknown>;
    }
    const last = o.path[o.path.length - 1]!;
    if (Array.isArray(node) && typeof last === 'number' && last > node.length)
      throw new DiscernError('CONFIG_INVALID', `--set ${formatPath(o.path)}: index ${last} is past the end of a list of ${node.length}`, { arg: o.raw });
    node[last] = o.value;
  }
  return root;
}
