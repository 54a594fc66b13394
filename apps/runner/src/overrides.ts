import { isAbsolute, resolve } from 'node:path';
import { DiscernError } from '@discern/core';
import type { Override } from '@discern/pipeline';

/** Config keys holding file paths: given with --set they are relative to the current directory, not the config. */
const PATH_KEYS = new Set(['data.source', 'data.train', 'data.test']);

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
    const key = o.path.join('.');
    if (PATH_KEYS.has(key) && typeof o.value === 'string' && !isAbsolute(o.value)) return { ...o, value: resolve(o.value) };
    return o;
  });
}
