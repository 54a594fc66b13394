import { isAbsolute, resolve } from 'node:path';
import { DiscernError } from '@discern/core';
import type { Override } from '@discern/pipeline';

/**
 * Config keys holding file paths (or lists of them, globs included): given with --set they are relative to the
 * current directory, not the config. A path's segments joined by '.', list indices as '#'.
 */
const PATH_KEYS = new Set(['data.source', 'data.train', 'data.test', 'data.samples.#.path', 'steps.#.score.model', 'steps.#.score.data']);

/** The override's key with its indices as '#', and whether it names one element of a list of paths (data.source[1]). */
function pathKey(path: readonly (string | number)[]): { key: string; element: boolean } {
  const key = path.map((p) => (typeof p === 'number' ? '#' : p)).join('.');
  if (PATH_KEYS.has(key)) return { key, element: false };
  return { key: key.replace(/\.#$/, ''), element: key.endsWith('.#') };
}

/** A relative path (or each of a list of them) made absolute against the current directory; anything else as it is. */
function absolute(value: unknown): unknown {
  if (typeof value === 'string') return isAbsolute(value) ? value : resolve(value);
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'string' ? absolute(v) : v));
  return value;
}

/** `--set key=value` as typed → the pipeline's overrides (apart from cli-common, which must not load the pipeline). */
export async function overridesFrom(sets: readonly string[]): Promise<Override[]> {
  const { formatPath, parseOverride } = await import('@discern/pipeline');
  const seen = new Map<string, string>();
  return sets.map((s) => {
    const o = parseOverride(s);
    // The same key twice: which value was meant is not for us to guess.
    const at = formatPath(o.path);
    const first = seen.get(at);
    if (first !== undefined) throw new DiscernError('USAGE', `--set ${at} is given twice (${JSON.stringify(first)} and ${JSON.stringify(s)}); give it once`, { option: '--set', configPath: at });
    seen.set(at, s);
    const { key, element } = pathKey(o.path);
    if (PATH_KEYS.has(key) && (!element || typeof o.value === 'string')) return { ...o, value: absolute(o.value) };
    return o;
  });
}
