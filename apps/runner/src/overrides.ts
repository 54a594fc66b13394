import { isAbsolute, resolve } from 'node:path';
import type { Override } from '@discern/pipeline';

/** Config keys holding file paths: given with --set they are relative to the current directory, not the config. */
const PATH_KEYS = new Set(['data.source', 'data.train', 'data.test']);

/** `--set key=value` as typed → the pipeline's overrides (apart from cli-common, which must not load the pipeline). */
export async function overridesFrom(sets: readonly string[]): Promise<Override[]> {
  const { parseOverride } = await import('@discern/pipeline');
  return sets.map((s) => {
    const o = parseOverride(s);
    const key = o.path.join('.');
    if (PATH_KEYS.has(key) && typeof o.value === 'string' && !isAbsolute(o.value)) return { ...o, value: resolve(o.value) };
    return o;
  });
}
