import { type Naming } from '@discern/core';

/**
 * An option path in the caller's terms: the option's own name goes through `n.option` and the rest (an index, a
 * field) is kept, so 'init.means' reads 'steps[1].fit.init.means' and 'nCategories[2]' reads
 * 'steps[0].fit.n_categories[2]' once the pipeline renames options to config keys.
 */
export function optionPath(n: Naming, path: string): string {
  const m = /^([A-Za-z_$][\w$]*)(.*)$/s.exec(path);
  return m ? `${n.option(m[1]!)}${m[2]}` : path;
}

/** The option's own name in a path ('init.means' → 'init'), for an error's context. */
export function optionBase(path: string): string {
  const m = /^([A-Za-z_$][\w$]*)/.exec(path);
  return m ? m[1]! : path;
}
