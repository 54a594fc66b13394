import { DiscernError } from '@discern/core';
import { parse as parseYaml } from 'yaml';
import { type ConfigPath, formatPath } from './yaml-source.js';

export interface Override {
  readonly path: ConfigPath;
  readonly value: unknown;
  /** As given on the command line, for messages and the manifest. */
  readonly raw: string;
}

const SEGMENT = /^([A-Za-z_][\w-]*)((?:\[\d+\])*)$/;
/** Keys that would reach an object's prototype rather than a config value. */
const FORBIDDEN = new Set(['__proto__', 'prototype', 'constructor']);

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
    if (FORBIDDEN.has(m[1]!))
      throw new DiscernError('CONFIG_INVALID', `--set ${key}: ${JSON.stringify(m[1])} is not a config key`, { arg });
    path.push(m[1]!);
    for (const idx of m[2]!.matchAll(/\[(\d+)\]/g)) path.push(Number(idx[1]));
  }
  let value: unknown;
  try {
    value = rawValue.trim() === '' ? '' : (parseYaml(rawValue, { logLevel: 'error' }) as unknown);
  } catch {
    value = rawValue; // not valid YAML: take it literally as a string
  }
  return { path, value, raw: arg };
}

/** Applies overrides to a plain config object (copied, not mutated), creating maps along the way. */
export function applyOverrides(config: unknown, overrides: readonly Override[]): unknown {
  const root: unknown = structuredClone(config ?? {});
  const kind = (v: unknown) => (Array.isArray(v) ? 'list' : v === null ? 'null' : typeof v);
  for (const o of overrides) {
    if (root === null || typeof root !== 'object')
      throw new DiscernError('CONFIG_INVALID', `--set ${formatPath(o.path)}: the config is a ${kind(root)}, not a map of keys`, { arg: o.raw });
    let node = root as Record<string | number, unknown>;
    for (let i = 0; i < o.path.length; i++) {
      const key = o.path[i]!;
      // a list takes an index, a map a name: steps.fit would otherwise set a property no one reads
      if (Array.isArray(node) !== (typeof key === 'number'))
        throw new DiscernError(
          'CONFIG_INVALID',
          `--set ${formatPath(o.path)}: ${i === 0 ? 'the config' : formatPath(o.path.slice(0, i))} is a ${Array.isArray(node) ? 'list: give an index, e.g. steps[0]' : 'map: give a key name, not an index'}`,
          { arg: o.raw },
        );
      if (i === o.path.length - 1) break;
      // An index inside the path must name an entry that exists: steps[99].fit.l2 on a list of 4 steps is a typo,
      // not a request to create 95 empty steps.
      if (Array.isArray(node) && typeof key === 'number' && key >= node.length)
        throw new DiscernError(
          'CONFIG_INVALID',
          `--set ${formatPath(o.path)}: ${formatPath(o.path.slice(0, i))} has ${node.length} entr${node.length === 1 ? 'y' : 'ies'} (${node.length > 0 ? `${formatPath([...o.path.slice(0, i), 0])} … ${formatPath([...o.path.slice(0, i), node.length - 1])}` : 'none'}); ${formatPath(o.path.slice(0, i + 1))} does not exist`,
          { arg: o.raw },
        );
      const next = Object.hasOwn(node, key) ? node[key] : undefined;
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
